from django.urls import path

from . import views

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("new/", views.product_create, name="product_create"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("<int:pk>/submit/", views.product_submit, name="product_submit"),
    path("<int:pk>/publish/", views.product_publish, name="product_publish"),
    path("<int:pk>/return/", views.product_return, name="product_return"),
    path("<int:pk>/archive/", views.product_archive, name="product_archive"),
    path("<int:pk>/withdraw/", views.product_withdraw, name="product_withdraw"),
    path("<int:pk>/restore/", views.product_restore, name="product_restore"),
    path("photos/<int:pk>/<slug:action>/", views.photo_action, name="product_photo_action"),
    path("enquiries/", views.enquiry_list, name="enquiry_list"),
    path("enquiries/<int:pk>/reply/", views.enquiry_reply, name="enquiry_reply"),
    path("enquiries/<int:pk>/answered/", views.enquiry_answered, name="enquiry_answered"),
]
