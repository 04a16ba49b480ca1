from django.urls import path

from . import views

urlpatterns = [
    path("", views.mou_list, name="mou_list"),
    path("new/", views.mou_create, name="mou_create"),
    path("<int:pk>/", views.mou_detail, name="mou_detail"),
    path("<int:pk>/signatories/new/", views.mou_signatory, name="mou_signatory"),
    path("<int:pk>/edit/", views.mou_edit, name="mou_edit"),
    path("<int:pk>/status/", views.mou_status, name="mou_status"),
    path("<int:pk>/signed-pdf/upload/", views.mou_pdf_upload, name="mou_pdf_upload"),
    path("<int:pk>/signed-pdf/", views.mou_pdf, name="mou_pdf"),
    path("<int:pk>/signed-pdf/<int:history_id>/", views.mou_pdf_version, name="mou_pdf_version"),
    path("<int:pk>/assign/", views.mou_assign, name="mou_assign"),
    path("<int:pk>/sessions/new/", views.session_new, name="session_new"),
]
