"""Every page of the agreements passes axe-core's WCAG 2.1 A and AA rules."""

import pytest
from playwright.sync_api import Page

from collabcity.models import User
from tests.e2e.test_accessibility import axe_violations

PUBLIC_PAGES = [
    "/accordi/",
    "/accordi/?quartiere=orologio&tema=verde",
    "/accordi/?q=nessunrisultato",
    "/accordi/?anno=abc",
    "/accordi/come-funziona/",
    "/accordi/cura-del-verde-parco-ottavi/",
    "/accordi/portierato-di-quartiere-santa-croce/",
    "/accordi/sport-nei-parchi-uisp/",
    "/quartieri/orologio/",
]
PERSONAL_PAGES = [
    ("cittadina@demo.collabcity.it", "/accordi/repair-cafe-laboratorio-aperto/bozza/"),
    ("personale@demo.collabcity.it", "/accordi/pedibus-scuola-primaria-bagno/anteprima/"),
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_agreement_page_has_no_wcag_violations(page: Page, live_server, demo_city, path):
    page.goto(live_server.url + path)
    assert axe_violations(page) == []


@pytest.mark.parametrize(("email", "path"), PERSONAL_PAGES)
def test_personal_agreement_page_has_no_wcag_violations(
    page: Page, live_server, demo_city, client, email, path
):
    client.force_login(User.objects.get(email=email))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + path)
    assert page.url == live_server.url + path
    assert axe_violations(page) == []
