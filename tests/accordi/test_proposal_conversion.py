"""To an agreement: one action turns an admitted proposal into a prefilled agreement draft."""

from decimal import Decimal

import pytest
from django.test import Client

from accordi import services as agreement_services
from accordi.models import Agreement, Commitment, Party, Proposal, Status, Theme
from accordi.proposals import services
from accordi.proposals.services import ProposalError
from collabcity.models import Organisation
from tests.factories import OrganisationFactory, QuartiereFactory, UserFactory

from .factories import AgreementFactory
from .proposal_factories import proposal_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def comune(db):
    return Organisation.objects.create(
        name="Comune di Reggio Emilia", slug="comune-di-reggio-emilia", kind="comune"
    )


def admitted(**kwargs) -> Proposal:
    return proposal_in(Proposal.Status.ADMITTED, **kwargs)


def test_the_agreement_draft_is_prefilled_from_the_proposal(staff_user, proposer, comune):
    quartieri = [QuartiereFactory(name="Orologio"), QuartiereFactory(name="Regina Pacis")]
    proposal = admitted(
        author=proposer,
        title="Orto di via Premuda",
        summary="Un orto curato dai vicini.",
        theme=Theme.ENVIRONMENT,
        quartieri=quartieri,
        proposer_kind=Proposal.ProposerKind.GROUP,
        group_name="Vicini di via Premuda",
        author_role="Referente",
        requested_spaces="Un'area verde di 200 m²",
        requested_materials="Attrezzi",
        requested_staff_hours=Decimal("20"),
        requested_budget=Decimal("1500"),
        committed_people=6,
        committed_hours=Decimal("240"),
        committed_means="Due motozappe",
        activities="Coltiviamo l'orto il sabato.",
    )

    agreement = services.convert(proposal=proposal, by=staff_user)

    assert agreement.status == Status.DRAFT
    assert (agreement.title, agreement.slug, agreement.theme, agreement.summary) == (
        "Orto di via Premuda",
        "orto-di-via-premuda",
        Theme.ENVIRONMENT,
        "Un orto curato dai vicini.",
    )
    assert set(agreement.quartieri.all()) == set(quartieri)
    comune_party, proposers = agreement.parties.order_by("order")
    assert (comune_party.kind, comune_party.organisation) == (Party.Kind.COMUNE, comune)
    assert (proposers.kind, proposers.name) == (Party.Kind.INFORMAL_GROUP, "Vicini di via Premuda")
    assert proposers.signatory_name == "Pietro Proponente"
    assert proposers.signatory_role == "Referente"
    assert proposers.representative == proposer
    commitments = {
        (c.party.kind, c.kind, c.description, c.amount)
        for c in agreement.commitments.select_related("party")
    }
    kind = Commitment.Kind
    assert commitments == {
        ("comune", kind.SPACES, "Un'area verde di 200 m²", None),
        ("comune", kind.MATERIALS, "Attrezzi", None),
        ("comune", kind.STAFF_HOURS, "Ore di personale richieste nella proposta", Decimal(20)),
        ("comune", kind.FUNDS, "Contributo richiesto nella proposta", Decimal(1500)),
        ("gruppo_informale", kind.VOLUNTEER_HOURS, "Volontariato di 6 persone", Decimal(240)),
        ("gruppo_informale", kind.MATERIALS, "Due motozappe", None),
        ("gruppo_informale", kind.ACTIVITIES, "Coltiviamo l'orto il sabato.", None),
    }
    assert {record.history_user for record in agreement.history.all()} == {staff_user}


def test_proposal_and_agreement_link_to_each_other(staff_user, comune):
    proposal = admitted()
    agreement = services.convert(proposal=proposal, by=staff_user)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CONVERTED
    assert proposal.agreement == agreement
    assert agreement.proposal == proposal


def test_an_organisation_becomes_the_party_it_is(staff_user, comune):
    organisation = OrganisationFactory(name="Legambiente Reggio Emilia")
    proposal = admitted(
        proposer_kind=Proposal.ProposerKind.ORGANISATION,
        organisation=organisation,
        author_role="Presidente",
    )
    agreement = services.convert(proposal=proposal, by=staff_user)
    party = agreement.parties.get(kind=Party.Kind.ORGANISATION)
    assert party.organisation == organisation
    assert party.display_name == "Legambiente Reggio Emilia"


