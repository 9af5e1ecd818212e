"""Operations one insider cannot bend (issue 15): receipts out of URLs, hour-only times,
strict ballot ids, safe CSV cells, letters addressed from the configured portal URL."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from collabcity.spreadsheets import csv_safe
from consulte.elections import casting
from consulte.elections.verification import SESSION_KEY, issue_credentials, verify_with_code
from consulte.models import ElectorVerification, ElectorVote, Envelope, VotingCredential
from tests.consulte.factories import ElectorFactory, issue_code, tally


def close(election):
    election.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    election.save(update_fields=["closes_at"])


# --- Receipts never travel in a URL (point 7) ----------------------------------------------


def test_receipt_lookup_takes_the_code_by_post_never_from_the_query_string(
    client, election, candidates
):
    cast = casting.cast_ballot(
        election=election, elector=ElectorFactory(election=election), candidate_ids=[]
    )
    close(election)
    tally(election)
    url = reverse("consulte:receipt_lookup")
    by_get = client.get(url, {"ricevuta": cast.receipt}).content.decode()
    assert "registrata" not in by_get and f'value="{cast.receipt}"' not in by_get
    by_post = client.post(url, {"ricevuta": cast.receipt}).content.decode()
    assert "registrata" in by_post


def test_the_receipt_page_links_to_no_url_holding_the_receipt(voter_client, election, candidates):
    response = voter_client.post(
        reverse("consulte:ballot", kwargs={"pk": election.pk}),
        {"step": "cast", "candidate": [candidates[0].pk]},
    )
    page = response.content.decode()
    assert "ricevuta=" not in page
    assert 'method="post" action="/consulte/elezioni/ricevute/"' in page


def test_verification_and_code_use_keep_only_the_hour(election, citizen):
    elector = ElectorFactory(election=election)
    code = issue_code(elector)
    verify_with_code(
        election=election,
        fiscal_code=elector.fiscal_code,
        code=code,
        client_key="ip:1",
        user=citizen,
    )
    verification = ElectorVerification.objects.get(elector=elector)
    credential = VotingCredential.objects.get(elector=elector)
    for moment in (verification.verified_at, credential.used_at):
        assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


# --- Tampered ballots (point 11) -----------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["３", "٣", "2147483648", "99999999999999999999999", "-1", "0", " 1", "1.0", "", "0x1"]
)
def test_tampered_candidate_ids_get_one_message_and_store_nothing(
    voter_client, election, candidates, value
):
    response = voter_client.post(
        reverse("consulte:ballot", kwargs={"pk": election.pk}),
        {"step": "cast", "candidate": [value] if value else ["", "x"]},
        follow=True,
    )
    assert response.status_code == 200
    assert "La scheda non è valida: ricaricala e riprova." in response.content.decode()
    assert not ElectorVote.objects.exists() and not Envelope.objects.exists()


def test_candidate_id_parser_takes_ascii_digits_in_range_only():
    assert casting.parse_candidate_id("42") == 42
    assert casting.parse_candidate_id(42) == 42
    for bad in ("３", "٣", "+1", "1_0", True, None, 2**31, "2147483648", 0):
        with pytest.raises(casting.BallotError) as caught:
            casting.parse_candidate_id(bad)
        assert caught.value.code == "tampered"


# --- Spreadsheets and letters (point 11) ---------------------------------------------------


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tX", "\rX"])
def test_csv_cells_that_would_be_formulas_are_neutralised(value):
    assert csv_safe(value) == "'" + value


# --- Who the client is (point 3) -----------------------------------------------------------


def test_client_ip_trusts_forwarded_for_only_as_far_as_our_proxies(rf, settings):
    from collabcity.net import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy of ours: the header is the client's
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # what our proxy saw, not the forged left part


def test_allauth_reads_the_same_trusted_proxy_count():
    from django.conf import settings

    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT


def test_production_refuses_to_start_without_a_shared_cache():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_ENV": "production", "SECRET_KEY": "x" * 60}
    env.pop("REDIS_URL", None)
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "REDIS_URL must be set" in run.stderr


# --- Shared terminals (point 8) -----------------------------------------------------------


def verify_at_terminal(client, election, elector, code):
    return client.post(
        reverse("consulte:election_verify", kwargs={"pk": election.pk}),
        {"fiscal_code": elector.fiscal_code, "code": code},
    )


def terminal_code(elector):
    return issue_credentials(electors=[elector], issued_by=None, for_terminal=True)[0].code


def test_terminal_verification_expires_fifteen_minutes_after_it_was_made(
    client, election, candidates, monkeypatch
):
    import time as clock

    elector = ElectorFactory(election=election)
    verify_at_terminal(client, election, elector, terminal_code(elector))
    ballot = reverse("consulte:ballot", kwargs={"pk": election.pk})
    assert client.get(ballot).status_code == 200
    started = clock.time()
    # Activity does not extend it: 14 minutes of use, then past the 15th minute it is gone.
    monkeypatch.setattr(clock, "time", lambda: started + 14 * 60)
    assert client.get(ballot).status_code == 200
    monkeypatch.setattr(clock, "time", lambda: started + 15 * 60 + 1)
    assert client.get(ballot).status_code == 302


def test_logging_in_ends_an_anonymous_verification(client, election, candidates, citizen):
    elector = ElectorFactory(election=election)
    verify_at_terminal(client, election, elector, terminal_code(elector))
    client.force_login(citizen)
    assert SESSION_KEY not in client.session
    response = client.get(reverse("consulte:ballot", kwargs={"pk": election.pk}))
    assert response.status_code == 302  # the citizen is not that elector


def test_the_end_button_wipes_the_terminal_session(client, election, candidates):
    elector = ElectorFactory(election=election)
    verify_at_terminal(client, election, elector, terminal_code(elector))
    page = client.get(reverse("consulte:ballot", kwargs={"pk": election.pk})).content.decode()
    assert "Termina e cancella la sessione" in page
    client.post(reverse("consulte:terminal_end"))
    assert SESSION_KEY not in client.session
    assert client.get(reverse("consulte:ballot", kwargs={"pk": election.pk})).status_code == 302


def test_a_logged_in_browser_is_refused_the_terminal_code(client, election, candidates, citizen):
    elector = ElectorFactory(election=election)
    code = terminal_code(elector)
    client.force_login(citizen)
    response = verify_at_terminal(client, election, elector, code)
    assert "non deve essere collegato a nessun account" in response.content.decode()
    assert not ElectorVerification.objects.exists()
    client.logout()
    verify_at_terminal(client, election, elector, code)
    assert client.get(reverse("consulte:ballot", kwargs={"pk": election.pk})).status_code == 200
