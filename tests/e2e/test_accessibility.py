"""Every page of the foundation passes axe-core's WCAG 2.1 A and AA rules."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from collabcity.models import User

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PUBLIC_PAGES = [
    "/",
    "/quartieri/",
    "/quartieri/rosta-nuova/",
    "/consulte/",
    "/accordi/",
    "/centri-sociali/",
    "/centri-sociali/laboratorio-aperto/",
    "/volontariato/",
    "/account/login/",
    "/account/signup/",
    "/account/password/reset/",
    "/quartieri/atlantide/",
    "/privacy/",
    "/accessibilita/",
    "/note-legali/",
]
PERSONAL_PAGES = ["/profilo/", "/notifiche/", "/account/email/", "/account/password/change/"]


def axe_violations(page: Page) -> list[str]:
    # After a click the new document may still be parsing: axe needs its <head> and all of it.
    page.wait_for_load_state()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_wcag_violations(page: Page, live_server, demo_city, path):
    page.goto(live_server.url + path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", PERSONAL_PAGES)
def test_personal_page_has_no_wcag_violations(page: Page, live_server, demo_city, client, path):
    client.force_login(User.objects.get(email="cittadina@demo.collabcity.it"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + path)
    assert page.url == live_server.url + path  # not bounced to the login page
    assert axe_violations(page) == []
