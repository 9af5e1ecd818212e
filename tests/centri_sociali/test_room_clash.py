"""A room holds one activity at a time: series, single dates and moved dates alike."""

import threading
from datetime import date

import pytest
from django.db import connection

from centri_sociali import services
from centri_sociali.models import Activity

from .factories import ActivityFactory, RoomFactory, rome, weekly


@pytest.fixture
def room(db):
    return RoomFactory(name="Sala grande")


def test_single_date_overlapping_another_is_refused_naming_it(room):
    ActivityFactory(
        centre=room.centre, room=room, title="Burraco", starts_at=rome(2027, 3, 4, 15),
        ends_at=rome(2027, 3, 4, 17),
    )  # fmt: skip
    with pytest.raises(services.RoomClashError) as error:
        ActivityFactory(
            centre=room.centre, room=room, title="Yoga", starts_at=rome(2027, 3, 4, 16),
            ends_at=rome(2027, 3, 4, 18),
        )  # fmt: skip

    message = error.value.messages[0]
    assert "Sala grande" in message and "Burraco" in message
    assert "giovedì 4 marzo 2027" in message and "15:00" in message and "17:00" in message
    assert Activity.objects.count() == 1


def test_back_to_back_activities_do_not_clash(room):
    ActivityFactory(centre=room.centre, room=room, starts_at=rome(2027, 3, 4, 15),
                    ends_at=rome(2027, 3, 4, 17))  # fmt: skip
    ActivityFactory(centre=room.centre, room=room, starts_at=rome(2027, 3, 4, 17),
                    ends_at=rome(2027, 3, 4, 18))  # fmt: skip
    assert Activity.objects.count() == 2


def test_same_time_in_another_room_is_fine(room):
    other = RoomFactory(centre=room.centre)
    ActivityFactory(centre=room.centre, room=room)
    ActivityFactory(centre=room.centre, room=other)
    assert Activity.objects.count() == 2


def test_weekly_series_clashing_with_a_monthly_one_months_later_is_refused(room):
    # Ballo on the first Friday of each month from January; a weekly Friday course from March.
    weekly(
        centre=room.centre, room=room, title="Ballo liscio",
        recurrence=Activity.Recurrence.MONTHLY, month_week=1, weekdays=[],
        starts_at=rome(2027, 1, 1, 20), ends_at=rome(2027, 1, 1, 23), repeat_count=12,
    )  # fmt: skip
    with pytest.raises(services.RoomClashError) as error:
        weekly(
            centre=room.centre, room=room, title="Teatro", weekdays=[4],
            starts_at=rome(2027, 3, 12, 21), ends_at=rome(2027, 3, 12, 22),
            repeat_until=date(2027, 6, 30), repeat_count=None,
        )  # fmt: skip
    assert "Ballo liscio" in error.value.messages[0]
    assert "2 aprile 2027" in error.value.messages[0]  # the first Friday of April


def test_series_that_skips_the_cancelled_date_of_another_is_allowed(room):
    ginnastica = ActivityFactory(
        centre=room.centre, room=room, title="Ginnastica",
        starts_at=rome(2027, 3, 4, 10), ends_at=rome(2027, 3, 4, 11),
    )  # fmt: skip
    services.cancel_occurrence(activity=ginnastica, original_start=rome(2027, 3, 4, 10))
    ActivityFactory(centre=room.centre, room=room, starts_at=rome(2027, 3, 4, 10),
                    ends_at=rome(2027, 3, 4, 11))  # fmt: skip
    assert Activity.objects.count() == 2


def test_moving_a_date_onto_another_activity_is_refused(room):
    weekly(centre=room.centre, room=room, title="Inglese", weekdays=[0],
           starts_at=rome(2027, 3, 1, 18), ends_at=rome(2027, 3, 1, 19))  # fmt: skip
    yoga = weekly(centre=room.centre, room=room, title="Yoga", weekdays=[1],
                  starts_at=rome(2027, 3, 2, 18), ends_at=rome(2027, 3, 2, 19))  # fmt: skip
    with pytest.raises(services.RoomClashError) as error:
        services.move_occurrence(
            activity=yoga, original_start=rome(2027, 3, 9, 18),
            starts_at=rome(2027, 3, 8, 18, 30), ends_at=rome(2027, 3, 8, 19, 30), room=room,
        )  # fmt: skip
    assert "Inglese" in error.value.messages[0]
    assert not yoga.occurrences.exists()


