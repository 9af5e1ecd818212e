"""Staff side in the admin: candidacies, voting codes, roll import progress, turnout, results."""

import datetime
import hashlib

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from consulte.elections import casting, verification
from consulte.models import (
    Ballot,
    BallotPreference,
    Candidate,
    Election,
    ElectionLogEntry,
    ElectorVote,
    RollImport,
    VotingCredential,
)
from tests.consulte.factories import CandidateFactory, ElectorFactory
from tests.factories import UserFactory


@pytest.fixture
def staff_client(client, db):
    user = UserFactory()
    assign_role(user=user, role=MUNICIPAL_STAFF)
    client.force_login(user)
    return client


@pytest.fixture
def upcoming(election):
    now = timezone.now()
    election.nomination_opens_at = now - datetime.timedelta(days=3)
    election.nomination_closes_at = now - datetime.timedelta(days=1)
    election.opens_at = now + datetime.timedelta(days=1)
    election.closes_at = now + datetime.timedelta(days=8)
    election.save()
    return election


def changelist(model):
    return reverse(f"admin:consulte_{model}_changelist")


def test_ballots_and_votes_have_no_admin():
    for model in (Ballot, BallotPreference, ElectorVote, VotingCredential):
        assert not admin.site.is_registered(model)


def test_staff_approve_candidacies(staff_client, upcoming):
    candidate = CandidateFactory(election=upcoming, status=Candidate.Status.PENDING)
    staff_client.post(
        changelist("candidate"), {"action": "approve", "_selected_action": [candidate.pk]}
    )
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.APPROVED


def test_staff_reject_with_a_reason(staff_client, upcoming):
    candidate = CandidateFactory(election=upcoming, status=Candidate.Status.PENDING)
    form = staff_client.post(
        changelist("candidate"), {"action": "reject", "_selected_action": [candidate.pk]}
    )
    assert "Motivo del rifiuto" in form.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.PENDING
    staff_client.post(
        changelist("candidate"),
        {"action": "reject", "_selected_action": [candidate.pk], "reason": "Non residente"},
    )
    candidate.refresh_from_db()
    assert (candidate.status, candidate.rejection_reason) == ("rejected", "Non residente")


def test_candidacies_are_fixed_once_voting_opened(staff_client, election):
    candidate = CandidateFactory(election=election, status=Candidate.Status.PENDING)
    staff_client.post(
        changelist("candidate"), {"action": "approve", "_selected_action": [candidate.pk]}
    )
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.PENDING


def test_bulk_codes_as_csv_work_once(staff_client, upcoming):
    # Codes are mailed before the vote opens (during it, see test_election_oversight.py).
    election = upcoming
    electors = ElectorFactory.create_batch(3, election=election)
    response = staff_client.post(
        changelist("elector"),
        {"action": "issue_codes_csv", "_selected_action": [e.pk for e in electors]},
    )
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("codice_fiscale;")
    assert len(lines) == 4
    fiscal_code, *_rest, code = lines[1].split(";")
    elector = next(e for e in electors if e.fiscal_code == fiscal_code)
    assert (
        verification.verify_with_code(
            election=election, fiscal_code=fiscal_code, code=code, client_key="t", user=None
        )
        == elector
    )


