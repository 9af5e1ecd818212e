"""The double envelope in a real browser: the key ceremony (guardians download their shares),
a citizen's vote, and the opening with two guardians' shares by a real Celery worker."""

import datetime
import time

from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import Page, expect

from collabcity.celery import app as celery_app
from consulte.models import Ballot, Envelope, Guardian, Result
from tests.consulte.council_factories import CouncilFactory
from tests.consulte.factories import CandidateFactory, ElectionFactory, ElectorFactory, verify
from tests.e2e.test_accessibility import axe_violations
from tests.factories import UserFactory

GUARDIANS = ["Giovanna Presidente", "Roberto Funzionario", "Lucia Minoranza"]


def log_in(page: Page, live_server, client, user) -> None:
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_ceremony_vote_and_opening_with_two_guardians(
    page: Page, live_server, transactional_db, client, tmp_path
):
    election = ElectionFactory(council=CouncilFactory(), ceremony=False)
    candidate = CandidateFactory(election=election, first_name="Carla", last_name="Bonacini")
    for name in GUARDIANS:
        Guardian.objects.create(election=election, name=name, role="garante")
    officer = UserFactory(is_staff=True)
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["run_key_ceremony", "open_ballot_box"])
    )

    # The ceremony: the officer creates the key, each guardian downloads their share.
    log_in(page, live_server, client, officer)
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/garanti/cerimonia/")
    assert axe_violations(page) == []
    page.get_by_label("Garanti necessari per aprire le buste").select_option("2")
    page.get_by_role("button", name="Crea la chiave e le quote").click()
    expect(page.get_by_role("heading", name="Quote dei garanti")).to_be_visible()
    assert axe_violations(page) == []
    files = []
    for name in GUARDIANS[1:]:
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Scarica la quota di {name}").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        files.append(path)
    assert all(path.read_text().startswith("CCGARANTE1.") for path in files)
    page.reload()  # re-sending the form neither shows the shares again nor makes new ones
    expect(page.get_by_text("La cerimonia è già stata svolta")).to_be_visible()
    expect(page.locator("[data-share]")).to_have_count(0)

    # A citizen votes: the ballot is sealed, the receipt shown once.
    voter = verify(elector=ElectorFactory(election=election)).user
    log_in(page, live_server, client, voter)
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/")
    expect(page.get_by_text("Impronta della chiave pubblica")).to_be_visible()
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/scheda/")
    page.get_by_label("Preferenza 1").select_option(str(candidate.pk))
    page.get_by_role("button", name="Continua").click()
    page.get_by_role("button", name="Conferma e vota").click()
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert Envelope.objects.filter(election=election).count() == 1
    assert not Ballot.objects.exists()

    # After the close, two guardians open the envelopes: one uploads the file, one pastes.
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save(update_fields=["closes_at"])
    log_in(page, live_server, client, officer)
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/garanti/apertura/")
    assert axe_violations(page) == []
    page.get_by_label(f"oppure il file della quota di {GUARDIANS[1]}").set_input_files(files[0])
    page.get_by_role("textbox", name=f"Quota di {GUARDIANS[2]}").fill(files[1].read_text())
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        page.get_by_role("button", name="Apri le buste").click()
        expect(page.get_by_role("status").first).to_contain_text("apertura delle buste è avviata")
        deadline = time.monotonic() + 30
        while not Result.objects.filter(election=election).exists():
            assert time.monotonic() < deadline, "the worker did not open the envelopes"
            time.sleep(0.2)
    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/risultati/")
    expect(page.locator("main")).to_contain_text("Bonacini")
    assert axe_violations(page) == []
    assert not Envelope.objects.filter(election=election).exists()
    assert Ballot.objects.get().receipt == receipt
