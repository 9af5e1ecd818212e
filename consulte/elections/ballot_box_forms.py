from django import forms
from django.utils.translation import gettext_lazy as _

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
