import re

from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD, QuartiereFactory, UserFactory


def log_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + "/account/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    page.locator("main form").get_by_role("button", name="Accedi").click()
    expect(page.locator("#user-menu-toggle")).to_be_visible()


def test_citizen_sets_quartiere_and_email_preferences(page: Page, live_server, transactional_db):
    user = UserFactory(email="chiara@example.org")
    QuartiereFactory(name="Orologio")
    log_in(page, live_server, user.email)

    page.locator("#user-menu-toggle").click()
    page.get_by_role("link", name="Profilo").click()
    page.get_by_label("Quartiere di residenza").select_option(label="Orologio")
    agreements = page.get_by_label("Accordi di cittadinanza")
    agreements.focus()
    page.keyboard.press("Space")  # the toggle works from the keyboard
    expect(agreements).not_to_be_checked()
    page.get_by_role("button", name="Salva il profilo").click()

    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        "Il tuo profilo è stato aggiornato."
    )
    expect(page.get_by_label("Quartiere di residenza")).to_have_value("orologio")
    user.refresh_from_db()
    assert user.quartiere.name == "Orologio"
    assert user.has_muted("agreements")
    assert not user.has_muted("calendar")


def test_visitor_switches_the_portal_to_english_and_back(page: Page, live_server, transactional_db):
    page.goto(live_server.url + "/consulte/")
    page.reload()  # now from the page cache, whose pages carry no CSRF token
    assert "csrftoken" not in {cookie["name"] for cookie in page.context.cookies()}

    page.locator("#language-menu-toggle").click()
    page.get_by_role("button", name=re.compile("English", re.I)).click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server.url + "/consulte/")
    page.locator("#language-menu-toggle").click()
    page.get_by_role("button", name=re.compile("Italiano", re.I)).click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
