"""Periodic tasks of this app, registered with the Celery app from AppConfig.ready()."""

# Every quarter of an hour: a reminder goes out between 24 h and 23 h 45 before the shift.
# Both tasks notify with a once_key, so a run that overlaps another sends nothing twice.
BEAT_SCHEDULE: dict[str, dict] = {
    "volontariato-shift-reminders": {
        "task": "volontariato.tasks.send_shift_reminders",
        "schedule": 15 * 60.0,
    },
    "volontariato-understaffed-alerts": {
        "task": "volontariato.tasks.send_understaffed_alerts",
        "schedule": 15 * 60.0,
    },
}
