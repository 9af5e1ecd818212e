"""Where the programmes plug into the core.

The core (this package) imports no programme. Each programme app registers, from its
`AppConfig.ready()`, what it adds to the shared pages and services: sections of the home,
quartiere and profile pages, its periodic tasks, its notification topics, its roles'
permissions, its demo content and the open data it publishes. Adding a programme then touches
no core file.

Registrations are plain module-level lists filled once at start-up, like Django's own admin
site registry; readers get them sorted by `order` so the pages do not depend on the order of
INSTALLED_APPS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class PageSection:
    """A block of a core page: a template rendered with what `context` returns.

    `context` receives the request (and, on the quartiere page, the quartiere); returning None
    leaves the section out, e.g. when the programme has nothing to show there.
    """

    app_label: str
    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class WorkingArea:
    """A link on the profile page to where a person works for the city."""

    label: str
    url: str


@dataclass(frozen=True)
class Topic:
    """A kind of notification a person can keep or stop receiving by e-mail."""

    code: str
    label: str
    order: int = 100


@dataclass(frozen=True)
class DemoLoader:
    """A programme's demo content: `load(command)` must be idempotent."""

    app_label: str
    load: Callable[[Any], None]
    after: tuple[str, ...] = ()
    # collabcity.demo.DemoAccount: the demo people of this programme's roles, created with
    # the core's accounts before any loader runs.
    accounts: tuple[Any, ...] = ()


@dataclass(frozen=True)
class RoleSpec:
    """A role: a Django group of this name. Admin roles also get the Django admin (is_staff)."""

    name: str
    label: str
    admin: bool = False


@dataclass(frozen=True)
class Distribution:
    """One file of a dataset, as /dati/ lists it and DCAT-AP_IT describes it.

    `url` is a path of the portal (reverse() it in the provider, at request time) or a full
    address; `format` is the code of the EU file-type vocabulary ("CSV", "JSON", "ICS").
    """

    title: str
    url: str
    format: str
    media_type: str
    description: str = ""


@dataclass(frozen=True)
class Dataset:
    """A dataset the portal publishes under CC BY 4.0, for /dati/ and the national catalogue.

    `theme` and `frequency` are codes of the EU data-theme ("GOVE", "SOCI") and frequency
    ("UPDATE_CONT", "IRREG", "NEVER") vocabularies; `modified` is the day its data last changed
    (None: not known, the catalogue says today); `landing_page` is the portal page that shows
    the data to people.
    """

    identifier: str
    title: str
    description: str
    theme: str
    frequency: str
    distributions: tuple[Distribution, ...]
    modified: date | None = None
    keywords: tuple[str, ...] = ()
    landing_page: str = ""
    order: int = 100


@dataclass
class Registry:
    home_sections: list[PageSection] = field(default_factory=list)
    quartiere_sections: list[PageSection] = field(default_factory=list)
    working_areas: list[Callable[[Any], Iterable[WorkingArea]]] = field(default_factory=list)
    topics: dict[str, Topic] = field(default_factory=dict)
    demo_loaders: list[DemoLoader] = field(default_factory=list)
    roles: dict[str, RoleSpec] = field(default_factory=dict)
    # Folder of the private storage -> the permission a member of staff needs to download its
    # files from the admin. Citizens reach the files they may see through the programmes' own
    # views, never through this map.
    private_folders: dict[str, str] = field(default_factory=dict)
    role_permissions: dict[str, list[str]] = field(default_factory=dict)
    dataset_providers: list[Callable[[], Iterable[Dataset]]] = field(default_factory=list)
    # For the page cache (collabcity/page_cache.py): when pages next change by the clock, and
    # "app_label" or "app_label.model" -> the columns whose writes no public page shows
    # (empty: the whole table's).
    page_changes: list[Callable[[datetime], datetime | None]] = field(default_factory=list)
    unshown_writes: dict[str, frozenset[str]] = field(default_factory=dict)
    # Models ("app_label.ModelName") read from the primary database even on public pages, where
    # the others may come from a replica that lags behind (collabcity/replica.py).
    primary_reads: set[str] = field(default_factory=set)
    # Models ("app_label.ModelName") whose statements are planned afresh for their values on
    # every run, never prepared (collabcity/prepared_statements.py).
    planned_per_run: set[str] = field(default_factory=set)


registry = Registry()


def register_home_section(section: PageSection) -> None:
    registry.home_sections.append(section)


def register_quartiere_section(section: PageSection) -> None:
    registry.quartiere_sections.append(section)


def register_working_areas(areas_for_user: Callable[[Any], Iterable[WorkingArea]]) -> None:
    """`areas_for_user(user)` yields the WorkingArea links this person's seats and roles open.

    It may read only tables the page cache tracks, and the date: the profile keeps its answer
    under the page version (collabcity.page_cache.kept_for_person)."""
    registry.working_areas.append(areas_for_user)


def register_topic(topic: Topic) -> None:
    registry.topics[topic.code] = topic


