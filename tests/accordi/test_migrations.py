import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accordi import services
from accordi.models import Status
from collabcity.models import Notification

from .factories import IndicatorFactory, agreement_in

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
WITH_REMINDERS = ("accordi", "0003_private_files_and_upload_limits")
WITHOUT_REMINDERS = ("accordi", "0004_reminders_are_notifications")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "accordi"]
    return executor.loader.project_state([*leaves, target]).apps


@pytest.mark.django_db
def test_reminders_sent_before_the_reminder_rows_went_are_not_sent_again(staff_user):
    agreement = agreement_in(
        Status.ACTIVE, start_date=TODAY - relativedelta(months=3), end_date=TODAY + 30 * DAY
    )
    indicator = IndicatorFactory(agreement=agreement)  # quarterly: due today
    old = _migrate(WITH_REMINDERS)
    Reminder = old.get_model("accordi", "Reminder")
    OldNotification = old.get_model("collabcity", "Notification")
    # What the old daily task wrote: each Reminder row, then its notifications.
    for kind, due_on, extra in [
        ("scadenza", agreement.end_date, {}),
        ("rilevazione", TODAY, {"indicator_id": indicator.pk}),
    ]:
        Reminder.objects.create(kind=kind, agreement_id=agreement.pk, due_on=due_on, **extra)
        OldNotification.objects.create(
            recipient_id=staff_user.pk,
            topic="agreements",
            subject=kind,
            body=kind,
            url=f"/admin/accordi/agreement/{agreement.pk}/change/",
        )
    # The migration drops a table whose rows were just written in this same transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    _migrate(WITHOUT_REMINDERS)

    assert services.send_reminders(today=TODAY) == 0
    assert Notification.objects.filter(recipient=staff_user).count() == 2
