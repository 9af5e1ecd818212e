"""Periodic tasks of this app, registered with the Celery app from AppConfig.ready()."""

BEAT_SCHEDULE: dict[str, dict] = {
    # Every minute: the tally starts within a minute of the close.
    "consulte-tally-due-elections": {
        "task": "consulte.tasks.tally_due_elections",
        "schedule": 60.0,
    },
    "consulte-notify-opened-elections": {
        "task": "consulte.tasks.notify_opened_elections",
        "schedule": 300.0,
    },
    "consulte-remind-before-close": {
        "task": "consulte.tasks.remind_before_close",
        "schedule": 300.0,
    },
}
