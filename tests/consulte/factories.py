"""Factories of the elections: elections, roll entries, candidates, verified voters."""

import datetime

import factory
from codicefiscale import codicefiscale
from django.utils import timezone

from consulte.elections import ballot_box, verification
from consulte.elections.tally import tally_election
from consulte.models import (
    Candidate,
    Election,
    Elector,
    ElectorVerification,
    Gender,
    Guardian,
)
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
        skip_postgeneration_save = True

    council = factory.SubFactory(CouncilFactory)
    title = factory.Sequence(lambda n: f"Elezione della consulta {n}")
    seats = 3
    nomination_opens_at = factory.LazyFunction(lambda: now() - datetime.timedelta(days=30))
    nomination_closes_at = factory.LazyFunction(lambda: now() - datetime.timedelta(days=10))
    opens_at = factory.LazyFunction(lambda: now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: now() + datetime.timedelta(days=5))

    @factory.post_generation
    def ceremony(election, create, extracted, **kwargs):
        """Three guardians and the key ceremony (2 of 3), unless ceremony=False."""
        if not create or extracted is False:
            return
        run_ceremony(election)


GUARDIAN_NAMES = [
    ("Paola Presidente", "presidente della consulta"),
    ("Franco Funzionario", "funzionario comunale"),
    ("Olga Opposizione", "delegata di minoranza"),
]
# The shares of every election the tests made, as the guardians would keep them.
SHARES: dict[int, list[str]] = {}


def run_ceremony(election: Election, *, threshold: int = 2) -> list[str]:
    if not election.guardians.exists():
        Guardian.objects.bulk_create(
            Guardian(election=election, name=name, role=role) for name, role in GUARDIAN_NAMES
        )
    shares = [
        share.text for share in ballot_box.run_key_ceremony(election=election, threshold=threshold)
    ]
    SHARES[election.pk] = shares
    return shares


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
    return verification.issue_credentials(electors=[elector], issued_by=None)[0].code


def peek(election: Election) -> list[tuple[str, list[int]]]:
    """What the election's envelopes hold, opened with the guardians' shares but left sealed."""
    box = election.ballot_box
    private_key = ballot_box.rebuild_private_key(
        election=election, box=box, shares=SHARES[election.pk][:2]
    )
    unsealer = ballot_box.SealedBox(private_key)
    return [
        ballot_box.decode_ballot(unsealer.decrypt(bytes(c)), slots=election.max_preferences)
        for c in election.envelopes.values_list("ciphertext", flat=True)
    ]


def tally(election: Election, *, shares: list[str] | None = None):
    """Close the ballot box, open it with two guardians' shares (once), and tally."""
    if hasattr(election, "ballot_box") or election.guardians.exists():
        ballot_box.open_ballot_box(
            election=election, shares=shares if shares is not None else SHARES[election.pk][:2]
        )
    return tally_election(election_id=election.pk)


def voting_point(election: Election, *workers, name: str = "Centro sociale Orologio"):
    """A voting point of the election staffed by `workers`."""
    from consulte.models import VotingPoint

    point = VotingPoint.objects.create(election=election, name=name)
    point.poll_workers.add(*workers)
    return point
