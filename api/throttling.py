"""One rate per personal access token (and per signed-in person, and per address for the
open data), counted in the cache (Redis, with the database fallback of civportal.cache)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from products.public_views import client_address

from .models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    scope = "token"

    def allow_request(self, request, view):
        # The rate depends on who asks: set it per request, before counting.
        self.scope = "token" if request.user.is_authenticated else "anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        # Read when asked, not when the class was made: a changed setting counts.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{client_address(request)}"
        return f"api-throttle:{self.scope}:{ident}"
