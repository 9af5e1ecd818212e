"""The Celery app: `celery -A collabcity worker` and `celery -A collabcity beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabcity.settings")

app = Celery("collabcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
