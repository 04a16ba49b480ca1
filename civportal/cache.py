"""Redis as the cache, with PostgreSQL standing in while Redis is down or hung.

Sign-in rate limits (allauth), the buyers' enquiry limit and the import stash live in the
cache. If the cache simply failed, sign-in would answer 500; if it failed open, anyone
could guess passwords without limit while Redis is away. So every call that Redis cannot
answer within its short socket timeout goes to a database cache instead, and for the
next ``FALLBACK_SECONDS`` the process does not even try Redis (``Circuit``), so a hung
Redis costs one request about a second, not every request.

Counters kept in the fallback while Redis is away are separate from Redis's: after an
outage an attacker may get one more window's worth of attempts, never unlimited ones.
"""

import functools

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from civportal.jobs import Circuit

REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
FALLBACK_ALIAS = "fallback"
FALLBACK_SECONDS = 15

cache_circuit = Circuit("cache", cooldown=FALLBACK_SECONDS)


def _with_fallback(name):
    primary = getattr(RedisCache, name)

    @functools.wraps(primary)
    def method(self, *args, **kwargs):
        if not cache_circuit.is_open:
            try:
                return primary(self, *args, **kwargs)
            except REDIS_ERRORS as error:
                cache_circuit.trip(error)
        return getattr(caches[FALLBACK_ALIAS], name)(*args, **kwargs)

    return method


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; each operation falls back to the ``fallback`` cache on failure."""

    add = _with_fallback("add")
    get = _with_fallback("get")
    set = _with_fallback("set")
    touch = _with_fallback("touch")
    delete = _with_fallback("delete")
    get_many = _with_fallback("get_many")
    has_key = _with_fallback("has_key")
    incr = _with_fallback("incr")
    set_many = _with_fallback("set_many")
    delete_many = _with_fallback("delete_many")
    clear = _with_fallback("clear")


def forget(keys) -> None:
    """Delete these keys now and again once the transaction commits (a reader in between
    may have kept the values of before the change)."""
    from django.core.cache import cache
    from django.db import transaction

    keys = list(set(keys))
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


class Generation:
    """A cache generation: keys built with ``current()`` are used until a watched model
    changes (``watch``), after which the next read computes afresh; keys of older
    generations expire on their own (give them a timeout)."""

    def __init__(self, name: str):
        self.key = f"{name}:generation"
        self._receivers = []  # changed_if's receivers, held here: signals hold them weakly

    def current(self) -> str:
        from django.core.cache import cache

        return cache.get(self.key) or "0"

    def renew(self, **_kwargs) -> None:
        import uuid

        from django.core.cache import cache

        cache.set(self.key, uuid.uuid4().hex, None)

    def changed(self, *_args, **_kwargs) -> None:
        """Renew now (later reads in the same transaction see the change) and again once
        the transaction commits (a reader that kept the values of before meanwhile had
        them under the generation now left behind)."""
        from django.db import transaction

        self.renew()
        transaction.on_commit(self.renew)

    def changed_if(self, fields: set[str]):
        """A receiver renewing after a save that may touch ``fields`` (one that names
        none of them, such as a sign-in saving ``last_login``, changes nothing kept) and
        after every delete."""

        def changed(sender, update_fields=None, **kwargs):
            if update_fields is None or fields & set(update_fields):
                self.changed()

        self._receivers.append(changed)
        return changed

    def watch(self, *models, receiver=None) -> None:
        """Renew after every save or delete of ``models`` (once the transaction commits);
        ``receiver(sender, **kwargs)`` may stand in to ignore some saves."""
        from django.db.models.signals import post_delete, post_save

        for model in models:
            uid = f"{self.key}:{model._meta.label}"
            post_save.connect(receiver or self.changed, sender=model, dispatch_uid=f"{uid}:s")
            post_delete.connect(receiver or self.changed, sender=model, dispatch_uid=f"{uid}:d")
