from django.contrib import admin
from django.urls import include, path

from accounts.views import accept_invitation_view, profile_session_end, profile_view

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/profile/", profile_view, name="profile"),
    path(
        "accounts/profile/sessions/<int:pk>/end/", profile_session_end, name="profile_session_end"
    ),
    path("accounts/", include("allauth.urls")),
    path("invite/<str:token>/", accept_invitation_view, name="accept_invitation"),
    path("people/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("communities/", include("communities.urls")),
    path("mous/", include("mentorship.urls")),
    path("training/", include("mentorship.training_urls")),
    path("products/", include("products.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("outbox/", include("outbox.urls")),
    path("api/v1/", include("api.urls")),
    path("accounts/tokens/", include("api.token_urls")),
    # The public site (home, catalogue, communities, sitemap) answers at the root.
    path("", include("products.public_urls")),
]

# Nothing under MEDIA_ROOT has an address of its own, in any environment (DEBUG included):
# every uploaded file is looked up by its row, in the reader's scope, and leaves through
# civportal.files.serve_file (photo, MOU, material, report and visit-photo views).
