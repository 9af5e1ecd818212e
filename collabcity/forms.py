from django import forms
from django.db import models
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import Quartiere, User

# Web addresses typed without a scheme are https (Django 6's default, chosen now): for admin
# `formfield_overrides` and for model forms' `formfield_callback`.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def https_url_formfield(field: models.Field, **kwargs) -> forms.Field | None:
    return field.formfield(**HTTPS_URL_FIELDS.get(type(field), {}), **kwargs)


class GroupedByAmbito(BaseChoiceIterator):
    """Lazy choices, so that the query runs when the select is rendered, not at import."""

    def __init__(self, field: "QuartiereChoiceField"):
        self.field = field

    def __iter__(self):
        groups: dict[str, list[tuple[str, str]]] = {}
        for quartiere in self.field.queryset:
            groups.setdefault(str(quartiere.ambito), []).append((quartiere.slug, quartiere.name))
        yield ("", self.field.empty_label)
        yield from groups.items()


class QuartiereChoiceField(forms.ModelChoiceField):
    """A select of the quartieri grouped by ambito, as the city presents them."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Quartiere.objects.with_ambito(),
            to_field_name="slug",
            empty_label=_("Scegli un quartiere o una frazione"),
            **kwargs,
        )

    def _get_choices(self):
        return GroupedByAmbito(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class QuartiereFinderForm(forms.Form):
    quartiere = QuartiereChoiceField(
        label=_("Il tuo quartiere"),
        error_messages={
            "invalid_choice": _("Il quartiere scelto non esiste: scegline uno dall'elenco.")
        },
    )


class ProfileForm(forms.ModelForm):
    quartiere = QuartiereChoiceField(
        label=_("Quartiere di residenza"),
        required=False,
        help_text=_("Serve a mostrarti prima ciò che accade vicino a te."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The select's options carry slugs, while a ModelForm's initial value is the pk.
        if self.instance.quartiere_id:
            self.initial["quartiere"] = self.instance.quartiere.slug

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "quartiere",
            "email_notifications",
            "notify_elections",
            "notify_calendar",
            "notify_agreements",
            "notify_volunteering",
        ]
