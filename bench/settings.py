"""Settings of the load bench's gunicorn: the portal's own (production when CIV_ENV says so),
plus a hello-world view for the baseline and a header counting each request's SQL queries.

Used only by bench/load.py (DJANGO_SETTINGS_MODULE=bench.settings); nothing ships it.
"""

from civportal.settings import *  # noqa: F403
from civportal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.urls.count_queries", *MIDDLEWARE]
