import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accordi.models import Call, Proposal, Theme
from collabcity.models import Quartiere

PUBLIC_STATUSES = [status for status in Proposal.Status if status != Proposal.Status.DRAFT]


def search(queryset, text: str):
    """As the agreements' search: Italian full text on PostgreSQL («orto» finds «orti»), plus
    plain substrings of the title and the summary (a word being typed); substrings only on the
    embedded SQLite of `make run`."""
    text = text.strip()
    if not text:
        return queryset
    substring = Q(title__icontains=text) | Q(summary__icontains=text)
    if connection.vendor != "postgresql":
        return queryset.filter(substring | Q(need__icontains=text) | Q(activities__icontains=text))
    vector = (
        SearchVector("title", weight="A", config="italian")
        + SearchVector("summary", weight="B", config="italian")
        + SearchVector("need", "activities", weight="C", config="italian")
    )
    query = SearchQuery(text, config="italian", search_type="websearch")
    matching = Proposal.objects.annotate(search=vector).filter(search=query)
    return (
        queryset.filter(substring | Q(pk__in=matching.values("pk")))
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "-submitted_at", "-pk")
    )


class ProposalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cerca"), method="filter_search", max_length=200)
    quartiere = django_filters.ChoiceFilter(
        label=_("Quartiere"),
        field_name="quartieri__slug",
        choices=[],
        empty_label=_("Tutti i quartieri"),
    )
    avviso = django_filters.ChoiceFilter(
        label=_("Avviso"),
        choices=[],
        method="filter_call",
        empty_label=_("Tutte, con o senza avviso"),
    )
    stato = django_filters.ChoiceFilter(
        label=_("Stato"),
        field_name="status",
        choices=[(status.value, status.label) for status in PUBLIC_STATUSES],
        empty_label=_("Tutti gli stati"),
    )
    tema = django_filters.ChoiceFilter(
        label=_("Tema"), field_name="theme", choices=Theme.choices, empty_label=_("Tutti i temi")
    )

    # The value of `avviso` for the proposals that answer no call.
    SPONTANEOUS = "spontanee"

    class Meta:
        model = Proposal
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["quartiere"].extra["choices"] = list(
            Quartiere.objects.order_by("name").values_list("slug", "name")
        )
        self.filters["avviso"].extra["choices"] = [
            (self.SPONTANEOUS, _("Proposte spontanee")),
            *Call.objects.published().order_by("-opens_on").values_list("slug", "title"),
        ]

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_call(self, queryset, name, value):
        if value == self.SPONTANEOUS:
            return queryset.filter(call__isnull=True)
        return queryset.filter(call__slug=value) if value else queryset

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.base_filters)
