"""The portal's URLs plus two views that fail, for the 500 and 503 page tests."""

from django.db import OperationalError
from django.urls import path

from civportal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


urlpatterns = [
    path("test-broken/", broken),
    path("test-database-down/", database_down),
    *portal_urlpatterns,
]
