"""The electoral roll's CSV import: every bad row rejected with its reason, all or nothing."""

import datetime

import pytest
from django.core.files.base import ContentFile

from consulte.elections import rolls as roll
from consulte.models import Election, Elector, RollImport
from tests.consulte.factories import ElectorFactory, make_fiscal_code
from tests.factories import QuartiereFactory

HEADER = "codice_fiscale;cognome;nome;data_nascita;genere;quartiere"


def adult_code(last_name="Rossi", first_name="Maria", gender="F", birth=datetime.date(1980, 1, 2)):
    return make_fiscal_code(
        last_name=last_name, first_name=first_name, gender=gender, birth_date=birth
    )


def run(election, text: str, *, encoding="utf-8") -> RollImport:
    roll_import = RollImport.objects.create(election=election)
    roll_import.file.save("lista.csv", ContentFile(text.encode(encoding)), save=True)
    return roll.run_import(roll_import_id=roll_import.pk)


@pytest.fixture
def election(election):
    # The roll is fixed at the opening: import before it.
    now = datetime.datetime.now(datetime.UTC)
    election.nomination_opens_at = now - datetime.timedelta(days=3)
    election.nomination_closes_at = now + datetime.timedelta(days=1)
    election.opens_at = now + datetime.timedelta(days=2)
    election.closes_at = now + datetime.timedelta(days=9)
    election.save()
    return election


def test_valid_file_imports_every_row(election, quartiere):
    rows = [
        f"{adult_code('Rossi', 'Maria')};Rossi;Maria;02/01/1980;F;{quartiere.name}",
        f"{adult_code('Verdi', 'Luca', 'M')};Verdi;Luca;1980-01-02;M;{quartiere.name.upper()}",
    ]
    roll_import = run(election, "\n".join([HEADER, *rows]))
    assert roll_import.status == RollImport.Status.DONE
    assert roll_import.imported_rows == 2
    assert roll_import.processed_rows == roll_import.total_rows == 2
    assert set(Elector.objects.values_list("last_name", flat=True)) == {"Rossi", "Verdi"}


def test_excel_export_with_bom_and_commas_is_read(election, quartiere):
    text = "\ufeff" + HEADER.replace(";", ",") + "\n"
    text += f"{adult_code()},Rossi,Maria,02/01/1980,F,{quartiere.name}\n"
    assert run(election, text).status == RollImport.Status.DONE
    assert Elector.objects.count() == 1


def test_every_bad_row_is_reported_and_nothing_is_stored(election, quartiere):
    elsewhere = QuartiereFactory()  # another ambito
    on_roll = ElectorFactory(election=election, quartiere=quartiere)
    good = adult_code()
    minor_birth = election.polling_day.replace(year=election.polling_day.year - 15)
    minor = adult_code("Neri", "Ugo", "M", minor_birth)
    rows = [
        f"{good};Rossi;Maria;02/01/1980;F;{quartiere.name}",  # 2: fine
        f"RSSMRA80A01H223X;Rossi;Mario;01/01/1980;M;{quartiere.name}",  # 3: bad code
        f"{good};Rossi;Maria;02/01/1980;F;{quartiere.name}",  # 4: repeated
        f"{on_roll.fiscal_code};X;Y;02/01/1980;F;{quartiere.name}",  # 5: already on roll
        f"{adult_code('Bruni')};Bruni;Maria;02/01/1980;F;{elsewhere.name}",  # 6: other ambito
        f"{adult_code('Galli')};Galli;Maria;02/01/1980;F;Atlantide Nord",  # 7: unknown
        f"{minor};Neri;Ugo;{minor_birth:%d/%m/%Y};M;{quartiere.name}",  # 8: under 16
        f"{adult_code('Conti')};Conti;Maria;31/02/1980;F;{quartiere.name}",  # 9: bad date
        f"{adult_code('Sala')};Sala;Maria;02/01/1980;X;{quartiere.name}",  # 10: bad gender
        f"{adult_code('Fabbri')};Fabbri;;02/01/1980;F;{quartiere.name}",  # 11: missing name
    ]
    roll_import = run(election, "\n".join([HEADER, *rows]))
    assert roll_import.status == RollImport.Status.FAILED
    reasons = {item["row"]: item["reason"] for item in roll_import.rejections}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "codice fiscale non valido" in reasons[3]
    assert "ripetuto" in reasons[4] and "riga 2" in reasons[4]
    assert "già nella lista" in reasons[5]
    assert "non è nell'ambito" in reasons[6]
    assert "quartiere sconosciuto" in reasons[7]
    assert "16 anni" in reasons[8]
    assert "data di nascita" in reasons[9]
    assert "genere" in reasons[10]
    assert "incompleta" in reasons[11]
    assert list(Elector.objects.all()) == [on_roll]


