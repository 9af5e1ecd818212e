"""Citizens: registering for a date, cancelling, following a centre and being told of changes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from centri_sociali import models as centri_sociali_models
from centri_sociali import recurrence, services
from centri_sociali.models import Activity, Centre, CentreFollow, Occurrence, Registration, Room
from collabcity.models import Notification
from tests.factories import UserFactory

from .factories import weekly


@pytest.fixture
def course(room):
    start = timezone.now().replace(microsecond=0, second=0) + timedelta(days=2)
    return weekly(centre=room.centre, room=room, title="Informatica per anziani",
                  registration_required=True, capacity=1, starts_at=start,
                  ends_at=start + timedelta(hours=1))  # fmt: skip


def url(activity, start, action=""):
    return f"/centri-sociali/attivita/{activity.pk}/{recurrence.occurrence_key(start)}/{action}"


def test_occurrence_page_invites_to_register(client, course):
    response = client.get(url(course, course.starts_at))
    assert response.status_code == 200
    assert "Resta un posto." in response.text and "Accedi per iscriverti" in response.text


def test_citizen_registers_then_cancels(citizen_client, citizen, course):
    response = citizen_client.post(url(course, course.starts_at, "iscriviti/"), follow=True)
    assert "Iscrizione confermata" in response.text
    assert "Annulla la mia iscrizione" in response.text
    assert Registration.objects.get().user == citizen

    response = citizen_client.post(url(course, course.starts_at, "annulla/"), follow=True)
    assert "La tua iscrizione è stata annullata." in response.text
    assert not Registration.objects.active().exists()


def test_full_date_puts_the_citizen_on_the_waiting_list(citizen_client, course):
    services.register(activity=course, original_start=course.starts_at, user=UserFactory())
    response = citizen_client.post(url(course, course.starts_at, "iscriviti/"), follow=True)
    assert "sei in lista d&#x27;attesa" in response.text or "sei in lista d'attesa" in response.text
    assert Registration.objects.waiting().count() == 1


def test_double_registration_gets_a_message_not_an_error(citizen_client, course):
    citizen_client.post(url(course, course.starts_at, "iscriviti/"))
    response = citizen_client.post(url(course, course.starts_at, "iscriviti/"), follow=True)
    assert response.status_code == 200 and "Sei già iscritto" in response.text
    assert Registration.objects.count() == 1


def test_unknown_dates_and_keys_are_404(client, course):
    assert client.get(url(course, course.starts_at + timedelta(hours=1))).status_code == 404
    assert client.get(f"/centri-sociali/attivita/{course.pk}/domani/").status_code == 404
    assert client.get("/centri-sociali/attivita/999999/").status_code == 404


def test_register_needs_login_and_post(citizen_client, course):
    assert Client().post(url(course, course.starts_at, "iscriviti/")).status_code == 302
    assert citizen_client.get(url(course, course.starts_at, "iscriviti/")).status_code == 405
    assert not Registration.objects.exists()


def test_my_registrations_lists_upcoming_places(citizen_client, citizen, course):
    services.register(activity=course, original_start=course.starts_at, user=citizen)
    response = citizen_client.get("/centri-sociali/le-mie-iscrizioni/")
    assert "Informatica per anziani" in response.text


def test_follow_and_unfollow_a_centre(citizen_client, citizen, centre):
    citizen_client.post(f"/centri-sociali/{centre.slug}/segui/", {"action": "follow"})
    citizen_client.post(f"/centri-sociali/{centre.slug}/segui/", {"action": "follow"})
    assert CentreFollow.objects.filter(user=citizen).count() == 1
    assert "Smetti di seguire" in citizen_client.get(centre.get_absolute_url()).text
    citizen_client.post(f"/centri-sociali/{centre.slug}/segui/", {"action": "unfollow"})
    assert not CentreFollow.objects.exists()


def test_followers_and_registrants_are_told_once_of_a_cancellation(course):
    follower, registrant, both = UserFactory(), UserFactory(), UserFactory()
    for user in (follower, both):
        services.follow_centre(centre=course.centre, user=user)
    services.register(activity=course, original_start=course.starts_at, user=registrant)
    services.register(activity=course, original_start=course.starts_at, user=both)  # waiting
    unrelated = UserFactory()

    services.cancel_occurrence(activity=course, original_start=course.starts_at, note="Neve.")

    told = Notification.objects.filter(topic=centri_sociali_models.NOTIFICATION_TOPIC)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [follower.pk, registrant.pk, both.pk]
    )
    assert not told.filter(recipient=unrelated).exists()
    assert all(n.url == url(course, course.starts_at) for n in told)


def test_followers_are_told_of_a_move(course):
    follower = UserFactory()
    services.follow_centre(centre=course.centre, user=follower)
    new_start = course.starts_at + timedelta(days=1)
    services.move_occurrence(activity=course, original_start=course.starts_at,
                             starts_at=new_start, ends_at=new_start + timedelta(hours=1),
                             room=course.room)  # fmt: skip
    notification = Notification.objects.get(recipient=follower)
    assert "Cambio di orario" in notification.subject


def test_failed_move_leaves_no_notification_and_no_change(course):
    follower = UserFactory()
    services.follow_centre(centre=course.centre, user=follower)
    with pytest.raises(services.ActivityError):
        services.move_occurrence(activity=course, original_start=course.starts_at,
                                 starts_at=course.starts_at, ends_at=course.starts_at,
                                 room=course.room)  # fmt: skip
    assert not Notification.objects.exists() and not Occurrence.objects.exists()


def test_demo_data_is_loaded_and_idempotent(seed_demo_again):

    def counts():
        return (
            Activity.objects.count(), Room.objects.count(), Occurrence.objects.count(),
            Occurrence.objects.filter(cancelled=True).count(), CentreFollow.objects.count(),
        )  # fmt: skip

    first = counts()
    assert first[0] >= 300 and first[3] >= 10
    assert Centre.objects.count() == 27
    # A centre whose quartiere no source gives has no position: it would be a guess.
    placed = Centre.objects.filter(quartiere__isnull=False)
    assert Centre.objects.exclude(latitude=None).count() == placed.count() == 13
    assert all(1 <= centre.rooms.count() <= 3 for centre in Centre.objects.all())
    assert Occurrence.objects.filter(cancelled=False).exists()  # the moved date
    seed_demo_again()
    assert counts() == first
