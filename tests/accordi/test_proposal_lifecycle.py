"""Every step of a proposal's path, and every refusal, at the service."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accordi.models import Proposal, ProposalFollow, ProposalStatusChange
from accordi.proposals import services
from accordi.proposals.services import ProposalError
from collabcity.models import Notification
from tests.factories import QuartiereFactory, UserFactory

from .proposal_factories import CallFactory, ProposalFactory, proposal_in

Status = Proposal.Status
pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def new_draft(author, **fields) -> Proposal:
    return services.save_draft(
        proposal=Proposal(title="Biblioteca di cortile", summary="Libri tra vicini.", **fields),
        by=author,
        quartieri=[QuartiereFactory()],
    )


def steps(proposal) -> list[tuple[str, str]]:
    return list(
        ProposalStatusChange.objects.filter(proposal=proposal)
        .order_by("at", "pk")
        .values_list("from_status", "to_status")
    )


# -- Drafting ---------------------------------------------------------------------------------


def test_a_new_draft_belongs_to_its_author_with_its_quartieri(proposer):
    proposal = new_draft(proposer, theme="cultura")

    assert proposal.author == proposer
    assert proposal.status == Status.DRAFT
    assert proposal.quartieri.count() == 1
    assert proposal.history.first().history_user == proposer


def test_a_draft_for_an_open_call_is_saved(proposer):
    call = CallFactory()
    assert new_draft(proposer, theme="verde", call=call).call == call


@pytest.mark.parametrize(
    "dates",
    [(-40, -1), (5, 30)],
    ids=["closed", "not yet open"],
)
def test_a_new_draft_for_a_call_not_open_is_refused(proposer, dates):
    call = CallFactory(
        opens_on=today() + datetime.timedelta(days=dates[0]),
        closes_on=today() + datetime.timedelta(days=dates[1]),
    )
    with pytest.raises(ProposalError, match="non accetta proposte"):
        new_draft(proposer, theme="verde", call=call)
    assert not Proposal.objects.exists()


def test_a_new_draft_for_an_unpublished_call_is_refused(proposer):
    with pytest.raises(ProposalError):
        new_draft(proposer, theme="verde", call=CallFactory(published=False))


def test_only_the_proposer_edits_a_draft(proposer):
    proposal = ProposalFactory(author=proposer)
    proposal.title = "Titolo cambiato da un altro"
    with pytest.raises(ProposalError, match="propria proposta"):
        services.save_draft(proposal=proposal, by=UserFactory(), quartieri=[])
    proposal.refresh_from_db()
    assert proposal.title != "Titolo cambiato da un altro"


def test_a_submitted_proposal_is_no_longer_edited(proposer):
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    proposal.title = "Ripensamento"
    with pytest.raises(ProposalError, match="finché è in bozza"):
        services.save_draft(proposal=proposal, by=proposer, quartieri=[])


def test_the_proposer_discards_a_draft(proposer):
    proposal = ProposalFactory(author=proposer)
    services.discard_draft(proposal=proposal, by=proposer)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.EVALUATION, Status.WITHDRAWN])
def test_a_public_proposal_is_never_discarded(proposer, status):
    proposal = proposal_in(status, author=proposer)
    with pytest.raises(ProposalError, match="in bozza"):
        services.discard_draft(proposal=proposal, by=proposer)
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_someone_else_cannot_discard_a_draft(proposer):
    proposal = ProposalFactory(author=proposer)
    with pytest.raises(ProposalError):
        services.discard_draft(proposal=proposal, by=UserFactory())
    assert Proposal.objects.filter(pk=proposal.pk).exists()


# -- Submission -------------------------------------------------------------------------------


def test_submitting_records_who_and_when_and_makes_it_public(proposer):
    proposal = ProposalFactory(author=proposer)

    change = services.submit(proposal=proposal, by=proposer)

    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert proposal.submitted_at is not None
    assert (change.by, change.from_status, change.to_status) == (proposer, "bozza", "presentata")
    assert Proposal.objects.public().filter(pk=proposal.pk).exists()


def test_submitting_updates_the_callers_object(proposer):
    proposal = ProposalFactory(author=proposer)
    services.submit(proposal=proposal, by=proposer)
    assert proposal.status == Status.SUBMITTED


def test_an_incomplete_draft_is_not_submitted_and_says_what_is_missing(proposer):
    proposal = ProposalFactory(
        author=proposer, need="", timeline="", committed_people=None, quartieri=[]
    )
    with pytest.raises(ProposalError) as refused:
        services.submit(proposal=proposal, by=proposer)
    assert refused.value.messages == [
        "Descrivi il bisogno a cui risponde la proposta.",
        "Indica almeno un quartiere.",
        "Indica i tempi del progetto.",
        "Indica quante persone si impegnano nel progetto.",
    ]
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT
    assert not ProposalStatusChange.objects.exists()


def test_a_draft_whose_call_has_closed_is_not_submitted(proposer):
    call = CallFactory()
    proposal = ProposalFactory(author=proposer, call=call)
    call.closes_on = today() - datetime.timedelta(days=1)
    call.save()
    with pytest.raises(ProposalError, match="proposta spontanea"):
        services.submit(proposal=proposal, by=proposer)


def test_a_proposal_asking_more_than_the_calls_ceiling_is_not_submitted(proposer):
    proposal = ProposalFactory(
        author=proposer, call=CallFactory(budget_ceiling=Decimal(3000)), requested_budget=3500
    )
    with pytest.raises(ProposalError, match="contributo fino a 3.000,00 € per proposta"):
        services.submit(proposal=proposal, by=proposer)
    proposal.requested_budget = Decimal(3000)
    proposal.save()
    services.submit(proposal=proposal, by=proposer)


def test_only_the_proposer_submits(proposer, staff_user):
    proposal = ProposalFactory(author=proposer)
    for someone in (UserFactory(), staff_user):
        with pytest.raises(ProposalError, match="propria proposta"):
            services.submit(proposal=proposal, by=someone)


def test_a_proposal_is_submitted_once(proposer):
    proposal = ProposalFactory(author=proposer)
    services.submit(proposal=proposal, by=proposer)
    with pytest.raises(ProposalError):
        services.submit(proposal=proposal, by=proposer)
    assert ProposalStatusChange.objects.count() == 1


def test_submission_tells_the_proposer_and_the_staff(proposer, staff_user):
    proposal = ProposalFactory(author=proposer, title="Merende al parco")
    services.submit(proposal=proposal, by=proposer)

    to_proposer = Notification.objects.get(recipient=proposer)
    assert to_proposer.subject == "La tua proposta «Merende al parco»: presentata"
    assert "Abbiamo ricevuto la tua proposta" in to_proposer.body
    to_staff = Notification.objects.get(recipient=staff_user)
    assert to_staff.subject == "Nuova proposta da valutare: «Merende al parco»"
    assert to_staff.url == proposal.get_absolute_url()


# -- Evaluation and decision ------------------------------------------------------------------


def test_staff_start_the_evaluation(staff_user):
    proposal = proposal_in(Status.SUBMITTED)
    change = services.start_evaluation(
        proposal=proposal, by=staff_user, deadline=today() + datetime.timedelta(days=20)
    )
    assert (change.by, change.to_status) == (staff_user, Status.EVALUATION)
    assert proposal.status == Status.EVALUATION


@pytest.mark.parametrize("status", [Status.DRAFT, Status.EVALUATION, Status.ADMITTED])
def test_evaluation_starts_only_from_a_submitted_proposal(staff_user, status):
    proposal = proposal_in(status)
    with pytest.raises(ProposalError):
        services.start_evaluation(
            proposal=proposal, by=staff_user, deadline=today() + datetime.timedelta(days=20)
        )


def test_a_citizen_or_the_proposer_cannot_start_the_evaluation(proposer):
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    for someone in (proposer, UserFactory()):
        with pytest.raises(ProposalError, match="personale comunale"):
            services.start_evaluation(
                proposal=proposal, by=someone, deadline=today() + datetime.timedelta(days=20)
            )


def test_the_opinion_deadline_must_be_after_today(staff_user):
    proposal = proposal_in(Status.SUBMITTED)
    with pytest.raises(ProposalError, match="dopo oggi"):
        services.start_evaluation(proposal=proposal, by=staff_user, deadline=today())
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


@pytest.mark.parametrize(("admitted", "expected"), [(True, "ammessa"), (False, "non_ammessa")])
def test_staff_decide_with_a_public_reason(staff_user, admitted, expected):
    proposal = proposal_in(Status.EVALUATION)
    services.decide(proposal=proposal, by=staff_user, admitted=admitted, reason=" Ben fatta. ")
    proposal.refresh_from_db()
    assert proposal.status == expected
    assert proposal.decision_reason == "Ben fatta."
    assert steps(proposal) == [("in_valutazione", expected)]


@pytest.mark.parametrize("admitted", [True, False])
def test_a_decision_without_reason_is_refused(staff_user, admitted):
    proposal = proposal_in(Status.EVALUATION)
    with pytest.raises(ProposalError, match="motivazione"):
        services.decide(proposal=proposal, by=staff_user, admitted=admitted, reason="  ")


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.ADMITTED, Status.NOT_ADMITTED])
def test_a_decision_is_taken_only_in_evaluation(staff_user, status):
    proposal = proposal_in(status)
    with pytest.raises(ProposalError):
        services.decide(proposal=proposal, by=staff_user, admitted=True, reason="Sì.")


def test_a_citizen_cannot_decide(proposer):
    proposal = proposal_in(Status.EVALUATION, author=proposer)
    with pytest.raises(ProposalError, match="personale comunale"):
        services.decide(proposal=proposal, by=proposer, admitted=True, reason="Me la ammetto.")


# -- Withdrawal -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.EVALUATION, Status.ADMITTED])
def test_the_proposer_withdraws_with_a_public_reason(proposer, status):
    proposal = proposal_in(status, author=proposer)
    services.withdraw(proposal=proposal, by=proposer, reason="Ci siamo trasferiti.")
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN
    assert proposal.withdrawal_reason == "Ci siamo trasferiti."
    assert proposal.is_public


def test_a_withdrawal_needs_a_reason(proposer):
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    with pytest.raises(ProposalError, match="perché ritiri"):
        services.withdraw(proposal=proposal, by=proposer, reason="")


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.NOT_ADMITTED, Status.CONVERTED, Status.WITHDRAWN]
)
def test_there_is_nothing_to_withdraw_outside_the_path(proposer, status):
    proposal = proposal_in(status, author=proposer)
    with pytest.raises(ProposalError):
        services.withdraw(proposal=proposal, by=proposer, reason="Basta.")


def test_only_the_proposer_withdraws(proposer, staff_user):
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    for someone in (UserFactory(), staff_user):
        with pytest.raises(ProposalError, match="Solo chi l'ha presentata"):
            services.withdraw(proposal=proposal, by=someone, reason="Per conto suo.")


# -- The whole path, told to proposer and followers -------------------------------------------


def test_the_whole_path_is_recorded_and_told_to_proposer_and_followers(proposer, staff_user):
    proposal = ProposalFactory(author=proposer, title="Cortili aperti")
    services.submit(proposal=proposal, by=proposer)
    follower, former = UserFactory(), UserFactory(is_active=False)
    for person in (follower, former, proposer):
        ProposalFollow.objects.create(proposal=proposal, user=person)
    services.start_evaluation(
        proposal=proposal, by=staff_user, deadline=today() + datetime.timedelta(days=10)
    )
    services.decide(
        proposal=proposal,
        by=staff_user,
        admitted=True,
        reason="Coinvolge tre condomini.",
        today=today() + datetime.timedelta(days=11),
    )
    agreement = services.convert(proposal=proposal, by=staff_user)

    assert steps(proposal) == [
        ("bozza", "presentata"),
        ("presentata", "in_valutazione"),
        ("in_valutazione", "ammessa"),
        ("ammessa", "trasformata"),
    ]
    assert [change.by for change in proposal.status_changes.order_by("at", "pk")] == [
        proposer,
        staff_user,
        staff_user,
        staff_user,
    ]
    to_proposer = list(
        Notification.objects.filter(recipient=proposer).order_by("pk").values_list("subject")
    )
    assert to_proposer == [
        ("La tua proposta «Cortili aperti»: presentata",),
        ("La tua proposta «Cortili aperti»: in valutazione",),
        ("La tua proposta «Cortili aperti»: ammessa alla co-progettazione",),
        ("La tua proposta «Cortili aperti»: trasformata in accordo",),
    ]
    to_follower = Notification.objects.filter(recipient=follower).order_by("pk")
    assert [n.subject for n in to_follower] == [
        "Proposta che segui, «Cortili aperti»: in valutazione",
        "Proposta che segui, «Cortili aperti»: ammessa alla co-progettazione",
        "Proposta che segui, «Cortili aperti»: trasformata in accordo",
    ]
    assert "Coinvolge tre condomini." in to_follower[1].body
    assert not Notification.objects.filter(recipient=former).exists()
    assert proposal.agreement == agreement
