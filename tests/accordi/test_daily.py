import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accordi import models as accordi_models
from accordi import services, tasks
from accordi.models import Reminder, Status, StatusChange
from collabcity.celery import app as celery_app
from collabcity.models import Notification
from tests.factories import UserFactory

from .factories import IndicatorFactory, MeasurementFactory, agreement_in

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def staff_notifications(staff_user):
    return list(Notification.objects.filter(recipient=staff_user).order_by("pk"))


def test_a_signed_agreement_becomes_active_on_its_start_date(db, staff_user):
    starting = agreement_in(Status.SIGNED, start_date=TODAY, end_date=TODAY + 300 * DAY)
    later = agreement_in(Status.SIGNED, start_date=TODAY + DAY, end_date=TODAY + 300 * DAY)
    representative = UserFactory()
    starting.parties.update(representative=representative)

    report = services.run_daily(today=TODAY)

    starting.refresh_from_db()
    later.refresh_from_db()
    assert (starting.status, later.status) == (Status.ACTIVE, Status.SIGNED)
    assert report.activated == [starting.slug]
    change = StatusChange.objects.get(agreement=starting)
    assert change.by is None  # automatic
    assert Notification.objects.filter(recipient=representative).count() == 1


def test_an_expired_agreement_with_its_report_is_concluded(db, staff_user):
    agreement = agreement_in(Status.ACTIVE, final_report="Risultati raggiunti.")
    agreement.end_date = TODAY - DAY
    agreement.save()

    report = services.run_daily(today=TODAY)

    agreement.refresh_from_db()
    assert agreement.status == Status.CONCLUDED
    assert report.concluded == [agreement.slug]


def test_an_expired_agreement_without_report_stays_active_and_staff_is_reminded_once(
    db, staff_user
):
    agreement = agreement_in(Status.ACTIVE, title="Orti senza relazione")
    agreement.end_date = TODAY - DAY
    agreement.save()

    services.run_daily(today=TODAY)
    services.run_daily(today=TODAY + DAY)

    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE
    [notification] = staff_notifications(staff_user)
    assert notification.subject == "Relazione finale mancante: Orti senza relazione"
    assert notification.url == f"/admin/accordi/agreement/{agreement.pk}/change/"


def test_staff_are_reminded_once_of_an_agreement_ending_within_60_days(db, staff_user):
    ending = agreement_in(Status.ACTIVE, title="In scadenza", end_date=TODAY + 60 * DAY)
    agreement_in(Status.ACTIVE, title="Ancora lungo", end_date=TODAY + 65 * DAY)
    agreement_in(Status.APPROVED, title="Non ancora attivo", end_date=TODAY + 10 * DAY)
    citizen = UserFactory()

    for day in range(5):
        services.run_daily(today=TODAY + day * DAY)

    [notification] = staff_notifications(staff_user)
    assert notification.subject == "Accordo in scadenza: In scadenza"
    assert notification.topic == accordi_models.NOTIFICATION_TOPIC
    assert Reminder.objects.get().agreement == ending
    assert not Notification.objects.filter(recipient=citizen).exists()


def test_staff_are_reminded_of_a_measurement_due_then_again_for_the_next_one(db, staff_user):
    agreement = agreement_in(Status.ACTIVE, end_date=TODAY + 400 * DAY)
    agreement.start_date = TODAY - relativedelta(months=3)
    agreement.save()
    indicator = IndicatorFactory(agreement=agreement, name="Ragazzi seguiti")  # quarterly

    services.run_daily(today=TODAY)
    services.run_daily(today=TODAY + DAY)
    assert [n.subject for n in staff_notifications(staff_user)] == [
        "Rilevazione dovuta: Ragazzi seguiti"
    ]

    MeasurementFactory(indicator=indicator, measured_on=TODAY)
    services.run_daily(today=TODAY + 2 * DAY)
    assert len(staff_notifications(staff_user)) == 1  # next one due in three months

    services.run_daily(today=TODAY + relativedelta(months=3) - 7 * DAY)
    assert len(staff_notifications(staff_user)) == 2


def test_no_reminder_for_a_measurement_not_yet_due(db, staff_user):
    agreement = agreement_in(Status.ACTIVE, start_date=TODAY - 10 * DAY)
    IndicatorFactory(agreement=agreement)
    services.run_daily(today=TODAY)
    assert staff_notifications(staff_user) == []


def test_the_celery_task_runs_the_daily_work(db, staff_user):
    agreement = agreement_in(Status.SIGNED, start_date=TODAY)

    result = tasks.daily.apply().get()

    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE
    assert result["activated"] == [agreement.slug]


def test_the_daily_task_is_scheduled():
    entry = celery_app.conf.beat_schedule["accordi-daily"]
    assert entry["task"] == tasks.daily.name
