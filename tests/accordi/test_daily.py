import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accordi import services, tasks
from accordi.models import NOTIFICATION_TOPIC, Status, StatusChange
from collabcity.celery import app as celery_app
from collabcity.models import Notification
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
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
    assert notification.topic == NOTIFICATION_TOPIC
    assert notification.url == f"/admin/accordi/agreement/{ending.pk}/change/"
    assert not Notification.objects.filter(recipient=citizen).exists()


def test_staff_who_join_during_the_notice_period_get_the_reminders_still_due(db, staff_user):
    agreement_in(Status.ACTIVE, title="In scadenza", end_date=TODAY + 30 * DAY)
    services.run_daily(today=TODAY)
    newcomer = UserFactory()
    assign_role(user=newcomer, role=MUNICIPAL_STAFF)

    report = services.run_daily(today=TODAY + DAY)
    services.run_daily(today=TODAY + 2 * DAY)

    assert report.reminders == 1
    [reminder] = staff_notifications(newcomer)
    assert reminder.subject == "Accordo in scadenza: In scadenza"
    assert len(staff_notifications(staff_user)) == 1


def test_the_reminders_sent_are_listed_for_the_staff_in_the_admin(client, staff_user):
    agreement_in(Status.ACTIVE, title="Orti in scadenza", end_date=TODAY + 30 * DAY)
    services.run_daily(today=TODAY)
    client.force_login(staff_user)

    page = client.get("/admin/collabcity/notification/", {"topic": NOTIFICATION_TOPIC})

    assert page.status_code == 200
    assert "Accordo in scadenza: Orti in scadenza" in page.content.decode()


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
