"""The public agreements as open data: CSV (one row per agreement) and JSON (with details)."""

import csv
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collabcity.registry import Dataset, Distribution

from .models import Agreement, Proposal

CSV_COLUMNS = [
    "slug",
    "titolo",
    "stato",
    "tema",
    "quartieri",
    "parti",
    "data_inizio",
    "data_fine",
    "delibera_numero",
    "delibera_data",
    "fondi_euro",
    "ore_personale",
    "ore_volontariato",
    "url",
]
LICENSE = "CC-BY-4.0"


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


def _url(agreement: Agreement) -> str:
    return f"{settings.PORTAL_URL}{agreement.get_absolute_url()}"


def csv_row(agreement: Agreement) -> dict[str, str]:
    totals = agreement.totals()
    return {
        "slug": agreement.slug,
        "titolo": agreement.title,
        "stato": agreement.status,
        "tema": agreement.theme,
        "quartieri": "; ".join(q.name for q in agreement.quartieri.all()),
        "parti": "; ".join(p.display_name for p in agreement.parties.all()),
        "data_inizio": _iso(agreement.start_date),
        "data_fine": _iso(agreement.end_date),
        "delibera_numero": agreement.resolution_number,
        "delibera_data": _iso(agreement.resolution_date),
        "fondi_euro": _number(totals["euro"]),
        "ore_personale": _number(totals["staff_hours"]),
        "ore_volontariato": _number(totals["volunteer_hours"]),
        "url": _url(agreement),
    }


def csv_response(agreements) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="accordi-di-cittadinanza.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for agreement in agreements:
        writer.writerow(csv_row(agreement))
    return response


def json_record(agreement: Agreement) -> dict:
    totals = agreement.totals()
    return {
        "slug": agreement.slug,
        "url": _url(agreement),
        "titolo": agreement.title,
        "stato": agreement.status,
        "tema": agreement.theme,
        "sintesi": agreement.summary,
        "obiettivi": agreement.objectives_list,
        "quartieri": [q.name for q in agreement.quartieri.all()],
        "data_inizio": agreement.start_date,
        "data_fine": agreement.end_date,
        "delibera": {
            "numero": agreement.resolution_number,
            "data": agreement.resolution_date,
        },
        "parti": [
            {
                "nome": party.display_name,
                "tipo": party.kind,
                "firmatario": party.signatory_name,
                "ruolo": party.signatory_role,
                "data_firma": party.signed_on,
            }
            for party in agreement.parties.all()
        ],
        "azioni": [
            {"titolo": a.title, "dove": a.place, "quando": a.schedule}
            for a in agreement.actions.all()
        ],
        "impegni": [
            {
                "parte": c.party.display_name,
                "tipo": c.kind,
                "descrizione": c.description,
                "quantita": c.amount,
                "unita": c.unit,
            }
            for c in agreement.commitments.all()
        ],
        "totali": {
            "fondi_euro": totals["euro"],
            "ore_personale": totals["staff_hours"],
            "ore_volontariato": totals["volunteer_hours"],
        },
        "indicatori": [
            {
                "nome": i.name,
                "unita": i.unit,
                "obiettivo": i.target,
                "ultimo_valore": i.latest.value if i.latest else None,
                "data_ultimo_valore": i.latest.measured_on if i.latest else None,
            }
            for i in agreement.indicators.all()
        ],
        "relazione_finale": agreement.final_report if agreement.status == "concluso" else "",
    }


