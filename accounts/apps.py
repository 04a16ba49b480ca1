from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import notices, selectors  # noqa: F401  (selectors: forget_province_codes)
        from .mfa import remember_at_sign_in

        user_logged_in.connect(remember_at_sign_in, dispatch_uid="accounts.remember_at_sign_in")
        notices.connect()
