import re

from playwright.sync_api import Page, expect

from collabcity.models import User

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/account/confirm-email/[^/\s]+/)")


def test_home_page_renders_in_italian(page: Page, live_server, transactional_db):
    page.goto(live_server.url)

    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page).to_have_title(re.compile("Città collaborativa"))
    navigation = page.get_by_role("navigation", name=re.compile("principale", re.I))
    for section in ["Consulte", "Accordi", "Centri sociali e case di quartiere", "Volontariato"]:
        expect(navigation.get_by_role("link", name=section, exact=True)).to_be_visible()


def test_citizen_signs_up_verifies_the_email_and_logs_in(
    page: Page, live_server, transactional_db, mailoutbox
):
    page.goto(live_server.url)
    page.get_by_role("link", name="Registrati").first.click()

    page.locator("input[name=email]").fill("giulia@example.org")
    page.locator("input[name=password1]").fill("girasole-del-crostolo-42")
    page.locator("input[name=password2]").fill("girasole-del-crostolo-42")
    page.locator("form").get_by_role("button", name=re.compile("Registra", re.I)).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Verifica")
    assert len(mailoutbox) == 1
    confirm_path = CONFIRM_LINK.search(mailoutbox[0].body).group(1)

    page.goto(live_server.url + confirm_path)
    page.locator("main form").get_by_role("button", name=re.compile("Conferma", re.I)).click()

    expect(page.get_by_text("giulia@example.org").first).to_be_attached()
    assert User.objects.get(email="giulia@example.org").emailaddress_set.get().verified

    page.goto(live_server.url + "/account/logout/")
    page.locator("main form").get_by_role("button").click()
    page.goto(live_server.url + "/account/login/")
    page.locator("input[name=login]").fill("giulia@example.org")
    page.locator("input[name=password]").fill("girasole-del-crostolo-42")
    page.locator("main form").get_by_role("button", name="Accedi").click()

    page.goto(live_server.url + "/profilo/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("profilo", ignore_case=True)
    expect(page.locator("input[name=first_name]")).to_be_visible()