class _Encoder(DjangoJSONEncoder):
    # Amounts as JSON numbers, not strings: a reader sums them without parsing.
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def json_response(agreements, request: HttpRequest) -> JsonResponse:
    data = {
        "titolo": "Accordi di cittadinanza del Comune di Reggio Emilia",
        "licenza": LICENSE,
        "generato_il": timezone.now(),
        "filtri": {key: value for key, value in request.GET.items() if value},
        "accordi": [json_record(agreement) for agreement in agreements],
    }
    response = JsonResponse(data, encoder=_Encoder, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'inline; filename="accordi-di-cittadinanza.json"'
    return response


def datasets() -> list[Dataset]:
    """The published agreements in the portal's open data catalogue (collabcity.registry)."""
    updated = Agreement.objects.public().aggregate(latest=Max("updated_at"))["latest"]
    return [
        Dataset(
            identifier="accordi-di-cittadinanza",
            title=_("Accordi di cittadinanza"),
            description=_(
                "Gli accordi tra il Comune e le comunità, dall'approvazione in poi: parti e "
                "firmatari, quartieri, azioni, impegni di ciascuna parte con fondi e ore, durata, "
                "delibera di Giunta e indicatori di monitoraggio. Le bozze non sono pubblicate."
            ),
            theme="GOVE",
            frequency="UPDATE_CONT",
            modified=timezone.localdate(updated) if updated else None,
            keywords=(_("accordi di cittadinanza"), _("beni comuni"), _("quartieri")),
            landing_page=reverse("accordi:index"),
            order=10,
            distributions=(
                Distribution(
                    title=_("Accordi di cittadinanza, una riga per accordo"),
                    url=reverse("accordi:export_csv"),
                    format="CSV",
                    media_type="text/csv",
                ),
                Distribution(
                    title=_("Accordi di cittadinanza con parti, impegni e indicatori"),
                    url=reverse("accordi:export_json"),
                    format="JSON",
                    media_type="application/json",
                ),
            ),
        ),
        _proposals_dataset(),
    ]


def _proposals_dataset() -> Dataset:
    updated = Proposal.objects.public().aggregate(latest=Max("updated_at"))["latest"]
    return Dataset(
        identifier="proposte-delle-comunita",
        title=_("Proposte delle comunità"),
        description=_(
            "Le proposte presentate dalle comunità, spontanee o in risposta agli avvisi di "
            "co-programmazione: bisogno, attività, quartieri, richieste al Comune, impegni dei "
            "proponenti, sostegni, stato e decisione. Le bozze non sono pubblicate; il nome di "
            "una persona solo se ha scelto di mostrarlo."
        ),
        theme="GOVE",
        frequency="UPDATE_CONT",
        modified=timezone.localdate(updated) if updated else None,
        keywords=(_("proposte"), _("co-programmazione"), _("quartieri")),
        landing_page=reverse("accordi:proposal_list"),
        order=15,
        distributions=(
            Distribution(
                title=_("Proposte delle comunità, una riga per proposta"),
                url=reverse("accordi:proposal_export_csv"),
                format="CSV",
                media_type="text/csv",
            ),
            Distribution(
                title=_("Proposte delle comunità con richieste, impegni e percorso"),
                url=reverse("accordi:proposal_export_json"),
                format="JSON",
                media_type="application/json",
            ),
        ),
    )


# -- Proposals ------------------------------------------------------------------------------
#
# Public proposals only (never a draft), and of the proposers only what their public page
# shows: the group's or organisation's name, a person's name only if they chose to show it.

PROPOSAL_CSV_COLUMNS = [
    "numero",
    "titolo",
    "stato",
    "tema",
    "avviso",
    "proponente",
    "quartieri",
    "sostegni",
    "presentata_il",
    "motivazione_decisione",
    "contributo_richiesto_euro",
    "ore_volontariato_offerte",
    "latitudine",
    "longitudine",
    "accordo",
    "url",
]


def _portal(path: str) -> str:
    return f"{settings.PORTAL_URL}{path}"


def _proposal_agreement_url(proposal) -> str:
    agreement = proposal.agreement
    return _url(agreement) if agreement is not None and agreement.is_public else ""


def _point(proposal) -> tuple[str, str]:
    position = proposal.position
    return (str(position[0]), str(position[1])) if position else ("", "")


def proposal_csv_row(proposal) -> dict[str, str]:
    latitude, longitude = _point(proposal)
    return {
        "numero": str(proposal.pk),
        "titolo": proposal.title,
        "stato": proposal.status,
        "tema": proposal.theme,
        "avviso": proposal.call.title if proposal.call_id else "",
        "proponente": proposal.proposer_name,
        "quartieri": "; ".join(q.name for q in proposal.quartieri.all()),
        "sostegni": str(proposal.support_count),
        "presentata_il": _iso(proposal.submitted_at and timezone.localdate(proposal.submitted_at)),
        "motivazione_decisione": proposal.decision_reason,
        "contributo_richiesto_euro": _number(proposal.requested_budget or Decimal(0)),
        "ore_volontariato_offerte": _number(proposal.committed_hours or Decimal(0)),
        "latitudine": latitude,
        "longitudine": longitude,
        "accordo": _proposal_agreement_url(proposal),
        "url": _portal(proposal.get_absolute_url()),
    }


def proposals_csv_response(proposals) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="proposte.csv"'
    writer = csv.DictWriter(response, fieldnames=PROPOSAL_CSV_COLUMNS)
    writer.writeheader()
    for proposal in proposals:
        writer.writerow(proposal_csv_row(proposal))
    return response


def proposal_json_record(proposal) -> dict:
    position = proposal.position
    return {
        "numero": proposal.pk,
        "url": _portal(proposal.get_absolute_url()),
        "titolo": proposal.title,
        "sintesi": proposal.summary,
        "stato": proposal.status,
        "tema": proposal.theme,
        "avviso": (
            {"titolo": proposal.call.title, "url": _portal(proposal.call.get_absolute_url())}
            if proposal.call_id
            else None
        ),
        "proponente": proposal.proposer_name,
        "bisogno": proposal.need,
        "attivita": proposal.activities,
        "quartieri": [q.name for q in proposal.quartieri.all()],
        "luogo": proposal.place,
        "posizione": {"lat": position[0], "lng": position[1]} if position else None,
        "richieste_al_comune": {
            "spazi": proposal.requested_spaces,
            "materiali": proposal.requested_materials,
            "ore_personale": proposal.requested_staff_hours,
            "contributo_euro": proposal.requested_budget,
        },
        "impegni_dei_proponenti": {
            "persone": proposal.committed_people,
            "ore_volontariato": proposal.committed_hours,
            "mezzi": proposal.committed_means,
        },
        "tempi": proposal.timeline,
        "sostegni": proposal.support_count,
        "presentata_il": proposal.submitted_at,
        "motivazione_decisione": proposal.decision_reason,
        "motivo_ritiro": proposal.withdrawal_reason,
        "percorso": [
            {"stato": change.to_status, "data": change.at}
            for change in proposal.status_changes.all()
        ],
        "accordo": _proposal_agreement_url(proposal) or None,
    }


def proposals_json_response(proposals, request: HttpRequest) -> JsonResponse:
    data = {
        "titolo": "Proposte delle comunità al Comune di Reggio Emilia",
        "licenza": LICENSE,
        "generato_il": timezone.now(),
        "filtri": {key: value for key, value in request.GET.items() if value},
        "proposte": [proposal_json_record(proposal) for proposal in proposals],
    }
    response = JsonResponse(data, encoder=_Encoder, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'inline; filename="proposte.json"'
    return response