def register_demo(loader: DemoLoader) -> None:
    registry.demo_loaders.append(loader)


def register_primary_reads(model_labels: Iterable[str]) -> None:
    """Models a replica must never answer for: what a second's lag would make wrong."""
    registry.primary_reads.update(model_labels)


def reads_primary(model_label: str) -> bool:
    return model_label in registry.primary_reads


def register_planned_per_run(model_labels: Iterable[str]) -> None:
    """Models read by ranges over rows spread unevenly (dates by the thousand in some weeks, a
    handful in others), whose best plan depends on the values asked for: their statements are
    never prepared, so PostgreSQL never settles on one generic plan for all values."""
    registry.planned_per_run.update(model_labels)


def planned_per_run() -> set[str]:
    return set(registry.planned_per_run)


def register_private_folder(folder: str, staff_permission: str) -> None:
    registry.private_folders[folder] = staff_permission


def private_folder_permission(folder: str) -> str | None:
    return registry.private_folders.get(folder)


def register_role(role: RoleSpec) -> None:
    registry.roles[role.name] = role


def grant_permissions(role_name: str, permissions: Iterable[str]) -> None:
    """Give a role (the core's or a programme's) some of this programme's permissions."""
    registry.role_permissions.setdefault(role_name, []).extend(permissions)


def roles() -> list[RoleSpec]:
    return sorted(registry.roles.values(), key=lambda role: role.name)


def role_permissions() -> dict[str, list[str]]:
    """Every registered role with the permissions granted to it (possibly none)."""
    return {role.name: list(registry.role_permissions.get(role.name, [])) for role in roles()}


def admin_roles() -> set[str]:
    return {role.name for role in registry.roles.values() if role.admin}


def register_datasets(provider: Callable[[], Iterable[Dataset]]) -> None:
    """`provider()` yields the programme's datasets as they are now; it is called on every
    request for the catalogue, so datasets that come and go (a closed election) are listed
    as soon as they exist."""
    registry.dataset_providers.append(provider)


def register_page_changes(next_change: Callable[[datetime], datetime | None]) -> None:
    """`next_change(now)` is the first moment after now when one of the programme's public
    pages changes with no write (a window opens or closes, a date becomes past), or None.
    Midnight is the core's: a page showing "today" needs nothing more."""
    registry.page_changes.append(next_change)


def register_unshown_writes(label: str, *, columns: Iterable[str] = ()) -> None:
    """Writes to a model ("app_label.Model") or to every model of an app ("app_label") that no
    public page shows, so that they leave cached pages in place: only for tables written on
    every vote, login or visit. With columns, only updates of just those columns."""
    registry.unshown_writes[label.lower()] = frozenset(columns)


def page_changes() -> list[Callable[[datetime], datetime | None]]:
    return list(registry.page_changes)


def unshown_writes(app_label: str, model_name: str) -> frozenset[str] | None:
    """None when every write to the model may change a public page."""
    found = registry.unshown_writes
    return found.get(f"{app_label}.{model_name}", found.get(app_label))


def register_periodic_tasks(schedule: dict[str, dict[str, Any]]) -> None:
    """Add a programme's Celery beat entries (the `beat_schedule` format)."""
    from .celery import app

    app.conf.beat_schedule = {**app.conf.beat_schedule, **schedule}


def sections(kind: str) -> list[PageSection]:
    found = {"home": registry.home_sections, "quartiere": registry.quartiere_sections}[kind]
    return sorted(found, key=lambda section: (section.order, section.app_label))


@dataclass(frozen=True)
class RenderedSection:
    template: str
    context: dict[str, Any]


def render_sections(kind: str, request: HttpRequest, *args: Any) -> list[RenderedSection]:
    """The registered sections of a page that have something to show, in order."""
    rendered = []
    for section in sections(kind):
        context = section.context(request, *args)
        if context is not None:
            rendered.append(RenderedSection(section.template, context))
    return rendered


def working_areas(user) -> list[WorkingArea]:
    return [area for areas_for_user in registry.working_areas for area in areas_for_user(user)]


def topics() -> list[Topic]:
    return sorted(registry.topics.values(), key=lambda topic: (topic.order, topic.code))


def demo_loaders() -> list[DemoLoader]:
    """The demo loaders, each after the programmes it names in `after`."""
    pending = {loader.app_label: loader for loader in registry.demo_loaders}
    ordered: list[DemoLoader] = []
    while pending:
        ready = sorted(
            label
            for label, loader in pending.items()
            if all(dependency not in pending for dependency in loader.after)
        )
        if not ready:
            raise RuntimeError(f"Demo loaders wait on each other: {sorted(pending)}")
        for label in ready:
            ordered.append(pending.pop(label))
    return ordered


def datasets() -> list[Dataset]:
    found = [dataset for provider in registry.dataset_providers for dataset in provider()]
    return sorted(found, key=lambda dataset: (dataset.order, dataset.identifier))
