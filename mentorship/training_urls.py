"""Training sessions and the calendar, mounted at /training/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.upcoming, name="training_upcoming"),
    path("month/", views.calendar_month, name="calendar_month"),
    path("week/", views.calendar_week, name="calendar_week"),
    path("day/", views.calendar_day, name="calendar_day"),
    path("totals/", views.training_totals, name="training_totals"),
    path("schedule/", views.schedule_choose, name="schedule_choose"),
    path("mentors/invite/", views.invite_mentor, name="invite_mentor"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/status/", views.session_status, name="session_status"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("registrations/<int:pk>/remove/", views.registration_remove, name="registration_remove"),
    path("sessions/<int:pk>/register/", views.session_register, name="session_register"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/feedback/", views.session_feedback, name="session_feedback"),
    path("sessions/<int:pk>/materials/", views.session_material, name="session_material"),
    path("materials/<int:pk>/", views.session_material_file, name="session_material_file"),
    path("sessions/<int:pk>/session.ics", views.session_ics, name="session_ics"),
    path("feed/", views.feed_settings, name="calendar_feed_settings"),
    path("feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
