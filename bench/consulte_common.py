"""Shared data of the consulte benchmarks: an election with candidates."""


def make_election(*, open_now: bool, candidates: int = 6):
    import datetime

    from django.utils import timezone

    from collabcity.models import Ambito, Quartiere
    from consulte.models import Candidate, Council, Election, Elector

    now = timezone.now()
    ambito = Ambito.objects.create(code="B", name="Ambito B", slug="ambito-b")
    quartiere = Quartiere.objects.create(name="Orologio", slug="orologio", ambito=ambito)
    council = Council.objects.create(ambito=ambito, name="Consulta B", slug="ambito-b")
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
            fiscal_code=f"CANDIDATO{n:07d}",
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
    return election, quartiere, made
