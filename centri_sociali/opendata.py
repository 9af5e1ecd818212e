"""The network of centres as open data (CSV and JSON, with the sources of each fact), and the
centres' datasets in the portal's open data catalogue."""

import csv

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collabcity import city
from collabcity.registry import Dataset, Distribution
from collabcity.spreadsheets import csv_safe

from .models import Activity, Centre, Occurrence

CSV_COLUMNS = [
    "slug",
    "nome",
    "tipo",
    "indirizzo",
    "quartiere",
    "ambito",
    "ente_gestore",
    "rete",
    "latitudine",
    "longitudine",
    "posizione_indicativa",
    "telefono",
    "email",
    "sito_web",
    "url",
    "fonti",
]


def centres():
    return Centre.objects.for_listing().prefetch_related("sources").order_by("name")


def record(centre: Centre) -> dict:
    """A centre's facts; a fact no source gives is empty, never guessed."""
    return {
        "slug": centre.slug,
        "nome": centre.name,
        "tipo": centre.kind,
        "indirizzo": centre.address,
        "quartiere": centre.quartiere.name if centre.quartiere else "",
        "ambito": centre.quartiere.ambito.code if centre.quartiere else "",
        "ente_gestore": centre.organisation.name if centre.organisation else "",
        "rete": centre.network.name if centre.network else "",
        "latitudine": float(centre.latitude) if centre.latitude is not None else None,
        "longitudine": float(centre.longitude) if centre.longitude is not None else None,
        "posizione_indicativa": centre.position_is_approximate,
        "telefono": centre.phone,
        "email": centre.email,
        "sito_web": centre.website,
        "url": f"{settings.PORTAL_URL}{centre.get_absolute_url()}",
    }


def sources(centre: Centre) -> list[dict]:
    return [
        {
            "dati": list(citation.facts),
            "url": citation.url,
            "consultata_il": citation.read_on.isoformat(),
        }
        for citation in city.citations(centre)
    ]


def csv_response() -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="centri-sociali.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for centre in centres():
        row = {
            name: "" if value is None else csv_safe(value) for name, value in record(centre).items()
        }
        row["fonti"] = " ".join(
            source["url"] or _("personale del Comune") for source in sources(centre)
        )
        writer.writerow(row)
    return response


def json_response() -> JsonResponse:
    body = {
        "licenza": "CC-BY-4.0",
        "generato_il": timezone.now().isoformat(),
        "centri": [{**record(centre), "fonti": sources(centre)} for centre in centres()],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'attachment; filename="centri-sociali.json"'
    return response


def datasets() -> list[Dataset]:
    """The network and its calendar in the portal's open data catalogue (collabcity.registry)."""
    centres_changed = Centre.history.aggregate(latest=Max("history_date"))["latest"]
    calendar_changed = max(
        filter(
            None,
            [
                Activity.objects.aggregate(latest=Max("updated_at"))["latest"],
                Occurrence.objects.aggregate(latest=Max("updated_at"))["latest"],
            ],
        ),
        default=None,
    )
    return [
        Dataset(
            identifier="centri-sociali-e-case-di-quartiere",
            title=_("Centri sociali e case di quartiere"),
            description=_(
                "La rete dei centri sociali e delle case di quartiere della città e il "
                "Laboratorio Aperto: tipo, indirizzo, quartiere, ente gestore, rete di "
                "appartenenza, contatti e posizione, con la fonte pubblica di ogni dato. Un "
                "dato che nessuna fonte riporta è lasciato vuoto."
            ),
            theme="SOCI",
            frequency="UPDATE_CONT",
            modified=timezone.localdate(centres_changed) if centres_changed else None,
            keywords=(_("centri sociali"), _("case di quartiere"), _("quartieri")),
            landing_page=reverse("centri_sociali:index"),
            order=30,
            distributions=(
                Distribution(
                    title=_("Centri sociali e case di quartiere, una riga per centro"),
                    url=reverse("centri_sociali:export_csv"),
                    format="CSV",
                    media_type="text/csv",
                ),
                Distribution(
                    title=_("Centri sociali e case di quartiere con le fonti dei dati"),
                    url=reverse("centri_sociali:export_json"),
                    format="JSON",
                    media_type="application/json",
                ),
            ),
        ),
        Dataset(
            identifier="calendario-centri-sociali",
            title=_("Calendario delle attività dei centri sociali e delle case di quartiere"),
            description=_(
                "Corsi, incontri, feste e servizi di tutti i centri, con le date sospese o "
                "spostate, in formato iCalendar (RFC 5545): si può aggiungere a qualsiasi "
                "calendario o filtrare per quartiere, centro, categoria e date."
            ),
            theme="SOCI",
            frequency="UPDATE_CONT",
            modified=timezone.localdate(calendar_changed) if calendar_changed else None,
            keywords=(_("centri sociali"), _("attività"), _("calendario")),
            landing_page=reverse("centri_sociali:calendar"),
            order=31,
            distributions=(
                Distribution(
                    title=_("Il calendario di tutti i centri"),
                    url=reverse("centri_sociali:calendar_feed"),
                    format="ICS",
                    media_type="text/calendar",
                ),
            ),
        ),
    ]
