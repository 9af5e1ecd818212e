import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from collabcity.models import Organisation, Quartiere

from .models import Opportunity, Shift, Skill


class OpportunityFilter(django_filters.FilterSet):
    quartiere = django_filters.ModelChoiceFilter(
        label=_("Quartiere"),
        queryset=Quartiere.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Tutti i quartieri"),
    )
    competenza = django_filters.ModelChoiceFilter(
        label=_("Competenza"),
        field_name="skills",
        queryset=Skill.objects.all(),
        to_field_name="code",
        empty_label=_("Tutte le competenze"),
    )
    data = django_filters.DateFilter(
        label=_("Con un turno il giorno"),
        method="filter_shift_date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ente = django_filters.ModelChoiceFilter(
        label=_("Ente proponente"),
        field_name="organisation",
        queryset=Organisation.objects.filter(volunteering_opportunities__published=True).distinct(),
        to_field_name="slug",
        empty_label=_("Tutti gli enti"),
    )

    class Meta:
        model = Opportunity
        fields = []

    def filter_shift_date(self, queryset, name, value):
        shifts = Shift.objects.filter(opportunity=OuterRef("pk"), starts_at__date=value)
        return queryset.filter(Exists(shifts))
