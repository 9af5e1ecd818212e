"""The city data with its sources: how a fact is written in the data files, how it is loaded,
and how a correction made by staff is kept.

The data files (collabcity/city_data.py, centri_sociali/city_data.py) write every fact as a
`Fact` carrying the public page it comes from and the day it was read; a fact no public page
gives is None there, and blank in the database: it is never invented. Loading a record writes
its facts and their sources together, so that each fact on a page has a source stating it.

People correct the city data in the admin. A record someone has edited (its history holds a
change made by a person) is theirs from then on: the loader leaves it as it is, so running
`seed_demo` again never undoes a correction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .models import CityRecord, FactSource, User

Record = TypeVar("Record", bound=CityRecord)


@dataclass(frozen=True)
class Source:
    """A public page and the day it was read."""

    url: str
    read_on: date


@dataclass(frozen=True)
class Fact:
    """A value of the city data and the source that states it."""

    value: Any
    source: Source


@dataclass(frozen=True)
class Citation:
    """One source and the facts of a record it states, for a page's list of sources."""

    url: str
    read_on: date
    facts: tuple[str, ...]

    @property
    def site(self) -> str:
        return urlsplit(self.url).netloc.removeprefix("www.")


def citations(record: CityRecord) -> list[Citation]:
    """The sources of the record's facts as they are now, one entry per source, with the
    facts it states by their labels (the record's sources are read once)."""
    by_source: dict[tuple[str, date], list[str]] = {}
    for source in record.current_sources():
        label = str(record._meta.get_field(source.fact).verbose_name)
        by_source.setdefault((source.url, source.read_on), []).append(label)
    return [
        Citation(url=url, read_on=read_on, facts=tuple(labels))
        for (url, read_on), labels in by_source.items()
    ]


def related(fact: Fact | None, model: type, field: str = "name") -> Fact | None:
    """The fact with its value, a name in the data, turned into the record it names."""
    if fact is None:
        return None
    return Fact(model.objects.get(**{field: fact.value}), fact.source)


def edited_by_people(record: CityRecord) -> bool:
    """True once a person has saved the record (the admin, a manager's page): the history keeps
    who made each change, and changes made by the loader have nobody."""
    return record.history.filter(history_user__isnull=False).exists()


def load_record(
    model: type[Record],
    *,
    key: dict[str, Any],
    facts: dict[str, Fact | None],
    defaults: dict[str, Any] | None = None,
) -> Record:
    """Create the record or bring it in line with the data, unless a person has edited it.

    `facts` are written with their sources; a None fact is written blank. `defaults` are set
    only when the record is created (its slug, for one).
    """
    record = model.objects.filter(**key).first()
    if record is not None and edited_by_people(record):
        return record
    values = {
        name: _blank(model, name) if fact is None else fact.value for name, fact in facts.items()
    }
    with transaction.atomic():
        if record is None:
            record = model.objects.create(**{**key, **(defaults or {}), **values})
        else:
            before = {name: record.fact_value(name) for name in values}
            for name, value in values.items():
                setattr(record, name, value)
            # Saved only when the data changed: the history records changes, not every run.
            if any(record.fact_value(name) != before[name] for name in values):
                record.save()
        for name, fact in facts.items():
            if fact is not None:
                record_source(record, name, url=fact.source.url, read_on=fact.source.read_on)
    return record


def record_source(
    record: CityRecord,
    fact: str,
    *,
    url: str,
    read_on: date,
    note: str = "",
    user: User | None = None,
) -> FactSource:
    """The source of one fact as the record holds it now."""
    source, _created = FactSource.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        fact=fact,
        value=record.fact_value(fact),
        url=url,
        defaults={"read_on": read_on, "note": note, "recorded_by": user},
    )
    return source


def vouch_for_corrections(*, record: CityRecord, facts: Iterable[str], user: User) -> None:
    """Facts a person changed without giving a source: the person is their source.

    A member of the Comune's staff correcting the city data is who answers for it; the fact is
    shown, and the admin shows who changed it and when.
    """
    # Read afresh: the sources saved with the same form are not in a prefetched list.
    saved = FactSource.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    )
    stated = {source.fact for source in record.current_sources(saved)}
    for fact in facts:
        if fact in record.SOURCED_FACTS and fact not in stated and record.fact_value(fact):
            record_source(
                record,
                fact,
                url="",
                read_on=timezone.localdate(),
                note=gettext("Corretto nell'amministrazione"),
                user=user,
            )


def _blank(model: type[CityRecord], name: str) -> Any:
    return None if model._meta.get_field(name).null else ""
