"""Residents of the ambito who opted in hear of the opening, the last day and the results."""

import datetime

import pytest
from django.utils import timezone, translation

from collabcity.models import Notification
from consulte import models as consulte_models
from consulte.elections import casting, desk, notifications
from consulte.elections.tally import tally_election
from tests.consulte.factories import tally
from tests.factories import QuartiereFactory, UserFactory


@pytest.fixture
def residents(election, quartiere):
    opted_out = UserFactory(quartiere=quartiere)
    opted_out.muted_topics.create(topic=consulte_models.NOTIFICATION_TOPIC)
    return {
        "in": UserFactory(quartiere=quartiere),
        "opted_out": opted_out,
        "elsewhere": UserFactory(quartiere=QuartiereFactory()),
    }


def recipients():
    return set(Notification.objects.values_list("recipient_id", flat=True))


def test_opening_is_notified_once_to_who_opted_in(election, residents):
    assert notifications.notify_opened_elections() == 1
    assert notifications.notify_opened_elections() == 0
    assert recipients() == {residents["in"].pk}
    assert Notification.objects.get().topic == consulte_models.NOTIFICATION_TOPIC


def test_reminder_a_day_before_goes_to_voters_and_non_voters_alike(election, residents, quartiere):
    """Who gets the reminder must not depend on who voted: staff read the notifications."""
    from tests.consulte.factories import ElectorFactory, verify

    voted = UserFactory(quartiere=quartiere)
    elector = ElectorFactory(election=election)
    verify(elector=elector, user=voted)
    casting.cast_ballot(election=election, elector=elector, candidate_ids=[])
    assert notifications.remind_before_close() == 0  # closes in 5 days
    election.closes_at = timezone.now() + datetime.timedelta(hours=20)
    election.save()
    with translation.override("it"):
        assert notifications.remind_before_close() == 2
    assert notifications.remind_before_close() == 0
    assert recipients() == {residents["in"].pk, voted.pk}
    bodies = set(Notification.objects.values_list("subject", "body"))
    assert len(bodies) == 1  # one wording for both
    assert "se hai già votato" in bodies.pop()[1]


def test_results_are_notified_once(election, residents):
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save()
    tally(election)
    # Provisional: no notification until staff declare the paper count complete.
    assert Notification.objects.count() == 0
    desk.declare_count_complete(election=election, user=None)
    tally_election(election_id=election.pk)
    assert Notification.objects.count() == 1
    assert "risultati" in Notification.objects.get().url


def test_a_run_that_lost_the_elections_stamp_notifies_no_one_twice(election, residents):
    assert notifications.notify_opened_elections() == 1
    election.refresh_from_db()
    election.opening_notified_at = None  # e.g. a restore, or a run that overlapped
    election.save(update_fields=["opening_notified_at"])

    assert notifications.notify_opened_elections() == 0
    assert Notification.objects.count() == 1


def test_opening_notice_names_the_election_and_its_close(election, residents):
    with translation.override("it"):
        notifications.notify_opened_elections()

    notice = Notification.objects.get()
    assert notice.subject == f"Si vota per la consulta: {election.title}"
    closes = timezone.localtime(election.closes_at).strftime("%d/%m/%Y %H:%M")
    assert notice.body == (
        f"Il voto è aperto fino al {closes}. Puoi votare online o a un punto voto."
    )
