from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accordi.models import Call, Proposal, ProposalAttachment
from collabcity.files import DOCUMENT_UPLOAD
from collabcity.models import Organisation, Quartiere

# The municipality of Reggio Emilia, with a margin: a point outside is a slip of the finger.
CITY_LATITUDE = (Decimal("44.55"), Decimal("44.85"))
CITY_LONGITUDE = (Decimal("10.45"), Decimal("10.80"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProposalForm(forms.ModelForm):
    """The proposal as its proposer writes it; the rules for submitting it are the service's."""

    quartieri = forms.ModelMultipleChoiceField(
        label=_("Quartieri in cui si svolge"),
        queryset=Quartiere.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Almeno uno, per presentare la proposta."),
    )
    document_title = forms.CharField(
        label=_("Titolo del documento"), max_length=200, required=False
    )
    document_file = forms.FileField(
        label=_("Documento da allegare"),
        required=False,
        validators=[DOCUMENT_UPLOAD],
        help_text=_("PDF, ODT o DOCX, fino a 20 MB. Es. un progetto più esteso, un preventivo."),
    )
    document_public = forms.BooleanField(
        label=_("Il documento può essere pubblico"),
        required=False,
        initial=True,
        help_text=_("Togli la spunta se contiene dati personali: lo vedrà solo il Comune."),
    )
    remove_documents = forms.ModelMultipleChoiceField(
        label=_("Documenti da togliere"),
        queryset=ProposalAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Proposal
        fields = [
            "call",
            "proposer_kind",
            "group_name",
            "organisation",
            "author_role",
            "show_author_name",
            "title",
            "summary",
            "theme",
            "need",
            "activities",
            "quartieri",
            "centre",
            "place",
            "latitude",
            "longitude",
            "requested_spaces",
            "requested_materials",
            "requested_staff_hours",
            "requested_budget",
            "committed_people",
            "committed_hours",
            "committed_means",
            "timeline",
        ]
        widgets = {
            "proposer_kind": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "need": forms.Textarea(attrs={"rows": 5}),
            "activities": forms.Textarea(attrs={"rows": 5}),
            "requested_spaces": forms.Textarea(attrs={"rows": 2}),
            "requested_materials": forms.Textarea(attrs={"rows": 2}),
            "committed_means": forms.Textarea(attrs={"rows": 2}),
            "timeline": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
        }
        labels = {"call": _("Avviso a cui risponde")}
        help_texts = {
            "call": _("Oppure nessuno, per una proposta spontanea."),
            "latitude": _("Facoltativa: un punto sulla mappa, se il progetto ha un luogo preciso."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        calls = Call.objects.open(today)
        if self.instance.call_id:
            # A draft keeps its call even once closed: submitting then says what to do.
            calls = calls | Call.objects.filter(pk=self.instance.call_id)
        self.fields["call"].queryset = calls.order_by("closes_on", "title")
        self.fields["call"].empty_label = _("Nessun avviso: proposta spontanea")
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            kind=Organisation.Kind.COMUNE
        ).order_by("name")
        self.fields["organisation"].empty_label = _("Scegli l'organizzazione")
        self.fields["organisation"].help_text = _(
            "Se non è nell'elenco, proponi come gruppo informale e scrivine il nome."
        )
        self.fields["centre"].empty_label = _("Nessuno")
        for name in ("requested_staff_hours", "requested_budget", "committed_hours"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "any"})
        self.fields["committed_people"].widget.attrs["min"] = "1"
        if self.instance.pk:
            self.fields["remove_documents"].queryset = self.instance.attachments.all()

    def clean(self):
        data = super().clean()
        kind = data.get("proposer_kind")
        if kind == Proposal.ProposerKind.GROUP and not data.get("group_name", "").strip():
            self.add_error("group_name", _("Scrivi il nome del gruppo."))
        if kind == Proposal.ProposerKind.ORGANISATION:
            if not data.get("organisation"):
                self.add_error("organisation", _("Scegli l'organizzazione che rappresenti."))
            if not data.get("author_role", "").strip():
                self.add_error(
                    "author_role", _("Scrivi il tuo ruolo nell'organizzazione che rappresenti.")
                )
        if kind != Proposal.ProposerKind.GROUP:
            data["group_name"] = ""
        if kind != Proposal.ProposerKind.ORGANISATION:
            data["organisation"] = None
        self._clean_point(data)
        self._clean_document(data)
        return data

    def _clean_point(self, data) -> None:
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error(
                "longitude", _("Indica sia la latitudine sia la longitudine, o nessuna.")
            )
        elif latitude is not None and not (
            CITY_LATITUDE[0] <= latitude <= CITY_LATITUDE[1]
            and CITY_LONGITUDE[0] <= longitude <= CITY_LONGITUDE[1]
        ):
            self.add_error("latitude", _("Il punto è fuori dal territorio del Comune."))

    def _clean_document(self, data) -> None:
        if data.get("document_file") and not data.get("document_title", "").strip():
            self.add_error("document_title", _("Dai un titolo al documento."))
        if data.get("document_title", "").strip() and not data.get("document_file"):
            self.add_error("document_file", _("Scegli il file da allegare."))

    def new_document(self) -> ProposalAttachment | None:
        upload = self.cleaned_data.get("document_file")
        if not upload:
            return None
        # The file is written when the service saves the row, inside its transaction.
        return ProposalAttachment(
            title=self.cleaned_data["document_title"].strip(),
            public=self.cleaned_data["document_public"],
            file=upload,
        )


class EvaluationForm(forms.Form):
    deadline = forms.DateField(
        label=_("Termine per il parere della consulta"),
        widget=DateInput(),
        error_messages={"invalid": _("Scrivi la data come gg/mm/aaaa.")},
    )
    note = forms.CharField(
        label=_("Nota per la consulta (facoltativa)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Compare nella richiesta di parere, che è pubblica."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisione"),
        choices=[
            (Proposal.Status.ADMITTED.value, _("Ammessa alla co-progettazione")),
            (Proposal.Status.NOT_ADMITTED.value, _("Non ammessa")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motivazione pubblica"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Compare sulla pagina della proposta e arriva ai proponenti."),
    )


class ReasonForm(forms.Form):
    """A reason the public will read: a withdrawal, a hidden comment."""

    reason = forms.CharField(
        label=_("Motivo"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Il tuo commento"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("È pubblico, con il tuo nome. Resta sul tema della proposta."),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Perché lo segnali"),
        max_length=500,
        help_text=_("Es. offende qualcuno, contiene dati personali, è pubblicità."),
    )
