"""Recount an election from its published open data (JSON or CSV)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consulte.elections import opendata


class Command(BaseCommand):
    help = (
        "Riconta un'elezione dal file dei dati aperti (JSON completo, o CSV delle sole schede "
        "online) e lo confronta con il risultato pubblicato."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="schede.json o schede.csv scaricato dal portale")
        parser.add_argument(
            "--senza-regola-di-genere",
            action="store_true",
            dest="no_gender_rule",
            help="solo per il CSV: l'elezione non applicava la doppia preferenza di genere",
        )

    def handle(self, *args, file, no_gender_rule, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Impossibile leggere {path}: {exc}") from exc
        try:
            if path.suffix.lower() == ".csv":
                counted = opendata.recount_csv(text, gender_balance=not no_gender_rule)
                self.print_online(counted)
                return
            document = json.loads(text)
            counted = opendata.recount_json(document)
        except (opendata.RecountError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.print_full(document, counted)
        self.print_checks(counted)
        if not document.get("result", {}).get("final", True):
            self.stdout.write("Risultato PROVVISORIO: lo spoglio non è ancora dichiarato completo.")
        differences = opendata.compare(document, counted)
        if differences:
            for line in differences:
                self.stderr.write(line)
            raise CommandError("Il riconteggio NON coincide con il risultato pubblicato.")
        self.stdout.write(
            self.style.SUCCESS("Il riconteggio coincide con il risultato pubblicato.")
        )

    def print_online(self, counted: dict) -> None:
        self.stdout.write(f"Schede online: {counted['ballots']}")
        self.stdout.write(f"Schede bianche online: {counted['blank_online']}")
        self.stdout.write(f"Preferenze nulle (genere): {counted['void_preferences']}")
        for candidate_id, votes in counted["votes_online"].most_common():
            self.stdout.write(f"  candidato {candidate_id}: {votes}")
        self.stdout.write(f"Impronta SHA-256: {counted['digest']}")

    def print_checks(self, counted: dict) -> None:
        if counted["online_check_ok"]:
            self.stdout.write("Controllo: schede online = votanti online.")
        else:
            self.stderr.write("Controllo NON superato: schede online diverse dai votanti online.")
        for check in counted["point_checks"]:
            line = f"{check['point']}: {check['ballots']} schede, {check['voters']} votanti"
            if check["ok"]:
                self.stdout.write(f"Controllo: {line}.")
            else:
                self.stderr.write(f"Controllo NON superato: {line}.")

    def print_full(self, document: dict, counted: dict) -> None:
        self.stdout.write(document["election"]["title"])
        self.stdout.write(f"Schede online: {counted['ballots']}")
        self.stdout.write(
            f"Bianche online/al punto voto: {counted['blank_online']}/{counted['blank_in_person']}"
        )
        self.stdout.write(f"Preferenze nulle (genere): {counted['void_preferences']}")
        for row in counted["candidates"]:
            mark = " ELETTO" if row["elected"] else ""
            self.stdout.write(
                f"  {row['rank']:>3}. {row['name']}: {row['votes_online']} online + "
                f"{row['votes_in_person']} al punto voto{mark}"
            )
        self.stdout.write(f"Impronta SHA-256: {counted['digest']}")
