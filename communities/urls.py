from django.urls import path

from . import views

urlpatterns = [
    path("", views.community_list, name="community_list"),
    path("<int:pk>/", views.community_detail, name="community_detail"),
    path("<int:pk>/edit/", views.community_edit, name="community_edit"),
]
