"""The officer's journey in a real browser: while voting is open a code is issued only by an
officer named for it and only with a reason, which the election's log keeps; after the close
and the paper count the officer declares the count complete and the results become final."""

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import Page, expect

from collabcity.models import User
from consulte.elections import ballot_box, desk, tally
from consulte.elections import demo as election_demo
from consulte.models import Election, ElectionLogEntry, ElectorVote, Result
from tests.e2e.test_accessibility import axe_violations

OFFICER = "personale@demo.collabcity.it"
DEMO_PASSWORD = "collabcity-demo"
REASON = "Lettera smarrita: richiesta allo sportello con documento"


def log_in_to_the_admin(page: Page, live_server) -> None:
    page.goto(live_server.url + "/admin/login/")
    page.locator("input[name=username]").fill(OFFICER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestione del portale")


def run_action(page: Page, action: str) -> None:
    page.get_by_label("Azione:").select_option(label=action)
    page.get_by_role("button", name="Vai").click()


def test_officer_issues_a_code_with_a_reason_then_declares_the_count(
    page: Page, live_server, demo_city
):
    election = Election.objects.open_at().get()
    officer = User.objects.get(email=OFFICER)
    elector = election.electors.exclude(pk__in=ElectorVote.objects.values("elector")).first()
    log_in_to_the_admin(page, live_server)
    changelist = (
        f"/admin/consulte/elector/?election__id__exact={election.pk}&q={elector.fiscal_code}"
    )

    # Without the permission named for it, no code while voting is open.
    page.goto(live_server.url + changelist)
    page.locator(f"input[name=_selected_action][value='{elector.pk}']").check()
    run_action(page, "Emetti codici di voto: lettere da stampare")
    expect(page.locator(".messagelist")).to_contain_text("solo con il permesso apposito")

    officer.user_permissions.add(Permission.objects.get(codename="issue_code_during_vote"))
    page.goto(live_server.url + changelist)
    page.locator(f"input[name=_selected_action][value='{elector.pk}']").check()
    run_action(page, "Emetti codici di voto: lettere da stampare")
    expect(page.locator(".messagelist")).to_contain_text("indica il motivo")

    page.locator(f"input[name=_selected_action][value='{elector.pk}']").check()
    page.get_by_label("Motivo (obbligatorio a voto aperto)").fill(REASON)
    run_action(page, "Emetti codici di voto: lettere da stampare")
    expect(page.get_by_text(elector.last_name).first).to_be_visible()
    entry = ElectionLogEntry.objects.get(action="code_issued", elector=elector)
    assert entry.actor == officer and REASON in str(entry.details)

    # The close, the guardians' opening and the paper count of every point that had voters.
    Election.objects.filter(pk=election.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    election.refresh_from_db()
    tally.tally_due_elections()
    shares = [
        path.read_text().strip()
        for path in sorted(
            election_demo.DEMO_SHARES_DIR.glob(f"elezione-{election.pk}-garante-*.txt")
        )
    ]
    ballot_box.open_ballot_box(election=election, shares=shares[:2])
    tally.tally_due_elections()
    assert not Result.objects.get(election=election).final
    for point in desk.points_missing_count(election):
        voters = point.votes.count()
        desk.record_desk_count(
            voting_point=point, valid=0, blank=voters, void=0, votes={}, entered_by=None
        )

    page.goto(live_server.url + f"/admin/consulte/election/?q={election.title}")
    page.locator(f"input[name=_selected_action][value='{election.pk}']").check()
    run_action(page, "Dichiara completo lo spoglio (risultati definitivi)")
    expect(page.locator(".messagelist")).to_contain_text("risultati definitivi pubblicati")
    assert Result.objects.get(election=election).final
    assert ElectionLogEntry.objects.filter(election=election, action="count_declared").exists()

    page.goto(live_server.url + f"/consulte/elezioni/{election.pk}/risultati/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Risultati provvisori")).to_have_count(0)
    assert axe_violations(page) == []
