from celery import shared_task

from . import services


@shared_task(name="volontariato.tasks.send_shift_reminders")
def send_shift_reminders() -> int:
    return services.send_shift_reminders()


@shared_task(name="volontariato.tasks.send_understaffed_alerts")
def send_understaffed_alerts() -> int:
    return services.send_understaffed_alerts()
