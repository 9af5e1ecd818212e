"""Fifty simultaneous casts by one elector store exactly one ballot (real PostgreSQL rows)."""

import threading

import pytest
from django.db import connection

from consulte.elections import casting
from consulte.models import ElectorVote, Envelope
from tests.consulte.council_factories import CouncilFactory
from tests.consulte.factories import CandidateFactory, ElectionFactory, ElectorFactory

ATTEMPTS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_casts_by_one_elector_store_one_ballot():
    election = ElectionFactory(council=CouncilFactory())
    candidate = CandidateFactory(election=election)
    elector = ElectorFactory(election=election)
    barrier = threading.Barrier(ATTEMPTS)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            casting.cast_ballot(election=election, elector=elector, candidate_ids=[candidate.pk])
            outcomes.append("cast")
        except casting.AlreadyVoted:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already"] * (ATTEMPTS - 1) + ["cast"]
    assert ElectorVote.objects.count() == 1
    assert Envelope.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_cast_requests_from_many_devices_store_one_ballot():
    from django.test import Client

    from tests.consulte.factories import verify

    election = ElectionFactory(council=CouncilFactory())
    candidate = CandidateFactory(election=election)
    user = verify(elector=ElectorFactory(election=election)).user
    url = f"/consulte/elezioni/{election.pk}/scheda/"
    devices = []
    for _ in range(20):
        device = Client()
        device.force_login(user)
        devices.append(device)
    barrier = threading.Barrier(len(devices))
    statuses = []

    def post(device):
        try:
            barrier.wait()
            response = device.post(url, {"step": "cast", "candidate": [candidate.pk]})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=[device]) for device in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * (len(devices) - 1)
    assert Envelope.objects.count() == 1
