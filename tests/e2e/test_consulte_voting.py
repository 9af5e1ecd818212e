"""The voting journey in a real browser: the demo citizen verifies with a temporary code,
reads the candidates, fills the ballot, confirms, casts, keeps the receipt and looks it up."""

import re

from playwright.sync_api import Page, expect

from consulte.elections import verification
from consulte.elections.demo import DEMO_CITIZEN_FISCAL_CODE, DEMO_VOTING_CODE
from consulte.models import Ballot, Election, ElectorVote, Envelope
from tests.e2e.test_accessibility import axe_violations

DEMO_PASSWORD = "collabcity-demo"


def log_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + "/account/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="Accedi").click()
    expect(page.locator("#user-menu-toggle")).to_be_visible()


def test_demo_citizen_votes_and_checks_the_receipt(page: Page, live_server, demo_city):
    election = Election.objects.open_at().get()
    log_in(page, live_server, "cittadina@demo.collabcity.it")

    page.goto(live_server.url + "/consulte/elezioni/")
    page.get_by_role("link", name=election.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(election.title)
    page.get_by_role("link", name="Verificati e vota").click()

    page.get_by_label("Codice fiscale").fill(DEMO_CITIZEN_FISCAL_CODE.lower())
    page.get_by_label("Codice di voto temporaneo").fill(verification.format_code(DEMO_VOTING_CODE))
    page.get_by_role("button", name="Verifica").click()

    expect(page.locator(".alert-success")).to_contain_text("Sei verificato come elettore")
    expect(page.get_by_role("heading", name="Scheda di voto")).to_be_visible()
    woman, man = (
        election.candidates.filter(status="approved", gender=gender).order_by("last_name").first()
        for gender in ("F", "M")
    )
    expect(page.get_by_text(woman.statement)).to_be_visible()  # the candidates can be read
    page.get_by_label("Preferenza 1").select_option(label=woman.full_name)
    page.get_by_label("Preferenza 2").select_option(label=man.full_name)
    page.get_by_role("button", name="Continua").click()

    expect(page.get_by_role("heading", name="Conferma il tuo voto")).to_be_visible()
    expect(page.locator("#chosen-candidates")).to_contain_text(woman.full_name)
    expect(page.locator("#chosen-candidates")).to_contain_text(man.full_name)
    assert not ElectorVote.objects.filter(election=election).exists()
    page.get_by_role("button", name="Conferma e vota").click()

    expect(page.get_by_role("heading", name=re.compile("Hai votato"))).to_be_visible()
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert len(receipt.replace("-", "")) == 20
    # Sealed: nothing in plain text until the guardians open the envelopes after the close.
    assert Envelope.objects.filter(election=election).count() == 1
    assert not Ballot.objects.filter(election=election).exists()

    page.get_by_role("button", name="Controlla la ricevuta").click()  # by POST, never in a URL
    expect(page.locator("#receipt-outcome")).to_contain_text("dopo la chiusura del voto")

    # A second attempt: "hai già votato", and still one ballot.
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/scheda/")
    expect(page.get_by_role("heading", name="Hai già votato")).to_be_visible()
    assert ElectorVote.objects.filter(election=election).count() == 1
    assert Envelope.objects.filter(election=election).count() == 1


def test_same_gender_preferences_are_warned_before_casting(page: Page, live_server, demo_city):
    election = Election.objects.open_at().get()
    log_in(page, live_server, "cittadina@demo.collabcity.it")
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/verifica/")
    page.get_by_label("Codice fiscale").fill(DEMO_CITIZEN_FISCAL_CODE)
    page.get_by_label("Codice di voto temporaneo").fill(DEMO_VOTING_CODE)
    page.get_by_role("button", name="Verifica").click()
    women = election.candidates.filter(gender="F").order_by("last_name")[:2]
    page.get_by_label("Preferenza 1").select_option(label=women[0].full_name)
    page.get_by_label("Preferenza 2").select_option(label=women[1].full_name)
    page.get_by_role("button", name="Continua").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("questa preferenza sarà nulla")
    expect(warning.get_by_role("listitem")).to_have_text([women[1].full_name])
    assert axe_violations(page) == []
    page.get_by_role("button", name="Modifica le preferenze").click()
    expect(page.get_by_label("Preferenza 2")).to_have_value(str(women[1].pk))
