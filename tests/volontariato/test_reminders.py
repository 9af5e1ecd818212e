from datetime import timedelta

from django.utils import timezone

from collabcity.models import Notification
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
    signup.refresh_from_db()
    assert signup.reminded_at is not None


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
