from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CivportalConfig(AppConfig):
    """The project package as an app: form submission tokens, the orphan-file sweep."""

    name = "civportal"
    default = True


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site: signing in goes through allauth."""

    default = False
    default_site = "civportal.admin.PortalAdminSite"
