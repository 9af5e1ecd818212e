from django import template
from django.core.paginator import Page

from collabcity.city import Citation, citations
from collabcity.models import CityRecord

register = template.Library()


@register.filter
def elided_page_range(page: Page):
    """Page numbers around the current one, with the paginator's ellipsis for the gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.simple_tag
def city_citations(record: CityRecord) -> list[Citation]:
    """The sources of a record of the city data, for includes/citations.html."""
    return citations(record)
