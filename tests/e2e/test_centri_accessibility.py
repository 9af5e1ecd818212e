"""Every page of the centres' programme passes axe-core's WCAG 2.1 A and AA rules."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page

from centri_sociali import recurrence
from centri_sociali.models import Activity, Occurrence
from collabcity.models import User
from tests.e2e.test_accessibility import axe_violations

PUBLIC_PAGES = [
    "/centri-sociali/",
    "/centri-sociali/?quartiere=orologio&servizio=bar",
    "/centri-sociali/centro-sociale-orologio/",
    "/centri-sociali/calendario/",
    "/centri-sociali/calendario/?vista=settimana",
    "/centri-sociali/calendario/?vista=giorno",
    "/centri-sociali/calendario/?vista=elenco&categoria=corsi",
    "/centri-sociali/calendario/?vista=elenco&dal=2027-05-01&al=2027-03-01",  # with an error
    "{activity}",
    "{occurrence}",
    "{cancelled}",
]
MANAGER_PAGES = [
    "/centri-sociali/gestione/centro-sociale-orologio/",
    "/centri-sociali/gestione/centro-sociale-orologio/attivita/nuova/",
    "/centri-sociali/gestione/centro-sociale-orologio/contatti/",
    "{manage_edit}",
    "{manage_cancel}",
    "{manage_move}",
    "{manage_registrations}",
]
CITIZEN_PAGES = ["/centri-sociali/le-mie-iscrizioni/", "{occurrence}", "/centri-sociali/"]


@pytest.fixture
def city(demo_city):
    activity = (
        Activity.objects.filter(centre__slug="centro-sociale-orologio", recurrence="weekly")
        .order_by("pk")
        .first()
    )
    now = timezone.now()
    slot = recurrence.expand(activity, now + timedelta(days=1), now + timedelta(days=30))[0]
    cancelled = Occurrence.objects.filter(cancelled=True, starts_at__gt=now).first()
    manage = f"/centri-sociali/gestione/centro-sociale-orologio/attivita/{activity.pk}/"
    return {
        "activity": activity.get_absolute_url(),
        "occurrence": slot.get_absolute_url(),
        "cancelled": recurrence.slot_from_occurrence(
            cancelled.activity, cancelled
        ).get_absolute_url(),
        "manage_edit": manage,
        "manage_cancel": f"{manage}{slot.key}/sospendi/",
        "manage_move": f"{manage}{slot.key}/sposta/",
        "manage_registrations": f"{manage}{slot.key}/iscritti/",
    }


def log_in(page: Page, live_server, email: str) -> None:
    client = Client()
    client.force_login(User.objects.get(email=email))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_centre_page_has_no_wcag_violations(page: Page, live_server, city, path):
    page.goto(live_server.url + path.format(**city))
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", MANAGER_PAGES)
def test_manager_page_has_no_wcag_violations(page: Page, live_server, city, path):
    log_in(page, live_server, "gestore@demo.collabcity.it")
    url = live_server.url + path.format(**city)
    page.goto(url)
    assert page.url == url
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_citizen_page_has_no_wcag_violations(page: Page, live_server, city, path):
    log_in(page, live_server, "cittadina@demo.collabcity.it")
    page.goto(live_server.url + path.format(**city))
    assert axe_violations(page) == []
