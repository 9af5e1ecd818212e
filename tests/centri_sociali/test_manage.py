"""The managers' page: what a manager can do, and that they reach only their own centre."""

from datetime import timedelta

import pytest
from django.utils import timezone

from centri_sociali import recurrence
from centri_sociali.models import Activity, Occurrence, Registration
from collabcity.models import Notification
from tests.factories import CentreFactory, UserFactory

from .factories import ActivityFactory, RoomFactory, weekly

BASE = "/centri-sociali/gestione/centro-sociale-orologio/"


def next_day(days: int):
    return timezone.localdate() + timedelta(days=days)


def activity_post(room, **overrides):
    day = next_day(7)
    data = {
        "title": "Inglese per principianti",
        "description": "Conversazione.",
        "category": "corsi",
        "audience": "adulti",
        "room": room.pk,
        "day": day.isoformat(),
        "start_time": "18:00",
        "end_time": "19:30",
        "recurrence": "weekly",
        "weekdays": [str(day.weekday())],
        "repeat_count": "8",
        "registration_required": "on",
        "capacity": "12",
    }
    return {**data, **overrides}


def test_index_takes_a_single_centre_manager_to_their_centre(manager_client):
    response = manager_client.get("/centri-sociali/gestione/")
    assert response.status_code == 302 and response.url == BASE


def test_citizen_sees_no_centre_and_anonymous_goes_to_login(client, citizen_client, centre):
    assert "non gestisce nessun centro" in citizen_client.get("/centri-sociali/gestione/").text
    assert citizen_client.get(BASE).status_code == 404
    client.logout()
    assert "/account/login/" in client.get(BASE).url


def test_manager_adds_a_weekly_activity(manager_client, room):
    response = manager_client.post(BASE + "attivita/nuova/", activity_post(room))

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.recurrence, activity.repeat_count, activity.capacity) == ("weekly", 8, 12)
    assert timezone.localtime(activity.starts_at).hour == 18
    assert len(recurrence.rule_starts(activity)) == 8


