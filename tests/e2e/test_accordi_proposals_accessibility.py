"""Every page of calls and proposals passes axe-core's WCAG 2.1 A and AA rules, in every state
of a proposal and for every kind of visitor who sees a different page."""

import pytest
from playwright.sync_api import Page

from accordi.models import Call, Proposal
from collabcity.models import User
from consulte.services import public_url
from tests.e2e.test_accessibility import axe_violations

PUBLIC_PAGES = [
    "/accordi/avvisi/",
    "/accordi/proposte/",
    "/accordi/proposte/?stato=bozza&quartiere=nessuno",
    "/accordi/proposte/?q=nessunrisultato",
    "/accordi/proposte/mappa/",
    "/accordi/proposte/mappa/?tema=educazione",
    "/quartieri/orologio/",
    "/quartieri/centro-storico/",
]
# Who sees which version of a proposal's page: the public, the proposer, the staff.
VISITORS = [None, "proponente@demo.collabcity.it", "personale@demo.collabcity.it"]


def _log_in(page: Page, live_server, client, email: str | None) -> None:
    if email is None:
        return
    client.force_login(User.objects.get(email=email))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_proposal_page_has_no_wcag_violations(page: Page, live_server, demo_city, path):
    page.goto(live_server.url + path)
    assert axe_violations(page) == []


def test_the_call_page_has_no_wcag_violations(page: Page, live_server, demo_city):
    page.goto(live_server.url + Call.objects.get().get_absolute_url())
    assert axe_violations(page) == []


# Every state of the demo's proposals, for each visitor who may see it (a draft: not the public).
STATES = [
    (status, email)
    for status in Proposal.Status
    if status != Proposal.Status.WITHDRAWN
    for email in VISITORS
    if status != Proposal.Status.DRAFT or email is not None
]


@pytest.mark.parametrize(("status", "email"), STATES)
def test_a_proposal_in_every_state_has_no_wcag_violations(
    page: Page, live_server, demo_city, client, status, email
):
    proposal = Proposal.objects.filter(status=status).first()
    _log_in(page, live_server, client, email)
    page.goto(live_server.url + proposal.get_absolute_url())
    assert page.title().startswith(("Bozza: ", proposal.title[:10]))
    assert axe_violations(page) == []


def test_a_withdrawn_proposal_has_no_wcag_violations(page: Page, live_server, demo_city):
    proposal = Proposal.objects.filter(status=Proposal.Status.SUBMITTED).first()
    proposal.status, proposal.withdrawal_reason = Proposal.Status.WITHDRAWN, "Ci siamo sciolti."
    proposal.save()
    page.goto(live_server.url + proposal.get_absolute_url())
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("email", "path"),
    [
        ("proponente@demo.collabcity.it", "/accordi/proposte/nuova/"),
        ("proponente@demo.collabcity.it", "/accordi/proposte/mie/"),
        ("gestore@demo.collabcity.it", "/accordi/proposte/mie/"),
        ("personale@demo.collabcity.it", "/accordi/proposte/moderazione/"),
    ],
)
def test_personal_proposal_page_has_no_wcag_violations(
    page: Page, live_server, demo_city, client, email, path
):
    _log_in(page, live_server, client, email)
    page.goto(live_server.url + path)
    assert page.url == live_server.url + path
    assert axe_violations(page) == []


def test_the_draft_form_has_no_wcag_violations(page: Page, live_server, demo_city, client):
    _log_in(page, live_server, client, "proponente@demo.collabcity.it")
    draft = Proposal.objects.get(status=Proposal.Status.DRAFT)
    page.goto(live_server.url + f"/accordi/proposte/{draft.pk}/modifica/")
    assert axe_violations(page) == []


def test_the_consultas_page_of_a_proposals_opinion_has_no_wcag_violations(
    page: Page, live_server, demo_city
):
    proposal = Proposal.objects.get(status=Proposal.Status.EVALUATION)
    page.goto(live_server.url + public_url(proposal.opinion_requests.get()))
    assert axe_violations(page) == []
