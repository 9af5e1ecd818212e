"""Proposals in a real browser: the proposer's journey (draft, submit, follow its path), a
supporter's, and the officer's (evaluate, ask the consulta, decide, convert, moderate), with
axe-core on every page they pass through."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accordi.models import Agreement, Proposal, ProposalComment
from accordi.proposals import services
from collabcity.demo import DEMO_PASSWORD
from collabcity.models import User
from collabcity.notifications import deliver_pending
from tests.e2e.test_accessibility import axe_violations

PROPOSER = "proponente@demo.collabcity.it"
SUPPORTER = "scrutatore2@demo.collabcity.it"  # a resident of Orologio who has not supported yet
STAFF = "personale@demo.collabcity.it"
COUNCILLOR = "consigliere@demo.collabcity.it"
CALL = "Quartieri che si prendono cura 2026"


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


def accessible(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def success(page: Page):
    return page.locator(".alert-success")


def test_proposer_drafts_submits_and_follows_the_proposal(page: Page, live_server, demo_city):
    log_in_as(page, live_server, PROPOSER)
    page.goto(live_server.url + "/accordi/avvisi/")
    accessible(page)
    page.get_by_role("link", name=CALL).first.click()
    # axe goes into the page that is there: the call's, not the list while it is replaced.
    expect(page).to_have_url(re.compile(r"/accordi/avvisi/[\w-]+/$"))
    accessible(page)
    page.get_by_role("link", name="Presenta una proposta per questo avviso").click()
    expect(page.get_by_label("Avviso a cui risponde")).to_have_value(
        str(Proposal.objects.filter(call__title=CALL).first().call_id)
    )
    accessible(page)

    # A first save with the title missing: told in Italian, nothing stored.
    page.get_by_label("In breve").fill("Una biblioteca nell'androne, aperta a tutti i vicini.")
    page.get_by_role("button", name="Salva la bozza").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text(
        "La bozza non è stata salvata"
    )
    expect(page.locator("#id_title_error")).to_contain_text("obbligatorio")
    accessible(page)
    page.get_by_label("Titolo", exact=True).fill("Biblioteca di condominio")
    page.get_by_label("Tema").select_option(label="Cultura")
    page.get_by_role("button", name="Salva la bozza").click()
    expect(success(page)).to_contain_text("Bozza salvata")
    expect(page.get_by_text("Bozza riservata.")).to_be_visible()
    expect(page.locator(".proposal-gaps")).to_contain_text("Indica almeno un quartiere.")
    accessible(page)
    proposal = Proposal.objects.get(title="Biblioteca di condominio")

    page.get_by_role("link", name="Modifica la bozza").click()
    tick(page.get_by_label("Per un gruppo informale"))
    page.get_by_label("Nome del gruppo").fill("Condomini di via Emilia 12")
    page.get_by_label("A quale bisogno risponde").fill("Nel palazzo non c'è una biblioteca.")
    page.get_by_label("Che cosa farete").fill("Raccogliamo libri e li prestiamo tra vicini.")
    page.get_by_label("Tempi", exact=True).fill("Da ottobre, ogni sabato mattina.")
    tick(page.get_by_label("Orologio", exact=True))
    page.get_by_label("Persone che si impegnano").fill("4")
    page.get_by_label("Ore di volontariato che mettete").fill("100")
    page.get_by_role("button", name="Salva la bozza").click()
    expect(success(page)).to_contain_text("Bozza salvata")
    expect(page.get_by_text("È completa: puoi presentarla.")).to_be_visible()

    page.get_by_role("button", name="Presenta la proposta").click()
    expect(success(page)).to_contain_text("Proposta presentata")
    expect(page.locator(".proposal-facts")).to_contain_text("Presentata")
    expect(page.locator(".proposal-facts")).to_contain_text("Condomini di via Emilia 12")
    accessible(page)

    # The Comune takes it into evaluation; the proposer follows it from their inbox.
    services.start_evaluation(
        proposal=proposal,
        by=User.objects.get(email=STAFF),
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )
    deliver_pending()  # what the Celery worker does
    page.goto(live_server.url + "/notifiche/")
    page.get_by_role("link", name=re.compile("Biblioteca di condominio.*in valutazione")).click()
    expect(page.locator(".proposal-facts")).to_contain_text("In valutazione")
    expect(page.get_by_role("heading", name="Il parere della consulta")).to_be_visible()
    page.goto(live_server.url + "/profilo/")
    page.get_by_role("link", name="Le mie proposte").click()
    expect(page.get_by_role("row", name=re.compile("Biblioteca di condominio"))).to_contain_text(
        "In valutazione"
    )
    accessible(page)


def test_a_resident_finds_supports_follows_and_discusses_a_proposal(
    page: Page, live_server, demo_city
):
    log_in_as(page, live_server, SUPPORTER)
    page.goto(live_server.url + "/accordi/proposte/")
    accessible(page)
    expect(page.get_by_text("Cinema all'aperto")).to_have_count(0)  # a draft
    page.get_by_label("Quartiere").select_option(label="Orologio")
    page.get_by_role("textbox", name="Cerca").fill("orto")
    page.get_by_role("button", name="Applica").click()
    expect(page.get_by_role("heading", name="Una proposta")).to_be_visible()
    accessible(page)

    page.goto(live_server.url + "/accordi/proposte/mappa/")
    accessible(page)
    page.get_by_role("link", name="Orto condiviso di via Premuda").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orto condiviso di via Premuda")
    expect(page.locator("#sostegno-title")).to_have_text("5 sostegni")
    accessible(page)

    page.get_by_role("button", name="Sostieni la proposta").click()
    expect(success(page)).to_contain_text("sostieni questa proposta")
    expect(page.locator("#sostegno-title")).to_have_text("6 sostegni")
    page.get_by_role("button", name="Segui la proposta").click()
    expect(success(page)).to_contain_text("riceverai una notifica")

    page.get_by_label("Il tuo commento").fill("Posso costruire io i cassoni.")
    page.get_by_role("button", name="Pubblica il commento").click()
    expect(success(page)).to_contain_text("Il tuo commento è stato pubblicato.")
    expect(page.locator(".proposal-comment").last).to_contain_text("Sandro S.")

    comment = ProposalComment.objects.get(body__startswith="Il centro sociale può prestare")
    reported = page.locator(f"#commento-{comment.pk}")
    reported.get_by_text("Segnala il commento").click()
    reported.get_by_label("Perché lo segnali").fill("Mi sembra pubblicità.")
    reported.get_by_role("button", name="Invia la segnalazione").click()
    expect(success(page)).to_contain_text("esaminerà il commento")
    accessible(page)

    page.get_by_role("button", name="Ritira il tuo sostegno").click()
    expect(page.locator("#sostegno-title")).to_have_text("5 sostegni")


@pytest.fixture
def reported_comment(demo_city):
    comment = ProposalComment.objects.get(body__startswith="Il centro sociale può prestare")
    services.report_comment(
        comment=comment,
        reporter=User.objects.get(email="cittadina@demo.collabcity.it"),
        reason="Pubblicità",
    )
    return comment


def test_officer_evaluates_asks_the_consulta_converts_and_moderates(
    page: Page, live_server, demo_city, reported_comment
):
    # Take a submitted proposal into evaluation: its consulta is asked for its opinion.
    log_in_as(page, live_server, STAFF)
    page.goto(live_server.url + "/profilo/")
    page.get_by_role("link", name="Proposte da valutare").click()
    expect(page).to_have_url(re.compile(rf"\?stato={Proposal.Status.SUBMITTED}$"))
    accessible(page)
    page.get_by_role("link", name="Ciclofficina di quartiere").click()
    page.get_by_label("Termine per il parere della consulta").fill(
        (timezone.localdate() + datetime.timedelta(days=15)).isoformat()
    )
    accessible(page)
    page.get_by_role("button", name="Avvia la valutazione e chiedi il parere").click()
    expect(success(page)).to_contain_text("Richieste di parere inviate alle consulte: 1")
    expect(page.locator(".proposal-facts")).to_contain_text("In valutazione")
    expect(page.get_by_role("heading", name="Il parere della consulta")).to_be_visible()

    # A decision before the opinion waits for it.
    merende = Proposal.objects.get(title__startswith="Merende")
    page.goto(live_server.url + merende.get_absolute_url())
    tick(page.get_by_label("Ammessa alla co-progettazione"))
    page.get_by_label("Motivazione pubblica").fill("Serve ai ragazzi del quartiere.")
    page.get_by_role("button", name="Registra la decisione").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text(
        "Si attende il parere"
    )

    # The consulta transmits its opinion…
    log_in_as(page, live_server, COUNCILLOR)
    page.goto(live_server.url + "/consulte/la-mia-consulta/")
    page.get_by_role("row", name=re.compile("Merende e compiti")).get_by_role(
        "link", name=re.compile("Redigi il parere")
    ).click()
    page.get_by_label("Testo del parere").fill("Parere favorevole: il quartiere ne ha bisogno.")
    page.locator("label[for=id_confirm]").click()
    page.get_by_role("button", name="Trasmetti il parere").click()
    expect(success(page)).to_contain_text("ed è ora pubblico")

    # …which shows on the proposal, and the officer decides and converts.
    log_in_as(page, live_server, STAFF)
    page.goto(live_server.url + merende.get_absolute_url())
    expect(page.locator("blockquote")).to_contain_text("il quartiere ne ha bisogno")
    tick(page.get_by_label("Ammessa alla co-progettazione"))
    page.get_by_label("Motivazione pubblica").fill("Serve ai ragazzi del quartiere.")
    page.get_by_role("button", name="Registra la decisione").click()
    expect(success(page)).to_contain_text("Ammessa alla co-progettazione")
    accessible(page)
    page.get_by_role("button", name="Trasforma in bozza di accordo").click()
    expect(page.locator(".messagelist .success")).to_contain_text("è diventata la bozza")
    agreement = Agreement.objects.get(proposal=merende)
    assert page.url.endswith(f"/admin/accordi/agreement/{agreement.pk}/change/")
    expect(page.locator("#id_title")).to_have_value(merende.title)
    assert set(agreement.parties.values_list("kind", flat=True)) == {"comune", "organizzazione"}
    page.goto(live_server.url + merende.get_absolute_url())
    expect(page.locator(".proposal-facts")).to_contain_text("Trasformata in accordo")
    expect(page.get_by_role("link", name=merende.title)).to_be_visible()  # the staff's preview

    # The reported comment: hidden with a reason the public reads.
    page.goto(live_server.url + "/accordi/proposte/moderazione/")
    accessible(page)
    page.get_by_label("Motivo, pubblico").fill("Pubblicità di un'attività")
    page.get_by_role("button", name="Nascondi il commento").click()
    expect(success(page)).to_contain_text("Il commento è stato nascosto")
    expect(page.get_by_text("Nessun commento da moderare.")).to_be_visible()
    page.context.clear_cookies()
    page.goto(live_server.url + reported_comment.proposal.get_absolute_url())
    expect(page.locator(f"#commento-{reported_comment.pk}")).to_contain_text(
        "Commento nascosto dalla moderazione: Pubblicità di un'attività"
    )
