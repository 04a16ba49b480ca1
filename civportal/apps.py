from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site: signing in goes through allauth."""

    default_site = "civportal.admin.PortalAdminSite"
