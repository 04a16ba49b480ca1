import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .forms import AlreadySubmitted
from .text import has_control_characters

logger = logging.getLogger(__name__)


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Thai unless the person chose otherwise.

    Many Thai users' browsers and phones send ``Accept-Language: en-US``, so the header
    is not asked: the language switch's cookie decides, then the signed-in user's
    preference, then Thai.
    """

    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            user = getattr(request, "user", None)
            preferred = getattr(user, "preferred_language", None) if user else None
            language = preferred if preferred in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class AlreadySubmittedMiddleware:
    """A create form posted again (double click, resent POST) leads to what the first made.

    Raised by civportal.forms.save_once from any create view, answered here in one place.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AlreadySubmitted):
            return None
        messages.info(
            request, _("This form had already been sent and was saved once. Here is the result.")
        )
        return redirect(exception.url)


class RefuseControlCharactersMiddleware:
    """A control character in the address answers 400 before any view runs.

    No link or form of the portal puts one there, and views hand query values to the
    database, which cannot store NUL: ``?province=%00`` on the geography pickers was a
    500. One check here covers every parameter of every view, present and future.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path_info) or any(
            has_control_characters(text, multiline=True)
            for key, values in request.GET.lists()
            for text in (key, *values)
        ):
            raise BadRequest("control character in the address")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer 503 with a page that says so.

    A PostgreSQL restart or fail-over lasts seconds and a transaction that lost a
    serialization race can simply be tried again: "briefly unavailable, try again" with
    Retry-After is true for both, where a 500 reads as a broken portal. The error still
    goes to the log.
    """

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", request.path, exc_info=exception)
        # Rendered without the request: its context processors would ask the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
