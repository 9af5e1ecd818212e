"""The wording of every volontariato notification, one template pair per event."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.utils import translation

from collabcity.notifications import render
from tests.volontariato.factories import ShiftFactory, VolunteerFactory
from volontariato import services

SERVICES_SOURCE = Path(services.__file__).read_text()

# event: (subject, body) for the volunteer Marta Bianchi, active, and a shift with 1 of 3 places
# taken; {shift} stands for the shift as it prints.
MESSAGES = {
    "application_received": (
        "Abbiamo ricevuto la tua candidatura",
        "La tua domanda di iscrizione all'albo dei volontari civici è stata registrata. "
        "Un coordinatore ti contatterà per la formazione.",
    ),
    "application_to_review": (
        "Nuova candidatura al volontariato civico",
        "Marta Bianchi ha chiesto di iscriversi all'albo dei volontari civici.",
    ),
    "application_reopened": (
        "Volontariato civico: Attivo",
        "La tua domanda è di nuovo in valutazione.",
    ),
    "admitted_to_training": (
        "Volontariato civico: Attivo",
        "La tua domanda è stata accolta: il prossimo passo è la formazione. Riceverai le "
        "indicazioni dal coordinatore.",
    ),
    "enrolled": (
        "Volontariato civico: Attivo",
        "Sei iscritto all'albo dei volontari civici e sei assicurato dal 01/01/2026 al "
        "31/12/2026: puoi scegliere i turni tra le opportunità.",
    ),
    "suspended": (
        "Volontariato civico: Attivo",
        "La tua iscrizione all'albo è sospesa: i turni futuri sono stati annullati.",
    ),
    "ceased": (
        "Volontariato civico: Attivo",
        "Non fai più parte dell'albo dei volontari civici. I tuoi dati personali sono stati "
        "cancellati; le ore svolte restano, in forma anonima, nelle statistiche.",
    ),
    "signup_confirmed": (
        "Iscrizione confermata: {shift}",
        "Hai un posto nel turno. Se non puoi più partecipare, annulla l'iscrizione.",
    ),
    "signup_waiting": (
        "In lista d'attesa: {shift}",
        "Il turno è al completo: se si libera un posto ti avviseremo subito.",
    ),
    "waiting_list_promoted": (
        "Si è liberato un posto: {shift}",
        "Eri in lista d'attesa e ora hai un posto confermato nel turno. Se non puoi "
        "partecipare, annulla l'iscrizione per lasciarlo a qualcun altro.",
    ),
    "hours_submitted": (
        "Ore da confermare: {shift}",
        "Marta Bianchi ha dichiarato 2,50 ore per il turno.",
    ),
    "hours_confirmed": ("Ore del turno: {shift}", "Il coordinatore ha confermato 2,50 ore."),
    "marked_absent": ("Ore del turno: {shift}", "Il coordinatore ti ha segnato assente."),
    "hours_rejected": (
        "Ore del turno: {shift}",
        "Il coordinatore non ha confermato le ore dichiarate.",
    ),
    "shift_reminder": (
        "Promemoria: domani hai un turno di volontariato",
        "{shift}, Centro sociale Orologio. Se non puoi partecipare, annulla l'iscrizione.",
    ),
    "shift_understaffed": (
        "Turno con posti scoperti: {shift}",
        "Mancano meno di 48 ore e ci sono 1 volontari su 3.",
    ),
}


def test_every_event_the_services_name_has_its_message():
    named = set(re.findall(r'"volontariato/(\w+)"', SERVICES_SOURCE))
    assert named == set(MESSAGES)


def test_every_message_reads_in_italian(db):
    volunteer = VolunteerFactory(
        user__first_name="Marta",
        user__last_name="Bianchi",
        insurance_from=date(2026, 1, 1),
        insurance_to=date(2026, 12, 31),
    )
    shift = ShiftFactory(opportunity__place="Centro sociale Orologio", places=3)
    shift.confirmed_count = 1
    context = {"volunteer": volunteer, "shift": shift, "hours": Decimal("2.50")}
    with translation.override("it"):
        rendered = {event: render(f"volontariato/{event}", context) for event in MESSAGES}
    assert {event: (text["subject"], text["body"]) for event, text in rendered.items()} == {
        event: (subject.format(shift=shift), body.format(shift=shift))
        for event, (subject, body) in MESSAGES.items()
    }
