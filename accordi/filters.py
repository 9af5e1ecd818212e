import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collabcity.models import Organisation, Quartiere

from .models import PUBLIC_STATUSES, Agreement, Party, Status, Theme

FIRST_YEAR = 2015


def year_choices() -> list[tuple[str, str]]:
    return [
        (str(year), str(year)) for year in range(timezone.localdate().year + 1, FIRST_YEAR - 1, -1)
    ]


def search(queryset, text: str):
    """Full text in Italian on PostgreSQL («ragazzo» finds «ragazzi»), plus plain substrings of
    the title, the summary and the parties' names (a word being typed, «portier»)."""
    text = text.strip()
    if not text:
        return queryset
    substring = Q(title__icontains=text) | Q(summary__icontains=text)
    by_party = Agreement.objects.filter(
        Q(parties__name__icontains=text) | Q(parties__organisation__name__icontains=text)
    )
    if connection.vendor != "postgresql":
        return queryset.filter(
            substring | Q(objectives__icontains=text) | Q(pk__in=by_party.values("pk"))
        )
    vector = (
        SearchVector("title", weight="A", config="italian")
        + SearchVector("summary", weight="B", config="italian")
        + SearchVector("objectives", "resources", weight="C", config="italian")
    )
    query = SearchQuery(text, config="italian", search_type="websearch")
    matching = Agreement.objects.annotate(search=vector).filter(search=query)
    return (
        queryset.filter(
            substring | Q(pk__in=matching.values("pk")) | Q(pk__in=by_party.values("pk"))
        )
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "-start_date", "title")
    )


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cerca"), method="filter_search", max_length=200)
    quartiere = django_filters.ChoiceFilter(
        label=_("Quartiere"),
        field_name="quartieri__slug",
        choices=[],
        empty_label=_("Tutti i quartieri"),
    )
    stato = django_filters.ChoiceFilter(
        label=_("Stato"),
        field_name="status",
        choices=[(s.value, s.label) for s in (*PUBLIC_STATUSES, Status.WITHDRAWN)],
        empty_label=_("Tutti gli stati"),
    )
    anno = django_filters.ChoiceFilter(
        label=_("In vigore nell'anno"),
        choices=[],
        method="filter_year",
        empty_label=_("Tutti gli anni"),
    )
    tema = django_filters.ChoiceFilter(
        label=_("Tema"), field_name="theme", choices=Theme.choices, empty_label=_("Tutti i temi")
    )
    organizzazione = django_filters.ChoiceFilter(
        label=_("Organizzazione"),
        field_name="parties__organisation__slug",
        choices=[],
        empty_label=_("Tutte le organizzazioni"),
        distinct=True,
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Computed per request, so that a new year appears on 1 January without a restart.
        self.filters["anno"].extra["choices"] = year_choices()
        self.filters["quartiere"].extra["choices"] = list(
            Quartiere.objects.order_by("name").values_list("slug", "name")
        )
        # Only the organisations of public agreements: a draft's parties are not public yet.
        self.filters["organizzazione"].extra["choices"] = list(
            Organisation.objects.filter(
                pk__in=Party.objects.filter(
                    agreement__in=Agreement.objects.public(), organisation__isnull=False
                ).values("organisation")
            )
            .order_by("name")
            .values_list("slug", "name")
        )

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value)) if value not in (None, "") else queryset
