"""Rolls and agreements' documents live outside public media; uploads have limits (issue 15)."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accordi.models import Attachment, Status
from collabcity.files import MB, move_to_private_root
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from consulte.models import RollImport
from tests.accordi.factories import AttachmentFactory, agreement_in
from tests.consulte.factories import ElectionFactory
from tests.factories import UserFactory
from volontariato.roles import VOLUNTEER_COORDINATOR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def staff(role=MUNICIPAL_STAFF) -> Client:
    user = UserFactory()
    assign_role(user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_documents_and_rolls_are_written_outside_public_media(settings):
    document = AttachmentFactory(public=False)
    roll = RollImport.objects.create(
        election=ElectionFactory(ceremony=False),
        file=SimpleUploadedFile("lista.csv", b"codice_fiscale;cognome\n"),
    )
    for stored in (document.file, roll.file):
        assert Path(stored.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
        assert not Path(settings.PRIVATE_MEDIA_ROOT).is_relative_to(settings.MEDIA_ROOT)
        assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))
        assert stored.url.startswith("/riservati/")


def test_private_files_reach_only_staff_with_the_permission():
    document = AttachmentFactory(public=False, agreement=agreement_in(Status.DRAFT))
    url = document.file.url
    citizen = Client()
    citizen.force_login(UserFactory())
    assert Client().get(url).status_code == 404
    assert citizen.get(url).status_code == 404
    # A coordinator is staff, but agreements are not theirs to read.
    assert staff(VOLUNTEER_COORDINATOR).get(url).status_code == 404
    response = staff().get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("name", ["../settings.py", "accordi/../../etc/passwd", "altro/x.pdf"])
def test_paths_outside_the_registered_folders_are_not_found(name):
    url = reverse("private_file", kwargs={"name": name})
    assert staff().get(url).status_code == 404


def test_existing_files_move_out_of_public_media(settings):
    old = Path(settings.MEDIA_ROOT) / "consulte" / "liste" / "2026" / "lista.csv"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"codice_fiscale\n")
    move_to_private_root(["consulte/liste/2026/lista.csv", ""])
    assert not old.exists()
    moved = Path(settings.PRIVATE_MEDIA_ROOT) / "consulte" / "liste" / "2026" / "lista.csv"
    assert moved.read_bytes() == b"codice_fiscale\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("delibera.pdf", b"MZ\x90\x00 a program", "Formato non ammesso"),
        ("delibera.exe", b"%PDF-1.7", "Formato non ammesso"),
        ("delibera.pdf", b"%PDF-1.7" + b"0" * (20 * MB), "il massimo è 20 MB"),
    ],
)
def test_document_uploads_have_type_and_size_limits(name, content, message):
    agreement = agreement_in(Status.DRAFT)
    document = Attachment(
        agreement=agreement, title="Delibera", file=SimpleUploadedFile(name, content)
    )
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert message in str(refused.value.message_dict["file"])


def test_a_binary_file_is_refused_as_a_roll_in_the_admin(settings):
    election = ElectionFactory(ceremony=False)
    response = staff().post(
        reverse("admin:consulte_rollimport_add"),
        {"election": election.pk, "file": SimpleUploadedFile("lista.csv", b"PK\x03\x04\x00\x00")},
    )
    assert response.status_code == 200
    assert "Formato non ammesso: carica un file .csv, .txt." in response.content.decode()
    assert not RollImport.objects.exists()
    assert not list(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.csv"))


def test_accepted_documents_pass():
    agreement = agreement_in(Status.DRAFT)
    for name, content in [
        ("a.pdf", b"%PDF-1.7 x"),
        ("b.odt", b"PK\x03\x04 odt"),
        ("c.DOCX", b"PK\x03\x04"),
    ]:
        Attachment(
            agreement=agreement, title="Doc", file=SimpleUploadedFile(name, content)
        ).full_clean()
