"""Demo content of this programme, loaded by `manage.py seed_demo`; must be idempotent.

The centres themselves are city data (city_data.py, each fact with its source). Every centre
gets demo contacts, opening hours, rooms, facilities and a season of activities around today:
weekly courses, monthly evenings, a few single events, some suspended dates and one moved date.
Activities go through services.save_activity, so the demo calendar obeys the same room rule as
the managers' page. Positions are APPROXIMATE: placed near the middle of the centre's quartiere,
not geocoded from the address; a centre whose quartiere no source gives has none. A centre a
person has edited keeps what they wrote.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from collabcity import city
from collabcity.models import Organisation, Quartiere, User

from . import city_data, recurrence, services
from .models import Activity, Centre, CentreFollow, Facility, Occurrence, OpeningHours, Room

# Approximate middle of each quartiere that has a centre (Reggio Emilia is around 44.698,
# 10.631). Not surveyed: the pages say that positions are indicative.
QUARTIERE_POSITIONS = {
    "Centro storico": (44.6975, 10.6310),
    "Pieve Modolena": (44.7020, 10.5870),
    "Masone": (44.6960, 10.7000),
    "Villaggio Stranieri": (44.7090, 10.6470),
    "Santa Croce": (44.7090, 10.6300),
    "Fogliano": (44.6550, 10.6480),
    "Massenzatico": (44.7560, 10.6700),
    "Orologio": (44.6960, 10.6150),
    "Cavazzoli": (44.7180, 10.5900),
}

FACILITIES = [
    "Bar",
    "Sala da ballo",
    "Giardino",
    "Cucina",
    "Wi-Fi libero",
    "Biblioteca di quartiere",
    "Bagno accessibile",
    "Parcheggio",
    "Orti",
    "Campo da bocce",
]

ROOMS = [("Salone", 120), ("Sala corsi", 30), ("Sala riunioni", 20)]

# (title, category, audience, minutes, price, registration, capacity, description)
WEEKLY = [
    ("Ginnastica dolce", "sport_benessere", "anziani", 60, "2.00", True, 20,
     "Esercizi leggeri per mantenersi in movimento, con un'istruttrice qualificata."),
    ("Yoga", "sport_benessere", "adulti", 90, "5.00", True, 15,
     "Yoga per principianti: portare un tappetino."),
    ("Burraco", "incontri", "tutti", 150, None, False, None,
     "Pomeriggio di burraco a coppie, aperto a tutti."),
    ("Ballo liscio", "ballo", "tutti", 120, "3.00", False, None,
     "Valzer, mazurka e polka con la musica dal vivo o registrata."),
    ("Inglese per principianti", "corsi", "adulti", 90, "4.00", True, 12,
     "Corso di conversazione in piccoli gruppi."),
    ("Informatica per anziani", "anziani", "anziani", 90, None, True, 8,
     "Smartphone, posta elettronica, SPID e fascicolo sanitario: con i volontari del centro."),
    ("Doposcuola", "giovani", "ragazzi", 120, None, True, 15,
     "Aiuto nei compiti per le scuole primarie e medie, con volontari e volontarie."),
    ("Pilates", "sport_benessere", "adulti", 60, "5.00", True, 12, ""),
    ("Coro del centro", "cultura", "tutti", 120, None, False, None,
     "Canti popolari e d'autore: non serve saper leggere la musica."),
    ("Tombola", "incontri", "tutti", 120, "1.00", False, None, ""),
    ("Scacchi e dama", "incontri", "tutti", 120, None, False, None, ""),
    ("Italiano per stranieri", "corsi", "adulti", 90, None, True, 15,
     "Corso gratuito di lingua italiana, livello A1–A2."),
    ("Laboratorio di pittura", "cultura", "adulti", 120, "3.00", True, 12, ""),
    ("Maglia e ricamo", "incontri", "tutti", 120, None, False, None, ""),
    ("Tai chi", "sport_benessere", "tutti", 60, "3.00", True, 15, ""),
    ("Spazio compiti", "giovani", "bambini", 90, None, True, 12, ""),
    ("Sportello per assistenti familiari", "servizi_persona", "adulti", 120, None, False, None,
     "Informazioni su contratti, permessi e corsi per chi assiste una persona anziana."),
    ("Misurazione della pressione", "servizi_persona", "anziani", 60, None, False, None,
     "Con i volontari dell'assistenza pubblica."),
]  # fmt: skip
MONTHLY = [
    ("Serata danzante", "ballo", "tutti", 180, "8.00", False, None, "Con orchestra dal vivo."),
    ("Cena sociale", "incontri", "tutti", 150, "15.00", True, 80, "Prenotazione obbligatoria."),
    ("Cineforum", "cultura", "adulti", 150, None, False, None, "Un film e una chiacchierata."),
    ("Repair café", "incontri", "tutti", 180, None, False, None,
     "Porta un oggetto rotto: lo ripariamo insieme."),
]  # fmt: skip
SINGLE = [
    ("Festa di quartiere", "incontri", "famiglie", 240, None, False, None,
     "Musica, giochi per i bambini e gnocco fritto."),
    ("Incontro: prevenire le cadute in casa", "servizi_persona", "anziani", 90, None, True, 60,
     "Con un fisioterapista dell'AUSL."),
    ("Presentazione di un libro", "cultura", "adulti", 90, None, False, None, ""),
    ("Concerto della banda", "cultura", "tutti", 120, None, False, None, ""),
]  # fmt: skip

# Time blocks a room can hold each weekday; weekly courses take one block each.
WEEKLY_BLOCKS = [(time(9, 0), 150), (time(15, 0), 150), (time(18, 0), 90), (time(20, 30), 150)]
MONDAY_TO_FRIDAY = [0, 1, 2, 3, 4]


DEMO_MANAGED_CENTRE = "Centro sociale Orologio"
DEMO_MANAGER_EMAIL = "gestore@demo.collabcity.it"


def load(command) -> None:
    """Create or update this programme's demo content; `command` is the running seed_demo."""
    load_centres()
    facilities = [
        Facility.objects.update_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in FACILITIES
    ]
    today = timezone.localdate()
    # The season runs from two months ago to five months ahead, anchored on the first of this
    # month, so two runs in the same month give the same calendar.
    season_start = (today.replace(day=1) - timedelta(days=45)).replace(day=1)
    season_end = season_start + timedelta(days=7 * 31)
    count = 0
    for index, centre in enumerate(Centre.objects.select_related("quartiere").order_by("pk")):
        rng = random.Random(f"{centre.name}")  # noqa: S311 - demo data, not security
        if not city.edited_by_people(centre):
            load_centre(centre, rng, facilities, index)
        count += load_calendar(centre, rng, season_start, season_end, today)
    load_people()
    command.stdout.write(f"Centri sociali: {count} attività nel calendario dimostrativo.")


