"""The PDF of a certificate, drawn on demand from the stored certificate (never from live data)."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Certificate


def _day(value) -> str:
    return date_format(value, "j F Y")


def certificate_pdf(certificate: Certificate) -> bytes:
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.5 * cm,
        bottomMargin=2.5 * cm,
        title=_("Attestato di volontariato civico"),
        author=_("Comune di Reggio Emilia"),
        lang="it",
    )
    verify_url = f"{settings.PORTAL_URL}{reverse('volontariato:certificate_verify')}"
    hours = number_format(certificate.total_hours, decimal_pos=2)
    story = [
        Paragraph(escape(_("Comune di Reggio Emilia")), styles["Heading3"]),
        Paragraph(escape(_("Albo dei volontari civici")), styles["Normal"]),
        Spacer(1, 1.5 * cm),
        Paragraph(escape(_("Attestato di volontariato civico")), styles["Title"]),
        Spacer(1, 1 * cm),
        Paragraph(
            escape(
                _(
                    "Si attesta che %(name)s, iscritto all'albo dei volontari civici del Comune "
                    "di Reggio Emilia, dal %(start)s al %(end)s ha svolto %(hours)s ore di "
                    "volontariato civico confermate dai coordinatori, in %(shifts)s turni."
                )
                % {
                    "name": certificate.holder_name,
                    "start": _day(certificate.period_from),
                    "end": _day(certificate.period_to),
                    "hours": hours,
                    "shifts": certificate.shift_count,
                }
            ),
            styles["BodyText"],
        ),
        Spacer(1, 1 * cm),
    ]
    facts = Table(
        [
            [_("Intestatario"), certificate.holder_name],
            [_("Periodo"), f"{_day(certificate.period_from)} – {_day(certificate.period_to)}"],
            [_("Ore confermate"), hours],
            [_("Turni svolti"), str(certificate.shift_count)],
            [_("Rilasciato il"), _day(timezone.localtime(certificate.issued_at).date())],
            [_("Codice di verifica"), certificate.code],
        ],
        colWidths=[5 * cm, 10 * cm],
    )
    facts.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#8a8a8a"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story += [
        facts,
        Spacer(1, 1 * cm),
        Paragraph(
            escape(
                _("Chiunque può verificare questo attestato con il codice %(code)s su %(url)s")
                % {"code": certificate.code, "url": verify_url}
            ),
            styles["BodyText"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()
