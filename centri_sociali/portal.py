"""What the centri sociali add to the core: pages, topics, roles, tasks, demo.

See collabcity.registry.
"""

from datetime import datetime, timedelta

from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collabcity import registry
from collabcity.demo import DemoAccount
from collabcity.page_cache import next_midnight

from . import demo, opendata, roles
from .ical import FEED_PAST
from .models import NOTIFICATION_TOPIC, Activity, CalendarDate, Centre
from .views import ACTIVITY_UPCOMING_DAYS, CENTRE_UPCOMING_DAYS


def home_card(request) -> dict:
    # Counted when the card is rendered: a home page from the cache counts nothing.
    return {"centre_count": Centre.objects.network().count}


def quartiere_section(request, quartiere) -> dict:
    return {"centres": Centre.objects.for_listing().filter(quartiere=quartiere)}


def working_areas(user):
    yield registry.WorkingArea(
        _("Le mie iscrizioni alle attività dei centri sociali"),
        reverse("centri_sociali:my_registrations"),
    )
    if Centre.objects.managed_by(user).exists():
        yield registry.WorkingArea(
            _("Gestione del centro sociale"), reverse("centri_sociali:manage_index")
        )


def next_page_change(now: datetime) -> datetime | None:
    """A date starts or ends (it becomes past), or enters a centre's or an activity's list of
    upcoming dates; a series leaves the feeds. Pages change at midnight in any case, so only
    the moments before the next one are looked for, each with one indexed query."""
    midnight = next_midnight(now)
    dates = CalendarDate.objects.public()

    def first(field: str, found) -> datetime | None:
        return found.order_by(field).values_list(field, flat=True).first()

    moments = [
        first("starts_at", dates.filter(starts_at__gt=now, starts_at__lt=midnight)),
        first("ends_at", dates.overlapping(now, midnight).filter(ends_at__lt=midnight)),
    ]
    for days in (CENTRE_UPCOMING_DAYS, ACTIVITY_UPCOMING_DAYS):
        ahead = timedelta(days=days)
        start = first(
            "starts_at", dates.filter(starts_at__gt=now + ahead, starts_at__lt=midnight + ahead)
        )
        if start is not None:
            moments.append(start - ahead)
    feeds = Activity.objects.filter(last_end__gt=now - FEED_PAST).aggregate(first=Min("last_end"))
    if feeds["first"] is not None:
        moments.append(feeds["first"] + FEED_PAST)
    return min((moment for moment in moments if moment is not None), default=None)


def register() -> None:
    registry.register_datasets(opendata.datasets)
    roles.register()
    registry.register_demo(
        registry.DemoLoader(
            app_label="centri_sociali",
            load=demo.load,
            after=(),
            accounts=(
                DemoAccount(
                    "gestore@demo.collabcity.it", "Giorgio", "Gestore", role=roles.CENTRE_MANAGER
                ),
            ),
        )
    )
    registry.register_topic(
        registry.Topic(NOTIFICATION_TOPIC, gettext_lazy("Attività dei centri sociali"), 30)
    )
    registry.register_home_section(
        registry.PageSection("centri_sociali", "centri_sociali/home_card.html", home_card, 30)
    )
    registry.register_quartiere_section(
        registry.PageSection(
            "centri_sociali", "centri_sociali/quartiere_section.html", quartiere_section, 20
        )
    )
    registry.register_working_areas(working_areas)
    registry.register_page_changes(next_page_change)
    # A month holds thousands of dates in the season and a handful in August.
    registry.register_planned_per_run(["centri_sociali.CalendarDate"])
