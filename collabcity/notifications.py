"""The notification outbox.

`notify` writes a row in the caller's transaction, so a notification exists if and only if
its cause was committed. Delivery (inbox and e-mail) happens in a Celery task queued after
the commit; when the broker cannot take it, the row stays pending and the periodic sweep
(`deliver_pending_notifications`) delivers it once the broker is back.
"""

import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from . import registry
from .models import Notification, User

logger = logging.getLogger(__name__)

# After this many failed e-mail attempts the notification is still delivered to the inbox,
# so that one unreachable mailbox cannot keep it pending for ever.
MAX_EMAIL_ATTEMPTS = 5
SWEEP_BATCH_SIZE = 500


def notify(
    *,
    recipient: User,
    topic: str,
    event: str = "",
    context: dict | None = None,
    subject: str = "",
    body: str = "",
    url: str = "",
    once_key: str = "",
) -> Notification | None:
    """Record a notification for recipient, to be delivered once the current transaction commits.

    The wording is the event's template pair, `<app>/notifications/<name>.subject.txt` and
    `.body.txt` for event "<app>/<name>", rendered with `context`. With a `once_key`, a second
    notification of the same key to the same person is not recorded (None is returned).
    """
    if topic != Notification.ACCOUNT_TOPIC and topic not in registry.registry.topics:
        raise ValueError(f"Notification topic {topic!r} is not registered.")
    # TRANSITIONAL: subject/body until every programme's messages are templates.
    wording = render(event, context) if event else {"subject": subject, "body": body}
    notification = Notification(
        recipient=recipient, topic=topic, url=url, once_key=once_key, **wording
    )
    if once_key:
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            return None
    else:
        notification.save()
    transaction.on_commit(partial(_enqueue_delivery, notification.pk))
    return notification


def render(event: str, context: dict | None = None) -> dict[str, str]:
    """The subject (one line) and body of an event's message."""
    app_label, name = event.split("/", 1)
    base = f"{app_label}/notifications/{name}"
    subject = _render_text(f"{base}.subject.txt", context)
    return {
        "subject": " ".join(subject.split()),
        "body": _render_text(f"{base}.body.txt", context).strip(),
    }


def _render_text(template_name: str, context: dict | None) -> str:
    # Plain text for the inbox and e-mail: HTML escaping would turn "l'Orologio" into
    # "l&#x27;Orologio". The inbox template escapes on display.
    template = get_template(template_name).template
    return template.render(Context(context or {}, autoescape=False))


def _enqueue_delivery(notification_id: int) -> None:
    try:
        deliver_notification.apply_async(args=[notification_id], retry=False)
    except Exception:
        # The cause is already committed and must stand whatever the broker's state:
        # the periodic sweep delivers what could not be queued now.
        logger.warning(
            "Notification %s not queued (broker unreachable); it stays pending.",
            notification_id,
            exc_info=True,
        )


def deliver(notification_id: int) -> bool:
    """Deliver one pending notification; False if it was already delivered or is being delivered."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .pending()
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return False
        notification.attempts += 1
        if notification.wants_email():
            try:
                _send_email(notification)
                notification.emailed = True
            except Exception as exc:  # any SMTP or network failure: retried by the sweep
                notification.last_error = f"{type(exc).__name__}: {exc}"
                if notification.attempts < MAX_EMAIL_ATTEMPTS:
                    notification.save(update_fields=["attempts", "last_error"])
                    return False
        notification.delivered_at = timezone.now()
        notification.save(update_fields=["attempts", "last_error", "emailed", "delivered_at"])
    return True


def deliver_pending() -> int:
    """Deliver every pending notification, oldest first; returns how many were delivered."""
    pending_ids = list(
        Notification.objects.pending()
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )
    return sum(deliver(notification_id) for notification_id in pending_ids)


def _send_email(notification: Notification) -> None:
    lines = [notification.body]
    if notification.url:
        lines += ["", f"{settings.PORTAL_URL}{notification.url}"]
    send_mail(
        subject=f"[CollabCity] {notification.subject}",
        message="\n".join(lines),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )


def mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's delivered notifications read (all, or only the given ones)."""
    unread = Notification.objects.filter(recipient=user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# The tasks keep the names they were first queued under, when they lived in collabcity.tasks.
@shared_task(name="collabcity.tasks.deliver_notification")
def deliver_notification(notification_id: int) -> bool:
    return deliver(notification_id)


@shared_task(name="collabcity.tasks.deliver_pending_notifications")
def deliver_pending_notifications() -> int:
    return deliver_pending()
