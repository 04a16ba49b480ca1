import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

app = Celery("civportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
