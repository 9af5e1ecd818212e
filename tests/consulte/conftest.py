import pytest

from collabcity.models import Quartiere
from tests.consulte.council_factories import CouncilFactory
from tests.consulte.factories import CandidateFactory, ElectionFactory, ElectorFactory, verify
from tests.factories import QuartiereFactory


@pytest.fixture
def election(db):
    return ElectionFactory(council=CouncilFactory())


@pytest.fixture
def quartiere(election) -> Quartiere:
    return QuartiereFactory(ambito=election.council.ambito)


@pytest.fixture
def candidates(election):
    """Two women and two men, approved."""
    return [
        CandidateFactory(election=election, gender="F", first_name="Anna"),
        CandidateFactory(election=election, gender="F", first_name="Bice"),
        CandidateFactory(election=election, gender="M", first_name="Carlo"),
        CandidateFactory(election=election, gender="M", first_name="Dario"),
    ]


@pytest.fixture
def elector(election, quartiere):
    return ElectorFactory(election=election, quartiere=quartiere)


@pytest.fixture
def voter(elector):
    """A logged-in-able user verified as `elector`."""
    return verify(elector=elector).user


@pytest.fixture
def voter_client(client, voter):
    client.force_login(voter)
    return client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded roll files must not land in the project's media folder.
    settings.MEDIA_ROOT = tmp_path