def test_moving_a_date_onto_the_next_date_of_its_own_series_is_refused(room):
    yoga = weekly(centre=room.centre, room=room, title="Yoga", weekdays=[1],
                  starts_at=rome(2027, 3, 2, 18), ends_at=rome(2027, 3, 2, 19))  # fmt: skip
    with pytest.raises(services.RoomClashError):
        services.move_occurrence(
            activity=yoga, original_start=rome(2027, 3, 2, 18),
            starts_at=rome(2027, 3, 9, 18), ends_at=rome(2027, 3, 9, 19), room=room,
        )  # fmt: skip


def test_a_date_moved_into_the_room_blocks_a_new_activity(room):
    other_room = RoomFactory(centre=room.centre)
    corso = weekly(centre=room.centre, room=other_room, title="Informatica", weekdays=[2],
                   starts_at=rome(2027, 3, 3, 9), ends_at=rome(2027, 3, 3, 11))  # fmt: skip
    services.move_occurrence(
        activity=corso, original_start=rome(2027, 3, 10, 9),
        starts_at=rome(2027, 3, 10, 9), ends_at=rome(2027, 3, 10, 11), room=room,
    )  # fmt: skip
    with pytest.raises(services.RoomClashError) as error:
        ActivityFactory(centre=room.centre, room=room, starts_at=rome(2027, 3, 10, 10),
                        ends_at=rome(2027, 3, 10, 12))  # fmt: skip
    assert "Informatica" in error.value.messages[0]


def test_changing_a_series_checks_its_own_moved_dates(room):
    other_room = RoomFactory(centre=room.centre)
    ActivityFactory(centre=room.centre, room=room, title="Cena sociale",
                    starts_at=rome(2027, 3, 10, 20), ends_at=rome(2027, 3, 10, 23))  # fmt: skip
    corso = weekly(centre=room.centre, room=other_room, title="Corso", weekdays=[2],
                   starts_at=rome(2027, 3, 3, 9), ends_at=rome(2027, 3, 3, 11))  # fmt: skip
    services.move_occurrence(
        activity=corso, original_start=rome(2027, 3, 10, 9),
        starts_at=rome(2027, 3, 10, 20), ends_at=rome(2027, 3, 10, 21), room=other_room,
    )  # fmt: skip
    corso.room = room
    with pytest.raises(services.RoomClashError):
        services.save_activity(activity=corso)


def test_room_of_another_centre_is_refused(room):
    with pytest.raises(services.ActivityError):
        ActivityFactory(room=room)  # the factory makes a new centre


def test_capacity_above_the_room_is_refused(room):
    with pytest.raises(services.ActivityError):
        ActivityFactory(centre=room.centre, room=room, capacity=room.capacity + 1)


@pytest.mark.django_db(transaction=True)
def test_two_managers_booking_the_same_room_at_once_cannot_both_succeed():
    room = RoomFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def book(title):
        try:
            barrier.wait()
            activity = Activity(
                centre=room.centre, room=room, title=title, category=Activity.Category.COURSES,
                starts_at=rome(2027, 3, 4, 15), ends_at=rome(2027, 3, 4, 17),
            )  # fmt: skip
            services.save_activity(activity=activity)
            outcomes.append("saved")
        except services.RoomClashError:
            outcomes.append("clash")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(f"Corso {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["clash", "saved"]
    assert Activity.objects.filter(room=room).count() == 1


def test_restoring_a_suspended_date_checks_the_room_again(room):
    corso = ActivityFactory(
        centre=room.centre, room=room, title="Corso",
        starts_at=rome(2027, 3, 4, 10), ends_at=rome(2027, 3, 4, 11),
    )  # fmt: skip
    services.cancel_occurrence(activity=corso, original_start=rome(2027, 3, 4, 10))
    ActivityFactory(centre=room.centre, room=room, title="Riunione",
                    starts_at=rome(2027, 3, 4, 10), ends_at=rome(2027, 3, 4, 12))  # fmt: skip
    with pytest.raises(services.RoomClashError) as error:
        services.restore_occurrence(activity=corso, original_start=rome(2027, 3, 4, 10))
    assert "Riunione" in error.value.messages[0]
    assert corso.occurrences.get().cancelled