def test_minimum_age_is_per_election(election, quartiere):
    election.min_age = 18
    election.save()
    birth = election.polling_day.replace(year=election.polling_day.year - 17)
    code = adult_code("Neri", "Ugo", "M", birth)
    roll_import = run(election, f"{HEADER}\n{code};Neri;Ugo;{birth:%d/%m/%Y};M;{quartiere.name}")
    assert roll_import.status == RollImport.Status.FAILED
    assert "18 anni" in roll_import.rejections[0]["reason"]


def test_sixteen_on_polling_day_is_enough(election, quartiere):
    birth = election.polling_day.replace(year=election.polling_day.year - 16)
    code = adult_code("Neri", "Ugo", "M", birth)
    roll_import = run(election, f"{HEADER}\n{code};Neri;Ugo;{birth:%d/%m/%Y};M;{quartiere.name}")
    assert roll_import.status == RollImport.Status.DONE


def test_file_not_in_utf8_is_refused(election, quartiere):
    text = f"{HEADER}\n{adult_code()};Rossì;Maria;02/01/1980;F;{quartiere.name}"
    roll_import = run(election, text, encoding="latin-1")
    assert roll_import.status == RollImport.Status.FAILED
    assert "UTF-8" in roll_import.rejections[0]["reason"]
    assert not Elector.objects.exists()


def test_missing_columns_are_named(election):
    roll_import = run(election, "codice_fiscale;cognome;nome\nX;Y;Z")
    assert roll_import.status == RollImport.Status.FAILED
    reason = roll_import.rejections[0]["reason"]
    assert "data_nascita" in reason and "genere" in reason and "quartiere" in reason


def test_roll_is_fixed_once_voting_opened(election, quartiere):
    election.nomination_opens_at = election.nomination_opens_at - datetime.timedelta(days=10)
    election.nomination_closes_at = election.nomination_opens_at + datetime.timedelta(days=1)
    election.opens_at = election.nomination_closes_at + datetime.timedelta(hours=1)
    election.save()
    roll_import = run(election, f"{HEADER}\n{adult_code()};Rossi;Maria;02/01/1980;F;{quartiere}")
    assert roll_import.status == RollImport.Status.FAILED
    assert not Elector.objects.exists()


def test_roll_is_fixed_if_voting_opened_while_its_rows_were_checked(
    election, quartiere, monkeypatch
):
    check_row = roll.validate_row

    def check_row_as_the_opening_passes(*args, **kwargs):
        # An officer moves the opening to now, in the middle of a long file.
        now = datetime.datetime.now(datetime.UTC)
        Election.objects.filter(pk=election.pk).update(
            nomination_closes_at=now - datetime.timedelta(seconds=2),
            opens_at=now - datetime.timedelta(seconds=1),
        )
        return check_row(*args, **kwargs)

    monkeypatch.setattr(roll, "validate_row", check_row_as_the_opening_passes)
    roll_import = run(election, f"{HEADER}\n{adult_code()};Rossi;Maria;02/01/1980;F;{quartiere}")
    assert roll_import.status == RollImport.Status.FAILED
    assert "fissata" in roll_import.rejections[0]["reason"]
    assert not Elector.objects.exists()


def test_rerun_of_a_finished_import_changes_nothing(election, quartiere):
    roll_import = run(election, f"{HEADER}\n{adult_code()};Rossi;Maria;02/01/1980;F;{quartiere}")
    roll.run_import(roll_import_id=roll_import.pk)
    assert Elector.objects.count() == 1


def test_import_task_runs_the_import(election, quartiere):
    from consulte.elections.tasks import import_roll

    roll_import = RollImport.objects.create(election=election)
    roll_import.file.save(
        "lista.csv",
        ContentFile(f"{HEADER}\n{adult_code()};Rossi;Maria;02/01/1980;F;{quartiere}".encode()),
    )
    assert import_roll.apply(args=[roll_import.pk]).get() == RollImport.Status.DONE