def load_centres() -> None:
    """The centres of city_data with their sources, without the retired ones, and the demo
    manager's own centre. Centres a person has edited are left as they are."""
    for entry in city_data.CENTRES:
        city.load_record(
            Centre,
            key={"name": entry["name"].value},
            facts={
                **entry,
                "quartiere": city.related(entry["quartiere"], Quartiere),
                "organisation": city.related(entry["organisation"], Organisation),
                "network": city.related(entry["network"], Organisation),
            },
            defaults={"slug": slugify(entry["name"].value)},
        )
    for centre in Centre.objects.filter(name__in=city_data.RETIRED):
        if not city.edited_by_people(centre):
            centre.delete()
    manager = User.objects.filter(email=DEMO_MANAGER_EMAIL).first()
    if manager is not None:
        Centre.objects.get(name=DEMO_MANAGED_CENTRE).managers.add(manager)


def load_centre(centre: Centre, rng: random.Random, facilities: list[Facility], index: int):
    position = QUARTIERE_POSITIONS.get(centre.quartiere.name) if centre.quartiere else None
    if position:
        # Spread centres of the same quartiere a little, so their markers do not overlap.
        centre.latitude = Decimal(f"{position[0] + rng.uniform(-0.004, 0.004):.6f}")
        centre.longitude = Decimal(f"{position[1] + rng.uniform(-0.005, 0.005):.6f}")
    else:
        centre.latitude = centre.longitude = None
    centre.position_is_approximate = True
    centre.phone = f"0522 000 {100 + index:03d}"
    centre.email = f"{centre.slug}@demo.collabcity.it"
    centre.agreement_start = date(2022 + index % 3, 1 + index % 12, 1)
    centre.agreement_end = date(centre.agreement_start.year + 5, centre.agreement_start.month, 1)
    has_lift = rng.random() < 0.6
    centre.accessibility_notes = (
        "Ingresso senza gradini, bagno accessibile"
        + (", ascensore per il primo piano." if has_lift else "; le sale sono al piano terra.")
        + " Posti auto riservati davanti all'ingresso."
    )
    centre.description = (
        f"{centre.name} è un luogo di incontro del quartiere: corsi, feste, servizi e "
        "volontariato, aperto a tutte le età."
    )
    centre.save()
    centre.facilities.set(rng.sample(facilities, rng.randint(3, 6)))
    room_count = 1 + index % 3
    for name, capacity in ROOMS[:room_count]:
        Room.objects.update_or_create(centre=centre, name=name, defaults={"capacity": capacity})
    hours = [(day, time(15, 0), time(19, 0)) for day in range(6)]
    hours += [(day, time(9, 0), time(12, 0)) for day in (1, 3)]
    hours += [(day, time(20, 30), time(23, 30)) for day in (4, 5)]
    for weekday, opens_at, closes_at in hours:
        OpeningHours.objects.update_or_create(
            centre=centre, weekday=weekday, opens_at=opens_at, defaults={"closes_at": closes_at}
        )


