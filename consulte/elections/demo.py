"""Demo elections: one open in an ambito, one closed with results (called by consulte/demo.py).

Open: the election of the delegates of the Orologio quartiere's ambito (B), with the demo
citizen on the roll and a known voting code printed by seed_demo, so a newcomer can verify and
vote. Closed: a by-election in ambito D, ten days ago, counted by the real tally service.
Everything is keyed on natural keys and relative to today; running it twice changes nothing.
"""

import datetime
import random
from pathlib import Path

from codicefiscale import codicefiscale
from django.conf import settings
from django.utils import timezone

from collabcity.models import Quartiere, User

from ..models import (
    BallotBox,
    Candidate,
    Council,
    Election,
    Elector,
    ElectorVote,
    Gender,
    Guardian,
    VotingCredential,
    VotingPoint,
)
from . import ballot_box, casting, desk, rolls, tally, verification

DEMO_CITIZEN_EMAIL = "cittadina@demo.collabcity.it"
DEMO_CITIZEN_FISCAL_CODE = "CTTCHR90C55H223J"  # Chiara Cittadina, 15/03/1990, Reggio Emilia
DEMO_CITIZEN_BIRTH = datetime.date(1990, 3, 15)
DEMO_VOTING_CODE = "DEMQ7VT2K9"  # shown as DEMQ7-VT2K9
OPEN_AMBITO, CLOSED_AMBITO = "B", "D"
DEMO_GUARDIANS = [
    ("Giovanna Presidente", "presidente della consulta"),
    ("Roberto Funzionario", "funzionario del Servizio partecipazione"),
    ("Lucia Minoranza", "delegata designata dalle associazioni"),
]
DEMO_THRESHOLD = 2
# Where seed_demo leaves the open election's shares for a newcomer to play the guardians.
DEMO_SHARES_DIR = Path(settings.BASE_DIR) / "demo" / "garanti"
ROLL_SIZE = {"B": 300, "D": 200}
CLOSED_BALLOTS = 120

FIRST_NAMES = {
    Gender.FEMALE: ["Giulia", "Francesca", "Sara", "Elena", "Marta", "Chiara", "Anna", "Laura"],
    Gender.MALE: ["Luca", "Matteo", "Davide", "Paolo", "Marco", "Andrea", "Stefano", "Giorgio"],
}
LAST_NAMES = [
    "Bertolini",
    "Ferrari",
    "Montanari",
    "Casali",
    "Incerti",
    "Gualtieri",
    "Spaggiari",
    "Bonacini",
    "Ferretti",
    "Davoli",
    "Catellani",
    "Rinaldi",
    "Manfredi",
    "Bigi",
    "Ligabue",
    "Prandi",
]
STATEMENTS = [
    "Vivo nel quartiere da vent'anni: vorrei più spazi verdi curati insieme ai residenti.",
    "Insegno alle medie; mi candido per i percorsi sicuri casa-scuola e il doposcuola.",
    "Volontaria al centro sociale: voglio portare la voce degli anziani nella consulta.",
    "Studente universitario: propongo un tavolo dei giovani e più eventi culturali.",
    "Commerciante della zona: lavorerò per un quartiere vivo anche la sera.",
    "Allenatore di una squadra di quartiere: sport di base e campetti aperti a tutti.",
]


def load(command) -> None:
    """Create or update the demo elections; idempotent."""
    open_election = _open_election()
    _closed_election()
    command.stdout.write(
        "Elezione dimostrativa aperta: "
        f"{open_election.title} – /consulte/elezioni/{open_election.pk}/\n"
        f"  la cittadina demo vota con codice fiscale {DEMO_CITIZEN_FISCAL_CODE} "
        f"e codice di voto {verification.format_code(DEMO_VOTING_CODE)}"
    )
    share_files = sorted(DEMO_SHARES_DIR.glob(f"elezione-{open_election.pk}-garante-*.txt"))
    if share_files:
        command.stdout.write(
            f"  quote dei garanti (ne servono {DEMO_THRESHOLD} per aprire le buste):"
        )
        for path in share_files:
            command.stdout.write(f"    {path}: {path.read_text().strip()}")
    else:
        command.stdout.write(
            f"  le quote dei garanti non sono più in {DEMO_SHARES_DIR}: rifai la cerimonia "
            "dall'amministrazione prima che qualcuno voti online"
        )


