"""Periodic tasks of this app, merged into CELERY_BEAT_SCHEDULE by the settings."""

BEAT_SCHEDULE: dict[str, dict] = {}
