"""Filters of the city calendar, its feeds and the network list; all kept in the URL."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from collabcity.models import Quartiere

from .models import Activity, CalendarDate, CalendarDateQuerySet, Centre

# A window longer than this would expand thousands of dates for one page.
MAX_WINDOW = timedelta(days=366)


class CalendarFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("dal"), cleaned.get("al")
        if start and end and end < start:
            raise forms.ValidationError(_("La data «al» deve venire dopo la data «dal»."))
        if start and end and end - start > MAX_WINDOW:
            raise forms.ValidationError(_("Si può cercare al massimo in un anno di calendario."))
        return cleaned


def quartiere_choices() -> list[tuple[str, str]]:
    """The quartieri that have a centre, by slug: one query, no model instances."""
    return list(
        Quartiere.objects.filter(centres__isnull=False)
        .values_list("slug", "name")
        .distinct()
        .order_by("name")
    )


class ChoicesOnceMixin:
    """Choices read from the database once per request, when the filterset is made.

    A model choice field counts its queryset and then reads it, for validating and again
    for rendering; plain choices computed here cost one query per list and keep the pages'
    query count fixed.
    """

    choice_sources: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, source in self.choice_sources.items():
            self.filters[name].extra["choices"] = source()


class ActivityFilter(ChoicesOnceMixin, django_filters.FilterSet):
    quartiere = django_filters.ChoiceFilter(
        label=_("Quartiere"),
        field_name="centre__quartiere__slug",
        empty_label=_("Tutti i quartieri"),
    )
    centro = django_filters.ChoiceFilter(
        label=_("Centro"),
        field_name="centre__slug",
        empty_label=_("Tutti i centri"),
    )
    categoria = django_filters.ChoiceFilter(
        label=_("Categoria"),
        field_name="category",
        choices=Activity.Category.choices,
        empty_label=_("Tutte le categorie"),
    )
    pubblico = django_filters.ChoiceFilter(
        label=_("Pubblico"),
        field_name="audience",
        choices=Activity.Audience.choices,
        empty_label=_("Qualsiasi pubblico"),
    )
    dal = django_filters.DateFilter(
        label=_("Dal giorno"),
        method="starting_from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    al = django_filters.DateFilter(
        label=_("Al giorno"),
        method="ending_on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    gratuite = django_filters.BooleanFilter(
        label=_("Solo attività gratuite"), method="free_only", widget=forms.CheckboxInput
    )

    class Meta:
        model = Activity
        fields = ["quartiere", "centro", "categoria", "pubblico", "dal", "al", "gratuite"]
        form = CalendarFilterForm

    choice_sources = {
        "quartiere": quartiere_choices,
        "centro": lambda: list(Centre.objects.order_by("name").values_list("slug", "name")),
    }

    def free_only(self, queryset, name, value):
        return queryset.free() if value else queryset

    def dates(self) -> CalendarDateQuerySet:
        """The public calendar dates of the series these filters keep (the views leave the days
        to calendar.starting_in); the filterset must be valid."""
        cleaned = self.form.cleaned_data
        return CalendarDate.objects.public().matching(
            quartiere=cleaned["quartiere"],
            centre=cleaned["centro"],
            category=cleaned["categoria"],
            audience=cleaned["pubblico"],
            free=bool(cleaned["gratuite"]),
        )

    # The dates choose the window of the views (calendar.starting_in); on the series they
    # only trim what cannot have a date in it, for the feeds, which export whole series.
    def starting_from(self, queryset, name, value):
        return queryset.from_day(value)

    def ending_on(self, queryset, name, value):
        return queryset.until_day(value)


class CentreFilter(ChoicesOnceMixin, django_filters.FilterSet):
    """The network list. The facilities offered come from the view, which reads the links
    between centres and facilities once for both this list and the table."""

    quartiere = django_filters.ChoiceFilter(
        label=_("Quartiere"),
        field_name="quartiere__slug",
        empty_label=_("Tutti i quartieri"),
    )
    servizio = django_filters.ChoiceFilter(
        label=_("Servizio"),
        field_name="facilities__slug",
        empty_label=_("Qualsiasi servizio"),
    )
    attivita = django_filters.ChoiceFilter(
        label=_("Attività proposte"),
        method="offering",
        choices=Activity.Category.choices,
        empty_label=_("Qualsiasi attività"),
    )

    class Meta:
        model = Centre
        fields = ["quartiere", "servizio", "attivita"]

    choice_sources = {"quartiere": quartiere_choices}

    def __init__(self, *args, facility_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["servizio"].extra["choices"] = facility_choices

    def offering(self, queryset, name, value):
        return queryset.filter(
            pk__in=Activity.objects.published().filter(category=value).values("centre_id")
        )
