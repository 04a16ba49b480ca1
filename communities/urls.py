from django.urls import path

from . import views

urlpatterns = [
    path("", views.community_list, name="community_list"),
    path("new/", views.community_create, name="community_create"),
    path("map/", views.community_map, name="community_map"),
    path("import/", views.community_import, name="community_import"),
    path("import/confirm/", views.community_import_confirm, name="community_import_confirm"),
    path("geo/districts/", views.geo_districts, name="geo_districts"),
    path("geo/subdistricts/", views.geo_subdistricts, name="geo_subdistricts"),
    path("<int:pk>/", views.community_detail, name="community_detail"),
    path("<int:pk>/edit/", views.community_edit, name="community_edit"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visit-photos/<int:pk>/", views.visit_photo, name="visit_photo"),
    path("<int:pk>/stage/", views.stage_move, name="stage_move"),
    path("<int:pk>/indicators/", views.indicator_targets, name="indicator_targets"),
    path("<int:pk>/history/", views.community_history_view, name="community_history"),
]