def test_a_person_becomes_a_citizen_party(staff_user, proposer, comune):
    agreement = services.convert(proposal=admitted(author=proposer), by=staff_user)
    party = agreement.parties.get(kind=Party.Kind.CITIZEN)
    assert party.name == "Pietro Proponente"
    assert party.signatory_role == "Proponente"


def test_without_the_comune_among_the_organisations_its_party_is_named(staff_user):
    agreement = services.convert(proposal=admitted(), by=staff_user)
    assert agreement.parties.get(kind=Party.Kind.COMUNE).display_name == "Comune"


def test_a_taken_slug_gets_a_number(staff_user, comune):
    AgreementFactory(title="Orto condiviso", slug="orto-condiviso")
    agreement = services.convert(proposal=admitted(title="Orto condiviso"), by=staff_user)
    assert agreement.slug == "orto-condiviso-2"


def test_a_slug_that_would_hide_a_page_of_the_portal_gets_a_number(staff_user, comune):
    agreement = services.convert(proposal=admitted(title="Proposte"), by=staff_user)
    assert agreement.slug == "proposte-2"
    assert Client().get("/accordi/proposte/").status_code == 200


def test_long_texts_are_cut_to_a_commitment(staff_user, comune):
    proposal = admitted(committed_means="molto " * 100)
    agreement = services.convert(proposal=proposal, by=staff_user)
    means = agreement.commitments.get(kind=Commitment.Kind.MATERIALS, party__kind="cittadino")
    assert len(means.description) == 300
    assert means.description.endswith("…")


@pytest.mark.parametrize(
    "status",
    [
        Proposal.Status.DRAFT,
        Proposal.Status.SUBMITTED,
        Proposal.Status.EVALUATION,
        Proposal.Status.NOT_ADMITTED,
        Proposal.Status.WITHDRAWN,
        Proposal.Status.CONVERTED,
    ],
)
def test_only_an_admitted_proposal_is_converted(staff_user, status):
    proposal = proposal_in(status)
    before = Agreement.objects.count()
    with pytest.raises(ProposalError):
        services.convert(proposal=proposal, by=staff_user)
    assert Agreement.objects.count() == before


def test_only_staff_convert(proposer):
    proposal = admitted(author=proposer)
    for someone in (proposer, UserFactory()):
        with pytest.raises(ProposalError, match="personale comunale"):
            services.convert(proposal=proposal, by=someone)
    assert not Agreement.objects.exists()


def test_the_proposer_reads_and_comments_the_draft_in_codesign(staff_user, proposer, comune):
    agreement = services.convert(proposal=admitted(author=proposer), by=staff_user)
    client = Client()
    client.force_login(proposer)
    assert client.get(agreement.get_draft_url()).status_code == 200

    Party.objects.filter(agreement=agreement).update(signatory_name="Firma", signatory_role="R")
    agreement_services.transition(agreement=agreement, to=Status.CODESIGN, by=staff_user)
    agreement_services.add_comment(agreement=agreement, author=proposer, body="Ci siamo.")
    assert agreement.comments.get().author == proposer


def test_the_proposal_keeps_its_public_history_after_conversion(staff_user, comune):
    proposal = admitted(title="Cortili aperti")
    agreement = services.convert(proposal=proposal, by=staff_user)

    page = Client().get(proposal.get_absolute_url()).content.decode()

    assert "Trasformata in accordo" in page
    assert "Cortili aperti" in page
    # The agreement is a draft: named, not linked, until the Giunta approves it.
    assert agreement.get_absolute_url() not in page
    assert agreement.get_draft_url() not in page


def test_the_public_agreement_links_back_to_its_proposal(staff_user, comune):
    proposal = admitted(title="Cortili aperti")
    agreement = services.convert(proposal=proposal, by=staff_user)
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Status.APPROVED,
        resolution_number="1/2026",
        resolution_date="2026-01-10",
        start_date="2026-02-01",
        end_date="2027-01-31",
        approved_at="2026-01-10T10:00Z",
    )

    agreement_page = Client().get(agreement.get_absolute_url()).content.decode()
    proposal_page = Client().get(proposal.get_absolute_url()).content.decode()

    assert proposal.get_absolute_url() in agreement_page
    assert agreement.get_absolute_url() in proposal_page
