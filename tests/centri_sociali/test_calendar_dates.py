"""The stored calendar (CalendarDate) always equals a fresh expansion of the series' rules.

Every writer of a series, of one of its dates or of the facts the filters read is exercised
here through the service or the admin, and the table is compared with recurrence.expand.
"""

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from centri_sociali import portal, recurrence, services
from centri_sociali.models import Activity, CalendarDate
from tests.factories import CentreFactory, QuartiereFactory, UserFactory

from .factories import ActivityFactory, RoomFactory, rome, weekly
from .test_admin import admin_post

FIELDS = (
    "original_start", "starts_at", "local_day", "ends_at", "room_id", "cancelled", "moved",
    "centre_id", "quartiere_id", "title", "category", "audience", "free", "published",
)  # fmt: skip


BEFORE_THE_DATES = ("centri_sociali", "0004_calendar_dates")


def stored(activity: Activity) -> list[tuple]:
    return sorted(CalendarDate.objects.filter(activity=activity).values_list(*FIELDS))


def expanded(activity: Activity) -> list[tuple]:
    """What the rule and the stored occurrences give, read afresh from the database."""
    activity = Activity.objects.select_related("centre", "room").get(pk=activity.pk)
    far = timedelta(days=3650)
    return sorted(
        (
            slot.original_start,
            slot.start,
            slot.local_start.date(),
            slot.end,
            slot.room.pk if slot.room else None,
            slot.cancelled,
            slot.moved,
            activity.centre_id,
            activity.centre.quartiere_id,
            activity.title,
            activity.category,
            activity.audience,
            activity.is_free,
            activity.published,
        )  # fmt: skip
        for slot in recurrence.expand(activity, activity.starts_at - far, activity.ends_at + far)
    )


def assert_matches(activity: Activity) -> None:
    rows = stored(activity)
    assert rows, "the series has dates"
    assert rows == expanded(activity)


@pytest.fixture
def course(room):
    return weekly(
        centre=room.centre, room=room, title="Ginnastica dolce", weekdays=[1, 3],
        starts_at=rome(2027, 3, 2, 18), ends_at=rome(2027, 3, 2, 19), repeat_count=10,
    )  # fmt: skip


def test_a_new_series_has_every_date_stored(course):
    assert len(stored(course)) == 10
    assert_matches(course)


def test_a_changed_schedule_and_facts_rewrite_the_dates(course):
    other_centre = CentreFactory(quartiere=QuartiereFactory())
    course.weekdays, course.repeat_count = [0], 6
    course.title, course.category, course.audience = "Yoga", "corsi", "adulti"
    course.price, course.published = Decimal("4.00"), False
    course.centre, course.room = other_centre, RoomFactory(centre=other_centre)
    services.save_activity(activity=course)
    assert len(stored(course)) == 6
    assert_matches(course)


def test_suspending_restoring_and_moving_a_date_rewrite_it(course, room):
    second = rome(2027, 3, 4, 18)
    services.cancel_occurrence(activity=course, original_start=second)
    assert_matches(course)
    assert CalendarDate.objects.get(activity=course, original_start=second).cancelled

    services.restore_occurrence(activity=course, original_start=second)
    assert_matches(course)

    other_room = RoomFactory(centre=room.centre)
    services.move_occurrence(
        activity=course, original_start=second, starts_at=rome(2027, 3, 5, 10),
        ends_at=rome(2027, 3, 5, 12), room=other_room,
    )  # fmt: skip
    assert_matches(course)
    moved = CalendarDate.objects.get(activity=course, original_start=second)
    assert (moved.starts_at, moved.room, moved.moved) == (rome(2027, 3, 5, 10), other_room, True)


def test_a_registration_leaves_the_dates_as_they_are(course):
    course.registration_required = True
    services.save_activity(activity=course)
    before = stored(course)
    services.register(activity=course, original_start=rome(2027, 3, 4, 18), user=UserFactory())
    assert stored(course) == before
    assert_matches(course)


def test_a_deleted_series_leaves_no_date(course):
    services.delete_activity(activity=course)
    assert not CalendarDate.objects.exists()


def test_the_centres_quartiere_follows_it(course):
    centre = course.centre
    centre.quartiere = QuartiereFactory(name="Rosta Nuova")
    centre.save()
    assert set(CalendarDate.objects.values_list("quartiere", flat=True)) == {centre.quartiere.pk}
    assert_matches(course)


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_writes_the_dates_of_what_it_saves_and_deletes(admin_client, room):
    response = admin_client.post("/admin/centri_sociali/activity/add/", admin_post(room))
    assert response.status_code == 302, response.text
    activity = Activity.objects.get()
    assert_matches(activity)

    change = f"/admin/centri_sociali/activity/{activity.pk}/change/"
    response = admin_client.post(
        change, admin_post(room, title="Yoga serale", repeat_count="7", published="")
    )
    assert response.status_code == 302, response.text
    assert len(stored(activity)) == 7
    assert_matches(activity)

    response = admin_client.post(
        f"/admin/centri_sociali/activity/{activity.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CalendarDate.objects.exists()


def test_the_rebuild_command_and_the_migration_restore_lost_dates(course, room):
    services.cancel_occurrence(activity=course, original_start=rome(2027, 3, 9, 18))
    expected = stored(course)

    CalendarDate.objects.all().delete()
    call_command("rebuild_calendar", verbosity=0)
    assert stored(course) == expected

    CalendarDate.objects.all().delete()
    migration = importlib.import_module("centri_sociali.migrations.0005_fill_calendar_dates")
    migration.fill(apps, None)
    assert stored(course) == expected


def test_the_calendar_migrations_run_over_series_that_existed_before_them(course):
    services.cancel_occurrence(activity=course, original_start=rome(2027, 3, 9, 18))
    expected = stored(course)
    # Rows written and tables altered in one transaction: no foreign key check may wait for
    # its end (PostgreSQL refuses an ALTER TABLE with checks pending).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(BEFORE_THE_DATES).apps
    executor.migrate([BEFORE_THE_DATES])
    old.get_model("centri_sociali", "CalendarDate").objects.all().delete()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("centri_sociali"))

    assert stored(course) == expected


def test_the_migration_gives_every_stored_date_its_day_in_the_city(course):
    expected = stored(course)
    CalendarDate.objects.update(local_day="2000-01-01")
    migration = importlib.import_module("centri_sociali.migrations.0006_calendar_local_day")
    migration.fill(apps, None)
    assert stored(course) == expected


def test_the_page_clock_finds_the_next_start_and_end_in_the_dates(room):
    ActivityFactory(centre=room.centre, room=room, starts_at=rome(2027, 3, 2, 15),
                    ends_at=rome(2027, 3, 2, 16))  # fmt: skip
    ActivityFactory(centre=room.centre, room=room, starts_at=rome(2027, 3, 2, 17),
                    ends_at=rome(2027, 3, 2, 18), published=False)  # fmt: skip

    assert portal.next_page_change(rome(2027, 3, 2, 12)) == rome(2027, 3, 2, 15)
    assert portal.next_page_change(rome(2027, 3, 2, 15, 30)) == rome(2027, 3, 2, 16)
    # A draft's dates change no public page: nothing more happens before midnight.
    assert portal.next_page_change(rome(2027, 3, 2, 16, 30)) > rome(2027, 3, 3)
