"""Every page of the elections passes axe-core's WCAG 2.1 A and AA rules."""

import pytest
from playwright.sync_api import Page

from collabcity.models import User
from consulte.models import Election
from tests.e2e.test_accessibility import axe_violations


def open_election() -> Election:
    return Election.objects.open_at().get()


def closed_election() -> Election:
    return Election.objects.closed().get()


PUBLIC = [
    lambda: "/consulte/elezioni/",
    lambda: f"/consulte/elezioni/{open_election().pk}/",
    lambda: f"/consulte/elezioni/{closed_election().pk}/",
    lambda: f"/consulte/elezioni/{closed_election().pk}/risultati/",
    lambda: f"/consulte/elezioni/{open_election().pk}/verifica/",
    lambda: "/consulte/elezioni/ricevute/",
]


def log_in(page: Page, live_server, client, email: str) -> None:
    client.force_login(User.objects.get(email=email))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize("path", range(len(PUBLIC)))
def test_public_election_page_has_no_wcag_violations(page: Page, live_server, demo_city, path):
    page.goto(live_server.url + PUBLIC[path]())
    assert axe_violations(page) == []


def test_voter_pages_have_no_wcag_violations(page: Page, live_server, demo_city, client):
    election = open_election()
    user = User.objects.get(email="cittadina@demo.collabcity.it")
    elector = election.electors.get(fiscal_code="CTTCHR90C55H223J")
    from consulte.models import ElectorVerification

    ElectorVerification.objects.create(election=election, elector=elector, user=user, method="code")
    log_in(page, live_server, client, user.email)
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/lista-elettorale/")
    assert axe_violations(page) == []
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/scheda/")
    assert axe_violations(page) == []
    page.get_by_label("Preferenza 1").select_option(index=1)
    page.get_by_role("button", name="Continua").click()
    assert axe_violations(page) == []  # confirmation step
    page.get_by_role("button", name="Conferma e vota").click()
    assert axe_violations(page) == []  # receipt
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/scheda/")
    assert axe_violations(page) == []  # already voted


def test_desk_pages_have_no_wcag_violations(page: Page, live_server, demo_city, client):
    election = open_election()
    log_in(page, live_server, client, "scrutatore@demo.collabcity.it")
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/seggio/?query=CTTCHR90C55H223J")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Registra la presenza (documento verificato)").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Codice per il terminale").click()
    assert axe_violations(page) == []
    closed = closed_election()
    point = closed.points.get()
    page.goto(live_server.url + f"/consulte/elezioni/{closed.pk}/seggio/{point.pk}/spoglio/")
    assert axe_violations(page) == []  # the version history and the correction form


def test_nomination_page_has_no_wcag_violations(page: Page, live_server, demo_city, client):
    import datetime

    from django.utils import timezone

    from consulte.models import ElectorVerification

    now = timezone.now()
    upcoming = Election.objects.create(
        council=open_election().council,
        title="Elezione in preparazione",
        seats=3,
        nomination_opens_at=now - datetime.timedelta(days=1),
        nomination_closes_at=now + datetime.timedelta(days=5),
        opens_at=now + datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=17),
    )
    source = open_election().electors.get(fiscal_code="CTTCHR90C55H223J")
    source.pk, source.election = None, upcoming
    source.save()
    user = User.objects.get(email="cittadina@demo.collabcity.it")
    ElectorVerification.objects.create(election=upcoming, elector=source, user=user, method="code")
    log_in(page, live_server, client, user.email)
    page.goto(live_server.url + f"/consulte/elezioni/{upcoming.pk}/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Candidati").click()
    assert page.url.endswith("/candidatura/")
    assert axe_violations(page) == []
