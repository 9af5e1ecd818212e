"""What volontariato adds to the core: pages, topics, roles, tasks, demo.

See collabcity.registry.
"""

from datetime import datetime

from django.db.models import Exists, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collabcity import registry
from collabcity.demo import DemoAccount

from . import demo, opendata, roles, schedule
from .models import NOTIFICATION_TOPIC, Opportunity, Shift


def working_areas(user):
    yield registry.WorkingArea(
        _("Il mio volontariato civico"), reverse("volontariato:my_volunteering")
    )
    if user.has_perm("volontariato.coordinate"):
        yield registry.WorkingArea(
            _("Coordinamento dei volontari"), reverse("volontariato:coordination")
        )


def quartiere_section(request, quartiere) -> dict:
    """The published opportunities of the quartiere that still have shifts to take."""
    upcoming = Shift.objects.upcoming().filter(opportunity=OuterRef("pk"))
    opportunities = (
        Opportunity.objects.published()
        .filter(Exists(upcoming), quartiere=quartiere)
        .for_listing()
        .annotate(next_shift_at=Subquery(upcoming.order_by("starts_at").values("starts_at")[:1]))
        .order_by("next_shift_at")
    )
    return {"opportunities": opportunities}


def next_page_change(now: datetime) -> datetime | None:
    """A shift starts, and leaves the lists of upcoming shifts and of open opportunities."""
    return Shift.objects.upcoming().aggregate(first=Min("starts_at"))["first"]


def register() -> None:
    registry.register_datasets(opendata.datasets)
    roles.register()
    registry.register_periodic_tasks(schedule.BEAT_SCHEDULE)
    registry.register_demo(
        registry.DemoLoader(
            app_label="volontariato",
            load=demo.load,
            after=("centri_sociali", "accordi"),
            accounts=(
                DemoAccount(
                    "coordinatore@demo.collabcity.it",
                    "Carlo",
                    "Coordinatore",
                    role=roles.VOLUNTEER_COORDINATOR,
                ),
            ),
        )
    )
    registry.register_topic(
        registry.Topic(NOTIFICATION_TOPIC, gettext_lazy("Volontariato civico"), 40)
    )
    registry.register_home_section(
        registry.PageSection("volontariato", "volontariato/home_card.html", lambda request: {}, 40)
    )
    registry.register_quartiere_section(
        registry.PageSection(
            "volontariato", "volontariato/quartiere_section.html", quartiere_section, 40
        )
    )
    registry.register_working_areas(working_areas)
    registry.register_page_changes(next_page_change)
