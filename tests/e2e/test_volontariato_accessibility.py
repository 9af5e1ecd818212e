"""Every page of volontariato passes axe-core's WCAG 2.1 A and AA rules."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from collabcity.models import User
from tests.e2e.test_accessibility import axe_violations
from volontariato import services
from volontariato.models import Opportunity, Shift, Signup, Volunteer


@pytest.fixture
def city(demo_city):
    volunteer = Volunteer.objects.get(user__email="volontario@demo.collabcity.it")
    today = timezone.localdate()
    certificate = services.issue_certificate(
        volunteer=volunteer, period_from=today - timedelta(days=60), period_to=today
    )
    return {"certificate": certificate}


def as_user(page: Page, client, live_server, email: str | None) -> None:
    if email is None:
        return
    client.force_login(User.objects.get(email=email))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def pages_for(role: str, city) -> list[str]:
    opportunity = Opportunity.objects.filter(centre__isnull=False).first()
    shift = Shift.objects.filter(signups__status="confermata").order_by("starts_at").first()
    volunteer = Volunteer.objects.get(user__email="volontario@demo.collabcity.it")
    return {
        "public": [
            "/volontariato/",
            "/volontariato/opportunita/",
            "/volontariato/opportunita/?quartiere=orologio&competenza=anziani",
            opportunity.get_absolute_url(),
            "/volontariato/attestati/verifica/",
            f"/volontariato/attestati/verifica/?code={city['certificate'].code}",
            "/volontariato/attestati/verifica/?code=AAAA-BBBB-CCCC",
        ],
        "citizen": ["/volontariato/candidatura/", opportunity.get_absolute_url()],
        "volunteer": [
            "/volontariato/il-mio-volontariato/",
            "/volontariato/il-mio-volontariato/lascia-albo/",
            "/volontariato/il-mio-volontariato/preferenze/",
            "/volontariato/opportunita/",
            opportunity.get_absolute_url(),
        ],
        "coordinator": [
            "/volontariato/coordinamento/",
            f"/volontariato/coordinamento/turni/{shift.pk}/",
            "/volontariato/albo/",
            volunteer.get_absolute_url(),
            "/volontariato/totali/",
            "/volontariato/totali/?per=quartiere",
            "/volontariato/coordinamento/opportunita/nuova/",
            f"/volontariato/coordinamento/opportunita/{opportunity.pk}/modifica/",
            f"/volontariato/coordinamento/opportunita/{opportunity.pk}/turni/",
        ],
    }[role]


ACCOUNTS = {
    "public": None,
    "citizen": "cittadina@demo.collabcity.it",
    "volunteer": "volontario@demo.collabcity.it",
    "coordinator": "coordinatore@demo.collabcity.it",
}


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_volontariato_pages_have_no_wcag_violations(page: Page, live_server, city, client, role):
    as_user(page, client, live_server, ACCOUNTS[role])
    violations = {}
    for path in pages_for(role, city):
        page.goto(live_server.url + path)
        assert page.url == live_server.url + path  # not bounced to the login page
        found = axe_violations(page)
        if found:
            violations[path] = found
    assert violations == {}


def test_waiting_list_button_and_application_errors_pass_too(page: Page, live_server, city, client):
    shift = Shift.objects.filter(opportunity__title__startswith="Accompagnamento").first()
    Signup.objects.create(
        shift=shift,
        volunteer=Volunteer.objects.get(user__email="volontaria@demo.collabcity.it"),
        status="confermata",
    )
    as_user(page, client, live_server, "volontario@demo.collabcity.it")
    page.goto(live_server.url + shift.opportunity.get_absolute_url())
    assert page.get_by_role("button", name="Mettiti in lista d'attesa").first.is_visible()
    assert axe_violations(page) == []

    as_user(page, client, live_server, "cittadina@demo.collabcity.it")
    page.goto(live_server.url + "/volontariato/candidatura/")
    page.get_by_role("button", name="Invia la candidatura").click()
    page.wait_for_selector(".invalid-feedback")
    assert axe_violations(page) == []
