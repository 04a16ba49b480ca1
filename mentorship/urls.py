from django.urls import path

from . import views

urlpatterns = [
    path("", views.mou_list, name="mou_list"),
    path("<int:pk>/", views.mou_detail, name="mou_detail"),
    path("<int:pk>/edit/", views.mou_edit, name="mou_edit"),
]
