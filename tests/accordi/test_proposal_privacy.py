"""Drafts never leak, and proposers' personal data are public only if they choose so."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accordi.models import Proposal, ProposalAttachment
from tests.factories import QuartiereFactory, UserFactory

from .proposal_factories import CallFactory, ProposalFactory, proposal_in

Status = Proposal.Status
pytestmark = pytest.mark.django_db

SECRET = "Zefiro"
TITLE = f"Giardino {SECRET}"
VISITORS = ["anonymous", "citizen", "proposer", "staff"]


@pytest.fixture
def visitor_client(staff_user, proposer):
    def make(kind: str) -> Client:
        client = Client()
        user = {
            "anonymous": None,
            "citizen": UserFactory(),
            "proposer": proposer,
            "staff": staff_user,
        }[kind]
        if user is not None:
            client.force_login(user)
        return client

    return make


def _shows(client: Client, path: str, params: dict | None = None) -> bool:
    response = client.get(path, params or {})
    assert response.status_code == 200, path
    return TITLE in response.content.decode()


def attach(proposal: Proposal, *, public: bool) -> ProposalAttachment:
    return ProposalAttachment.objects.create(
        proposal=proposal,
        title="Progetto",
        public=public,
        file=SimpleUploadedFile("progetto.pdf", b"%PDF-1.4 progetto"),
    )


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("status", list(Status))
def test_a_proposal_is_seen_only_where_it_may_be(visitor_client, proposer, visitor, status):
    quartiere = QuartiereFactory(name="Orologio")
    call = CallFactory()
    proposal = proposal_in(
        status,
        author=proposer,
        title=TITLE,
        quartieri=[quartiere],
        call=call,
        latitude="44.700000",
        longitude="10.630000",
    )
    public_document = attach(proposal, public=True)
    private_document = attach(proposal, public=False)
    client = visitor_client(visitor)
    public = status != Status.DRAFT
    is_proposer, is_staff = visitor == "proposer", visitor == "staff"

    # Public places: the same for everybody, whoever is logged in.
    assert _shows(client, "/accordi/proposte/") is public
    assert _shows(client, "/accordi/proposte/", {"q": SECRET}) is public
    assert _shows(client, "/accordi/proposte/", {"quartiere": "orologio"}) is public
    assert _shows(client, "/accordi/proposte/mappa/") is public
    assert _shows(client, "/accordi/proposte/dati/proposte.csv") is public
    assert _shows(client, "/accordi/proposte/dati/proposte.json", {"q": SECRET}) is public
    assert _shows(client, call.get_absolute_url()) is public
    on_its_way = status in Proposal.DISCUSSION_STATUSES
    assert _shows(client, quartiere.get_absolute_url()) is on_its_way

    # Its own page and documents: the public, its proposer and the staff.
    may_read = public or is_proposer or is_staff
    assert client.get(proposal.get_absolute_url()).status_code == (200 if may_read else 404)
    assert client.get(public_document.get_absolute_url()).status_code == (200 if may_read else 404)
    assert client.get(private_document.get_absolute_url()).status_code == (
        200 if is_proposer or is_staff else 404
    )


def test_others_never_see_a_draft_among_their_proposals(client, proposer):
    ProposalFactory(author=proposer, title=f"Bozza {SECRET}")
    client.force_login(UserFactory())
    assert SECRET not in client.get("/accordi/proposte/mie/").content.decode()


def test_the_proposers_name_and_email_are_not_public_unless_they_choose(proposer):
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    pages = [
        proposal.get_absolute_url(),
        "/accordi/proposte/",
        "/accordi/proposte/mappa/",
        "/accordi/proposte/dati/proposte.csv",
        "/accordi/proposte/dati/proposte.json",
    ]
    for path in pages:
        content = Client().get(path).content.decode()
        assert "Proponente" not in content, path  # the proposer's last name
        assert proposer.email not in content, path

    proposal.show_author_name = True
    proposal.save()
    assert "Pietro Proponente" in Client().get(proposal.get_absolute_url()).content.decode()


def test_a_group_or_an_organisation_is_named_and_its_referent_only_if_chosen(proposer):
    proposal = proposal_in(
        Status.SUBMITTED,
        author=proposer,
        proposer_kind=Proposal.ProposerKind.GROUP,
        group_name="Vicini di via Roma",
        author_role="Referente",
    )
    page = Client().get(proposal.get_absolute_url()).content.decode()
    assert "Vicini di via Roma" in page
    assert "Pietro" not in page

    proposal.show_author_name = True
    proposal.save()
    page = Client().get(proposal.get_absolute_url()).content.decode()
    assert "referente: Pietro Proponente" in page


def test_the_status_path_does_not_name_the_staff(staff_user):
    proposal = proposal_in(Status.SUBMITTED)
    staff_user.last_name = "Funzionaria"
    staff_user.save()
    proposal.status_changes.create(
        from_status=Status.SUBMITTED, to_status=Status.EVALUATION, by=staff_user
    )
    page = Client().get(proposal.get_absolute_url()).content.decode()
    assert "dal Comune" in page
    assert "Funzionaria" not in page
