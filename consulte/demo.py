"""Demo content of the consulte, loaded by `manage.py seed_demo`; must be idempotent.

The nine councils are real (one per ambito); the people, meetings, Patti and opinion requests
are invented for the demo. Dates are relative to today so that the demo always looks current,
except the term of the delegates elected in 2022 (first election: 25 November – 5 December 2022).
"""

import datetime

from django.utils import timezone

from centri_sociali.models import Centre
from collabcity.demo import DEMO_PASSWORD, demo_account
from collabcity.models import Ambito, Organisation

from .elections import demo as election_demo
from .models import Council, Meeting, Member, OpinionRequest, ProgrammingDocument

TERM_2022_START = datetime.date(2022, 11, 25)
TERM_2022_END = datetime.date(2027, 11, 24)  # five years

COUNCILLOR_EMAIL = "consigliere@demo.collabcity.it"
COUNCILLOR_FIRST_NAME, COUNCILLOR_LAST_NAME = "Marco", "Consigliere"
COUNCILLOR_AMBITO = "B"  # the ambito of the Orologio quartiere, like the other demo accounts

# Organisations of the seeded city that the Comune designates, per ambito (demo choice).
DESIGNATIONS = {
    "A": ["ANCeSCAO Reggio Emilia", "Uisp"],
    "B": ["Circolo Arci Pieve", "Auser Reggio Emilia"],
    "C": ["ANCeSCAO Reggio Emilia", "Auser Reggio Emilia"],
    "D": ["Giro del Cielo", "Uisp"],
    "E": ["Cooperativa Impossibile", "Arci Comitato Territoriale Reggio Emilia"],
    "F": ["Coopselios", "ANCeSCAO Reggio Emilia"],
    "G": ["Arci Comitato Territoriale Reggio Emilia", "Auser Reggio Emilia"],
    "H": ["Uisp", "CSV Emilia"],
    "I": ["CSV Emilia", "Arci Comitato Territoriale Reggio Emilia"],
}
FIRST_NAMES = ["Giulia", "Luca", "Francesca", "Matteo", "Sara", "Davide", "Elena", "Paolo"]
LAST_NAMES = ["Bertolini", "Ferrari", "Montanari", "Casali", "Incerti", "Gualtieri", "Spaggiari"]
ELECTED_ROLES = [Member.Role.PRESIDENT, Member.Role.VICE_PRESIDENT, Member.Role.SECRETARY]


def load(command) -> None:
    """Create or update the nine councils with their members, meetings and opinions, then the
    demo elections."""
    councils = [_council(ambito) for ambito in Ambito.objects.order_by("code")]
    for index, council in enumerate(councils):
        _members(council, index)
        _meetings(council)
    by_code = {council.ambito.code: council for council in councils}
    _programming_documents(by_code)
    _opinion_requests(by_code)
    _councillor_account(command, by_code[COUNCILLOR_AMBITO])
    election_demo.load(command)


def _council(ambito: Ambito) -> Council:
    label = f"Ambito {ambito.code}"
    name = (
        f"Consulta dell'{label} – {ambito.name}"
        if ambito.has_own_name
        else f"Consulta dell'{label}"
    )
    quartieri = ", ".join(ambito.quartieri.order_by("name").values_list("name", flat=True))
    council, _ = Council.objects.update_or_create(
        ambito=ambito,
        defaults={
            "name": name,
            "slug": f"ambito-{ambito.code.lower()}",
            "description": (
                f"La consulta di quartiere dell'{label}: rappresenta {quartieri}. "
                "I delegati sono stati eletti dai residenti nel 2022; gli altri componenti sono "
                "designati dal Comune tra le associazioni e le imprese dell'ambito."
            ),
        },
    )
    return council


def _person(index: int, seat: int) -> str:
    first = FIRST_NAMES[(index + seat) % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 3 + seat) % len(LAST_NAMES)]
    return f"{first} {last}"


def _members(council: Council, index: int) -> None:
    for seat in range(4):
        Member.objects.update_or_create(
            council=council,
            full_name=_person(index, seat),
            kind=Member.Kind.ELECTED,
            defaults={
                "role": ELECTED_ROLES[seat] if seat < len(ELECTED_ROLES) else Member.Role.MEMBER,
                "term_start": TERM_2022_START,
                "term_end": TERM_2022_END,
            },
        )
    for seat, organisation_name in enumerate(DESIGNATIONS[council.ambito.code]):
        Member.objects.update_or_create(
            council=council,
            full_name=_person(index + 4, seat + 4),
            kind=Member.Kind.DESIGNATED,
            defaults={
                "organisation": Organisation.objects.get(name=organisation_name),
                "role": Member.Role.MEMBER,
                "term_start": TERM_2022_START + datetime.timedelta(days=60),
                "term_end": TERM_2022_END,
            },
        )


