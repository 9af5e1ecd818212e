"""The forms of the election pages: citizens', the polling desk's and the guardians'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Candidate, Election

# --- Citizens: verification, candidacy, ballot -----------------------------------------------


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


# --- The polling desk ------------------------------------------------------------------------


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


# --- The guardians: the key ceremony and the opening -----------------------------------------


SHARE_FILE_MAX_BYTES = 1024


class CeremonyForm(forms.Form):
    # The key the page was showing: a re-sent form (a reload, a double click) after a ceremony
    # no longer matches, and must not silently replace the shares just handed out.
    expected_key = forms.CharField(required=False, widget=forms.HiddenInput)
    threshold = forms.TypedChoiceField(
        label=_("Garanti necessari per aprire le buste"),
        coerce=int,
        help_text=_(
            "Quanti garanti, insieme, potranno aprire le buste dopo la chiusura. Con meno di "
            "questi nessuno può leggere un voto; se se ne perdono di più, il voto online non si "
            "può più aprire."
        ),
    )

    def __init__(self, *args, guardians: int, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in range(2, guardians + 1)]
        self.fields["threshold"].choices = choices
        self.fields["threshold"].initial = (guardians // 2) + 1 if guardians > 1 else None


class OpeningForm(forms.Form):
    """One share per guardian present: pasted as text, or the downloaded file."""

    def __init__(self, *args, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.guardians = guardians
        for guardian in guardians:
            self.fields[f"share_{guardian.position}"] = forms.CharField(
                label=_("Quota di %(name)s") % {"name": guardian.name},
                required=False,
                strip=True,
                max_length=200,
                widget=forms.Textarea(
                    attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}
                ),
            )
            self.fields[f"file_{guardian.position}"] = forms.FileField(
                label=_("oppure il file della quota di %(name)s") % {"name": guardian.name},
                required=False,
            )

    def clean(self):
        data = super().clean()
        for guardian in self.guardians:
            upload = data.get(f"file_{guardian.position}")
            if upload is None:
                continue
            if upload.size > SHARE_FILE_MAX_BYTES:
                self.add_error(
                    f"file_{guardian.position}", _("Questo file è troppo grande per una quota.")
                )
                continue
            try:
                data[f"share_{guardian.position}"] = upload.read().decode("utf-8").strip()
            except UnicodeDecodeError:
                self.add_error(
                    f"file_{guardian.position}", _("Questo file non contiene una quota leggibile.")
                )
        if not self.errors and not any(self.shares_from(data)):
            raise forms.ValidationError(_("Inserisci le quote dei garanti presenti."))
        return data

    def shares_from(self, data) -> list[str]:
        return [
            data.get(f"share_{guardian.position}", "")
            for guardian in self.guardians
            if data.get(f"share_{guardian.position}", "")
        ]

    def shares(self) -> list[str]:
        return self.shares_from(self.cleaned_data)
