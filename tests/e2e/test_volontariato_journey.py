"""The volunteer's journey: apply, be activated, take a shift, get hours confirmed, certificate."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from collabcity.demo import DEMO_PASSWORD
from volontariato.models import Certificate, Shift, Signup, Volunteer, Weekday

CITIZEN = "cittadina@demo.collabcity.it"
COORDINATOR = "coordinatore@demo.collabcity.it"


def log_in_as(page: Page, live_server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + "/account/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="Accedi").click()
    expect(page.locator("#user-menu-toggle")).to_be_visible()


def tick(checkbox) -> None:
    # Bootstrap Italia draws the box on the label; the keyboard works as for everyone.
    checkbox.focus()
    checkbox.page.keyboard.press("Space")
    expect(checkbox).to_be_checked()


def success(page: Page):
    return page.locator(".alert-success")


def test_citizen_becomes_a_volunteer_and_downloads_a_certificate(
    page: Page, live_server, demo_city, tmp_path
):
    today = timezone.localdate()

    # The demo citizen applies.
    log_in_as(page, live_server, CITIZEN)
    page.goto(live_server.url + "/volontariato/")
    page.get_by_role("link", name="Candidati come volontario").click()
    page.get_by_label("Data di nascita").fill("1985-04-20")
    tick(page.get_by_label("Facilitazione digitale"))
    # Available when the digital-help shifts take place (the demo's dates move with today).
    shift = Shift.objects.upcoming().filter(opportunity__title__startswith="Facilitatori").first()
    weekday = Weekday(timezone.localtime(shift.starts_at).isoweekday()).label
    tick(page.get_by_label(f"{weekday} mattina"))
    tick(page.get_by_label("Orologio", exact=True))
    page.get_by_label("Perché vuoi diventare volontario civico?").fill("Ho tempo la mattina.")
    tick(page.get_by_label(re.compile("Acconsento al trattamento")))
    page.get_by_role("button", name="Invia la candidatura").click()
    expect(success(page)).to_contain_text("La tua candidatura è stata registrata")
    expect(page.locator("main")).to_contain_text("Domanda presentata")

    # The coordinator moves the application to training, then activates it with the insurance.
    log_in_as(page, live_server, COORDINATOR)
    page.goto(live_server.url + "/volontariato/albo/")
    page.get_by_role("link", name="Chiara Cittadina").click()
    page.get_by_label("Nuovo stato").select_option(label="In formazione")
    page.get_by_role("button", name="Salva lo stato").click()
    expect(success(page)).to_contain_text("Stato del volontario aggiornato")
    page.get_by_label("Nuovo stato").select_option(label="Attivo")
    page.get_by_label("Assicurazione dal").fill(today.isoformat())
    page.get_by_label("Assicurazione al").fill((today + timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Salva lo stato").click()
    expect(success(page)).to_contain_text("Stato del volontario aggiornato")
    assert Volunteer.objects.get(user__email=CITIZEN).status == Volunteer.Status.ACTIVE

    # The volunteer takes a shift; the matching opportunity comes first for her.
    log_in_as(page, live_server, CITIZEN)
    page.goto(live_server.url + "/volontariato/opportunita/")
    first_card = page.locator("main .it-card").first
    expect(first_card).to_contain_text("Facilitatori digitali al Laboratorio Aperto")
    expect(first_card).to_contain_text("Adatta a te")
    first_card.get_by_role("link").click()
    page.get_by_role("button", name=re.compile("^Iscriviti")).first.click()
    expect(success(page)).to_contain_text("Sei iscritto al turno")
    signup = Signup.objects.get(volunteer__user__email=CITIZEN, status="confermata")

    # Time passes: the shift took place this morning.
    start = timezone.now() - timedelta(hours=3)
    Shift.objects.filter(pk=signup.shift_id).update(
        starts_at=start, ends_at=start + timedelta(hours=2)
    )

    # The coordinator confirms her hours.
    log_in_as(page, live_server, COORDINATOR)
    page.goto(live_server.url + "/volontariato/coordinamento/")
    shifts_table = page.get_by_role("table")
    shifts_table.get_by_role(
        "link", name="Facilitatori digitali al Laboratorio Aperto"
    ).first.click()
    row = page.get_by_role("row", name=re.compile("Chiara Cittadina"))
    expect(row.get_by_label("Esito")).to_have_value("confermate")
    row.get_by_label("Ore").fill("2")
    row.get_by_role("button", name=re.compile("Registra")).click()
    expect(success(page)).to_contain_text("Registrato per Chiara Cittadina")

    # The volunteer asks for a certificate and downloads it.
    log_in_as(page, live_server, CITIZEN)
    page.goto(live_server.url + "/volontariato/il-mio-volontariato/")
    expect(page.locator("main")).to_contain_text("Confermate")
    page.get_by_label("Dal", exact=True).fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("Al", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Rilascia l'attestato").click()
    expect(success(page)).to_contain_text("Attestato rilasciato")
    certificate = Certificate.objects.get(volunteer__user__email=CITIZEN)
    assert certificate.total_hours == 2
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Scarica il PDF")).click()
    pdf = tmp_path / "attestato.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")

    # Anyone can check it with the code.
    page.context.clear_cookies()
    page.goto(live_server.url + "/volontariato/attestati/verifica/")
    page.get_by_label("Codice di verifica").fill(certificate.code.lower())
    page.get_by_role("button", name="Verifica").click()
    expect(page.locator("main")).to_contain_text("Attestato valido")
    expect(page.locator("main")).to_contain_text("C. C.")
