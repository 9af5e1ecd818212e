import smtplib
import time
from contextlib import contextmanager
from unittest import mock

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from centri_sociali import models as centri_sociali_models
from collabcity import notifications
from collabcity.celery import app as celery_app
from collabcity.models import Notification
from collabcity.notifications import deliver_pending_notifications
from tests.factories import NotificationFactory, UserFactory

# Nothing listens on port 1 of the loopback: a connection there is refused at once.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def drop_pooled_broker_connections():
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    """Point the Celery app at another broker, as a deployment whose broker moved would."""
    previous = celery_app.conf.broker_url
    drop_pooled_broker_connections()
    celery_app.conf.broker_url = url
    try:
        yield
    finally:
        drop_pooled_broker_connections()
        celery_app.conf.broker_url = previous


def wait_until_delivered(notification: Notification, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while notification.delivered_at is None and time.monotonic() < deadline:
        time.sleep(0.1)
        notification.refresh_from_db()


def notify_citizen(user, subject="Nuovo avviso"):
    return notifications.notify(
        recipient=user,
        topic=Notification.ACCOUNT_TOPIC,
        event="tests/message",
        context={"subject": subject, "body": "C'è una novità per te."},
        url="/profilo/",
    )


def test_notification_is_not_written_when_its_cause_rolls_back(citizen):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_citizen(citizen)
        raise RuntimeError("the cause failed")

    assert not Notification.objects.exists()


def test_notification_is_queued_only_after_its_cause_commits(
    citizen, django_capture_on_commit_callbacks
):
    with mock.patch("collabcity.notifications.deliver_notification.apply_async") as queue:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notification = notify_citizen(citizen)
        assert not queue.called
        for callback in callbacks:
            callback()

    queue.assert_called_once_with(args=[notification.pk], retry=False)


def test_delivery_puts_notification_in_inbox_and_sends_email(citizen, mailoutbox):
    notification = notify_citizen(citizen, subject="Benvenuta")

    assert notifications.deliver(notification.pk) is True

    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert notification.emailed
    assert [m.to for m in mailoutbox] == [[citizen.email]]
    assert "Benvenuta" in mailoutbox[0].subject
    assert "http://127.0.0.1:8000/profilo/" in mailoutbox[0].body


def test_delivery_without_email_when_user_turned_email_off(db, mailoutbox):
    user = UserFactory(email_notifications=False)
    notification = notify_citizen(user)

    assert notifications.deliver(notification.pk) is True

    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert not notification.emailed
    assert mailoutbox == []


def test_topic_preference_off_keeps_the_email_but_not_the_inbox(db, mailoutbox):
    user = UserFactory()
    user.muted_topics.create(topic=centri_sociali_models.NOTIFICATION_TOPIC)
    notification = NotificationFactory(
        recipient=user, topic=centri_sociali_models.NOTIFICATION_TOPIC
    )

    notifications.deliver(notification.pk)

    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert mailoutbox == []


def test_delivering_twice_sends_one_email(citizen, mailoutbox):
    notification = notify_citizen(citizen)

    assert notifications.deliver(notification.pk) is True
    assert notifications.deliver(notification.pk) is False

    assert len(mailoutbox) == 1


def test_failed_email_keeps_notification_pending_for_the_sweep(citizen, mailoutbox):
    notification = notify_citizen(citizen)

    with mock.patch(
        "collabcity.notifications.send_mail", side_effect=smtplib.SMTPServerDisconnected("down")
    ):
        assert notifications.deliver(notification.pk) is False

    notification.refresh_from_db()
    assert notification.delivered_at is None
    assert notification.attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error

    assert notifications.deliver_pending() == 1
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert len(mailoutbox) == 1


def test_mailbox_failing_every_time_still_reaches_the_inbox(citizen):
    notification = notify_citizen(citizen)

    with mock.patch("collabcity.notifications.send_mail", side_effect=OSError("no route")):
        for _ in range(notifications.MAX_EMAIL_ATTEMPTS):
            notifications.deliver(notification.pk)

    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert not notification.emailed
    assert notification.attempts == notifications.MAX_EMAIL_ATTEMPTS


def test_sweep_delivers_oldest_pending_first_and_skips_delivered(citizen, mailoutbox):
    first = notify_citizen(citizen, subject="Primo")
    second = notify_citizen(citizen, subject="Secondo")
    notifications.deliver(first.pk)
    mailoutbox.clear()

    assert notifications.deliver_pending() == 1

    second.refresh_from_db()
    assert second.delivered_at is not None
    assert [m.subject for m in mailoutbox] == ["[CollabCity] Secondo"]


def test_mark_read_touches_only_the_users_own_notifications(citizen):
    own = NotificationFactory(recipient=citizen)
    other = NotificationFactory()
    Notification.objects.update(delivered_at="2026-11-25T10:00:00+01:00")

    notifications.mark_read(user=citizen, notification_ids=[own.pk, other.pk])

    own.refresh_from_db()
    other.refresh_from_db()
    assert own.read_at is not None
    assert other.read_at is None


@pytest.mark.django_db(transaction=True)
def test_cause_succeeds_with_broker_down_and_notification_arrives_when_broker_is_back(mailoutbox):
    user = UserFactory()

    with broker_at(UNREACHABLE_BROKER), transaction.atomic():
        user.first_name = "Lucia"
        user.save()
        notification = notify_citizen(user, subject="Profilo aggiornato")

    user.refresh_from_db()
    assert user.first_name == "Lucia"
    notification.refresh_from_db()
    assert notification.delivered_at is None
    assert mailoutbox == []

    # Broker back: the periodic sweep, queued on the real Redis and run by a real worker.
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deliver_pending_notifications.delay()
        wait_until_delivered(notification)

    assert notification.delivered_at is not None
    assert [m.subject for m in mailoutbox] == ["[CollabCity] Profilo aggiornato"]


def test_message_wording_comes_from_the_events_templates(citizen):
    notification = notifications.notify(
        recipient=citizen, topic=Notification.ACCOUNT_TOPIC, event="collabcity/welcome"
    )

    assert notification.subject == "Benvenuta e benvenuto in CollabCity"
    assert notification.body.startswith("Il tuo indirizzo e-mail è confermato.")
    assert "\n\n" not in notification.body


def test_a_notification_with_a_once_key_is_recorded_once_per_person(citizen):
    other = UserFactory()
    sent = [
        notifications.notify(
            recipient=person,
            topic=Notification.ACCOUNT_TOPIC,
            event="collabcity/welcome",
            once_key="welcome",
        )
        for person in (citizen, citizen, other)
    ]

    assert sent[0] is not None and sent[1] is None and sent[2] is not None
    assert Notification.objects.filter(once_key="welcome").count() == 2


def test_a_topic_no_programme_registered_is_refused(citizen):
    with pytest.raises(ValueError, match="not registered"):
        notifications.notify(recipient=citizen, topic="lotteria", event="collabcity/welcome")
    assert not Notification.objects.exists()


def test_message_text_is_not_html_escaped(citizen):
    notification = notifications.notify(
        recipient=citizen,
        topic=Notification.ACCOUNT_TOPIC,
        event="tests/message",
        context={"subject": "Festa all'Orologio", "body": "<Cortile> & giardino"},
    )

    assert notification.subject == "Festa all'Orologio"
    assert notification.body == "<Cortile> & giardino"
