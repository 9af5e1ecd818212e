"""A reuser finds the open data catalogue, downloads a file and its DCAT-AP_IT description;
staff read a centre's facts still to verify. Every page passes axe-core."""

import csv
import io

from playwright.sync_api import Page, expect
from rdflib import Graph
from rdflib.namespace import RDF

from collabcity.opendata_catalogue import DCATAPIT
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from tests.e2e.test_accessibility import axe_violations
from tests.factories import UserFactory


def test_a_reuser_finds_the_catalogue_and_its_files(page: Page, live_server, demo_city):
    page.goto(live_server.url)
    page.get_by_role("contentinfo").get_by_role("link", name="Dati aperti").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dati aperti")
    assert axe_violations(page) == []
    centres = page.locator("#centri-sociali-e-case-di-quartiere")
    expect(centres.get_by_role("heading", level=2)).to_have_text(
        "Centri sociali e case di quartiere"
    )
    expect(centres).to_contain_text("Creative Commons Attribuzione 4.0 Internazionale")

    link = centres.get_by_role(
        "link", name="Centri sociali e case di quartiere, una riga per centro"
    )
    response = page.request.get(live_server.url + link.get_attribute("href"))
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert {"Circolo Arci Pigal", "Centro sociale Orologio"} <= {row["nome"] for row in rows}

    turtle = page.get_by_role("link", name="catalogo in RDF/Turtle").get_attribute("href")
    graph = Graph().parse(data=page.request.get(live_server.url + turtle).text(), format="turtle")
    assert len(set(graph.subjects(RDF.type, DCATAPIT.Dataset))) >= 5


def test_staff_see_the_facts_to_verify_on_a_centre_page(page: Page, live_server, demo_city, client):
    staff = UserFactory(is_staff=True)
    assign_role(user=staff, role=MUNICIPAL_STAFF)
    client.force_login(staff)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(live_server.url + "/centri-sociali/centro-sociale-gattaglio/")

    expect(page.get_by_text("da verificare").first).to_be_visible()
    sources = page.get_by_role("heading", name="Fonti dei dati su Centro sociale Gattaglio")
    expect(sources).to_be_visible()
    assert axe_violations(page) == []
