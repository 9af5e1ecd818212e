"""The agreements in a real browser: the public journey and the staff's journey in the admin."""

import csv
import datetime
import io
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Page, expect

from accordi.models import Agreement, Status, StatusChange

STAFF_EMAIL = "personale@demo.collabcity.it"
PASSWORD = "collabcity-demo"


def test_public_journey_list_filter_search_page_download_open_data(
    page: Page, live_server, demo_city, tmp_path
):
    page.goto(live_server.url + "/accordi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accordi di cittadinanza")
    assert page.get_by_text("Pedibus per la scuola primaria di Bagno").count() == 0

    page.get_by_label("Quartiere").select_option(label="Orologio")
    page.get_by_role("button", name="Filtra").click()
    expect(page.get_by_role("heading", name="2 accordi")).to_be_visible()

    page.get_by_role("textbox", name="Cerca").fill("aiuole")
    page.get_by_role("button", name="Filtra").click()
    expect(page.get_by_role("heading", name="Un accordo")).to_be_visible()
    page.get_by_role("link", name="Cura del verde al parco del quartiere Orologio").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cura del verde al parco del quartiere Orologio"
    )
    expect(page.get_by_role("cell", name="Residenti del parco Orologio")).to_be_visible()
    expect(page.locator(".agreement-totals")).to_contain_text("2.500 € di fondi")
    expect(page.get_by_role("progressbar", name="Alberi piantati")).to_have_attribute(
        "aria-valuenow", "40"
    )
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Accordo firmato dalle parti").click()
    saved = tmp_path / "firmato.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Tutti gli accordi di cittadinanza").click()
    page.get_by_label("Tema").select_option(label="Educazione e giovani")
    page.get_by_role("button", name="Filtra").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Scarica in formato CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert [row["titolo"] for row in rows] == ["Doposcuola solidale al Centro sociale Orologio"]


def _login_admin(page: Page, live_server) -> None:
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill(STAFF_EMAIL)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()


def _press(page: Page, label: str) -> None:
    page.get_by_role("button", name=label).click()


def _save(page: Page) -> None:
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success").first).to_be_visible()


def _it(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_staff_drafts_an_agreement_and_moves_it_through_every_state(
    page: Page, live_server, demo_city
):
    today = timezone.localdate()
    _login_admin(page, live_server)
    page.goto(live_server.url + "/admin/accordi/agreement/add/")

    page.locator("#id_title").press_sequentially("Biblioteca di condominio")
    expect(page.locator("#id_slug")).to_have_value("biblioteca-di-condominio")
    page.locator("#id_theme").select_option("cultura")
    page.locator(".field-quartieri .select2-selection").click()
    page.locator(".select2-search__field").fill("Orologio")
    page.locator(".select2-results__option", has_text="Orologio").click()
    page.locator("#id_summary").fill("Libri in prestito tra vicini, nell'androne.")
    for index, (kind, name) in enumerate(
        [("comune", "Comune di Reggio Emilia"), ("gruppo_informale", "Condomini di via Emilia")]
    ):
        page.locator("#parties-group .add-row a").click()
        page.locator(f"select[name=parties-{index}-kind]").select_option(kind)
        page.locator(f"input[name=parties-{index}-name]").fill(name)
        page.locator(f"input[name=parties-{index}-signatory_name]").fill("Firmatario")
        page.locator(f"input[name=parties-{index}-signatory_role]").fill("Referente")
    _save(page)
    agreement = Agreement.objects.get(slug="biblioteca-di-condominio")
    assert agreement.status == Status.DRAFT

    # An unsaved edit is not lost silently: the browser asks first (here: stay and save).
    page.locator("#id_summary").fill("Libri in prestito tra vicini, nell'androne e in cortile.")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _press(page, "Avvia la co-progettazione")
    assert "modifiche non salvate" in dialogs[0]
    _save(page)

    _press(page, "Avvia la co-progettazione")
    expect(page.locator(".messagelist .success")).to_contain_text("In co-progettazione")

    _press(page, "Segna come approvato dalla Giunta")
    expect(page.locator(".messagelist .error")).to_contain_text("delibera di Giunta")
    page.locator("#id_resolution_number").fill("250/2026")
    page.locator("#id_resolution_date").fill(_it(today - datetime.timedelta(days=20)))
    page.locator("#id_start_date").fill(_it(today - datetime.timedelta(days=10)))
    page.locator("#id_end_date").fill(_it(today - datetime.timedelta(days=1)))
    _save(page)
    _press(page, "Segna come approvato dalla Giunta")
    expect(page.locator(".messagelist .success")).to_contain_text("Approvato dalla Giunta")

    _press(page, "Segna come firmato")
    expect(page.locator(".messagelist .error")).to_contain_text("Manca la data di firma")
    for index in range(2):
        page.locator(f"input[name=parties-{index}-signed_on]").fill(
            _it(today - datetime.timedelta(days=5))
        )
    _save(page)
    _press(page, "Segna come firmato")
    expect(page.locator(".messagelist .success")).to_contain_text("Firmato")

    _press(page, "Attiva")
    expect(page.locator(".messagelist .success")).to_contain_text("Attivo")

    _press(page, "Concludi")
    expect(page.locator(".messagelist .error")).to_contain_text("relazione finale")
    page.locator("#id_final_report").fill("Cento libri scambiati.")
    _save(page)
    _press(page, "Concludi")
    expect(page.locator(".messagelist .success")).to_contain_text("Concluso")
    expect(page.get_by_text("Nessun altro passaggio possibile")).to_be_visible()

    changes = StatusChange.objects.filter(agreement=agreement).order_by("at")
    assert [c.to_status for c in changes] == [
        "in_coprogettazione",
        "approvato",
        "firmato",
        "attivo",
        "concluso",
    ]
    assert {c.by.email for c in changes} == {STAFF_EMAIL}

    page.goto(live_server.url + f"/admin/accordi/agreement/{agreement.pk}/history/")
    expect(page.locator("#related-history")).to_contain_text("Condomini di via Emilia")
    expect(page.get_by_text("Cento libri scambiati.").first).to_be_visible()

    page.goto(live_server.url + agreement.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Biblioteca di condominio")
    expect(page.get_by_text("Cento libri scambiati.")).to_be_visible()