def _council(code: str) -> Council:
    return Council.objects.get(ambito__code=code)


def _at(days: int, hour: int) -> datetime.datetime:
    """A whole hour on a day relative to today: the same all day long, so re-seeding on the
    same day changes nothing."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _election(council: Council, title: str, *, seats: int, days: tuple) -> Election:
    nomination_opens, nomination_closes, opens, closes = days
    election, _ = Election.objects.update_or_create(
        council=council,
        title=title,
        defaults={
            "seats": seats,
            "max_preferences": 2,
            "gender_balance": True,
            "nomination_opens_at": _at(nomination_opens, 9),
            "nomination_closes_at": _at(nomination_closes, 18),
            "opens_at": _at(opens, 0),
            "closes_at": _at(closes, 20),
        },
    )
    return election


def _open_election() -> Election:
    council = _council(OPEN_AMBITO)
    election = _election(
        council,
        f"Elezione dei delegati della consulta dell'Ambito {OPEN_AMBITO}",
        seats=3,
        days=(-30, -10, -1, 6),
    )
    _roll(election, seed=1)
    citizen = _demo_citizen_elector(election)
    _candidates(election, seed=1)
    if not BallotBox.objects.filter(election=election).exists():
        _write_shares(_ceremony(election))
    _points(
        election,
        [
            ("Centro sociale Orologio", "Via Massenet 17", "scrutatore@demo.collabcity.it"),
            ("Biblioteca di quartiere", "Via Aldo Moro 2", "scrutatore2@demo.collabcity.it"),
        ],
    )
    # The code works until used; a used one stays used (re-seeding must not reopen it).
    VotingCredential.objects.get_or_create(
        elector=citizen,
        defaults={
            "code_hash": verification.hash_code(elector=citizen, code=DEMO_VOTING_CODE),
            "issued_at": timezone.now(),
        },
    )
    return election


def _closed_election() -> Election:
    council = _council(CLOSED_AMBITO)
    election = _election(
        council,
        f"Elezione suppletiva della consulta dell'Ambito {CLOSED_AMBITO}",
        seats=2,
        days=(-45, -25, -20, -10),
    )
    _roll(election, seed=2)
    candidates = _candidates(election, seed=2)
    (point,) = _points(election, [("Punto voto", "", "scrutatore@demo.collabcity.it")])
    if not ElectorVote.objects.filter(election=election).exists():
        shares = _vote(election, candidates, point)
        ballot_box.open_ballot_box(election=election, shares=shares[:DEMO_THRESHOLD])
    tally.tally_election(election_id=election.pk)
    if election.count_declared_at is None:
        # The demo's paper count is complete: the results shown are the final ones.
        desk.declare_count_complete(election=election, user=None)
    return election


def _ceremony(election: Election) -> list[ballot_box.GuardianShare]:
    if not election.guardians.exists():
        Guardian.objects.bulk_create(
            Guardian(election=election, name=name, role=role) for name, role in DEMO_GUARDIANS
        )
    return ballot_box.run_key_ceremony(election=election, threshold=DEMO_THRESHOLD)


def _write_shares(shares: list[ballot_box.GuardianShare]) -> None:
    DEMO_SHARES_DIR.mkdir(parents=True, exist_ok=True)
    for share in shares:
        (DEMO_SHARES_DIR / share.filename).write_text(share.text + "\n", encoding="utf-8")


def _points(election: Election, points: list[tuple[str, str, str]]) -> list[VotingPoint]:
    """The election's voting points, each with its demo poll worker; idempotent."""
    created = []
    for name, address, email in points:
        point, _ = VotingPoint.objects.update_or_create(
            election=election, name=name, defaults={"address": address}
        )
        worker = User.objects.filter(email=email).first()
        if worker is not None:
            point.poll_workers.add(worker)
        created.append(point)
    return created


