"""Where uploaded files live, and what may be uploaded.

Public media (council minutes, the Patti di ambito, the plans the Comune submits) sits under
MEDIA_ROOT for the web server to serve. Files with personal data or not yet public (electoral
rolls, agreements' documents) sit under PRIVATE_MEDIA_ROOT, outside it: they have no public
URL, and only views that check the permission of the person asking serve them.
"""

import shutil
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024


PRIVATE_URL = "/riservati/"


class PrivateURLMixin:
    """A private file's "URL" is the view `private_file`, which checks who asks, wherever the
    storage keeps the file."""

    def url(self, name, *args, **kwargs):
        return urljoin(PRIVATE_URL, filepath_to_uri(name).lstrip("/"))


class PrivateStorage(PrivateURLMixin, FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (collabcity.s3.PrivateS3Storage keeps them in a bucket)."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            for name in ("base_location", "location"):
                self.__dict__.pop(name, None)


def private_storage():
    return storages["private"]


@deconstructible
class UploadRule:
    """Size, extension and first bytes of an upload, refused with a message in Italian."""

    def __init__(self, *, max_mb: int, extensions: tuple[str, ...], kind: str):
        self.max_mb = max_mb
        self.extensions = extensions
        self.kind = kind

    def __call__(self, upload) -> None:
        if upload.size > self.max_mb * MB:
            raise ValidationError(
                _("Il file pesa %(size).1f MB: il massimo è %(max)d MB."),
                code="too_large",
                params={"size": upload.size / MB, "max": self.max_mb},
            )
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in self.extensions or not self._content_matches(upload):
            raise ValidationError(
                _("Formato non ammesso: carica un file %(formats)s."),
                code="bad_type",
                params={"formats": ", ".join(f".{e}" for e in self.extensions)},
            )

    def _content_matches(self, upload) -> bool:
        # The name is the uploader's to choose; the first bytes say what the file is.
        position = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        head = upload.read(4096)
        upload.seek(position)
        if self.kind == "document":
            return head.startswith(b"%PDF-") or head.startswith(b"PK\x03\x04")
        return b"\x00" not in head  # text: a CSV, never a binary file renamed

    def __eq__(self, other):
        return isinstance(other, UploadRule) and (
            (self.max_mb, self.extensions, self.kind)
            == (other.max_mb, other.extensions, other.kind)
        )


# PDF, or the OpenDocument / Office formats (ZIP containers) the Comune's offices produce.
DOCUMENT_UPLOAD = UploadRule(max_mb=20, extensions=("pdf", "odt", "docx"), kind="document")


def document_field(verbose_name, **options) -> models.FileField:
    """A file field for documents: the upload rule and the help text that states it."""
    return models.FileField(
        verbose_name,
        validators=[DOCUMENT_UPLOAD],
        help_text=_("PDF, ODT o DOCX, fino a 20 MB."),
        **options,
    )


# The civil registry's export: about 100 bytes per elector, a whole city well under the limit.
ROLL_UPLOAD = UploadRule(max_mb=50, extensions=("csv", "txt"), kind="text")


def move_to_private_root(names) -> None:
    """Move files uploaded before they were private out of MEDIA_ROOT (used by migrations)."""
    for name in names:
        if not name:
            continue
        source = Path(settings.MEDIA_ROOT) / name
        target = Path(settings.PRIVATE_MEDIA_ROOT) / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)
