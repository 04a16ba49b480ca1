from django.urls import path

from . import views

urlpatterns = [
    path("undelivered/", views.undelivered, name="outbox_undelivered"),
    path("<int:pk>/send-again/", views.send_again, name="outbox_send_again"),
]
