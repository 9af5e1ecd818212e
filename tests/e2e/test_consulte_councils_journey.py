"""A councillor drafts, saves and transmits their council's opinion; the public then reads it."""

import re

from playwright.sync_api import Browser, Page, expect

from collabcity.demo import DEMO_PASSWORD
from consulte.demo import COUNCILLOR_EMAIL
from consulte.models import OpinionRequest

OPEN_REQUEST = "Piano della mobilità di quartiere (richiesta dimostrativa)"


def test_councillor_drafts_and_transmits_an_opinion(
    page: Page, browser: Browser, live_server, demo_city
):
    page.goto(live_server.url + "/account/login/")
    page.locator("input[name=login]").fill(COUNCILLOR_EMAIL)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="Accedi").click()
    expect(page.locator("#user-menu-toggle")).to_be_visible()

    page.goto(live_server.url + "/consulte/")
    page.get_by_role("link", name="Vai a «La mia consulta»").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La mia consulta")
    page.get_by_role("row", name=re.compile(re.escape(OPEN_REQUEST))).get_by_role(
        "link", name=re.compile("Redigi il parere")
    ).click()

    opinion = page.get_by_label("Testo del parere")
    opinion.fill("La consulta chiede di estendere la zona 30 alle strade delle scuole.")
    page.get_by_role("button", name="Salva la bozza").click()
    expect(page.locator(".alert-success")).to_contain_text("La bozza del parere è stata salvata.")
    expect(page.get_by_label("Testo del parere")).to_have_value(
        "La consulta chiede di estendere la zona 30 alle strade delle scuole."
    )
    assert OpinionRequest.objects.get(title=OPEN_REQUEST).status == "in_redazione"

    page.get_by_role("button", name="Trasmetti il parere").click()  # without confirming
    expect(page.locator(".invalid-feedback, .form-feedback").first).to_be_visible()
    page.locator("label[for=id_confirm]").click()
    page.get_by_role("button", name="Trasmetti il parere").click()

    expect(page.locator(".alert-success")).to_contain_text("ed è ora pubblico")
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN_REQUEST)
    assert OpinionRequest.objects.get(title=OPEN_REQUEST).status == "pubblicato"

    visitor = browser.new_context(locale="it-IT").new_page()
    visitor.goto(live_server.url + "/consulte/ambito-b/")
    visitor.get_by_role("link", name=OPEN_REQUEST).click()
    expect(visitor.locator(".opinion-text")).to_contain_text("estendere la zona 30")
    visitor.context.close()
