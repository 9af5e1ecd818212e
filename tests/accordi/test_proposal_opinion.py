"""The consulta's voice: entering evaluation asks each consulta of the proposal's ambiti for its
opinion through the consulte's own flow, and the decision waits for it (or its deadline)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accordi.models import Proposal
from accordi.proposals import services
from accordi.proposals.services import ProposalError
from collabcity.models import Notification
from consulte import services as consulte_services
from consulte.models import OpinionRequest
from tests.consulte.council_factories import CouncilFactory, CouncillorFactory
from tests.factories import AmbitoFactory, QuartiereFactory

from .proposal_factories import proposal_in

Status = Proposal.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(ambito=AmbitoFactory(code="B"))


@pytest.fixture
def quartiere(council):
    return QuartiereFactory(name="Orologio", ambito=council.ambito)


def deadline(days=20):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_evaluation_asks_the_consulta_of_the_ambito(staff_user, council, quartiere):
    proposal = proposal_in(Status.SUBMITTED, title="Orto di via Premuda", quartieri=[quartiere])

    services.start_evaluation(
        proposal=proposal, by=staff_user, deadline=deadline(), note="Serve entro maggio."
    )

    opinion_request = OpinionRequest.objects.get()
    assert opinion_request.council == council
    assert list(proposal.opinion_requests.all()) == [opinion_request]
    assert opinion_request.title == "Proposta «Orto di via Premuda»"
    assert opinion_request.deadline == deadline()
    assert opinion_request.requested_on == timezone.localdate()
    assert opinion_request.status == OpinionRequest.Status.REQUESTED
    assert "Serve entro maggio." in opinion_request.description
    assert proposal.get_absolute_url() in opinion_request.description


def test_the_councillors_hear_of_the_request(staff_user, council, quartiere):
    councillor = CouncillorFactory(council=council)
    proposal = proposal_in(Status.SUBMITTED, quartieri=[quartiere])

    services.start_evaluation(proposal=proposal, by=staff_user, deadline=deadline())

    notification = Notification.objects.get(recipient=councillor.user)
    assert notification.subject.startswith("Richiesta di parere: Proposta «")
    assert notification.url == consulte_services.edit_url(OpinionRequest.objects.get())


def test_a_proposal_across_two_ambiti_asks_both_consulte(staff_user, quartiere):
    other = CouncilFactory(ambito=AmbitoFactory(code="C"))
    second = QuartiereFactory(ambito=other.ambito)
    proposal = proposal_in(Status.SUBMITTED, quartieri=[quartiere, second])

    services.start_evaluation(proposal=proposal, by=staff_user, deadline=deadline())

    assert proposal.opinion_requests.count() == 2


def test_quartieri_of_one_ambito_ask_its_consulta_once(staff_user, council, quartiere):
    neighbour = QuartiereFactory(ambito=council.ambito)
    proposal = proposal_in(Status.SUBMITTED, quartieri=[quartiere, neighbour])

    services.start_evaluation(proposal=proposal, by=staff_user, deadline=deadline())

    assert OpinionRequest.objects.count() == 1


def test_no_request_is_left_behind_when_the_evaluation_is_refused(staff_user, quartiere):
    proposal = proposal_in(Status.SUBMITTED, quartieri=[quartiere])
    with pytest.raises(ProposalError):
        services.start_evaluation(proposal=proposal, by=staff_user, deadline=deadline(0))
    assert not OpinionRequest.objects.exists()


def test_the_decision_waits_for_the_opinion(staff_user, council, quartiere):
    proposal = proposal_in(Status.SUBMITTED, quartieri=[quartiere])
    services.start_evaluation(proposal=proposal, by=staff_user, deadline=deadline(10))

    with pytest.raises(ProposalError, match="Si attende il parere della Consulta"):
        services.decide(proposal=proposal, by=staff_user, admitted=True, reason="Ottima.")
    proposal.refresh_from_db()
    assert proposal.status == Status.EVALUATION


def test_a_transmitted_opinion_opens_the_decision(staff_user, council, quartiere):
    councillor = CouncillorFactory(council=council)
    proposal = proposal_in(Status.SUBMITTED, quartieri=[quartiere])
    services.start_evaluation(proposal=proposal, by=staff_user, deadline=deadline(10))
    opinion_request = OpinionRequest.objects.get()

    consulte_services.transmit_opinion(
        opinion_request=opinion_request,
        user=councillor.user,
        text="Parere favorevole: il quartiere ne ha bisogno.",
        version=consulte_services.version_of(opinion_request),
    )
    services.decide(proposal=proposal, by=staff_user, admitted=True, reason="Come la consulta.")

    assert proposal.status == Status.ADMITTED


def test_past_the_deadline_the_comune_decides_without_the_opinion(staff_user, quartiere):
    proposal = proposal_in(Status.SUBMITTED, quartieri=[quartiere])
    services.start_evaluation(proposal=proposal, by=staff_user, deadline=deadline(10))

    services.decide(
        proposal=proposal,
        by=staff_user,
        admitted=False,
        reason="Fuori dai criteri.",
        today=deadline(11),
    )

    assert proposal.status == Status.NOT_ADMITTED


def test_the_opinion_is_shown_on_the_proposal_page(staff_user, council, quartiere):
    councillor = CouncillorFactory(council=council)
    proposal = proposal_in(Status.SUBMITTED, quartieri=[quartiere])
    services.start_evaluation(proposal=proposal, by=staff_user, deadline=deadline(10))
    page = Client().get(proposal.get_absolute_url()).content.decode()
    assert "Il parere della consulta" in page
    assert "la consulta può esprimerlo entro il" in page

    opinion_request = OpinionRequest.objects.get()
    consulte_services.transmit_opinion(
        opinion_request=opinion_request,
        user=councillor.user,
        text="Parere favorevole con una raccomandazione sugli orari.",
        version=consulte_services.version_of(opinion_request),
    )
    page = Client().get(proposal.get_absolute_url()).content.decode()
    assert "Parere favorevole con una raccomandazione sugli orari." in page
    assert consulte_services.public_url(opinion_request) in page


def test_the_request_is_public_on_the_consulta_page(staff_user, council, quartiere):
    proposal = proposal_in(Status.SUBMITTED, title="Orto di via Premuda", quartieri=[quartiere])
    services.start_evaluation(proposal=proposal, by=staff_user, deadline=deadline())
    opinion_request = OpinionRequest.objects.get()

    response = Client().get(consulte_services.public_url(opinion_request))

    assert response.status_code == 200
    assert "Orto di via Premuda" in response.content.decode()
