"""Demo content of this programme, loaded by `manage.py seed_demo`; must be idempotent.

Opportunities of the Comune, of two centres and of associations, with shifts in the coming
weeks (dates relative to today), coordinated by coordinatore@; two demo volunteers of their own
(volontario@ and volontaria@, same password as the other demo accounts) are already active, with
confirmed hours. The demo citizen (cittadina@) is not a volunteer yet, so
that the journey starts from the application.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from centri_sociali.models import Centre
from collabcity.demo import demo_account
from collabcity.models import Organisation, Quartiere, User

from .models import (
    CONSENT_VERSION,
    HoursLog,
    Opportunity,
    Shift,
    Signup,
    Skill,
    SkillCode,
    StatusChange,
    Volunteer,
    ensure_skills,
)

COORDINATOR = "coordinatore@demo.collabcity.it"

# (title, organisation, centre or None, quartiere, place, skills, description,
#  shifts as (days from today, start hour, hours, places))
OPPORTUNITIES = [
    (
        "Custodi del Parco del Popolo",
        "Comune di Reggio Emilia",
        None,
        "Centro storico",
        "Parco del Popolo, ingresso di viale Allegri",
        [SkillCode.VERDE, SkillCode.ACCOGLIENZA],
        "Apertura e chiusura dei cancelli, piccola cura delle aiuole e informazioni a chi visita "
        "il parco nei fine settimana, insieme ai tecnici del verde del Comune.",
        [(-14, 9, 3, 4), (-7, 9, 3, 4), (5, 9, 3, 4), (12, 9, 3, 4), (19, 9, 3, 4)],
    ),
    (
        "Accoglienza al Centro sociale Orologio",
        "ANCeSCAO Reggio Emilia",
        "Centro sociale Orologio",
        "Orologio",
        "Centro sociale Orologio",
        [SkillCode.ACCOGLIENZA, SkillCode.ANZIANI],
        "Accogliere chi arriva al centro nel pomeriggio, presentare le attività, fare compagnia "
        "agli anziani che frequentano la sala comune.",
        [(-10, 15, 3, 3), (2, 15, 3, 3), (9, 15, 3, 3), (16, 15, 3, 2)],
    ),
    (
        "Facilitatori digitali al Laboratorio Aperto",
        "Comune di Reggio Emilia",
        "Laboratorio Aperto",
        "Centro storico",
        "Laboratorio Aperto, Chiostri di San Pietro",
        [SkillCode.DIGITALE],
        "Aiutare cittadine e cittadini a usare SPID, il fascicolo sanitario e i servizi online "
        "del Comune, con calma e un computer a disposizione.",
        [(3, 10, 2, 2), (10, 10, 2, 2), (17, 10, 2, 2)],
    ),
    (
        "Doposcuola solidale a Santa Croce",
        "Arci Comitato Territoriale Reggio Emilia",
        None,
        "Santa Croce",
        "Circolo Arci di via Adua",
        [SkillCode.DOPOSCUOLA, SkillCode.BAMBINI],
        "Aiuto compiti per ragazze e ragazzi delle scuole medie del quartiere, in piccoli gruppi.",
        [(1, 16, 2, 2), (8, 16, 2, 2), (15, 16, 2, 2)],
    ),
    (
        "Accompagnamento alle visite mediche",
        "Auser Reggio Emilia",
        None,
        "Rosta Nuova",
        "Sede Auser, partenza con l'auto dell'associazione",
        [SkillCode.TRASPORTO, SkillCode.ANZIANI],
        "Accompagnare in auto persone anziane sole alle visite in ospedale e negli ambulatori.",
        [(4, 8, 4, 1), (11, 8, 4, 1)],
    ),
]

DEMO_VOLUNTEERS = {
    "volontario@demo.collabcity.it": ("Marco", "Volontario", "1960-03-14"),
    "volontaria@demo.collabcity.it": ("Giulia", "Volontaria", "1992-09-02"),
}

# (e-mail of a demo volunteer, skills, availability, quartieri, [(opportunity, days from today)])
VOLUNTEERS = [
    (
        "volontario@demo.collabcity.it",
        [SkillCode.ACCOGLIENZA, SkillCode.ANZIANI, SkillCode.MANUTENZIONE],
        ["1-pomeriggio", "3-pomeriggio", "6-mattina"],
        ["Orologio"],
        [
            ("Accoglienza al Centro sociale Orologio", -10),
            ("Custodi del Parco del Popolo", -7),
            ("Accoglienza al Centro sociale Orologio", 2),
        ],
    ),
    (
        "volontaria@demo.collabcity.it",
        [SkillCode.VERDE, SkillCode.DIGITALE],
        ["6-mattina", "7-mattina", "2-mattina"],
        ["Centro storico", "Orologio"],
        [
            ("Custodi del Parco del Popolo", -14),
            ("Accoglienza al Centro sociale Orologio", -10),
            ("Custodi del Parco del Popolo", 5),
        ],
    ),
]
# Hours a volunteer declared and the coordinator has still to confirm: (e-mail, opportunity, day).
DECLARED = [("volontaria@demo.collabcity.it", "Accoglienza al Centro sociale Orologio", -10)]


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load(command) -> None:
    """Create or update this programme's demo content; `command` is the running seed_demo."""
    ensure_skills()
    coordinator = User.objects.get(email=COORDINATOR)
    shifts = {}
    for title, organisation, centre, quartiere, place, skills, description, plan in OPPORTUNITIES:
        opportunity, _ = Opportunity.objects.update_or_create(
            title=title,
            defaults={
                "organisation": Organisation.objects.get(name=organisation),
                "centre": Centre.objects.get(name=centre) if centre else None,
                "quartiere": Quartiere.objects.get(name=quartiere),
                "place": place,
                "description": description,
                "coordinator": coordinator,
                "published": True,
            },
        )
        opportunity.skills.set(Skill.objects.filter(code__in=skills))
        for days, hour, hours, places in plan:
            starts_at = _at(days, hour)
            shift, _ = Shift.objects.update_or_create(
                opportunity=opportunity,
                starts_at=starts_at,
                defaults={"ends_at": starts_at + timedelta(hours=hours), "places": places},
            )
            shifts[(title, days)] = shift
    for email, skills, availability, quartieri, taken in VOLUNTEERS:
        _load_volunteer(email, skills, availability, quartieri, [shifts[key] for key in taken])
    declared = {(email, shifts[(title, days)].pk) for email, title, days in DECLARED}
    _load_volunteer_hours(coordinator, declared)
    command.stdout.write(
        "Volontari civici dimostrativi: " + ", ".join(DEMO_VOLUNTEERS) + " (stessa password)."
    )


