"""The quartiere page shows the quartiere's open volunteering opportunities."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import QuartiereFactory

from .factories import OpportunityFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def test_the_quartiere_page_lists_opportunities_with_shifts_ahead(client):
    quartiere = QuartiereFactory(name="Orologio")
    ShiftFactory(opportunity=OpportunityFactory(title="Merende al centro", quartiere=quartiere))
    ShiftFactory(
        opportunity=OpportunityFactory(
            title="Bozza di opportunità", quartiere=quartiere, published=False
        )
    )
    past = timezone.now() - timedelta(days=3)
    ShiftFactory(
        opportunity=OpportunityFactory(title="Turni finiti", quartiere=quartiere),
        starts_at=past,
        ends_at=past + timedelta(hours=2),
    )
    ShiftFactory(opportunity=OpportunityFactory(title="In un altro quartiere"))

    page = client.get(quartiere.get_absolute_url()).content.decode()

    assert "Volontariato civico nel quartiere" in page
    assert "Merende al centro" in page
    for absent in ("Bozza di opportunità", "Turni finiti", "In un altro quartiere"):
        assert absent not in page


def test_without_opportunities_the_section_says_so(client):
    quartiere = QuartiereFactory()
    page = client.get(quartiere.get_absolute_url()).content.decode()
    assert "Nessuna opportunità di volontariato con turni in arrivo" in page
