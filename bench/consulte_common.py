"""Shared data of the consulte benchmarks: an election with candidates and its key ceremony."""


def make_election(*, open_now: bool, candidates: int = 6, ceremony: bool = True, code: str = "B"):
    """(election, quartiere, candidates, shares): with the ceremony done (2 of 3 guardians)
    unless ceremony=False; shares is then empty."""
    import datetime

    from django.utils import timezone

    from collabcity.models import Ambito, Quartiere
    from consulte.elections import ballot_box
    from consulte.models import Candidate, Council, Election, Elector, Guardian

    now = timezone.now()
    slug = f"ambito-{code.lower()}"
    ambito = Ambito.objects.create(code=code, name=f"Ambito {code}", slug=slug)
    quartiere = Quartiere.objects.create(name=f"Quartiere {code}", slug=f"q-{slug}", ambito=ambito)
    council = Council.objects.create(ambito=ambito, name=f"Consulta {code}", slug=slug)
    election = Election.objects.create(
        council=council,
        title="Elezione di prova",
        seats=3,
        nomination_opens_at=now - datetime.timedelta(days=30),
        nomination_closes_at=now - datetime.timedelta(days=20),
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1 if open_now else 2),
    )
    made = []
    for n in range(candidates):
        gender = "F" if n % 2 else "M"
        elector = Elector.objects.create(
            election=election,
            fiscal_code=f"CANDIDATO{code}{n:06d}",
            first_name=f"Nome{n}",
            last_name=f"Cognome{n}",
            birth_date=datetime.date(1960 + n, 1, 1),
            gender=gender,
            quartiere=quartiere,
        )
        made.append(
            Candidate.objects.create(
                election=election,
                elector=elector,
                first_name=elector.first_name,
                last_name=elector.last_name,
                gender=gender,
                birth_date=elector.birth_date,
                statement="Presentazione.",
                status=Candidate.Status.APPROVED,
            )
        )
    shares = []
    if ceremony:
        for name in ("Garante uno", "Garante due", "Garante tre"):
            Guardian.objects.create(election=election, name=name, role="garante")
        shares = [s.text for s in ballot_box.run_key_ceremony(election=election, threshold=2)]
    return election, quartiere, made, shares


def verified_electors(election, quartiere, count: int, prefix: str) -> list:
    """`count` people on the roll, each with an account that has already verified them: what a
    browser session needs to reach the ballot. Fiscal codes are `prefix` and a number."""
    from django.contrib.auth.hashers import make_password

    from collabcity.models import User
    from consulte.models import Elector, ElectorVerification

    users = User.objects.bulk_create(
        [
            User(email=f"elettore{n}@bench.invalid", password=make_password(None))
            for n in range(count)
        ],
        batch_size=5000,
    )
    roll = Elector.objects.bulk_create(
        [
            Elector(
                election=election,
                fiscal_code=f"{prefix}{n:012d}",
                first_name="Nome",
                last_name=f"Cognome{n}",
                birth_date="1980-01-01",
                gender="F",
                quartiere=quartiere,
            )
            for n in range(count)
        ],
        batch_size=5000,
    )
    ElectorVerification.objects.bulk_create(
        [
            ElectorVerification(election=election, elector=elector, user=user, method="code")
            for user, elector in zip(users, roll, strict=True)
        ],
        batch_size=5000,
    )
    return users
