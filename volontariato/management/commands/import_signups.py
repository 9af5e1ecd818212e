"""Sign volunteers up for shifts from a CSV (e.g. a paper sign-up sheet typed in by staff).

Columns: email, turno (the shift's number), lista_attesa (optional: "si" to join the waiting
list of a full shift). Every row goes through the same service as the portal, so the same
rules apply (active, insured, no overlap, places); a refused row is reported and skipped.
"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from volontariato import services
from volontariato.models import Shift, Volunteer


class Command(BaseCommand):
    help = "Iscrive volontari ai turni da un file CSV (colonne: email, turno, lista_attesa)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"File illeggibile: {exc}") from exc
        if rows and not {"email", "turno"} <= set(rows[0]):
            raise CommandError("Il file deve avere le colonne «email» e «turno».")
        done = refused = 0
        for number, row in enumerate(rows, start=2):
            try:
                self.import_row(row)
            except (services.VolunteeringError, LookupError, ValueError) as error:
                refused += 1
                message = " ".join(getattr(error, "messages", [str(error)]))
                self.stderr.write(f"riga {number}: {message}")
            else:
                done += 1
        self.stdout.write(f"Iscrizioni registrate: {done}; righe scartate: {refused}.")

    def import_row(self, row: dict) -> None:
        email = (row.get("email") or "").strip().lower()
        volunteer = Volunteer.objects.filter(user__email__iexact=email).first()
        if volunteer is None:
            raise LookupError(f"nessun volontario con l'indirizzo {email!r}")
        shift = Shift.objects.filter(pk=int((row.get("turno") or "").strip())).first()
        if shift is None:
            raise LookupError(f"il turno {row.get('turno')!r} non esiste")
        waiting = (row.get("lista_attesa") or "").strip().lower() in {"si", "sì", "1", "x"}
        services.sign_up(volunteer=volunteer, shift=shift, waiting_list=waiting)
