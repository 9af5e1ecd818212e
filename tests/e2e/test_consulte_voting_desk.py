"""The polling desk in a real browser: the poll worker finds electors, sees who voted online,
marks an elector as voted in person, and that elector can no longer vote online."""

import pytest
from playwright.sync_api import Page, expect

from consulte.elections import casting
from consulte.elections.demo import DEMO_CITIZEN_FISCAL_CODE
from consulte.models import Election, ElectionLogEntry, ElectorVote

DEMO_PASSWORD = "collabcity-demo"


def test_poll_worker_marks_an_in_person_vote(page: Page, live_server, demo_city):
    election = Election.objects.open_at().get()
    online_voter = election.electors.exclude(fiscal_code=DEMO_CITIZEN_FISCAL_CODE).first()
    casting.cast_ballot(election=election, elector=online_voter, candidate_ids=[])

    page.goto(live_server.url + "/account/login/")
    page.locator("input[name=login]").fill("scrutatore@demo.collabcity.it")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="Accedi").click()
    page.goto(live_server.url + election.get_absolute_url())
    page.get_by_role("link", name="Punto voto: cerca un elettore nella lista").click()

    page.get_by_label("Codice fiscale o cognome").fill(online_voter.fiscal_code)
    page.get_by_role("button", name="Cerca nella lista").click()
    expect(page.get_by_role("table")).to_contain_text("Ha già votato online")

    page.get_by_label("Codice fiscale o cognome").fill(DEMO_CITIZEN_FISCAL_CODE.lower())
    page.get_by_role("button", name="Cerca nella lista").click()
    expect(page.get_by_role("table")).to_contain_text("Non ha votato")
    page.get_by_role("button", name="Vota qui con la scheda cartacea").click()
    expect(page.locator(".alert-success")).to_contain_text("registrato come votante")
    expect(page.get_by_role("table")).to_contain_text("Ha già votato al punto voto")

    citizen = election.electors.get(fiscal_code=DEMO_CITIZEN_FISCAL_CODE)
    vote = ElectorVote.objects.get(elector=citizen)
    assert vote.channel == ElectorVote.Channel.IN_PERSON
    assert vote.voting_point.name == "Centro sociale Orologio"  # the worker's own point
    assert ElectionLogEntry.objects.filter(action="voted_in_person", elector=citizen).exists()
    with pytest.raises(casting.AlreadyVoted):
        casting.cast_ballot(election=election, elector=citizen, candidate_ids=[])
