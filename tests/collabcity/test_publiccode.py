"""publiccode.yml at the root describes the software as the publiccode.yml standard (0.4)
requires, with the Italian section; the licence it names is the one in LICENSE."""

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATEGORIES = {
    "digital-citizenship",
    "online-community",
    "event-management",
    "data-collection",
    "collaboration",
    "communications",
    "survey",
}
SCOPES = {"local-authorities", "society", "welfare", "culture", "sport"}


@pytest.fixture(scope="module")
def publiccode() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_the_mandatory_top_level_keys_are_there(publiccode):
    assert publiccode["publiccodeYmlVersion"] == "0.4"
    assert publiccode["name"] == "CollabCity"
    assert re.match(r"^https://\S+$", publiccode["url"])
    assert publiccode["platforms"] == ["web"]
    assert set(publiccode["categories"]) <= CATEGORIES
    assert publiccode["developmentStatus"] in {"concept", "development", "beta", "stable"}
    assert publiccode["softwareType"] == "standalone/web"
    assert set(publiccode["intendedAudience"]["scope"]) <= SCOPES
    date.fromisoformat(publiccode["releaseDate"])


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_description_in_italian_and_english(publiccode, language):
    description = publiccode["description"][language]
    assert len(description["shortDescription"]) <= 150
    assert 150 <= len(description["longDescription"]) <= 10000
    assert 5 <= len(description["features"]) <= 20
    assert all(isinstance(feature, str) and feature for feature in description["features"])


def test_legal_maintenance_localisation_and_dependencies(publiccode):
    assert publiccode["legal"]["license"] == "EUPL-1.2"
    assert (
        (ROOT / "LICENSE")
        .read_text(encoding="utf-8")
        .lstrip()
        .startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    )
    maintenance = publiccode["maintenance"]
    assert maintenance["type"] in {"internal", "contract", "community", "none"}
    if maintenance["type"] in {"internal", "community"}:
        assert all(contact["name"] for contact in maintenance["contacts"])
    assert publiccode["localisation"]["localisationReady"] is True
    assert set(publiccode["localisation"]["availableLanguages"]) == {"it", "en"}
    assert {d["name"] for d in publiccode["dependsOn"]["open"]} >= {"Python", "PostgreSQL"}


def test_the_italian_section_declares_accessibility_interoperability_and_platforms(
    publiccode,
):
    italy = publiccode["IT"]
    assert italy["countryExtensionVersion"] == "1.0"
    assert isinstance(italy["conforme"]["lineeGuidaDesign"], bool)
    assert isinstance(italy["conforme"]["modelloInteroperabilita"], bool)
    assert italy["piattaforme"]["spid"] is True and italy["piattaforme"]["cie"] is True
    # Reggio Emilia's IPA code, as the open data catalogue names its publisher by default.
    assert italy["riuso"]["codiceIPA"] == "c_h223"