def load_calendar(
    centre: Centre, rng: random.Random, season_start: date, season_end: date, today: date
) -> int:
    rooms = list(centre.rooms.order_by("-capacity"))
    # Every (room, weekday, block) cell holds at most one weekly course: no clash by design,
    # and save_activity checks it all the same.
    cells = [
        (room, weekday, block)
        for room in rooms
        for weekday in MONDAY_TO_FRIDAY
        for block in WEEKLY_BLOCKS
    ]
    rng.shuffle(cells)
    weekly = rng.sample(WEEKLY, min(len(WEEKLY), 8 + len(rooms) * 2))
    saved = []
    for entry, (room, weekday, (start, block_minutes)) in zip(weekly, cells, strict=False):
        minutes = min(entry[3], block_minutes)
        first = next_weekday(season_start, weekday)
        saved.append(
            save(centre, entry, room, first, start, minutes, "weekly", [weekday], season_end)
        )
    main_room = rooms[0]
    for week, (entry, weekday) in enumerate(
        zip(rng.sample(MONTHLY, 2), (5, 5), strict=True), start=1
    ):
        # First and third Saturday evening of the month, in the largest room.
        nth = 1 if week == 1 else 3
        first = nth_weekday(season_start, weekday, nth)
        saved.append(
            save(centre, entry, main_room, first, time(20, 30), entry[3], "monthly", [], season_end,
                 month_week=nth)
        )  # fmt: skip
    for offset, entry in enumerate(rng.sample(SINGLE, 2)):
        day = next_weekday(today + timedelta(days=10 + 14 * offset + rng.randint(0, 6)), 6)
        saved.append(save(centre, entry, main_room, day, time(16, 0), entry[3], "none", [], None))
    suspend_and_move(centre, [activity for activity in saved if activity.is_recurring], today)
    return len(saved)


def save(centre, entry, room, day, start, minutes, recurrence_kind, weekdays, until, **extra):
    title, category, audience, _minutes, price, registration, capacity, description = entry
    if capacity and room and capacity > room.capacity:
        capacity = room.capacity
    starts_at = recurrence.to_aware(datetime.combine(day, start))
    values = {
        "room": room,
        "description": description,
        "category": category,
        "audience": audience,
        "price": Decimal(price) if price else None,
        "registration_required": registration,
        "capacity": capacity,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "recurrence": recurrence_kind,
        "weekdays": weekdays,
        "month_week": extra.get("month_week"),
        "repeat_until": until,
        "repeat_count": None,
    }
    activity = Activity.objects.filter(centre=centre, title=title).first() or Activity(
        centre=centre, title=title
    )
    for name, value in values.items():
        setattr(activity, name, value)
    return services.save_activity(activity=activity)


def suspend_and_move(centre: Centre, activities: list[Activity], today: date) -> None:
    """A suspended date for one course in three centres out of four, and one moved date."""
    if not activities:
        return
    now = timezone.now()
    if centre.pk % 4:
        activity = activities[0]
        upcoming = recurrence.expand(activity, now + timedelta(days=7), now + timedelta(days=21))
        if (
            upcoming
            and not Occurrence.objects.filter(
                activity=activity, original_start=upcoming[0].original_start
            ).exists()
        ):
            services.cancel_occurrence(
                activity=activity,
                original_start=upcoming[0].original_start,
                note="Lezione sospesa per indisponibilità dell'insegnante.",
            )
    if centre.name == "Centro sociale Orologio":
        activity = activities[-1] if len(activities) > 1 else activities[0]
        upcoming = recurrence.expand(activity, now + timedelta(days=8), now + timedelta(days=40))
        if (
            upcoming
            and not Occurrence.objects.filter(
                activity=activity, original_start=upcoming[0].original_start
            ).exists()
        ):
            moved = upcoming[0].start + timedelta(days=1)
            # If the next day's room is taken the demo simply has no moved date.
            with contextlib.suppress(services.RoomClashError):
                services.move_occurrence(
                    activity=activity,
                    original_start=upcoming[0].original_start,
                    starts_at=moved,
                    ends_at=moved + (upcoming[0].end - upcoming[0].start),
                    room=activity.room,
                    note="Spostata al giorno dopo per l'assemblea dei soci.",
                )


def load_people() -> None:
    """The demo citizen follows her quartiere's centre."""
    citizen = User.objects.filter(email="cittadina@demo.collabcity.it").first()
    centre = Centre.objects.filter(name="Centro sociale Orologio").first()
    if citizen and centre:
        CentreFollow.objects.get_or_create(centre=centre, user=citizen)


def next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def nth_weekday(month_start: date, weekday: int, nth: int) -> date:
    return next_weekday(month_start.replace(day=1), weekday) + timedelta(weeks=nth - 1)
