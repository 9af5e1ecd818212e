from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def elided_page_range(page: Page):
    """Page numbers around the current one, with the paginator's ellipsis for the gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
