from datetime import timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from collabcity.models import Notification
from tests.factories import NotificationFactory
from tests.volontariato.factories import ShiftFactory, SignupFactory
from volontariato import services
from volontariato.models import Signup
from volontariato.tasks import send_shift_reminders, send_understaffed_alerts


def shift_in(hours: float, **kwargs):
    start = timezone.now() + timedelta(hours=hours)
    return ShiftFactory(starts_at=start, ends_at=start + timedelta(hours=2), **kwargs)


def reminders_to(user):
    return Notification.objects.filter(recipient=user, subject__startswith="Promemoria")


def test_volunteer_is_reminded_once_within_24_hours(db):
    signup = SignupFactory(shift=shift_in(20))

    assert services.send_shift_reminders() == 1
    assert services.send_shift_reminders() == 0
    assert reminders_to(signup.volunteer.user).count() == 1


def test_no_reminder_for_a_shift_more_than_a_day_away(db):
    signup = SignupFactory(shift=shift_in(30))
    assert services.send_shift_reminders() == 0
    assert not reminders_to(signup.volunteer.user).exists()


def test_no_reminder_for_waiting_or_cancelled_signups(db):
    shift = shift_in(5)
    waiting = SignupFactory(shift=shift, status=Signup.Status.WAITING)
    cancelled = SignupFactory(shift=shift, status=Signup.Status.CANCELLED)
    assert services.send_shift_reminders() == 0
    assert not reminders_to(waiting.volunteer.user).exists()
    assert not reminders_to(cancelled.volunteer.user).exists()


def test_the_beat_task_sends_the_reminders(db):
    SignupFactory(shift=shift_in(10))
    assert send_shift_reminders.apply().get() == 1


def test_coordinator_is_told_once_of_an_underfilled_shift_48_hours_ahead(db):
    shift = shift_in(40, places=3)
    SignupFactory(shift=shift)

    assert send_understaffed_alerts.apply().get() == 1
    assert services.send_understaffed_alerts() == 0
    alert = Notification.objects.get(recipient=shift.opportunity.coordinator)
    assert "1 volontari su 3" in alert.body


def test_full_shift_raises_no_alert(db):
    shift = shift_in(40, places=1)
    SignupFactory(shift=shift)
    assert services.send_understaffed_alerts() == 0


def test_shift_further_than_48_hours_raises_no_alert_yet(db):
    shift_in(60, places=3)
    assert services.send_understaffed_alerts() == 0


def test_what_was_stamped_before_the_once_key_is_not_sent_again(transactional_db):
    """The migration that dropped the timestamps keys the notifications they stood for."""
    signup = SignupFactory(shift=shift_in(20))
    alerted = shift_in(40, places=3)
    reminder = NotificationFactory(
        recipient=signup.volunteer.user,
        topic="volunteering",
        subject="Promemoria: domani hai un turno di volontariato",
    )
    alert = NotificationFactory(
        recipient=alerted.opportunity.coordinator,
        topic="volunteering",
        subject=f"Turno con posti scoperti: {alerted}",
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("volontariato", "0003_opportunity_agreement")])
    try:
        stamped_at = timezone.now() - timedelta(minutes=1)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE volontariato_signup SET reminded_at = %s WHERE id = %s",
                [stamped_at, signup.pk],
            )
            cursor.execute(
                "UPDATE volontariato_shift SET understaffed_alert_at = %s WHERE id = %s",
                [stamped_at, alerted.pk],
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("volontariato"))

    reminder.refresh_from_db()
    alert.refresh_from_db()
    assert reminder.once_key == f"shift:{signup.shift_id}:reminder"
    assert alert.once_key == f"shift:{alerted.pk}:understaffed"
    assert services.send_shift_reminders() == 0
    # Only the shift that had no alert yet gets one.
    assert services.send_understaffed_alerts() == 1
    assert Notification.objects.filter(once_key=f"shift:{signup.shift_id}:understaffed").exists()
