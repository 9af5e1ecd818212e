"""Periodic tasks of this app, registered with the Celery app from AppConfig.ready()."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # Early in the morning, so that an agreement starting today is active when offices open.
    "accordi-daily": {"task": "accordi.tasks.daily", "schedule": crontab(hour=6, minute=10)},
}
