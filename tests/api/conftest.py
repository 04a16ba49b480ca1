import pytest


@pytest.fixture(autouse=True)
def fresh_api_rates():
    """Request counts of earlier tests (one address for every anonymous test) start at 0."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=cache.make_key("api-throttle:*")):
        client.delete(key)
