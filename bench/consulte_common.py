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
