"""Import of the electoral roll from the civil registry's CSV: every row is checked, and the
roll changes only if no row is rejected."""

import csv
import io
from datetime import date, datetime

from codicefiscale import codicefiscale
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from collabcity.models import Quartiere

from ..models import Election, Elector, Gender, RollImport
from .common import normalize_fiscal_code

PROGRESS_EVERY = 500
BATCH_SIZE = 2000
# Column names as the registry exports them, and the spellings we also accept.
COLUMNS = {
    "fiscal_code": ("codice_fiscale", "codice fiscale", "cf", "codicefiscale"),
    "last_name": ("cognome",),
    "first_name": ("nome",),
    "birth_date": ("data_nascita", "data di nascita", "nascita"),
    "gender": ("genere", "sesso"),
    "quartiere": ("quartiere",),
}
GENDERS = {"F": Gender.FEMALE, "M": Gender.MALE}


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on that day (the roll measures the minimum age on the polling day)."""
    return relativedelta(day, birth_date).years


class RollFileError(Exception):
    """The file as a whole cannot be read (encoding, separator, columns)."""


def parse_date(value: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def read_rows(content: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """(column map, rows) of the CSV; UTF-8 with or without BOM, ';' or ',' separated."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RollFileError(
            _("Il file non è in codifica UTF-8: esportalo di nuovo come «CSV UTF-8».")
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    mapping, missing = {}, []
    for field, names in COLUMNS.items():
        found = next((headers[name] for name in names if name in headers), None)
        if found is None:
            missing.append(names[0])
        else:
            mapping[field] = found
    if missing:
        raise RollFileError(_("Mancano le colonne: %(columns)s.") % {"columns": ", ".join(missing)})
    return mapping, list(reader)


def validate_row(row: dict, mapping: dict, *, election, quartieri: dict, polling_day: date):
    """(Elector, None) or (None, reason)."""
    values = {field: (row.get(column) or "").strip() for field, column in mapping.items()}
    missing = [field for field, value in values.items() if not value]
    if missing or None in row.values():
        return None, _("riga incompleta")
    fiscal_code = normalize_fiscal_code(values["fiscal_code"])
    if not codicefiscale.is_valid(fiscal_code):
        return None, _("codice fiscale non valido (%(code)s)") % {"code": fiscal_code}
    try:
        birth_date = parse_date(values["birth_date"])
    except ValueError:
        return None, _("data di nascita non valida (%(value)s)") % {"value": values["birth_date"]}
    gender = GENDERS.get(values["gender"].upper())
    if gender is None:
        return None, _("genere non valido (%(value)s): usa F o M") % {"value": values["gender"]}
    quartiere = quartieri.get(values["quartiere"].casefold())
    if quartiere is None:
        return None, _("quartiere sconosciuto (%(value)s)") % {"value": values["quartiere"]}
    if quartiere.ambito_id != election.council.ambito_id:
        return None, _("il quartiere %(name)s non è nell'ambito di questa consulta") % {
            "name": quartiere.name
        }
    if age_on(birth_date, polling_day) < election.min_age:
        return None, _("non ha %(age)d anni il giorno del voto") % {"age": election.min_age}
    elector = Elector(
        election=election,
        fiscal_code=fiscal_code,
        first_name=values["first_name"],
        last_name=values["last_name"],
        birth_date=birth_date,
        gender=gender,
        quartiere=quartiere,
    )
    return elector, None


def run_import(*, roll_import_id: int) -> RollImport:
    """Check every row, then store all of them or none; progress is saved as it goes."""
    roll_import = RollImport.objects.select_related("election__council").get(pk=roll_import_id)
    if roll_import.status in (RollImport.Status.DONE, RollImport.Status.FAILED):
        return roll_import  # a redelivered task must not import twice
    election = roll_import.election
    if election.has_started:
        return _fail(roll_import, _roll_fixed())
    try:
        with roll_import.file.open("rb") as handle:
            mapping, rows = read_rows(handle.read())
    except RollFileError as exc:
        return _fail(roll_import, [{"row": 0, "reason": str(exc)}])
    roll_import.status = RollImport.Status.RUNNING
    roll_import.total_rows = len(rows)
    roll_import.save(update_fields=["status", "total_rows"])

    quartieri = {q.name.casefold(): q for q in Quartiere.objects.all()}
    on_roll = set(Elector.objects.filter(election=election).values_list("fiscal_code", flat=True))
    seen: dict[str, int] = {}
    electors, rejections = [], []
    for index, row in enumerate(rows, start=2):  # row 1 is the header
        elector, reason = validate_row(
            row, mapping, election=election, quartieri=quartieri, polling_day=election.polling_day
        )
        if elector is not None:
            if elector.fiscal_code in seen:
                reason = _("codice fiscale ripetuto (già alla riga %(row)d)") % {
                    "row": seen[elector.fiscal_code]
                }
            elif elector.fiscal_code in on_roll:
                reason = _("già nella lista elettorale")
            else:
                seen[elector.fiscal_code] = index
                electors.append(elector)
        if reason:
            rejections.append({"row": index, "reason": str(reason)})
        if (index - 1) % PROGRESS_EVERY == 0:
            RollImport.objects.filter(pk=roll_import.pk).update(processed_rows=index - 1)
    roll_import.processed_rows = len(rows)
    if rejections:
        return _fail(roll_import, rejections)
    try:
        with transaction.atomic():
            # Checked again where it counts: the rows took time, and the opening may have passed.
            if Election.objects.select_for_update().get(pk=election.pk).has_started:
                return _fail(roll_import, _roll_fixed())
            Elector.objects.bulk_create(electors, batch_size=BATCH_SIZE)
            roll_import.status = RollImport.Status.DONE
            roll_import.imported_rows = len(electors)
            roll_import.save(update_fields=["status", "imported_rows", "processed_rows"])
    except IntegrityError:
        # Another import added some of these electors meanwhile: this one changes nothing.
        reason = _("alcuni elettori sono stati aggiunti alla lista nel frattempo: ricarica il file")
        return _fail(roll_import, [{"row": 0, "reason": reason}])
    return roll_import


def _roll_fixed() -> list[dict]:
    return [{"row": 0, "reason": _("il voto è già iniziato: la lista è fissata")}]


def _fail(roll_import: RollImport, rejections: list[dict]) -> RollImport:
    roll_import.status = RollImport.Status.FAILED
    roll_import.rejections = rejections
    roll_import.save(update_fields=["status", "rejections", "processed_rows"])
    return roll_import