def test_printable_letters_show_each_code(staff_client, upcoming):
    elector = ElectorFactory(election=upcoming)
    response = staff_client.post(
        changelist("elector"), {"action": "issue_codes_letters", "_selected_action": [elector.pk]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert elector.last_name in response.content.decode()
    assert VotingCredential.objects.filter(elector=elector).exists()


def test_roll_upload_shows_progress_page(
    staff_client, upcoming, quartiere, django_capture_on_commit_callbacks
):
    content = b"codice_fiscale;cognome;nome;data_nascita;genere;quartiere\n"
    with django_capture_on_commit_callbacks(execute=False):
        response = staff_client.post(
            reverse("admin:consulte_rollimport_add"),
            {"election": upcoming.pk, "file": SimpleUploadedFile("lista.csv", content)},
        )
    roll_import = RollImport.objects.get()
    assert response.url == reverse("admin:consulte_rollimport_change", args=[roll_import.pk])
    page = staff_client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page
    assert "<progress" in page


def test_roll_upload_refused_after_opening(staff_client, election):
    response = staff_client.post(
        reverse("admin:consulte_rollimport_add"),
        {"election": election.pk, "file": SimpleUploadedFile("lista.csv", b"x")},
    )
    assert response.status_code == 200
    assert not RollImport.objects.exists()


def test_turnout_per_hour_while_open_and_no_counts(staff_client, election, candidates):
    casting.cast_ballot(
        election=election,
        elector=ElectorFactory(election=election),
        candidate_ids=[candidates[0].pk],
    )
    page = staff_client.get(reverse("admin:consulte_election_change", args=[election.pk]))
    text = page.content.decode()
    assert "Votanti: 1 su 5" in text
    assert "dopo la chiusura" in text
    assert staff_client.get(changelist("result")).context["cl"].result_count == 0


def test_tie_seed_is_frozen_after_opening(staff_client, election):
    page = staff_client.get(reverse("admin:consulte_election_change", args=[election.pk]))
    assert 'name="draw_seed"' not in page.content.decode()


def admin_form_data(election, **changes):
    local = {
        name: timezone.localtime(getattr(election, name))
        for name in ("nomination_opens_at", "nomination_closes_at", "opens_at", "closes_at")
    }
    data = {
        "council": election.council_id,
        "title": election.title,
        "seats": election.seats,
        "max_preferences": election.max_preferences,
        "gender_balance": "on",
        "tie_rule": election.tie_rule,
        "ballot_order": election.ballot_order,
        "min_age": election.min_age,
        "guardians-TOTAL_FORMS": 0,
        "guardians-INITIAL_FORMS": 0,
        **{f"{name}_0": moment.strftime("%d/%m/%Y") for name, moment in local.items()},
        **{f"{name}_1": moment.strftime("%H:%M:%S") for name, moment in local.items()},
    }
    data.update(changes)
    return data


def test_closing_time_and_rules_cannot_change_once_voting_opens(staff_client, election):
    later = timezone.localtime(election.closes_at + datetime.timedelta(days=2))
    before = (election.closes_at, election.seats, election.tie_rule)
    response = staff_client.post(
        reverse("admin:consulte_election_change", args=[election.pk]),
        admin_form_data(
            election,
            title="Titolo corretto",
            closes_at_0=later.strftime("%d/%m/%Y"),
            seats=9,
            tie_rule="lots",
            draw_seed="un-seme-scelto-a-voto-aperto",
        ),
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.title == "Titolo corretto"  # the rest of the form still saves
    assert (election.closes_at, election.seats, election.tie_rule) == before
    assert election.tie_seed_commitment == ""


def test_candidate_statement_is_read_only_once_voting_opens(staff_client, upcoming):
    candidate = CandidateFactory(election=upcoming, statement="Prima")
    url = reverse("admin:consulte_candidate_change", args=[candidate.pk])
    staff_client.post(url, {"statement": "Corretta prima del voto"})
    candidate.refresh_from_db()
    assert candidate.statement == "Corretta prima del voto"
    upcoming.opens_at = timezone.now() - datetime.timedelta(minutes=1)
    upcoming.save()
    staff_client.post(url, {"statement": "Riscritta a voto aperto"})
    candidate.refresh_from_db()
    assert candidate.statement == "Corretta prima del voto"
    assert 'name="statement"' not in staff_client.get(url).content.decode()


def test_seed_is_committed_before_candidacies_and_never_stored(staff_client, election):
    now = timezone.now()
    election.nomination_opens_at = now + datetime.timedelta(days=1)
    election.nomination_closes_at = now + datetime.timedelta(days=2)
    election.opens_at = now + datetime.timedelta(days=3)
    election.closes_at = now + datetime.timedelta(days=4)
    election.save()
    url = reverse("admin:consulte_election_change", args=[election.pk])
    seed = "nove-gatti-sul-crostolo-2027"
    short = staff_client.post(url, admin_form_data(election, tie_rule="lots", draw_seed="corto"))
    assert short.status_code == 200
    staff_client.post(url, admin_form_data(election, tie_rule="lots", draw_seed=seed))
    election.refresh_from_db()
    assert election.tie_seed_commitment == hashlib.sha256(seed.encode()).hexdigest()
    assert election.tie_seed == ""
    assert seed not in str(list(Election.objects.filter(pk=election.pk).values()))
    entry = election.log.get(action=ElectionLogEntry.Action.TIE_SEED_COMMITTED)
    assert entry.details == {"commitment": election.tie_seed_commitment}
    # Once candidacies open, rule and commitment are fixed.
    election.nomination_opens_at = now - datetime.timedelta(minutes=1)
    election.save()
    page = staff_client.get(url).content.decode()
    assert 'name="tie_rule"' not in page and 'name="draw_seed"' not in page
    later = timezone.localtime(now + datetime.timedelta(hours=12))
    staff_client.post(
        url,
        admin_form_data(
            election,
            tie_rule="older",
            draw_seed="x" * 20,
            nomination_opens_at_0=later.strftime("%d/%m/%Y"),
            nomination_opens_at_1=later.strftime("%H:%M:%S"),
        ),
    )
    election.refresh_from_db()
    assert election.tie_rule == "lots"
    assert election.tie_seed_commitment == hashlib.sha256(seed.encode()).hexdigest()
    assert election.nomination_opens_at < now  # not moved back to unfreeze the draw
    # Nor does the log say that a seed was committed again.
    assert election.log.filter(action=ElectionLogEntry.Action.TIE_SEED_COMMITTED).count() == 1


def test_lots_need_a_seed(staff_client, upcoming):
    data = {
        "council": upcoming.council_id,
        "title": "X",
        "seats": 3,
        "nomination_opens_at_0": "01/01/2030",
        "nomination_opens_at_1": "10:00",
        "nomination_closes_at_0": "02/01/2030",
        "nomination_closes_at_1": "10:00",
        "opens_at_0": "03/01/2030",
        "opens_at_1": "10:00",
        "closes_at_0": "04/01/2030",
        "closes_at_1": "10:00",
        "max_preferences": 2,
        "gender_balance": "on",
        "tie_rule": "lots",
        "draw_seed": "",
        "ballot_order": "alphabetical",
        "min_age": 16,
    }
    response = staff_client.post(reverse("admin:consulte_election_add"), data)
    assert response.status_code == 200
    assert "serve un seme" in response.content.decode()


def test_closed_election_cannot_be_edited(staff_client, election):
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save()
    page = staff_client.get(reverse("admin:consulte_election_change", args=[election.pk]))
    assert 'name="closes_at_0"' not in page.content.decode()


def test_staff_withdraw_a_candidacy_before_opening(staff_client, upcoming):
    candidate = CandidateFactory(election=upcoming)
    staff_client.post(
        changelist("candidate"), {"action": "withdraw", "_selected_action": [candidate.pk]}
    )
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.WITHDRAWN
