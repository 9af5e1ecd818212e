from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Candidate, Election


class VerifyCodeForm(forms.Form):
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    code = forms.CharField(
        label=_("Codice di voto temporaneo"),
        max_length=20,
        help_text=_("Il codice che hai ricevuto per posta o al punto voto, es. ABCDE-12345."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class RollCheckForm(forms.Form):
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=20)
    last_name = forms.CharField(label=_("Cognome"), max_length=100)


class NominationForm(forms.Form):
    statement = forms.CharField(
        label=_("Presentazione"),
        max_length=1500,
        help_text=_(
            "Chi sei e che cosa vuoi fare per il tuo quartiere (al massimo 1500 caratteri)."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class BallotForm(forms.Form):
    """One select per preference, in order: the order matters for the gender rule."""

    def __init__(self, *args, election: Election, candidates: list[Candidate], **kwargs):
        super().__init__(*args, **kwargs)
        self.election = election
        choices = [("", _("— nessuna preferenza —"))] + [
            (str(c.pk), c.full_name) for c in candidates
        ]
        for position in range(1, election.max_preferences + 1):
            field = forms.ChoiceField(
                label=_("Preferenza %(n)d") % {"n": position}, choices=choices, required=False
            )
            # Validity of each choice is the cast service's job (BallotError), not the form's:
            # a tampered value must get the same message whichever way it arrives.
            field.valid_value = lambda value: True
            self.fields[f"preference_{position}"] = field

    def candidate_ids(self) -> list[str]:
        """The chosen candidates in order, blanks skipped; [] is a blank ballot."""
        values = [self.data.get(f"preference_{n}", "") for n in range(1, len(self.fields) + 1)]
        return [value for value in values if value]


class DeskSearchForm(forms.Form):
    query = forms.CharField(
        label=_("Codice fiscale o cognome"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


# More paper ballots than a voting point can receive is a typing error, not a count.
MAX_COUNT = 100_000


class DeskCountForm(forms.Form):
    valid = forms.IntegerField(
        label=_("Schede valide"),
        help_text=_("Schede con almeno una preferenza valida."),
        min_value=0,
        max_value=MAX_COUNT,
        initial=0,
    )
    blank = forms.IntegerField(
        label=_("Schede bianche"), min_value=0, max_value=MAX_COUNT, initial=0
    )
    void = forms.IntegerField(label=_("Schede nulle"), min_value=0, max_value=MAX_COUNT, initial=0)

    def __init__(self, *args, candidates: list[Candidate], correction: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        if correction:
            # A second entry is a correction: attributed and explained, never an overwrite.
            self.fields["reason"] = forms.CharField(
                label=_("Motivo della correzione"), max_length=500, widget=forms.Textarea
            )
        for candidate in candidates:
            self.fields[f"votes_{candidate.pk}"] = forms.IntegerField(
                label=candidate.full_name, min_value=0, max_value=MAX_COUNT, initial=0
            )

    def votes(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"votes_{c.pk}"] for c in self.candidates}