def _at(days: int, hour: int = 20, minute: int = 45) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _meeting_place(council: Council) -> str:
    centre = Centre.objects.filter(quartiere__ambito=council.ambito).order_by("name").first()
    return centre.name if centre else f"Sala civica dell'Ambito {council.ambito.code}"


def _meetings(council: Council) -> None:
    place = _meeting_place(council)
    # The agenda is the natural key: the dates move with today, the meetings stay the same rows.
    meetings = [
        (
            -45,
            "1. Insediamento del nuovo anno di lavoro\n2. Calendario delle riunioni\n3. Varie",
            "Verbale dimostrativo. Approvato il calendario delle riunioni dei prossimi mesi. "
            "Nessuna osservazione sulle varie.",
        ),
        (
            -12,
            "1. Proposte per il Patto di ambito\n2. Segnalazioni dai quartieri",
            "",
        ),
        (
            10,
            "1. Richieste di parere del Comune\n2. Aggiornamento sul Patto di ambito\n3. Varie",
            "",
        ),
    ]
    for days, agenda, minutes in meetings:
        Meeting.objects.update_or_create(
            council=council,
            agenda=agenda,
            defaults={"starts_at": _at(days), "place": place, "minutes": minutes},
        )


def _programming_documents(by_code: dict[str, Council]) -> None:
    today = timezone.localdate()
    ProgrammingDocument.objects.update_or_create(
        council=by_code["B"],
        title="Patto di ambito B – priorità condivise",
        defaults={
            "body": (
                "Documento dimostrativo.\n\nPriorità: spazi pubblici e verde di prossimità; "
                "sicurezza dei percorsi casa-scuola; attività nei centri sociali per tutte le età."
            ),
            "approved_on": today - datetime.timedelta(days=220),
            "valid_from": today - datetime.timedelta(days=220),
            "valid_until": None,
        },
    )
    ProgrammingDocument.objects.update_or_create(
        council=by_code["D"],
        title="Patto di ambito D – proposta in discussione",
        defaults={
            "body": "Documento dimostrativo in preparazione con il Comune.",
            "approved_on": None,
            "valid_from": None,
            "valid_until": None,
        },
    )


def _opinion_requests(by_code: dict[str, Council]) -> None:
    today = timezone.localdate()
    OpinionRequest.objects.update_or_create(
        council=by_code["B"],
        title="Piano della mobilità di quartiere (richiesta dimostrativa)",
        defaults={
            "description": (
                "Il Comune chiede il parere della consulta sulla proposta di nuove zone a 30 "
                "km/h e percorsi ciclabili nei quartieri dell'ambito. Richiesta dimostrativa."
            ),
            "requested_on": today - datetime.timedelta(days=7),
            "deadline": today + datetime.timedelta(days=14),
            "status": OpinionRequest.Status.REQUESTED,
            "opinion": "",
            "drafted_by": None,
            "published_at": None,
        },
    )
    OpinionRequest.objects.update_or_create(
        council=by_code["B"],
        title="Regolamento del verde pubblico (richiesta dimostrativa)",
        defaults={
            "description": "Il Comune chiede il parere della consulta sul nuovo regolamento.",
            "requested_on": today - datetime.timedelta(days=75),
            "deadline": today - datetime.timedelta(days=45),
            "status": OpinionRequest.Status.PUBLISHED,
            "opinion": (
                "La consulta esprime parere favorevole, con due osservazioni: coinvolgere i "
                "centri sociali nella cura delle aree verdi e pubblicare il calendario degli "
                "sfalci."
            ),
            "published_at": _at(-50, 10, 0),
        },
    )
    OpinionRequest.objects.update_or_create(
        council=by_code["E"],
        title="Progetto di riqualificazione della zona stazione (richiesta dimostrativa)",
        defaults={
            "description": "Il Comune chiede il parere della consulta sul progetto.",
            "requested_on": today - datetime.timedelta(days=3),
            "deadline": today + datetime.timedelta(days=27),
            "status": OpinionRequest.Status.REQUESTED,
            "opinion": "",
            "drafted_by": None,
            "published_at": None,
        },
    )


def _councillor_account(command, council: Council) -> None:
    """A demo account linked to an elected delegate, to try drafting an opinion."""
    user = demo_account(
        email=COUNCILLOR_EMAIL, first_name=COUNCILLOR_FIRST_NAME, last_name=COUNCILLOR_LAST_NAME
    )
    Member.objects.update_or_create(
        council=council,
        full_name=f"{COUNCILLOR_FIRST_NAME} {COUNCILLOR_LAST_NAME}",
        kind=Member.Kind.ELECTED,
        defaults={
            "user": user,
            "role": Member.Role.MEMBER,
            "term_start": TERM_2022_START,
            "term_end": TERM_2022_END,
        },
    )
    command.stdout.write(
        f"Consulte: {COUNCILLOR_EMAIL} (password {DEMO_PASSWORD}) è delegato della "
        f"{council.name} e può redigere i pareri da /consulte/la-mia-consulta/."
    )
