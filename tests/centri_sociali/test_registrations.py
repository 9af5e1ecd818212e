"""Places per date, the waiting list and cancellations, enforced under concurrency."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from centri_sociali import models as centri_sociali_models
from centri_sociali import services
from centri_sociali.models import Activity, Occurrence, Registration
from collabcity.models import Notification
from tests.factories import UserFactory

from .factories import ActivityFactory, weekly


def upcoming(**kwargs) -> Activity:
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0, second=0)
    kwargs.setdefault("registration_required", True)
    kwargs.setdefault("capacity", 2)
    return ActivityFactory(starts_at=start, ends_at=start + timedelta(hours=1), **kwargs)


def test_places_then_waiting_list(db):
    activity = upcoming()
    statuses = [
        services.register(
            activity=activity, original_start=activity.starts_at, user=UserFactory()
        ).status
        for _ in range(4)
    ]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    assert Occurrence.objects.count() == 1


def test_registering_twice_is_refused(db):
    activity, user = upcoming(), UserFactory()
    services.register(activity=activity, original_start=activity.starts_at, user=user)
    with pytest.raises(services.RegistrationError):
        services.register(activity=activity, original_start=activity.starts_at, user=user)


def test_cancelling_promotes_the_first_waiting_and_notifies_them(db):
    activity = upcoming(capacity=1)
    people = [UserFactory() for _ in range(3)]
    first, second, third = (
        services.register(activity=activity, original_start=activity.starts_at, user=person)
        for person in people
    )

    promoted = services.cancel_registration(registration=first)

    assert promoted == second
    second.refresh_from_db(), third.refresh_from_db()
    assert (second.status, third.status) == ("confirmed", "waiting")
    notification = Notification.objects.get(recipient=people[1])
    assert notification.topic == centri_sociali_models.NOTIFICATION_TOPIC
    assert activity.title in notification.subject
    assert not Notification.objects.filter(recipient=people[2]).exists()


def test_citizen_can_register_again_after_cancelling(db):
    activity, user = upcoming(), UserFactory()
    registration = services.register(
        activity=activity, original_start=activity.starts_at, user=user
    )
    services.cancel_registration(registration=registration)
    again = services.register(activity=activity, original_start=activity.starts_at, user=user)
    assert again.status == "confirmed"
    with pytest.raises(services.RegistrationError):
        services.cancel_registration(registration=registration)


def test_registration_for_a_cancelled_date_is_refused(db):
    activity = upcoming()
    services.cancel_occurrence(activity=activity, original_start=activity.starts_at)
    with pytest.raises(services.RegistrationError):
        services.register(activity=activity, original_start=activity.starts_at, user=UserFactory())


def test_registration_for_a_past_date_is_refused(db):
    activity = ActivityFactory(registration_required=True)  # in 2030… then moved to the past
    past = timezone.now() - timedelta(days=2)
    services.move_occurrence(
        activity=activity, original_start=activity.starts_at, starts_at=past,
        ends_at=past + timedelta(hours=1), room=activity.room,
    )  # fmt: skip
    with pytest.raises(services.RegistrationError):
        services.register(activity=activity, original_start=activity.starts_at, user=UserFactory())


def test_registration_without_need_is_refused(db):
    activity = upcoming(registration_required=False)
    with pytest.raises(services.RegistrationError):
        services.register(activity=activity, original_start=activity.starts_at, user=UserFactory())


def test_registrations_of_two_dates_of_a_series_are_separate(db):
    start = (timezone.now() + timedelta(days=1)).replace(microsecond=0, second=0)
    activity = weekly(
        starts_at=start, ends_at=start + timedelta(hours=1), registration_required=True, capacity=1
    )
    user = UserFactory()
    first = services.register(activity=activity, original_start=activity.starts_at, user=user)
    next_week = services.get_slot(
        activity=activity, original_start=activity.starts_at + timedelta(days=7)
    )
    second = services.register(
        activity=activity, original_start=next_week.original_start, user=user
    )
    assert first.occurrence != second.occurrence
    assert (first.status, second.status) == ("confirmed", "confirmed")


def test_raising_the_capacity_promotes_the_waiting_list(db):
    activity = upcoming(capacity=1)
    services.register(activity=activity, original_start=activity.starts_at, user=UserFactory())
    waiting = services.register(
        activity=activity, original_start=activity.starts_at, user=UserFactory()
    )
    activity.capacity = 2
    services.save_activity(activity=activity)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity():
    activity = upcoming(capacity=3)
    users = [UserFactory() for _ in range(8)]
    barrier = threading.Barrier(len(users))
    errors = []

    def register(user):
        try:
            barrier.wait()
            services.register(activity=activity, original_start=activity.starts_at, user=user)
        except Exception as error:  # recorded: the test fails on any of them
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Occurrence.objects.count() == 1
    registrations = Registration.objects.all()
    assert registrations.filter(status="confirmed").count() == 3
    assert registrations.filter(status="waiting").count() == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_click_registers_once():
    activity, user = upcoming(capacity=5), UserFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def register():
        try:
            barrier.wait()
            services.register(activity=activity, original_start=activity.starts_at, user=user)
            outcomes.append("ok")
        except services.RegistrationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert Registration.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_each_waiting_person_once():
    activity = upcoming(capacity=2)
    confirmed = [
        services.register(activity=activity, original_start=activity.starts_at, user=UserFactory())
        for _ in range(2)
    ]
    for _ in range(3):
        services.register(activity=activity, original_start=activity.starts_at, user=UserFactory())
    barrier = threading.Barrier(2)

    def cancel(registration):
        try:
            barrier.wait()
            services.cancel_registration(registration=registration)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in confirmed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Registration.objects.filter(status="confirmed").count() == 2
    assert Registration.objects.filter(status="waiting").count() == 1
    assert Notification.objects.count() == 2
