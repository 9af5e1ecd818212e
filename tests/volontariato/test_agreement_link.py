"""An opportunity born from a citizenship agreement links the two pages, and never a draft."""

from accordi.models import Status
from tests.accordi.factories import agreement_in
from tests.volontariato.factories import OpportunityFactory
from volontariato.forms import OpportunityForm


def test_agreement_page_lists_its_published_opportunities(client, db):
    agreement = agreement_in(Status.ACTIVE)
    OpportunityFactory(agreement=agreement, title="Custodi del parco")
    OpportunityFactory(agreement=agreement, title="Bozza di turno", published=False)

    body = client.get(agreement.get_absolute_url()).content.decode()

    assert "Custodi del parco" in body
    assert "Bozza di turno" not in body


def test_opportunity_page_links_to_its_public_agreement(client, db):
    agreement = agreement_in(Status.SIGNED, title="Orti urbani di via Adua")
    opportunity = OpportunityFactory(agreement=agreement)

    body = client.get(opportunity.get_absolute_url()).content.decode()

    assert f'href="{agreement.get_absolute_url()}"' in body


def test_opportunity_page_does_not_reveal_a_draft_agreement(client, db):
    agreement = agreement_in(Status.CODESIGN, title="Accordo ancora in discussione")
    opportunity = OpportunityFactory(agreement=agreement)

    body = client.get(opportunity.get_absolute_url()).content.decode()

    assert "Accordo ancora in discussione" not in body


def test_opportunity_form_offers_only_public_agreements(db):
    public = agreement_in(Status.APPROVED)
    draft = agreement_in(Status.DRAFT)

    choices = set(OpportunityForm().fields["agreement"].queryset)

    assert public in choices
    assert draft not in choices
