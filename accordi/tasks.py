from celery import shared_task

from . import services


@shared_task(name="accordi.tasks.daily")
def daily() -> dict:
    """Date-driven lifecycle steps and the staff's reminders; safe to run more than once a day."""
    report = services.run_daily()
    return {
        "activated": report.activated,
        "concluded": report.concluded,
        "reminders": report.reminders,
        "errors": report.errors,
    }
