"""The notification outbox.

`notify` (one person) and `notify_many` (a fan-out) write rows in the caller's transaction, so a
notification exists if and only if its cause was committed. Delivery (inbox and e-mail) happens
in Celery tasks queued after the commit; when the broker cannot take them, the rows stay pending
and the periodic sweep (`deliver_pending_notifications`) delivers them once the broker is back.

A broker that is down must not slow the people whose actions notify: publishing gives up at
the first refused connection, and after a failure this process stops trying for
`BROKER_PAUSE_SECONDS` (a circuit breaker), leaving what it records to the sweep.
"""

import logging
import os
import threading
import time
from functools import partial

import redis
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import registry
from .celery import app as celery_app
from .models import Notification, User

logger = logging.getLogger(__name__)

# After this many failed e-mail attempts the notification is still delivered to the inbox,
# so that one unreachable mailbox cannot keep it pending for ever.
MAX_EMAIL_ATTEMPTS = 5
SWEEP_BATCH_SIZE = 500
# A fan-out is recorded with set-based inserts and delivered by tasks of this many rows each.
FAN_OUT_BATCH_SIZE = 500
BROKER_PAUSE_SECONDS = 30.0
# How a broker that is down, refuses or never answers shows itself (kombu wraps what it can).
BROKER_OUTAGES = (OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# One try, short timeouts: the outbox never waits for a broker (the sweep does). The read
# timeout bounds a kept connection whose broker vanished without closing it (a failover, a
# dropped idle connection): with none, its next publish would wait for ever.
FAIL_FAST_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.5,
}


class BrokerBreaker:
    """Per process: after a failed publish, skip publishing until the pause is over."""

    def __init__(self, pause_seconds: float):
        self.pause_seconds = pause_seconds
        self.open_until = 0.0

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self) -> None:
        self.open_until = time.monotonic() + self.pause_seconds

    def reset(self) -> None:
        self.open_until = 0.0


broker_breaker = BrokerBreaker(BROKER_PAUSE_SECONDS)


def notify(
    *,
    recipient: User,
    topic: str,
    event: str,
    context: dict | None = None,
    url: str = "",
    once_key: str = "",
) -> Notification | None:
    """Record a notification for recipient, to be delivered once the current transaction commits.

    The wording is the event's template pair, `<app>/notifications/<name>.subject.txt` and
    `.body.txt` for event "<app>/<name>", rendered with `context`. With a `once_key`, a second
    notification of the same key to the same person is not recorded (None is returned).
    """
    _check_topic(topic)
    notification = Notification(
        recipient=recipient, topic=topic, url=url, once_key=once_key, **render(event, context)
    )
    if once_key:
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            return None
    else:
        notification.save()
    transaction.on_commit(partial(_enqueue_delivery, [notification.pk]))
    return notification


def notify_many(
    *,
    recipients: QuerySet[User],
    topic: str,
    event: str,
    context: dict | None = None,
    url: str = "",
    once_key: str = "",
) -> int:
    """The same message to many people (e.g. every elector of an ambito); returns how many.

    Set-based: one INSERT ... SELECT from the recipients' query, with the wording rendered
    once. With a `once_key`, the people who already had it are skipped by the unique
    constraint (ON CONFLICT DO NOTHING). Delivery is queued after the commit, one task per
    FAN_OUT_BATCH_SIZE rows.
    """
    _check_topic(topic)
    wording = render(event, context)
    table = connection.ops.quote_name(Notification._meta.db_table)
    people = recipients.order_by().values(person_id=F("pk"))
    select_sql, select_params = people.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (recipient_id, topic, subject, body, url, once_key,
                                 created_at, emailed, attempts, last_error)
            SELECT recipient.person_id, %s, %s, %s, %s, %s, %s, %s, 0, ''
            FROM ({select_sql}) AS recipient
            WHERE true
            ON CONFLICT DO NOTHING
            RETURNING id
            """,  # noqa: S608 - table and the recipients' SQL come from the ORM; values are params
            [
                topic,
                wording["subject"],
                wording["body"],
                url,
                once_key,
                timezone.now(),
                False,
                *select_params,
            ],
        )
        recorded = sorted(row[0] for row in cursor.fetchall())
    transaction.on_commit(partial(_enqueue_delivery, recorded))
    return len(recorded)


def _check_topic(topic: str) -> None:
    if topic != Notification.ACCOUNT_TOPIC and topic not in registry.registry.topics:
        raise ValueError(f"Notification topic {topic!r} is not registered.")


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


class DeliveryPublisher(threading.local):
    """The broker connection this thread queues deliveries on, kept from one notification to
    the next: opening one took about 8 ms on every notifying request, publishing on it about 1.

    A connection is kept for one process and one broker address (a forked worker or a moved
    broker opens its own). One that went stale because the broker restarted reconnects by
    itself (the Redis client retries; tested); one that fails is dropped.
    """

    def __init__(self):
        self.connection = None
        self.opened_for: tuple[int, str] | None = None

    def publish(self, notification_ids: list[int]) -> None:
        owner = _publisher_owner()
        if self.connection is None or self.opened_for != owner:
            self.close()
            self.connection = celery_app.connection_for_write(
                transport_options=FAIL_FAST_TRANSPORT_OPTIONS
            )
            self.opened_for = owner
        try:
            self._send(notification_ids)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            # Without network: the connection may be broken.
            self.connection.collect()
        self.connection = self.opened_for = None

    def _send(self, notification_ids: list[int]) -> None:
        for start in range(0, len(notification_ids), FAN_OUT_BATCH_SIZE):
            chunk = notification_ids[start : start + FAN_OUT_BATCH_SIZE]
            if len(chunk) == 1:
                deliver_notification.apply_async(
                    args=chunk, retry=False, connection=self.connection
                )
            else:
                deliver_notifications.apply_async(
                    args=[chunk], retry=False, connection=self.connection
                )


def _publisher_owner() -> tuple[int, str]:
    return os.getpid(), celery_app.conf.broker_write_url or celery_app.conf.broker_url


delivery_publisher = DeliveryPublisher()


def _enqueue_delivery(notification_ids: list[int]) -> None:
    if not notification_ids or broker_breaker.is_open:
        return
    try:
        delivery_publisher.publish(notification_ids)
    except Exception as error:
        # The cause is already committed and must stand whatever the broker's state:
        # the periodic sweep delivers what could not be queued now.
        broker_breaker.trip()
        # An outage says all in one line; formatting its traceback (read from the source
        # files) was half of what the first failed publish cost the request. Anything else
        # is a fault in our code and keeps its traceback.
        logger.warning(
            "%d notification(s) not queued (%s); they stay pending.",
            len(notification_ids),
            error,
            exc_info=not isinstance(error, BROKER_OUTAGES),
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


@shared_task(name="collabcity.notifications.deliver_notifications")
def deliver_notifications(notification_ids: list[int]) -> int:
    return sum(deliver(notification_id) for notification_id in notification_ids)


@shared_task(name="collabcity.tasks.deliver_pending_notifications")
def deliver_pending_notifications() -> int:
    return deliver_pending()
