from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OpinionRequest


class OpinionDraftForm(forms.Form):
    """The councillors' form: the opinion's text, and what they want done with it."""

    SAVE = "salva"
    TRANSMIT = "trasmetti"

    opinion = forms.CharField(
        label=_("Testo del parere"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Puoi salvare la bozza quante volte vuoi: la vedono solo i componenti della consulta. "
            "Il parere diventa pubblico quando lo trasmetti al Comune."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Confermo che questo è il testo definitivo approvato dalla consulta"),
        required=False,
    )
    # The fingerprint of the text the drafter started from: a save made meanwhile by a colleague
    # changes it, and the service then refuses to overwrite the colleague's text.
    version = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Il modulo è incompleto: ricarica la pagina e riprova.")},
    )
    action = forms.ChoiceField(
        choices=[(SAVE, _("Salva la bozza")), (TRANSMIT, _("Trasmetti il parere"))],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Azione non valida: ricarica la pagina e riprova.")},
    )

    def __init__(self, *args, opinion_request: OpinionRequest, **kwargs):
        self.opinion_request = opinion_request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.TRANSMIT:
            if not cleaned.get("opinion", "").strip():
                self.add_error("opinion", _("Scrivi il testo del parere prima di trasmetterlo."))
            if not cleaned.get("confirm"):
                self.add_error(
                    "confirm",
                    _("Per trasmettere il parere conferma che è il testo definitivo."),
                )
        return cleaned

    @property
    def transmits(self) -> bool:
        return self.cleaned_data.get("action") == self.TRANSMIT
