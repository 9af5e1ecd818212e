"""The consulte's council pages pass axe-core's WCAG 2.1 A and AA rules."""

from playwright.sync_api import Page, expect

from collabcity.models import User
from consulte.demo import COUNCILLOR_EMAIL
from consulte.models import Council, OpinionRequest
from tests.e2e.test_accessibility import axe_violations


def public_pages() -> list[str]:
    council = Council.objects.get(ambito__code="B")
    published = council.opinion_requests.filter(status=OpinionRequest.Status.PUBLISHED).first()
    open_request = council.opinion_requests.filter(status=OpinionRequest.Status.REQUESTED).first()
    return [
        "/consulte/",
        council.get_absolute_url(),
        Council.objects.get(ambito__code="D").get_absolute_url(),
        f"{council.get_absolute_url()}riunioni/{council.meetings.first().pk}/",
        f"{council.get_absolute_url()}pareri/{published.pk}/",
        f"{council.get_absolute_url()}pareri/{open_request.pk}/",
    ]


def test_public_council_pages_have_no_wcag_violations(page: Page, live_server, demo_city):
    for path in public_pages():
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path


def test_councillor_pages_have_no_wcag_violations(page: Page, live_server, demo_city, client):
    council = Council.objects.get(ambito__code="B")
    open_request = council.opinion_requests.filter(status=OpinionRequest.Status.REQUESTED).first()
    client.force_login(User.objects.get(email=COUNCILLOR_EMAIL))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for path in [
        "/consulte/la-mia-consulta/",
        f"/consulte/ambito-b/pareri/{open_request.pk}/redazione/",
    ]:
        page.goto(live_server.url + path)
        assert page.url == live_server.url + path  # not bounced to the login page
        assert axe_violations(page) == [], path
    # The form with its errors shown (no text, no confirmation) must pass as well. The click
    # only starts the POST: wait for the answer's two errors before counting or checking.
    page.get_by_role("button", name="Trasmetti il parere").click()
    expect(page.locator(".invalid-feedback")).to_have_count(2)
    assert axe_violations(page) == []
