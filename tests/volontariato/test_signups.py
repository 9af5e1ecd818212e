from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from collabcity.models import Notification
from tests.volontariato.factories import ShiftFactory, SignupFactory, VolunteerFactory
from volontariato import services
from volontariato.models import Signup, Volunteer


def test_active_insured_volunteer_takes_a_place(db):
    volunteer = VolunteerFactory()
    signup = services.sign_up(volunteer=volunteer, shift=ShiftFactory())
    assert signup.status == Signup.Status.CONFIRMED
    assert Notification.objects.filter(recipient=volunteer.user, topic="volunteering").exists()


@pytest.mark.parametrize(
    "status",
    [
        Volunteer.Status.APPLIED,
        Volunteer.Status.TRAINING,
        Volunteer.Status.SUSPENDED,
    ],
)
def test_only_active_volunteers_take_shifts(db, status):
    volunteer = VolunteerFactory(status=status)
    with pytest.raises(services.SignupError, match="Solo i volontari attivi"):
        services.sign_up(volunteer=volunteer, shift=ShiftFactory())
    assert not Signup.objects.exists()


def test_insurance_must_cover_the_shift_date(db):
    shift = ShiftFactory()
    volunteer = VolunteerFactory(insurance_to=shift.local_date - timedelta(days=1))
    with pytest.raises(services.SignupError, match="assicurativa"):
        services.sign_up(volunteer=volunteer, shift=shift)


def test_insurance_starting_after_the_shift_is_not_enough(db):
    shift = ShiftFactory()
    volunteer = VolunteerFactory(
        insurance_from=shift.local_date + timedelta(days=1),
        insurance_to=shift.local_date + timedelta(days=100),
    )
    with pytest.raises(services.SignupError, match="assicurativa"):
        services.sign_up(volunteer=volunteer, shift=shift)


def test_insurance_ending_on_the_shift_day_is_enough(db):
    shift = ShiftFactory()
    volunteer = VolunteerFactory(insurance_to=shift.local_date)
    assert services.sign_up(volunteer=volunteer, shift=shift).status == "confermata"


def test_past_shift_cannot_be_taken(db):
    start = timezone.now() - timedelta(hours=1)
    shift = ShiftFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    with pytest.raises(services.SignupError, match="già iniziato"):
        services.sign_up(volunteer=VolunteerFactory(), shift=shift)


def test_unpublished_opportunity_cannot_be_taken(db):
    shift = ShiftFactory(opportunity__published=False)
    with pytest.raises(services.SignupError):
        services.sign_up(volunteer=VolunteerFactory(), shift=shift)


def test_overlapping_shift_is_refused(db):
    volunteer = VolunteerFactory()
    first = ShiftFactory()
    services.sign_up(volunteer=volunteer, shift=first)
    overlapping = ShiftFactory(
        starts_at=first.starts_at + timedelta(hours=2), ends_at=first.ends_at + timedelta(hours=2)
    )
    with pytest.raises(services.SignupError, match="stesso orario"):
        services.sign_up(volunteer=volunteer, shift=overlapping)


def test_back_to_back_shifts_do_not_overlap(db):
    volunteer = VolunteerFactory()
    first = ShiftFactory()
    services.sign_up(volunteer=volunteer, shift=first)
    after = ShiftFactory(starts_at=first.ends_at, ends_at=first.ends_at + timedelta(hours=1))
    assert services.sign_up(volunteer=volunteer, shift=after).pk


def test_waiting_list_place_counts_as_overlap_too(db):
    volunteer = VolunteerFactory()
    full = ShiftFactory(places=1)
    SignupFactory(shift=full)
    services.sign_up(volunteer=volunteer, shift=full, waiting_list=True)
    same_time = ShiftFactory(starts_at=full.starts_at, ends_at=full.ends_at)
    with pytest.raises(services.SignupError, match="stesso orario"):
        services.sign_up(volunteer=volunteer, shift=same_time)


def test_cancelled_signup_frees_the_time_again(db):
    volunteer = VolunteerFactory()
    first = ShiftFactory()
    signup = services.sign_up(volunteer=volunteer, shift=first)
    services.cancel_signup(signup=signup)
    same_time = ShiftFactory(starts_at=first.starts_at, ends_at=first.ends_at)
    assert services.sign_up(volunteer=volunteer, shift=same_time).pk


def test_full_shift_refuses_unless_waiting_list_is_chosen(db):
    shift = ShiftFactory(places=1)
    SignupFactory(shift=shift)
    volunteer = VolunteerFactory()

    with pytest.raises(services.ShiftFullError, match="lista d'attesa"):
        services.sign_up(volunteer=volunteer, shift=shift)
    signup = services.sign_up(volunteer=volunteer, shift=shift, waiting_list=True)

    assert signup.status == Signup.Status.WAITING
    assert signup.waiting_position == 1


def test_second_click_does_not_sign_up_twice(db):
    volunteer = VolunteerFactory()
    shift = ShiftFactory()
    services.sign_up(volunteer=volunteer, shift=shift)
    with pytest.raises(services.AlreadySignedUpError):
        services.sign_up(volunteer=volunteer, shift=shift)
    assert Signup.objects.count() == 1


def test_database_refuses_two_active_signups_of_one_volunteer(db):
    signup = SignupFactory()
    with pytest.raises(IntegrityError):
        SignupFactory(shift=signup.shift, volunteer=signup.volunteer)


def test_cancellation_promotes_the_first_waiting_and_notifies_them(db):
    shift = ShiftFactory(places=1)
    confirmed = SignupFactory(shift=shift)
    first = services.sign_up(volunteer=VolunteerFactory(), shift=shift, waiting_list=True)
    second = services.sign_up(volunteer=VolunteerFactory(), shift=shift, waiting_list=True)
    assert second.waiting_position == 2

    services.cancel_signup(signup=confirmed)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Signup.Status.CONFIRMED
    assert second.status == Signup.Status.WAITING
    assert second.waiting_position == 1
    assert Notification.objects.filter(
        recipient=first.volunteer.user, subject__startswith="Si è liberato un posto"
    ).exists()


def test_promotion_skips_a_waiting_volunteer_no_longer_insured(db):
    shift = ShiftFactory(places=1)
    confirmed = SignupFactory(shift=shift)
    lapsed = SignupFactory(shift=shift, status=Signup.Status.WAITING, confirmed_at=None)
    Volunteer.objects.filter(pk=lapsed.volunteer_id).update(
        insurance_to=shift.local_date - timedelta(days=1)
    )
    next_in_line = SignupFactory(shift=shift, status=Signup.Status.WAITING, confirmed_at=None)

    services.cancel_signup(signup=confirmed)

    lapsed.refresh_from_db()
    next_in_line.refresh_from_db()
    assert lapsed.status == Signup.Status.CANCELLED
    assert next_in_line.status == Signup.Status.CONFIRMED


def test_leaving_the_waiting_list_promotes_nobody(db):
    shift = ShiftFactory(places=1)
    SignupFactory(shift=shift)
    waiting = SignupFactory(shift=shift, status=Signup.Status.WAITING, confirmed_at=None)
    services.cancel_signup(signup=waiting)
    assert Signup.objects.confirmed().count() == 1


def test_started_shift_cannot_be_cancelled(db):
    signup = SignupFactory()
    Signup.objects.filter(pk=signup.pk)
    start = timezone.now() - timedelta(minutes=5)
    signup.shift.starts_at, signup.shift.ends_at = start, start + timedelta(hours=1)
    signup.shift.save()
    with pytest.raises(services.SignupError, match="già iniziato"):
        services.cancel_signup(signup=signup)
