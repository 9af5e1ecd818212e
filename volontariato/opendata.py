"""The confirmed hours of civic volunteering in the portal's open data catalogue: totals by
quartiere, by proposing body and by year, never by person (volontariato.reports)."""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collabcity.registry import Dataset, Distribution

from .models import HoursLog

# The groupings of volontariato.reports that name no person.
PUBLIC_GROUPS = ("quartiere", "ente", "anno")


def datasets() -> list[Dataset]:
    confirmed = HoursLog.objects.filter(status=HoursLog.Status.CONFIRMED)
    latest = confirmed.aggregate(latest=Max("decided_at"))["latest"]
    titles = {
        "quartiere": _("Ore per quartiere"),
        "ente": _("Ore per ente proponente"),
        "anno": _("Ore per anno"),
    }
    return [
        Dataset(
            identifier="ore-di-volontariato-civico",
            title=_("Ore di volontariato civico"),
            description=_(
                "Le ore di volontariato civico confermate dai coordinatori, con il numero di "
                "turni e di volontari: per quartiere, per ente che propone l'opportunità e per "
                "anno. Nessuna riga nomina una persona."
            ),
            theme="SOCI",
            frequency="UPDATE_CONT",
            modified=timezone.localdate(latest) if latest else None,
            keywords=(_("volontariato civico"), _("ore"), _("quartieri")),
            landing_page=reverse("volontariato:index"),
            order=40,
            distributions=tuple(
                Distribution(
                    title=titles[group],
                    url=reverse("volontariato:open_totals", args=[group]),
                    format="CSV",
                    media_type="text/csv",
                )
                for group in PUBLIC_GROUPS
            ),
        )
    ]
