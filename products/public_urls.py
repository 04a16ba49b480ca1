"""The public site, mounted at the site root (see civportal/urls.py)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.cache import cache_control

from . import public_views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", public_views.home, name="public_home"),
    path("catalogue/", public_views.catalogue_page, name="public_catalogue"),
    path("c/", public_views.community_list, name="public_communities"),
    path("c/<int:pk>/", public_views.community_detail, name="public_community"),
    path("p/<int:pk>/", public_views.product_detail, name="public_product"),
    path("p/<int:pk>/enquire/", public_views.enquiry, name="public_enquiry"),
    path("p/<int:pk>/enquire/sent/", public_views.enquiry_sent, name="public_enquiry_sent"),
    path("photos/product/<int:pk>/<slug:size>/", public_views.product_photo, name="product_photo"),
    path("photos/community/<int:pk>/", public_views.community_photo, name="community_photo"),
    path("lang/<slug:code>/", public_views.set_language, name="public_set_language"),
    path(
        "sitemap.xml",
        cache_control(public=True, max_age=3600)(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
]
