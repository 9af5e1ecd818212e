"""Factories of the elections: elections, roll entries, candidates, verified voters."""

import datetime

import factory
from codicefiscale import codicefiscale
from django.utils import timezone

from consulte import elections
from consulte.models import Candidate, Election, Elector, ElectorVerification, Gender
from tests.consulte.council_factories import CouncilFactory
from tests.factories import QuartiereFactory, UserFactory

CONSONANTS = "BCDFGLMNPRSTVZ"


def surname(n: int) -> str:
    """A distinct surname for each n (its three consonants are the fiscal code's first part)."""
    a, b, c = (CONSONANTS[n // 14**k % 14] for k in (2, 1, 0))
    return f"{a}a{b.lower()}e{c.lower()}i"


def make_fiscal_code(
    *, last_name="Rossi", first_name="Anna", gender="F", birth_date=datetime.date(1980, 5, 17)
) -> str:
    return codicefiscale.encode(
        lastname=last_name,
        firstname=first_name,
        gender=gender,
        birthdate=birth_date.strftime("%d/%m/%Y"),
        birthplace="H223",  # Reggio Emilia
    )


def now():
    return timezone.now()


class ElectionFactory(factory.django.DjangoModelFactory):
    """An election open now, with the nomination window over."""

    class Meta:
        model = Election

    council = factory.SubFactory(CouncilFactory)
    title = factory.Sequence(lambda n: f"Elezione della consulta {n}")
    seats = 3
    nomination_opens_at = factory.LazyFunction(lambda: now() - datetime.timedelta(days=30))
    nomination_closes_at = factory.LazyFunction(lambda: now() - datetime.timedelta(days=10))
    opens_at = factory.LazyFunction(lambda: now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: now() + datetime.timedelta(days=5))


class ElectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Elector

    election = factory.SubFactory(ElectionFactory)
    first_name = "Anna"
    last_name = factory.Sequence(surname)
    gender = Gender.FEMALE
    birth_date = datetime.date(1980, 5, 17)
    fiscal_code = factory.LazyAttribute(
        lambda o: make_fiscal_code(
            last_name=o.last_name, first_name=o.first_name, gender=o.gender, birth_date=o.birth_date
        )
    )
    quartiere = factory.LazyAttribute(lambda o: QuartiereFactory(ambito=o.election.council.ambito))


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    election = factory.SubFactory(ElectionFactory)
    elector = factory.LazyAttribute(
        lambda o: ElectorFactory(
            election=o.election,
            gender=o.gender,
            birth_date=o.birth_date,
            last_name=o.last_name,
            first_name=o.first_name,
        )
    )
    first_name = "Carla"
    last_name = factory.Sequence(lambda n: surname(2000 + n))
    gender = Gender.FEMALE
    birth_date = datetime.date(1970, 1, 1)
    statement = "Mi candido per il mio quartiere."
    status = Candidate.Status.APPROVED


def verify(*, elector: Elector, user=None) -> ElectorVerification:
    """Link a (new) account to the elector, as a successful verification does."""
    user = user or UserFactory()
    return ElectorVerification.objects.create(
        election=elector.election,
        elector=elector,
        user=user,
        method=ElectorVerification.Method.CODE,
    )


def issue_code(elector: Elector) -> str:
    return elections.issue_credentials(electors=[elector], issued_by=None)[0].code


def tally(election: Election):
    """Count a closed election the way the tests need it: the one entry point for tests."""
    return elections.tally_election(election_id=election.pk)


def voting_point(election: Election, *workers, name: str = "Centro sociale Orologio"):
    """A voting point of the election staffed by `workers`."""
    from consulte.models import VotingPoint

    point = VotingPoint.objects.create(election=election, name=name)
    point.poll_workers.add(*workers)
    return point
