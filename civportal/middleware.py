from django.conf import settings
from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from .forms import AlreadySubmitted


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
