import shutil
import smtplib
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from unittest import mock

import kombu
import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.utils import timezone

from centri_sociali import models as centri_sociali_models
from collabcity import notifications
from collabcity.auth_backends import PortalBackend
from collabcity.celery import app as celery_app
from collabcity.models import Notification, User
from collabcity.notifications import deliver_pending_notifications
from tests.factories import NotificationFactory, QuartiereFactory, UserFactory

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

    queue.assert_called_once()
    assert queue.call_args.kwargs["args"] == [notification.pk]


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


@contextmanager
def own_redis():
    """A Redis server of this test's own, which the test can stop and start again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = shutil.which("redis-server")
    start = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    def started():
        process = subprocess.Popen(start, stdout=subprocess.DEVNULL)  # noqa: S603
        for _ in range(50):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    return process
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    class Redis:
        url = f"redis://127.0.0.1:{port}/0"
        process = started()

        def stop(self):
            self.process.terminate()
            self.process.wait(10)
            drop_pooled_broker_connections()

        def start(self):
            self.process = started()

    redis = Redis()
    try:
        yield redis
    finally:
        redis.process.terminate()
        redis.process.wait(10)


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_one_try_then_no_more_until_the_pause_ends_and_the_sweep_delivers(
    mailoutbox,
):
    users = UserFactory.create_batch(20)
    with own_redis() as redis, broker_at(redis.url):
        redis.stop()
        with mock.patch.object(
            celery_app, "connection_for_write", wraps=celery_app.connection_for_write
        ) as publish_attempts:
            for user in users:
                with transaction.atomic():
                    notify_citizen(user)

        # One refused try opened the breaker; the other nineteen causes did not wait on it.
        # (Celery's first send in a process also builds its disabled event dispatcher with a
        # connection object that never connects: not a try.)
        tries = [call for call in publish_attempts.call_args_list if call.kwargs]
        assert len(tries) == 1
        assert notifications.broker_breaker.is_open
        assert Notification.objects.pending().count() == 20

        redis.start()
        notifications.broker_breaker.reset()
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            deliver_pending_notifications.delay()
            deadline = time.monotonic() + 20
            while Notification.objects.pending().exists() and time.monotonic() < deadline:
                time.sleep(0.1)

    assert not Notification.objects.pending().exists()
    assert len(mailoutbox) == 20


@pytest.mark.django_db(transaction=True)
def test_deliveries_are_queued_on_one_kept_connection_that_outlives_a_broker_restart():
    users = UserFactory.create_batch(3)
    with own_redis() as redis, broker_at(redis.url):
        with mock.patch.object(
            celery_app, "connection_for_write", wraps=celery_app.connection_for_write
        ) as opened:
            for user in users[:2]:
                with transaction.atomic():
                    notify_citizen(user)
            assert queued(redis.url) == 2
            assert len([call for call in opened.call_args_list if call.kwargs]) == 1

            redis.stop()
            redis.start()  # empty: it keeps nothing on disk; the kept connection is stale
            with transaction.atomic():
                notify_citizen(users[2])

        assert queued(redis.url) == 1
        assert not notifications.broker_breaker.is_open


def test_a_broker_that_accepts_but_never_answers_opens_the_breaker_within_a_second(
    citizen, django_capture_on_commit_callbacks
):
    with socket.socket() as silent:  # the kernel accepts connections; nothing ever answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        with django_capture_on_commit_callbacks() as callbacks:
            notify_citizen(citizen)
        with broker_at(f"redis://127.0.0.1:{silent.getsockname()[1]}/0"):
            publishing = threading.Thread(target=callbacks[0], daemon=True)
            started = time.monotonic()
            publishing.start()
            publishing.join(10)
            assert not publishing.is_alive(), "the publish is still waiting"
    assert time.monotonic() - started < 5
    assert notifications.broker_breaker.is_open


def test_an_outage_is_logged_in_one_line_and_a_fault_with_its_traceback(
    citizen, caplog, django_capture_on_commit_callbacks
):
    with broker_at(UNREACHABLE_BROKER), django_capture_on_commit_callbacks(execute=True):
        notify_citizen(citizen)
    notifications.broker_breaker.reset()
    fault = TypeError("Object of type Decimal is not JSON serializable")
    with (
        mock.patch.object(notifications.delivery_publisher, "_send", side_effect=fault),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify_citizen(citizen)

    outage, failure = [r for r in caplog.records if r.name == "collabcity.notifications"]
    assert "Connection refused" in outage.getMessage()
    assert not outage.exc_info
    assert "JSON serializable" in failure.getMessage()
    assert failure.exc_info[1] is fault
    assert notifications.broker_breaker.is_open
    assert not Notification.objects.filter(delivered_at__isnull=False).exists()


def queued(url: str) -> int:
    """Tasks waiting in the default queue of the Redis broker at url."""
    with kombu.Connection(url) as connection:
        return connection.default_channel.client.llen("celery")


def test_fan_out_records_every_row_and_queues_one_task_per_batch(
    db, django_capture_on_commit_callbacks
):
    people = UserFactory.create_batch(notifications.FAN_OUT_BATCH_SIZE * 2 + 1)

    with (
        mock.patch.object(notifications.deliver_notifications, "apply_async") as batches,
        mock.patch.object(notifications.deliver_notification, "apply_async") as single,
        django_capture_on_commit_callbacks(execute=True),
    ):
        count = notifications.notify_many(
            recipients=User.objects.filter(pk__in=[person.pk for person in people]),
            topic=Notification.ACCOUNT_TOPIC,
            event="collabcity/welcome",
        )

    assert count == len(people) == Notification.objects.count()
    queued = [call.kwargs["args"][0] for call in batches.call_args_list]
    queued += [call.kwargs["args"] for call in single.call_args_list]
    assert sorted(pk for chunk in queued for pk in chunk) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )
    assert (batches.call_count, single.call_count) == (2, 1)


def test_fan_out_with_a_once_key_skips_who_already_had_it(db, django_capture_on_commit_callbacks):
    people = UserFactory.create_batch(5)
    first_three = User.objects.filter(pk__in=[person.pk for person in people[:3]])
    fan_out = {
        "topic": Notification.ACCOUNT_TOPIC,
        "event": "collabcity/welcome",
        "once_key": "turnout:1",
    }
    with django_capture_on_commit_callbacks(execute=False):
        first = notifications.notify_many(recipients=first_three, **fan_out)
        second = notifications.notify_many(recipients=User.objects.all(), **fan_out)

    assert (first, second) == (3, 2)
    assert Notification.objects.filter(once_key="turnout:1").count() == 5


def test_fan_out_renders_the_wording_once_for_everyone(db, django_capture_on_commit_callbacks):
    UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False):
        notifications.notify_many(
            recipients=User.objects.all(),
            topic=Notification.ACCOUNT_TOPIC,
            event="tests/message",
            context={"subject": "Seggi aperti all'Orologio", "body": "Vota entro domenica."},
            url="/consulte/",
        )

    assert set(Notification.objects.values_list("subject", "body", "url", "topic")) == {
        ("Seggi aperti all'Orologio", "Vota entro domenica.", "/consulte/", "account")
    }


def test_the_login_backend_counts_unread_notifications_as_the_inbox_does(citizen):
    now = timezone.now()
    NotificationFactory.create_batch(2, recipient=citizen, delivered_at=now)
    NotificationFactory(recipient=citizen, delivered_at=now, read_at=now)
    NotificationFactory(recipient=citizen)
    NotificationFactory(recipient=UserFactory(), delivered_at=now)

    user = PortalBackend().get_user(citizen.pk)

    assert user == citizen
    unread = Notification.objects.filter(recipient=citizen).unread().count()
    assert user.unread_notifications_count == unread == 2


def test_the_login_backend_finds_no_one_for_an_inactive_or_unknown_person(citizen):
    User.objects.filter(pk=citizen.pk).update(is_active=False)

    assert PortalBackend().get_user(citizen.pk) is None
    assert PortalBackend().get_user(citizen.pk + 1000) is None


def test_the_login_backend_reads_every_field_of_the_person_as_the_orm_does(citizen):
    citizen.last_login = timezone.now()
    citizen.quartiere = QuartiereFactory()
    citizen.email_notifications = False
    citizen.save()

    read = PortalBackend().get_user(citizen.pk)
    stored = User.objects.get(pk=citizen.pk)

    for field in User._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(stored, field.attname), field.name
    assert read._state.adding is False and read._state.db == "default"