def _vote(election: Election, candidates: list[Candidate], point: VotingPoint) -> list[str]:
    """Ballots cast through the real service, in a window reopened only for this (after the
    key ceremony); returns the guardians' shares, kept only for the opening that follows."""
    rng = random.Random(election.pk)  # noqa: S311  (reproducible demo data, not secrets)
    closes_at = election.closes_at
    election.closes_at = timezone.now() + datetime.timedelta(minutes=5)
    election.save(update_fields=["closes_at"])
    shares = [share.text for share in _ceremony(election)]
    voters = list(Elector.objects.filter(election=election).order_by("fiscal_code"))
    weights = [6, 5, 4, 3, 2, 1]
    for elector in voters[:CLOSED_BALLOTS]:
        count = rng.choice([0, 1, 2, 2, 2])
        chosen = []
        while len(chosen) < count:
            candidate = rng.choices(candidates, weights=weights[: len(candidates)])[0]
            if candidate not in chosen:
                chosen.append(candidate)
        casting.cast_ballot(
            election=election, elector=elector, candidate_ids=[c.pk for c in chosen]
        )
    for elector in voters[CLOSED_BALLOTS : CLOSED_BALLOTS + 15]:
        desk.mark_voted_in_person(voting_point=point, elector=elector, user=None)
    election.closes_at = closes_at
    election.save(update_fields=["closes_at"])
    # 15 paper voters: 13 valid ballots (one or two preferences each), one blank, one void.
    desk.record_desk_count(
        voting_point=point,
        valid=13,
        blank=1,
        void=1,
        votes={candidates[1].pk: 7, candidates[3].pk: 6},
        entered_by=None,
    )
    return shares


def _roll(election: Election, *, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
    quartieri = list(Quartiere.objects.filter(ambito=election.council.ambito).order_by("name"))
    polling_day = election.polling_day
    electors, seen = [], set()
    while len(electors) < ROLL_SIZE[election.council.ambito.code]:
        gender = rng.choice([Gender.FEMALE, Gender.MALE])
        first_name = rng.choice(FIRST_NAMES[gender])
        last_name = rng.choice(LAST_NAMES)
        birth = datetime.date(rng.randint(1935, polling_day.year - 17), rng.randint(1, 12), 1)
        birth += datetime.timedelta(days=rng.randint(0, 27))
        if rolls.age_on(birth, polling_day) < election.min_age:
            continue
        fiscal_code = codicefiscale.encode(
            lastname=last_name,
            firstname=first_name,
            gender=gender,
            birthdate=birth.strftime("%d/%m/%Y"),
            birthplace="H223",
        )
        if fiscal_code in seen or fiscal_code == DEMO_CITIZEN_FISCAL_CODE:
            continue
        seen.add(fiscal_code)
        electors.append(
            Elector(
                election=election,
                fiscal_code=fiscal_code,
                first_name=first_name,
                last_name=last_name,
                birth_date=birth,
                gender=gender,
                quartiere=rng.choice(quartieri),
            )
        )
    Elector.objects.bulk_create(
        electors,
        update_conflicts=True,
        unique_fields=["election", "fiscal_code"],
        update_fields=["first_name", "last_name", "birth_date", "gender", "quartiere"],
    )


def _demo_citizen_elector(election: Election) -> Elector:
    citizen = User.objects.get(email=DEMO_CITIZEN_EMAIL)
    elector, _ = Elector.objects.update_or_create(
        election=election,
        fiscal_code=DEMO_CITIZEN_FISCAL_CODE,
        defaults={
            "first_name": citizen.first_name,
            "last_name": citizen.last_name,
            "birth_date": DEMO_CITIZEN_BIRTH,
            "gender": Gender.FEMALE,
            "quartiere": Quartiere.objects.get(name="Orologio"),
        },
    )
    return elector


def _candidates(election: Election, *, seed: int) -> list[Candidate]:
    """Six approved candidates, three women and three men, taken from the roll."""
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
    roll = list(Elector.objects.filter(election=election).order_by("fiscal_code"))
    women = [
        e for e in roll if e.gender == Gender.FEMALE and e.fiscal_code != DEMO_CITIZEN_FISCAL_CODE
    ]
    men = [e for e in roll if e.gender == Gender.MALE]
    chosen = rng.sample(women, 3) + rng.sample(men, 3)
    candidates = []
    for index, elector in enumerate(chosen):
        candidate, _ = Candidate.objects.update_or_create(
            elector=elector,
            defaults={
                "election": election,
                "first_name": elector.first_name,
                "last_name": elector.last_name,
                "gender": elector.gender,
                "birth_date": elector.birth_date,
                "statement": STATEMENTS[index],
                "status": Candidate.Status.APPROVED,
            },
        )
        candidates.append(candidate)
    return candidates
