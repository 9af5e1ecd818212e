from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def it_date(value, arg: str = "j F Y") -> str:
    """Like |date, with the names of days and months in lower case in Italian, as in a sentence
    (Django's Italian formats capitalise them); |capfirst restores the first letter."""
    label = date_filter(value, arg)
    return label.lower() if (get_language() or "").startswith("it") else label


@register.simple_tag
def date_line(slot, *, show_centre: bool = False, show_day: bool = False) -> str:
    """One date of an activity in a list: its time, its title linked to the date's page, whether
    it is suspended or moved, and (show_centre) its centre or else its room.

    Written in Python rather than as an included template: a month of the city calendar shows
    well over a hundred dates, and the include's context and lookups were a third of its time.
    """
    start, end = slot.local_start, slot.local_end
    day = f"{it_date(start, 'D j M')}, " if show_day else ""
    time = format_html(
        '<span class="slot-time">{}{}–{}</span>', day, f"{start:%H:%M}", f"{end:%H:%M}"
    )
    link = format_html('<a href="{}">{}</a>', slot.get_absolute_url(), slot.activity.title)
    if slot.cancelled:
        badge = format_html('<span class="badge bg-danger">{}</span>', _("Sospesa"))
        status = format_html("\n  {}\n  <del>{}</del>\n", badge, link)
    else:
        badge = ""
        if slot.moved:
            badge = format_html('<span class="badge bg-warning text-dark">{}</span>', _("Spostata"))
        status = format_html("\n  {}\n  {}\n", link, badge)
    place = ""
    if show_centre:
        room = format_html(" · {}", slot.room.name) if slot.room else ""
        place = format_html(
            '<span class="d-block small">{}{}</span>', slot.activity.centre.name, room
        )
    elif slot.room:
        place = format_html('<span class="d-block small">{}</span>', slot.room.name)
    return format_html("\n{}\n{}\n{}\n", time, status, place)
