"""Drafts never leak: every status × every URL × every kind of visitor."""

import pytest
from django.test import Client

from accordi.models import Status
from tests.factories import UserFactory

from .factories import AttachmentFactory, agreement_in

TITLE = "Accordo Zefiro di via Roma"

# (variant, status, withdrawn after approval, public?)
VARIANTS = [
    ("bozza", Status.DRAFT, False, False),
    ("in_coprogettazione", Status.CODESIGN, False, False),
    ("approvato", Status.APPROVED, False, True),
    ("firmato", Status.SIGNED, False, True),
    ("attivo", Status.ACTIVE, False, True),
    ("concluso", Status.CONCLUDED, False, True),
    ("ritirato_prima_della_delibera", Status.WITHDRAWN, False, False),
    ("ritirato_dopo_la_delibera", Status.WITHDRAWN, True, True),
]
VISITORS = ["anonymous", "citizen", "representative", "staff"]


@pytest.fixture
def visitor_client(request, db, staff_user, representative):
    def make(kind: str) -> Client:
        client = Client()
        user = {
            "anonymous": None,
            "citizen": UserFactory(),
            "representative": representative,
            "staff": staff_user,
        }[kind]
        if user is not None:
            client.force_login(user)
        return client

    return make


def _listed(client: Client, path: str, params: dict | None = None) -> bool:
    response = client.get(path, params or {})
    assert response.status_code == 200, path
    return TITLE in response.content.decode()


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(("variant", "status", "after_approval", "public"), VARIANTS)
def test_an_agreement_is_seen_only_where_it_may_be(
    visitor_client, representative, visitor, variant, status, after_approval, public
):
    agreement = agreement_in(status, withdrawn_after_approval=after_approval, title=TITLE)
    agreement.parties.filter(kind="organizzazione").update(representative=representative)
    document = AttachmentFactory(agreement=agreement)
    hidden_document = AttachmentFactory(agreement=agreement, public=False, title="Riservato")
    quartiere = agreement.quartieri.get()
    organisation = agreement.parties.get(kind="organizzazione").organisation
    client = visitor_client(visitor)
    is_representative = visitor == "representative"
    is_staff = visitor == "staff"

    # Public pages: the same for everybody, whoever is logged in.
    detail = client.get(agreement.get_absolute_url())
    assert detail.status_code == (200 if public else 404)
    assert _listed(client, "/accordi/") is public
    assert _listed(client, "/accordi/", {"q": "Zefiro"}) is public
    assert _listed(client, "/accordi/", {"quartiere": quartiere.slug}) is public
    assert _listed(client, quartiere.get_absolute_url()) is public
    assert _listed(client, "/accordi/dati/accordi.csv") is public
    assert _listed(client, "/accordi/dati/accordi.json", {"q": "Zefiro"}) is public
    # Not even the name of a draft's organisation may surface in the filters.
    assert (organisation.name in client.get("/accordi/").content.decode()) is public

    # Documents: public ones with the public agreement; a draft's to its parties and the staff.
    download = client.get(document.get_absolute_url())
    assert download.status_code == (200 if public or is_representative or is_staff else 404)
    if download.status_code == 200:
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    hidden = client.get(hidden_document.get_absolute_url())
    assert hidden.status_code == (200 if is_staff else 404)

    # The draft page belongs to the representatives of the parties.
    draft = client.get(agreement.get_draft_url())
    if visitor == "anonymous":
        assert draft.status_code == 302 and "/account/login/" in draft["Location"]
    elif is_representative:
        expected = 302 if public else 200
        assert draft.status_code == expected
    else:
        assert draft.status_code == 404

    # The staff preview, any status, only for the staff.
    preview = client.get(f"/accordi/{agreement.slug}/anteprima/")
    if visitor == "anonymous":
        assert preview.status_code == 302
    else:
        assert preview.status_code == (200 if is_staff else 403)
    if is_staff:
        assert "Anteprima per il personale comunale" in preview.content.decode()


def test_a_representative_sees_only_the_drafts_of_their_own_agreements(client, representative):
    mine = agreement_in(Status.CODESIGN, title="Il mio accordo")
    mine.parties.filter(kind="organizzazione").update(representative=representative)
    other = agreement_in(Status.CODESIGN, title="Un altro accordo")
    client.force_login(representative)

    assert client.get(mine.get_draft_url()).status_code == 200
    assert client.get(other.get_draft_url()).status_code == 404


def test_an_unknown_document_is_a_404(client, db):
    agreement = agreement_in(Status.ACTIVE)
    document = AttachmentFactory(agreement=agreement)
    other = agreement_in(Status.ACTIVE)
    assert client.get(f"/accordi/{other.slug}/documenti/{document.pk}/").status_code == 404
    assert client.get(f"/accordi/{agreement.slug}/documenti/999999/").status_code == 404
