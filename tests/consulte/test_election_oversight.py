"""Issue 15: provisional results, the append-only log, codes during the vote, exports."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collabcity.models import Notification
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from consulte.elections import casting, common, desk, verification
from consulte.models import ElectionLogEntry, ElectorVote, Member, VotingCredential
from consulte.roles import POLL_WORKER
from tests.consulte.factories import ElectionFactory, ElectorFactory, tally, voting_point
from tests.factories import UserFactory


def close(election):
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save(update_fields=["closes_at"])


@pytest.fixture
def staff(db):
    user = UserFactory()
    assign_role(user=user, role=MUNICIPAL_STAFF)
    return user


@pytest.fixture
def paper_point(election, candidates):
    point = voting_point(election)
    desk.mark_voted_in_person(
        voting_point=point, elector=ElectorFactory(election=election), user=None
    )
    casting.cast_ballot(
        election=election,
        elector=ElectorFactory(election=election),
        candidate_ids=[candidates[0].pk],
    )
    return point


def test_results_stay_provisional_until_the_count_is_declared(
    election, candidates, paper_point, staff, client
):
    close(election)
    result = tally(election)
    assert result.final is False
    assert not Member.objects.exists()
    assert not Notification.objects.exists()
    page = client.get(reverse("consulte:election_results", kwargs={"pk": election.pk}))
    assert "Risultati provvisori" in page.content.decode()
    with pytest.raises(common.ElectionError, match="Manca lo spoglio"):
        desk.declare_count_complete(election=election, user=staff)
    desk.record_desk_count(
        voting_point=paper_point,
        valid=1,
        blank=0,
        void=0,
        votes={candidates[2].pk: 1},
        entered_by=None,
    )
    assert not Member.objects.exists()
    result = desk.declare_count_complete(election=election, user=staff)
    assert result.final is True
    assert Member.objects.count() == 2
    notified = Notification.objects.count()
    assert notified >= 0
    tally(election)
    assert Notification.objects.count() == notified
    election.refresh_from_db()
    assert election.results_notified_at is not None
    # After the declaration a correction is refused: the published result does not move.
    with pytest.raises(common.ElectionError, match="dichiarato completo"):
        desk.record_desk_count(
            voting_point=paper_point,
            valid=0,
            blank=1,
            void=0,
            votes={},
            entered_by=None,
            reason="ripensamento",
        )
    entry = ElectionLogEntry.objects.get(action="count_declared")
    assert entry.actor == staff


def test_declare_action_in_the_admin(election, candidates, paper_point, staff, client):
    close(election)
    tally(election)
    client.force_login(staff)
    url = reverse("admin:consulte_election_changelist")
    data = {"action": "declare_count_complete", "_selected_action": [election.pk]}
    page = client.post(url, data, follow=True).content.decode()
    assert "Manca lo spoglio" in page
    election.refresh_from_db()
    assert election.count_declared_at is None


def test_log_is_written_for_each_desk_action(election, candidates):
    worker = UserFactory()
    assign_role(user=worker, role=POLL_WORKER)
    point = voting_point(election, worker)
    elector = ElectorFactory(election=election)
    desk.register_presence(voting_point=point, elector=elector, user=worker)
    verification.issue_credentials(electors=[elector], issued_by=worker, voting_point=point)
    desk.mark_voted_in_person(voting_point=point, elector=elector, user=worker)
    close(election)
    desk.record_desk_count(
        voting_point=point, valid=1, blank=0, void=0, votes={candidates[0].pk: 1}, entered_by=worker
    )
    # The key ceremony of the factory's election is logged first; these are the desk's entries.
    desk_entries = ElectionLogEntry.objects.exclude(action=ElectionLogEntry.Action.KEY_CEREMONY)
    assert list(desk_entries.values_list("action", flat=True)) == [
        "present",
        "code_issued",
        "voted_in_person",
        "desk_count",
    ]
    assert set(desk_entries.values_list("actor", flat=True)) == {worker.pk}


def test_log_cannot_be_changed_or_deleted_in_the_admin_even_by_a_superuser(election, client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    point = voting_point(election)
    elector = ElectorFactory(election=election)
    entry = desk.register_presence(voting_point=point, elector=elector, user=None)
    entries = ElectionLogEntry.objects.count()
    client.force_login(admin)
    change = reverse("admin:consulte_electionlogentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200  # readable
    client.post(change, {"action": "voted_in_person", "details": "{}"})
    assert_superuser_cannot_delete(client, "electionlogentry", entry)
    assert entry.action == "present"
    assert ElectionLogEntry.objects.count() == entries


def test_codes_during_the_vote_need_the_permission_and_a_reason(election, staff, client):
    elector = ElectorFactory(election=election)
    client.force_login(staff)
    url = reverse("admin:consulte_elector_changelist")
    data = {"action": "issue_codes_csv", "_selected_action": [elector.pk]}
    page = client.post(url, data, follow=True).content.decode()
    assert "permesso apposito" in page
    assert not VotingCredential.objects.exists()
    staff.user_permissions.add(Permission.objects.get(codename="issue_code_during_vote"))
    client.force_login(staff)
    page = client.post(url, data, follow=True).content.decode()
    assert "indica il motivo" in page
    assert not VotingCredential.objects.exists()
    response = client.post(url, {**data, "reason": "Lettera smarrita, identità verificata"})
    assert response["Content-Type"].startswith("text/csv")
    assert VotingCredential.objects.filter(elector=elector).exists()
    entry = ElectionLogEntry.objects.get(action="code_issued")
    assert (entry.actor, entry.elector) == (staff, elector)
    assert entry.details["reason"] == "Lettera smarrita, identità verificata"


def test_codes_after_the_opening_need_the_permission_even_before_the_key_ceremony(staff):
    # Voting cannot start without the key, but a code issued now votes once the ceremony is done.
    late = ElectionFactory(ceremony=False)
    assert late.has_started and not late.is_open
    elector = ElectorFactory(election=late)
    with pytest.raises(common.ElectionError, match="permesso apposito"):
        verification.issue_credentials(electors=[elector], issued_by=staff)
    assert not VotingCredential.objects.exists()


def test_codes_csv_is_protected_against_formula_injection(election, staff, client):
    election.opens_at = timezone.now() + datetime.timedelta(days=1)
    election.closes_at = timezone.now() + datetime.timedelta(days=2)
    election.nomination_opens_at = timezone.now() - datetime.timedelta(days=3)
    election.nomination_closes_at = timezone.now() - datetime.timedelta(days=1)
    election.save()
    elector = ElectorFactory(election=election, last_name='=HYPERLINK("http://x")')
    client.force_login(staff)
    response = client.post(
        reverse("admin:consulte_elector_changelist"),
        {"action": "issue_codes_csv", "_selected_action": [elector.pk]},
    )
    row = response.content.decode("utf-8-sig").splitlines()[1]
    assert ";\"'=HYPERLINK" in row


def test_letters_take_the_url_from_the_settings_not_the_host(election, staff, client, settings):
    settings.PORTAL_URL = "https://partecipa.example.it"
    settings.ALLOWED_HOSTS = ["*"]
    election.opens_at = timezone.now() + datetime.timedelta(days=1)
    election.closes_at = timezone.now() + datetime.timedelta(days=2)
    election.nomination_opens_at = timezone.now() - datetime.timedelta(days=3)
    election.nomination_closes_at = timezone.now() - datetime.timedelta(days=1)
    election.save()
    elector = ElectorFactory(election=election)
    client.force_login(staff)
    response = client.post(
        reverse("admin:consulte_elector_changelist"),
        {"action": "issue_codes_letters", "_selected_action": [elector.pk]},
        HTTP_HOST="evil.example.com",
    )
    page = response.content.decode()
    assert "https://partecipa.example.it" in page
    assert "evil.example.com" not in page


def test_in_person_vote_points_to_its_voting_point(election):
    point = voting_point(election)
    vote = desk.mark_voted_in_person(
        voting_point=point, elector=ElectorFactory(election=election), user=None
    )
    assert ElectorVote.objects.get(pk=vote.pk).voting_point == point


def assert_superuser_cannot_delete(client, model: str, target) -> None:
    """Neither from its own page nor by the changelist's bulk action."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    delete = reverse(f"admin:consulte_{model}_delete", args=[target.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:consulte_{model}_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"}
    client.post(changelist, bulk)
    target.refresh_from_db()  # still there


