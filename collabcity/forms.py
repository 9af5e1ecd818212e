import hashlib
from itertools import groupby
from operator import attrgetter

from django import forms
from django.db import models
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import MutedTopic, Quartiere, User

# Web addresses typed without a scheme are https (Django 6's default, chosen now): for admin
# `formfield_overrides` and for model forms' `formfield_callback`.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def https_url_formfield(field: models.Field, **kwargs) -> forms.Field | None:
    return field.formfield(**HTTPS_URL_FIELDS.get(type(field), {}), **kwargs)


class GroupedByAmbito(BaseChoiceIterator):
    """Lazy choices, so that the query runs when the select is rendered, not at import."""

    def __init__(self, field: "QuartiereChoiceField"):
        self.field = field

    @property
    def kept_as(self) -> str | None:
        """Every quartiere is made of two tracked tables: {% select_options %} keeps their
        options under the page version (collabcity.page_cache.kept_under_version), once per
        empty label. A field narrowed to some of them is written each time."""
        query = self.field.queryset.query
        if query.where or query.is_sliced:
            return None
        label = hashlib.sha256(str(self.field.empty_label).encode()).hexdigest()[:12]
        return f"quartiere-options:{label}"

    def __iter__(self):
        yield ("", self.field.empty_label)
        # The queryset comes ordered by ambito: one group after the other.
        for _ambito_id, quartieri in groupby(self.field.queryset, key=attrgetter("ambito_id")):
            quartieri = list(quartieri)
            yield (str(quartieri[0].ambito), [(q.slug, q.name) for q in quartieri])


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
        muted = set(self.instance.muted_topics.values_list("topic", flat=True))
        for topic in registry.topics():
            self.fields[self.topic_field_name(topic)] = forms.BooleanField(
                label=topic.label, required=False, initial=topic.code not in muted
            )

    @staticmethod
    def topic_field_name(topic: registry.Topic) -> str:
        return f"topic_{topic.code}"

    def topic_fields(self) -> list[forms.BoundField]:
        """The per-topic e-mail switches, one for each topic the programmes register."""
        return [self[self.topic_field_name(topic)] for topic in registry.topics()]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit:
            muted = [
                topic.code
                for topic in registry.topics()
                if not self.cleaned_data[self.topic_field_name(topic)]
            ]
            user.muted_topics.exclude(topic__in=muted).delete()
            MutedTopic.objects.bulk_create(
                [MutedTopic(user=user, topic=code) for code in muted], ignore_conflicts=True
            )
        return user

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "quartiere",
            "email_notifications",
        ]
