"""Totals of confirmed hours for staff, on screen and as CSV."""

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from .models import HoursLog

# group key -> (fields to group by, field to order by, how to label a row)
GROUPINGS = {
    "volontario": (
        ["signup__volunteer_id", "signup__volunteer__user__first_name",
         "signup__volunteer__user__last_name"],
        ["signup__volunteer__user__last_name", "signup__volunteer__user__first_name",
         "signup__volunteer_id"],
    ),
    "opportunita": (
        ["signup__shift__opportunity_id", "signup__shift__opportunity__title"],
        ["signup__shift__opportunity__title", "signup__shift__opportunity_id"],
    ),
    "ente": (["signup__shift__opportunity__organisation__name"],
             ["signup__shift__opportunity__organisation__name"]),
    "quartiere": (["signup__shift__opportunity__quartiere__name"],
                  ["signup__shift__opportunity__quartiere__name"]),
    "anno": (["year"], ["-year"]),
}  # fmt: skip


def _label(group: str, row: dict) -> str:
    if group == "volontario":
        name = " ".join(
            part
            for part in (
                row["signup__volunteer__user__first_name"],
                row["signup__volunteer__user__last_name"],
            )
            if part
        )
        # A ceased volunteer has no name any more: their hours stay, anonymous.
        return name or _("Volontario cessato n. %(number)s") % {
            "number": row["signup__volunteer_id"]
        }
    if group == "opportunita":
        return row["signup__shift__opportunity__title"]
    if group == "ente":
        return row["signup__shift__opportunity__organisation__name"]
    if group == "quartiere":
        return row["signup__shift__opportunity__quartiere__name"]
    return str(row["year"])


def hours_totals(*, group: str, year: int | None = None) -> list[dict]:
    """One row per group: label, confirmed hours, shifts and distinct volunteers."""
    fields, ordering = GROUPINGS[group]
    logs = HoursLog.objects.filter(status=HoursLog.Status.CONFIRMED).annotate(
        year=ExtractYear("signup__shift__starts_at")
    )
    if year:
        logs = logs.filter(year=year)
    rows = (
        logs.values(*fields)
        .annotate(
            total_hours=Sum("hours"),
            shifts=Count("pk"),
            volunteers=Count("signup__volunteer", distinct=True),
        )
        .order_by(*ordering)
    )
    return [
        {
            "label": _label(group, row),
            "hours": row["total_hours"],
            "shifts": row["shifts"],
            "volunteers": row["volunteers"],
        }
        for row in rows
    ]


def available_years() -> list[int]:
    years = (
        HoursLog.objects.filter(status=HoursLog.Status.CONFIRMED)
        .annotate(year=ExtractYear("signup__shift__starts_at"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return list(years)
