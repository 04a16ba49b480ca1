"""The portal's URLs plus ``/bench/hello/``, the hello-world baseline of bench/load.py."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from civportal.urls import urlpatterns as portal_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


def count_queries(get_response):
    """Middleware: ``X-Bench-Queries`` is the number of SQL statements the request ran."""

    def middleware(request):
        executed = 0

        def counter(execute, sql, params, many, context):
            nonlocal executed
            executed += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = get_response(request)
        response["X-Bench-Queries"] = str(executed)
        return response

    return middleware


urlpatterns = [path("bench/hello/", hello), *portal_urlpatterns]
