"""{% date_line %}: one date of an activity as every list of dates writes it."""

from datetime import timedelta

import pytest
from django.template import engines
from django.utils import translation

from centri_sociali.recurrence import Slot

from .factories import ActivityFactory, rome

LINE = engines["django"].from_string(
    "{% load centri %}{% date_line slot show_centre=show_centre show_day=show_day %}"
)


def render(slot, *, show_centre=False, show_day=False, language="it"):
    with translation.override(language):
        return LINE.render({"slot": slot, "show_centre": show_centre, "show_day": show_day})


@pytest.fixture
def activity(room):
    start = rome(2030, 1, 7, 18)
    return ActivityFactory(
        centre=room.centre, room=room, title="Burraco <serale>", starts_at=start,
        ends_at=start + timedelta(minutes=90),
    )  # fmt: skip


def slot_of(activity, **state):
    start = activity.starts_at
    return Slot(activity, start, start, activity.ends_at, state.pop("room", activity.room), **state)


def test_a_date_with_its_room(activity):
    link = f'<a href="/centri-sociali/attivita/{activity.pk}/20300107T170000Z/">'
    assert render(slot_of(activity)) == (
        '\n<span class="slot-time">18:00–19:30</span>\n'
        f"\n  {link}Burraco &lt;serale&gt;</a>\n  \n"
        '\n<span class="d-block small">Salone</span>\n'
    )


def test_a_suspended_date_with_its_day_centre_and_room(activity):
    assert render(slot_of(activity, cancelled=True), show_centre=True, show_day=True) == (
        '\n<span class="slot-time">lun 7 gen, 18:00–19:30</span>\n'
        '\n  <span class="badge bg-danger">Sospesa</span>\n'
        f'  <del><a href="{slot_of(activity).get_absolute_url()}">Burraco &lt;serale&gt;</a>'
        "</del>\n\n"
        '<span class="d-block small">Centro sociale Orologio · Salone</span>\n'
    )


def test_a_moved_date_without_a_room_in_english(activity):
    line = render(slot_of(activity, moved=True, room=None), show_day=True, language="en")
    assert '<span class="slot-time">Mon 7 Jan, 18:00–19:30</span>' in line
    assert '<span class="badge bg-warning text-dark">Moved</span>' in line
    assert "d-block small" not in line  # neither centre nor room asked or known


def test_the_centre_without_a_room(activity):
    line = render(slot_of(activity, room=None), show_centre=True)
    assert line.endswith('<span class="d-block small">Centro sociale Orologio</span>\n')
