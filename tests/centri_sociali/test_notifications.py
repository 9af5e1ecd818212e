"""The wording of the centres' notifications: one template pair per event, translatable."""

import pytest
from django.utils import translation

from centri_sociali import services
from collabcity.models import Notification
from tests.factories import CentreFactory, UserFactory

from .factories import ActivityFactory, RoomFactory, rome


@pytest.fixture
def course(db):
    centre = CentreFactory(name="Centro sociale Orologio")
    return ActivityFactory(
        centre=centre, room=RoomFactory(centre=centre, name="Salone"), title="Burraco",
        registration_required=True, capacity=1,
        starts_at=rome(2030, 1, 7, 18), ends_at=rome(2030, 1, 7, 19),
    )  # fmt: skip


@pytest.fixture
def follower(course):
    user = UserFactory()
    services.follow_centre(centre=course.centre, user=user)
    return user


def test_suspended_date_says_what_where_when_and_the_note(course, follower):
    services.cancel_occurrence(activity=course, original_start=course.starts_at, note="Neve.")

    notification = Notification.objects.get(recipient=follower)
    assert notification.subject == "Sospesa: Burraco"
    assert notification.body == (
        "«Burraco» al Centro sociale Orologio è sospesa: "
        "lunedì 7 gennaio 2030 dalle 18:00 alle 19:00.\nNeve."
    )


def test_moved_date_says_before_after_and_the_room(course, follower):
    other = RoomFactory(centre=course.centre, name="Saletta")
    services.move_occurrence(activity=course, original_start=course.starts_at,
                             starts_at=rome(2030, 1, 8, 10), ends_at=rome(2030, 1, 8, 11),
                             room=other)  # fmt: skip

    notification = Notification.objects.get(recipient=follower)
    assert notification.subject == "Cambio di orario: Burraco"
    assert notification.body == (
        "«Burraco» al Centro sociale Orologio non si terrà lunedì 7 gennaio 2030 dalle 18:00 "
        "alle 19:00 ma martedì 8 gennaio 2030 dalle 10:00 alle 11:00, nella sala «Saletta»."
    )


def test_moved_date_without_a_room_names_none(course, follower):
    services.move_occurrence(activity=course, original_start=course.starts_at,
                             starts_at=rome(2030, 1, 8, 10), ends_at=rome(2030, 1, 8, 11),
                             room=None, note="All'aperto.")  # fmt: skip

    body = Notification.objects.get(recipient=follower).body
    assert body.endswith("ma martedì 8 gennaio 2030 dalle 10:00 alle 11:00.\nAll'aperto.")


def test_promoted_person_is_told_the_place_is_theirs(course):
    first, waiting = UserFactory(), UserFactory()
    place = services.register(activity=course, original_start=course.starts_at, user=first)
    services.register(activity=course, original_start=course.starts_at, user=waiting)

    services.cancel_registration(registration=place)

    notification = Notification.objects.get(recipient=waiting)
    assert notification.subject == "Si è liberato un posto: Burraco"
    assert notification.body == (
        "Eri in lista d'attesa per «Burraco» al Centro sociale Orologio, lunedì 7 gennaio 2030 "
        "dalle 18:00 alle 19:00: ora il posto è tuo. Se non puoi venire, annulla l'iscrizione "
        "dal portale."
    )


def test_messages_follow_the_language_of_the_change(course, follower):
    with translation.override("en"):
        services.cancel_occurrence(activity=course, original_start=course.starts_at)

    notification = Notification.objects.get(recipient=follower)
    assert notification.subject == "Cancelled: Burraco"
    assert notification.body.startswith("‘Burraco’ at Centro sociale Orologio is cancelled: ")
