from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path

from accounts.views import accept_invitation_view

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("invite/<str:token>/", accept_invitation_view, name="accept_invitation"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("communities/", include("communities.urls")),
    path("mous/", include("mentorship.urls")),
    path("training/", include("mentorship.training_urls")),
    path("products/", include("products.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("outbox/", include("outbox.urls")),
    # The public site (home, catalogue, communities, sitemap) answers at the root.
    path("", include("products.public_urls")),
]

# Photos shown on the public site (already cleaned, EXIF stripped) are public files in every
# environment. Everything else under MEDIA_ROOT (visit photos, signed MOUs, materials,
# reports) is served only through views that check scope, so production never exposes it.
PUBLIC_MEDIA = r"^media/(?P<path>(?:products|communities)/[^?#]+)$"
urlpatterns.insert(
    0,
    re_path(PUBLIC_MEDIA, views.public_media, name="public_media"),
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