def test_manager_adds_a_monthly_activity_on_the_last_weekday(manager_client, room):
    post = activity_post(room, recurrence="monthly", month_week="-1", weekdays=[],
                         repeat_count="", repeat_until=next_day(200).isoformat())  # fmt: skip
    assert manager_client.post(BASE + "attivita/nuova/", post).status_code == 302
    activity = Activity.objects.get()
    assert activity.month_week == -1 and activity.repeat_until == next_day(200)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "17:00"}, "L&#x27;orario di fine deve venire dopo l&#x27;orario di inizio."),
        ({"repeat_count": ""}, "Indica fino a quando si ripete l&#x27;attività"),
        ({"repeat_until": "2020-01-01"}, "non entrambi"),
        ({"capacity": "500"}, "ha 60 posti"),
        ({"title": ""}, "Questo campo è obbligatorio."),
        ({"day": "31/02/2027"}, "Inserisci una data valida."),
    ],
)
def test_mistakes_are_explained_and_nothing_is_saved(manager_client, room, overrides, message):
    response = manager_client.post(BASE + "attivita/nuova/", activity_post(room, **overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Activity.objects.exists()


def test_room_clash_is_explained_to_the_manager(manager_client, room):
    day = next_day(7)
    start = recurrence.to_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    ActivityFactory(
        centre=room.centre, room=room, title="Burraco",
        starts_at=start + timedelta(hours=17), ends_at=start + timedelta(hours=19),
    )  # fmt: skip
    response = manager_client.post(BASE + "attivita/nuova/", activity_post(room))
    assert response.status_code == 200
    assert "è già occupata da «Burraco»" in response.text
    assert Activity.objects.count() == 1


def test_manager_suspends_one_date_and_registrants_are_told(manager_client, room):
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    activity = weekly(centre=room.centre, room=room, registration_required=True,
                      starts_at=start, ends_at=start + timedelta(hours=1))  # fmt: skip
    second = activity.starts_at + timedelta(weeks=1)
    from centri_sociali import services

    person = UserFactory()
    services.register(activity=activity, original_start=second, user=person)
    key = recurrence.occurrence_key(second)

    page = manager_client.get(f"{BASE}attivita/{activity.pk}/{key}/sospendi/")
    assert page.status_code == 200 and "Sospendi una data" in page.text
    response = manager_client.post(
        f"{BASE}attivita/{activity.pk}/{key}/sospendi/", {"note": "Insegnante malata."}
    )

    assert response.status_code == 302
    occurrence = Occurrence.objects.get(original_start=second)
    assert occurrence.cancelled and occurrence.note == "Insegnante malata."
    assert Occurrence.objects.filter(cancelled=True).count() == 1
    notification = Notification.objects.get(recipient=person)
    assert "Sospesa" in notification.subject and "Insegnante malata." in notification.body
    dashboard = manager_client.get(BASE)
    assert "Sospesa" in dashboard.text and "Rimetti in calendario" in dashboard.text


def test_manager_moves_one_date_and_sees_registrations(manager_client, room):
    # A fixed morning hour: an hour-long activity started after 23:00 would end the next day.
    start = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    activity = weekly(centre=room.centre, room=room, registration_required=True, capacity=1,
                      starts_at=start, ends_at=start + timedelta(hours=1))  # fmt: skip
    from centri_sociali import services

    services.register(activity=activity, original_start=start, user=UserFactory(first_name="Ada"))
    services.register(activity=activity, original_start=start, user=UserFactory(first_name="Bice"))
    key = recurrence.occurrence_key(start)

    listing = manager_client.get(f"{BASE}attivita/{activity.pk}/{key}/iscritti/")
    assert "Ada" in listing.text and "Bice" in listing.text and "Lista d'attesa" in listing.text

    new_day = timezone.localtime(start).date() + timedelta(days=1)
    response = manager_client.post(
        f"{BASE}attivita/{activity.pk}/{key}/sposta/",
        {"day": new_day.isoformat(), "start_time": "10:00", "end_time": "11:00", "room": room.pk},
    )
    assert response.status_code == 302
    occurrence = Occurrence.objects.get()
    assert timezone.localtime(occurrence.starts_at).date() == new_day
    assert Registration.objects.active().filter(occurrence=occurrence).count() == 2


def test_manager_edits_contacts_and_hours(manager_client, centre):
    data = {
        "centro-phone": "0522 000 999",
        "centro-email": "orologio@demo.collabcity.it",
        "centro-website": "",
        "centro-description": "",
        "centro-accessibility_notes": "Rampa all'ingresso.",
        "orari-TOTAL_FORMS": "2",
        "orari-INITIAL_FORMS": "0",
        "orari-MIN_NUM_FORMS": "0",
        "orari-MAX_NUM_FORMS": "1000",
        "orari-0-weekday": "0",
        "orari-0-opens_at": "15:00",
        "orari-0-closes_at": "19:00",
        "orari-1-weekday": "",
        "orari-1-opens_at": "",
        "orari-1-closes_at": "",
    }
    assert manager_client.post(BASE + "contatti/", data).status_code == 302
    centre.refresh_from_db()
    assert centre.phone == "0522 000 999"
    assert [str(h) for h in centre.opening_hours.all()] == ["lunedì 15:00–19:00"]

    data["orari-0-closes_at"] = "14:00"
    response = manager_client.post(BASE + "contatti/", data)
    assert "L&#x27;orario di chiusura deve venire dopo l&#x27;apertura." in response.text


def test_manager_cannot_reach_another_centre_or_its_objects(manager_client, manager, room):
    other = CentreFactory(name="Centro sociale Tricolore", slug="centro-sociale-tricolore")
    other_room = RoomFactory(centre=other)
    theirs = weekly(centre=other, room=other_room)
    key = recurrence.occurrence_key(theirs.starts_at)
    other_base = "/centri-sociali/gestione/centro-sociale-tricolore/"
    own = BASE + f"attivita/{theirs.pk}/"  # their activity through my centre's URL

    for url in (
        other_base, other_base + "contatti/", other_base + "attivita/nuova/",
        other_base + f"attivita/{theirs.pk}/", other_base + f"attivita/{theirs.pk}/{key}/sospendi/",
        other_base + f"attivita/{theirs.pk}/{key}/sposta/",
        other_base + f"attivita/{theirs.pk}/{key}/iscritti/",
        own, own + f"{key}/sospendi/", own + f"{key}/sposta/", own + f"{key}/iscritti/",
    ):  # fmt: skip
        assert manager_client.get(url).status_code == 404, url
        assert manager_client.post(url, {"note": "x", "title": "x"}).status_code == 404, url
    assert manager_client.post(own + f"{key}/ripristina/").status_code == 404
    # Another centre's room cannot be chosen for my activity either.
    response = manager_client.post(BASE + "attivita/nuova/", activity_post(other_room))
    assert response.status_code == 200 and not Activity.objects.filter(centre=room.centre).exists()
    assert not Occurrence.objects.exists()
    theirs.refresh_from_db()
    assert theirs.title != "x"


def test_staff_manage_every_centre(client, centre):
    staff = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(staff)
    assert client.get(BASE).status_code == 200


def test_manager_pages_refuse_get_for_changes(manager_client, room):
    activity = weekly(centre=room.centre, room=room)
    key = recurrence.occurrence_key(activity.starts_at)
    assert manager_client.get(f"{BASE}attivita/{activity.pk}/{key}/ripristina/").status_code == 405


def test_manager_edits_a_series_and_a_raised_capacity_promotes_the_waiting(manager_client, room):
    from centri_sociali import services

    # A fixed morning hour: an hour-long activity started after 23:00 would end the next day.
    start = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    activity = weekly(centre=room.centre, room=room, title="Yoga", registration_required=True,
                      capacity=1, starts_at=start, ends_at=start + timedelta(hours=1))  # fmt: skip
    services.register(activity=activity, original_start=start, user=UserFactory())
    waiting = services.register(activity=activity, original_start=start, user=UserFactory())
    form = manager_client.get(f"{BASE}attivita/{activity.pk}/")
    assert 'value="Yoga"' in form.text

    local = timezone.localtime(start)
    post = activity_post(
        room, title="Yoga dolce", capacity="2", day=local.date().isoformat(),
        start_time=local.strftime("%H:%M"), end_time=(local + timedelta(hours=1)).strftime("%H:%M"),
        weekdays=[str(local.weekday())], repeat_count="10",
    )  # fmt: skip
    assert manager_client.post(f"{BASE}attivita/{activity.pk}/", post).status_code == 302
    activity.refresh_from_db()
    waiting.refresh_from_db()
    assert (activity.title, activity.capacity, waiting.status) == ("Yoga dolce", 2, "confirmed")


def test_schedule_change_that_would_drop_a_booked_date_is_refused(manager_client, room):
    from centri_sociali import services

    # A fixed morning hour: an hour-long activity started after 23:00 would end the next day.
    start = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    activity = weekly(centre=room.centre, room=room, registration_required=True,
                      starts_at=start, ends_at=start + timedelta(hours=1))  # fmt: skip
    services.register(activity=activity, original_start=start, user=UserFactory())
    local = timezone.localtime(start) + timedelta(days=1)
    post = activity_post(
        room, day=local.date().isoformat(), start_time=local.strftime("%H:%M"),
        end_time=(local + timedelta(hours=1)).strftime("%H:%M"),
        weekdays=[str(local.weekday())], repeat_count="10",
    )  # fmt: skip
    response = manager_client.post(f"{BASE}attivita/{activity.pk}/", post)
    assert response.status_code == 200 and "Ci sono persone iscritte" in response.text
    activity.refresh_from_db()
    assert activity.starts_at == start


def test_manager_deletes_an_activity_only_without_future_registrations(manager_client, room):
    from centri_sociali import services

    # A fixed morning hour: an hour-long activity started after 23:00 would end the next day.
    start = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    booked = ActivityFactory(centre=room.centre, room=room, registration_required=True,
                             starts_at=start, ends_at=start + timedelta(hours=1))  # fmt: skip
    services.register(activity=booked, original_start=start, user=UserFactory())
    free = ActivityFactory(centre=room.centre, room=None)

    response = manager_client.post(f"{BASE}attivita/{booked.pk}/elimina/", follow=True)
    assert "Ci sono persone iscritte alle prossime date" in response.text
    assert manager_client.post(f"{BASE}attivita/{free.pk}/elimina/").status_code == 302
    assert list(Activity.objects.all()) == [booked]


def test_manager_restores_a_suspended_date(manager_client, room):
    from centri_sociali import services

    activity = weekly(centre=room.centre, room=room)
    services.cancel_occurrence(activity=activity, original_start=activity.starts_at)
    key = recurrence.occurrence_key(activity.starts_at)
    response = manager_client.post(f"{BASE}attivita/{activity.pk}/{key}/ripristina/", follow=True)
    assert "di nuovo in calendario" in response.text
    assert not Occurrence.objects.get().cancelled


def test_manager_dashboard_queries_do_not_grow(manager_client, room, django_assert_max_num_queries):
    def add(first, last):
        for n in range(first, last):
            start = timezone.now().replace(microsecond=0, second=0) + timedelta(days=1, hours=n)
            weekly(centre=room.centre, room=None, title=f"Corso {n}", starts_at=start,
                   ends_at=start + timedelta(minutes=30), registration_required=True)  # fmt: skip

    add(0, 2)
    with django_assert_max_num_queries(10) as few:
        manager_client.get(BASE)
    add(2, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Corso 19" in manager_client.get(BASE).text