def _demo_account(email: str) -> User:
    first_name, last_name, _birth = DEMO_VOLUNTEERS[email]
    return demo_account(email=email, first_name=first_name, last_name=last_name)


def _load_volunteer(email, skills, availability, quartieri, shifts) -> None:
    user = _demo_account(email)
    today = timezone.localdate()
    volunteer, _ = Volunteer.objects.update_or_create(
        user=user,
        defaults={
            "status": Volunteer.Status.ACTIVE,
            "birth_date": date.fromisoformat(DEMO_VOLUNTEERS[email][2]),
            "availability": availability,
            "motivation": "Da quando sono in pensione ho tempo da dare al mio quartiere.",
            "consent_at": timezone.now() - timedelta(days=120),
            "consent_version": CONSENT_VERSION,
            "training_notes": "Corso base per volontari civici e sicurezza.",
            "insurance_from": today - timedelta(days=90),
            "insurance_to": today + timedelta(days=275),
        },
    )
    volunteer.skills.set(Skill.objects.filter(code__in=skills))
    volunteer.quartieri.set(Quartiere.objects.filter(name__in=quartieri))
    for status in (Volunteer.Status.APPLIED, Volunteer.Status.TRAINING, Volunteer.Status.ACTIVE):
        StatusChange.objects.get_or_create(volunteer=volunteer, to_status=status)
    for shift in shifts:
        Signup.objects.get_or_create(
            shift=shift,
            volunteer=volunteer,
            status=Signup.Status.CONFIRMED,
            defaults={"confirmed_at": shift.starts_at - timedelta(days=5)},
        )


def _load_volunteer_hours(coordinator: User, declared: set[tuple[str, int]]) -> None:
    past = Signup.objects.confirmed().filter(
        volunteer__user__email__in=[email for email, *_ in VOLUNTEERS],
        shift__ends_at__lt=timezone.now(),
    )
    for signup in past.select_related("shift", "volunteer__user"):
        if (signup.volunteer.user.email, signup.shift_id) in declared:
            HoursLog.objects.update_or_create(
                signup=signup,
                defaults={
                    "hours": signup.shift.duration_hours,
                    "status": HoursLog.Status.SUBMITTED,
                    "note": "Ho anche aiutato a riordinare la sala.",
                    "submitted_at": signup.shift.ends_at,
                },
            )
            continue
        HoursLog.objects.update_or_create(
            signup=signup,
            defaults={
                "hours": signup.shift.duration_hours or Decimal("1"),
                "status": HoursLog.Status.CONFIRMED,
                "decided_by": coordinator,
                "decided_at": signup.shift.ends_at,
            },
        )
