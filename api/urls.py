from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import open_views, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("communities", views.CommunityViewSet, basename="community")
router.register("stage-changes", views.StageChangeViewSet, basename="stage-change")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("indicator-values", views.IndicatorValueViewSet, basename="indicator-value")
router.register("indicator-targets", views.IndicatorTargetViewSet, basename="indicator-target")
router.register("fiscal-year-targets", views.FiscalYearTargetViewSet, basename="fiscal-year-target")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("mous", views.MOUViewSet, basename="mou")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("sessions", views.TrainingSessionViewSet, basename="session")
router.register("products", views.ProductViewSet, basename="product")
router.register("enquiries", views.EnquiryViewSet, basename="enquiry")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("open/products", open_views.OpenProductViewSet, basename="open-product")
router.register("open/communities", open_views.OpenCommunityViewSet, basename="open-community")

urlpatterns = [
    path("open/products.csv", open_views.products_csv, name="open-products-csv"),
    path("open/communities.csv", open_views.communities_csv, name="open-communities-csv"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("", include(router.urls)),
]