@pytest.mark.parametrize("model", ["elector", "candidate"])
def test_once_voting_starts_not_even_a_superuser_deletes_an_elector_or_a_candidate(
    election, candidates, client, model
):
    # Voted online: nothing but their ElectorVote names them, and it would go with them.
    voter = ElectorFactory(election=election)
    casting.cast_ballot(election=election, elector=voter, candidate_ids=[candidates[0].pk])
    target = {"elector": voter, "candidate": candidates[0]}[model]
    assert_superuser_cannot_delete(client, model, target)
    assert ElectorVote.objects.filter(election=election, elector=voter).exists()


def test_once_voting_starts_not_even_a_superuser_deletes_the_election(election, client):
    # No envelope yet, which would PROTECT it as well.
    assert_superuser_cannot_delete(client, "election", election)


@pytest.mark.parametrize("model", ["elector", "candidate"])
def test_before_voting_starts_a_superuser_may_still_delete_an_elector_or_a_candidate(
    election, candidates, client, model
):
    election.opens_at = timezone.now() + datetime.timedelta(days=1)
    election.closes_at = timezone.now() + datetime.timedelta(days=2)
    election.save(update_fields=["opens_at", "closes_at"])
    target = {"elector": ElectorFactory(election=election), "candidate": candidates[0]}[model]
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    delete = reverse(f"admin:consulte_{model}_delete", args=[target.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not type(target).objects.filter(pk=target.pk).exists()


def test_a_paper_count_is_corrected_never_deleted_not_even_by_a_superuser(
    election, candidates, paper_point, client
):
    close(election)
    count = desk.record_desk_count(
        voting_point=paper_point,
        valid=1,
        blank=0,
        void=0,
        votes={candidates[1].pk: 1},
        entered_by=None,
    )
    assert_superuser_cannot_delete(client, "deskcount", count)
    assert count.lines.get().votes == 1


def test_deleting_an_election_not_started_reads_its_start_once_not_per_elector(election, client):
    election.opens_at = timezone.now() + datetime.timedelta(days=1)
    election.closes_at = timezone.now() + datetime.timedelta(days=2)
    election.save(update_fields=["opens_at", "closes_at"])
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    delete = reverse("admin:consulte_election_delete", args=[election.pk])
    counts = []
    for electors in (2, 10):
        ElectorFactory.create_batch(electors - election.electors.count(), election=election)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(delete).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_voting_point_cannot_be_moved_to_another_election(election, client):
    point = voting_point(election)
    other = ElectionFactory(council=election.council)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    change = reverse("admin:consulte_votingpoint_change", args=[point.pk])
    moved = {"election": other.pk, "name": "Altrove", "address": "", "poll_workers": []}
    assert client.post(change, moved).status_code == 302
    point.refresh_from_db()
    assert (point.election, point.name) == (election, "Altrove")


def test_the_voting_point_forms_offer_only_poll_workers(election, client):
    worker = UserFactory()
    UserFactory()  # an account without the role: not offered
    assign_role(user=worker, role=POLL_WORKER)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for page in (
        reverse("admin:consulte_votingpoint_add"),
        reverse("admin:consulte_votingpoint_change", args=[voting_point(election).pk]),
    ):
        field = client.get(page).context["adminform"].form.fields["poll_workers"]
        assert list(field.queryset) == [worker], page
