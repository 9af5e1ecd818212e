from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.volontariato.factories import ShiftFactory, SignupFactory, VolunteerFactory
from volontariato.models import Signup, Volunteer


def run(tmp_path, text: str) -> tuple[str, str]:
    path = tmp_path / "iscrizioni.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_signups", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_applies_the_same_rules_as_the_portal(db, tmp_path):
    shift = ShiftFactory(places=1)
    active = VolunteerFactory(user__email="attiva@example.org")
    VolunteerFactory(user__email="domanda@example.org", applied=True)
    late = VolunteerFactory(user__email="tardi@example.org")
    SignupFactory(shift=ShiftFactory(starts_at=shift.starts_at, ends_at=shift.ends_at),
                  volunteer=VolunteerFactory(user__email="occupata@example.org"))  # fmt: skip

    out, err = run(
        tmp_path,
        "email,turno,lista_attesa\n"
        f"attiva@example.org,{shift.pk},\n"
        f"domanda@example.org,{shift.pk},\n"
        f"tardi@example.org,{shift.pk},si\n"
        f"occupata@example.org,{shift.pk},si\n"
        f"nessuno@example.org,{shift.pk},\n"
        "attiva@example.org,abc,\n",
    )

    assert "Iscrizioni registrate: 2; righe scartate: 4." in out
    assert "riga 3: Solo i volontari attivi" in err
    assert "riga 5: Sei già iscritto a un altro turno nello stesso orario." in err
    assert Signup.objects.get(shift=shift, volunteer=active).status == "confermata"
    assert Signup.objects.get(shift=shift, volunteer=late).status == "attesa"
    assert not Signup.objects.filter(volunteer__status=Volunteer.Status.APPLIED).exists()


def test_import_refuses_a_file_without_the_columns(db, tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path, "nome,cognome\nAnna,Rossi\n")
