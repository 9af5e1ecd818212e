from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def it_date(value, arg: str = "j F Y") -> str:
    """Like |date, with the names of days and months in lower case in Italian, as in a sentence
    (Django's Italian formats capitalise them); |capfirst restores the first letter."""
    label = date_filter(value, arg)
    return label.lower() if (get_language() or "").startswith("it") else label
