"""Staff edit the calendar in the admin under the same rules as the managers' page."""

import threading

import pytest
from django.db import connection

from centri_sociali import services
from centri_sociali.forms import ActivityAdminForm
from centri_sociali.models import Activity
from tests.factories import UserFactory

from .factories import ActivityFactory, rome


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def admin_post(room, **overrides):
    data = {
        "centre": room.centre.pk,
        "room": room.pk,
        "title": "Yoga",
        "description": "",
        "category": "sport_benessere",
        "audience": "tutti",
        "price": "",
        "capacity": "",
        "starts_at_0": "2027-03-04",
        "starts_at_1": "16:00",
        "ends_at_0": "2027-03-04",
        "ends_at_1": "18:00",
        "recurrence": "weekly",
        "weekdays": "[3]",
        "month_week": "",
        "repeat_until": "",
        "repeat_count": "4",
        "published": "on",
        "occurrences-TOTAL_FORMS": "0",
        "occurrences-INITIAL_FORMS": "0",
        "occurrences-MIN_NUM_FORMS": "0",
        "occurrences-MAX_NUM_FORMS": "1000",
    }
    return {**data, **overrides}


def test_admin_saves_a_series_with_its_bounds(admin_client, room):
    response = admin_client.post("/admin/centri_sociali/activity/add/", admin_post(room))
    assert response.status_code == 302, response.text
    activity = Activity.objects.get()
    assert activity.first_start == rome(2027, 3, 4, 16)
    assert activity.last_end == rome(2027, 3, 25, 18)


def test_admin_refuses_a_room_clash_naming_it(admin_client, room):
    ActivityFactory(centre=room.centre, room=room, title="Burraco",
                    starts_at=rome(2027, 3, 18, 15), ends_at=rome(2027, 3, 18, 17))  # fmt: skip
    response = admin_client.post("/admin/centri_sociali/activity/add/", admin_post(room))
    assert response.status_code == 200
    assert "già occupata da «Burraco»" in response.text
    assert Activity.objects.count() == 1


def test_admin_refuses_an_unbounded_series(admin_client, room):
    response = admin_client.post(
        "/admin/centri_sociali/activity/add/", admin_post(room, repeat_count="")
    )
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_admin_lists_render(admin_client, room):
    ActivityFactory(centre=room.centre, room=room)
    for path in ("activity", "centre", "room", "registration", "facility", "centrefollow"):
        assert admin_client.get(f"/admin/centri_sociali/{path}/").status_code == 200, path
    activity = Activity.objects.get()
    assert (
        admin_client.get(f"/admin/centri_sociali/activity/{activity.pk}/change/").status_code == 200
    )
    assert (
        admin_client.get(f"/admin/centri_sociali/centre/{room.centre.pk}/change/").status_code
        == 200
    )


def test_manager_is_not_let_into_the_admin(client, manager):
    client.force_login(manager)
    assert client.get("/admin/centri_sociali/activity/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_admin_clash_arriving_after_the_form_check_saves_nothing_and_explains(
    admin_client, room, monkeypatch
):
    checked = ActivityAdminForm.clean

    def another_manager_books_the_room():
        try:
            services.save_activity(
                activity=ActivityFactory.build(
                    centre=room.centre, room=room, title="Burraco",
                    starts_at=rome(2027, 3, 18, 15), ends_at=rome(2027, 3, 18, 17),
                )
            )  # fmt: skip
        finally:
            connection.close()

    def check_then_someone_books_the_room(form):
        cleaned = checked(form)
        booking = threading.Thread(target=another_manager_books_the_room)
        booking.start()
        booking.join()
        return cleaned

    monkeypatch.setattr(ActivityAdminForm, "clean", check_then_someone_books_the_room)

    response = admin_client.post(
        "/admin/centri_sociali/activity/add/", admin_post(room), follow=True
    )

    assert response.status_code == 200
    assert "già occupata da «Burraco»" in response.text
    assert list(Activity.objects.values_list("title", flat=True)) == ["Burraco"]
