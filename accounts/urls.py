"""Community people and invitations, mounted at /people/."""

from django.urls import path

from . import views

urlpatterns = [
    path("community/<int:pk>/", views.community_people_view, name="community_people"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
]
