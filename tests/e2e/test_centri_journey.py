"""Browser journeys of the centres' calendar: the demo manager and a citizen."""

import re
from datetime import timedelta

import icalendar
from django.utils import timezone
from playwright.sync_api import Page, expect

from centri_sociali import recurrence
from centri_sociali.models import Activity, Centre, Occurrence
from collabcity.demo import DEMO_PASSWORD
from tests.centri_sociali.factories import ActivityFactory


def log_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + "/account/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="Accedi").click()
    expect(page.locator("#user-menu-toggle")).to_be_visible()


def next_sunday():
    today = timezone.localdate()
    return today + timedelta(days=(6 - today.weekday()) % 7 or 7)


def test_manager_adds_a_weekly_course_suspends_a_date_and_the_city_sees_it(
    page: Page, live_server, demo_city
):
    first_day = next_sunday()
    log_in(page, live_server, "gestore@demo.collabcity.it")

    page.goto(live_server.url + "/centri-sociali/gestione/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Centro sociale Orologio")
    page.get_by_role("link", name="Aggiungi un'attività").click()
    page.get_by_label("Titolo").fill("Corso di ceramica")
    page.get_by_label("Categoria").select_option(label="Cultura")
    page.get_by_label("Sala").select_option(index=1)
    page.get_by_label("Giorno (la prima volta)").fill(first_day.isoformat())
    page.get_by_label("Dalle ore", exact=True).fill("10:00")
    page.get_by_label("Alle ore", exact=True).fill("11:30")
    # Bootstrap Italia draws its own radios and checkboxes: people click the labels.
    page.locator("label", has_text=re.compile("^Ogni settimana$")).click()
    page.locator("label", has_text=re.compile("^domenica$")).click()
    expect(page.get_by_label("Ogni settimana")).to_be_checked()
    expect(page.get_by_label("domenica")).to_be_checked()
    page.get_by_label("Oppure: quante volte in tutto").fill("6")
    page.get_by_role("button", name="Salva l'attività").click()

    expect(page.locator(".alert-success")).to_contain_text("«Corso di ceramica» è nel calendario.")
    activity = Activity.objects.get(title="Corso di ceramica")
    assert len(recurrence.rule_starts(activity)) == 6

    # Suspend the second Sunday.
    second = page.locator("li", has_text="Corso di ceramica").nth(1)
    second.get_by_role("link", name=re.compile("Sospendi questa data")).click()
    page.get_by_label("Avviso per chi partecipa (facoltativo)").fill("Forno in manutenzione.")
    page.get_by_role("button", name="Sì, sospendi questa data").click()
    expect(page.locator(".alert-success")).to_contain_text("Lezione sospesa")
    suspended = Occurrence.objects.get(activity=activity, cancelled=True)
    assert timezone.localtime(suspended.original_start).date() == first_day + timedelta(weeks=1)

    # The city calendar, filtered to the centre's culture activities, shows it and the suspension.
    page.goto(live_server.url + "/centri-sociali/calendario/?vista=elenco")
    page.get_by_label("Centro", exact=True).select_option(label="Centro sociale Orologio")
    page.get_by_label("Categoria").select_option(label="Cultura")
    page.get_by_role("button", name="Filtra").click()
    expect(page).to_have_url(re.compile("centro=centro-sociale-orologio"))
    dates = page.locator(".slot-list li", has_text="Corso di ceramica")
    expect(dates.first).to_be_visible()
    assert dates.count() >= 4  # the list shows the next 30 days: four or five Sundays
    expect(dates.nth(1)).to_contain_text("Sospesa")
    expect(dates.nth(0)).not_to_contain_text("Sospesa")

    # The centre's feed has the series and its exception.
    response = page.request.get(
        live_server.url + "/centri-sociali/centro-sociale-orologio/calendario.ics"
    )
    assert response.ok
    calendar = icalendar.Calendar.from_ical(response.body())
    (event,) = [e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Corso di ceramica"]
    assert event["RRULE"]["COUNT"] == [6] and event["RRULE"]["BYDAY"] == ["SU"]
    assert [d.dt for d in event["EXDATE"].dts] == [suspended.original_start]


def test_citizen_registers_for_a_date_and_cancels(page: Page, live_server, demo_city):
    centre = Centre.objects.get(name="Centro sociale Orologio")
    start = timezone.now().replace(microsecond=0, second=0) + timedelta(days=3)
    activity = ActivityFactory(
        centre=centre, room=None, title="Camminata in compagnia", registration_required=True,
        capacity=10, starts_at=start, ends_at=start + timedelta(hours=1),
    )  # fmt: skip
    log_in(page, live_server, "cittadina@demo.collabcity.it")

    page.goto(live_server.url + activity.get_absolute_url())
    page.locator(".slot-list a", has_text="Camminata in compagnia").first.click()
    expect(page.get_by_text("Restano 10 posti.")).to_be_visible()
    page.get_by_role("button", name="Iscriviti a questa data").click()
    expect(page.locator(".alert-success")).to_contain_text("Iscrizione confermata")
    expect(page.get_by_text("Restano 9 posti.")).to_be_visible()

    page.goto(live_server.url + "/centri-sociali/le-mie-iscrizioni/")
    expect(page.locator("main")).to_contain_text("Camminata in compagnia")
    page.locator(".slot-list a", has_text="Camminata in compagnia").click()
    page.get_by_role("button", name="Annulla la mia iscrizione").click()
    expect(page.locator(".alert-success")).to_contain_text("La tua iscrizione è stata annullata.")
