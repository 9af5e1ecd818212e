from celery import shared_task

from . import notifications


@shared_task(name="collabcity.tasks.deliver_notification")
def deliver_notification(notification_id: int) -> bool:
    return notifications.deliver(notification_id)


@shared_task(name="collabcity.tasks.deliver_pending_notifications")
def deliver_pending_notifications() -> int:
    return notifications.deliver_pending()
