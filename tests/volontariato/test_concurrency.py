"""Many volunteers at the same moment: the database keeps the number of places."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from collabcity.services import assign_role
from tests.factories import UserFactory
from tests.volontariato.factories import ShiftFactory, SignupFactory, VolunteerFactory
from volontariato import services
from volontariato.models import Signup, Volunteer
from volontariato.roles import VOLUNTEER_COORDINATOR

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(functions) -> list:
    """Run the functions in threads released at the same instant; return results or errors."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_volunteers_for_five_places_confirm_exactly_five():
    shift = ShiftFactory(places=5)
    volunteers = [VolunteerFactory() for _ in range(20)]

    results = run_together(
        [lambda v=v: services.sign_up(volunteer=v, shift=shift) for v in volunteers]
    )

    assert Signup.objects.filter(shift=shift, status="confermata").count() == 5
    refused = [r for r in results if isinstance(r, services.ShiftFullError)]
    assert len(refused) == 15
    assert not [r for r in results if isinstance(r, Exception) and r not in refused]


def test_twenty_volunteers_with_waiting_list_make_five_confirmed_and_fifteen_waiting():
    shift = ShiftFactory(places=5)
    volunteers = [VolunteerFactory() for _ in range(20)]

    results = run_together(
        [
            lambda v=v: services.sign_up(volunteer=v, shift=shift, waiting_list=True)
            for v in volunteers
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert Signup.objects.filter(shift=shift, status="confermata").count() == 5
    waiting = list(Signup.objects.waiting().filter(shift=shift))
    assert [signup.waiting_position for signup in waiting] == list(range(1, 16))


def test_double_click_at_the_same_instant_signs_up_once():
    shift = ShiftFactory()
    volunteer = VolunteerFactory()

    results = run_together([lambda: services.sign_up(volunteer=volunteer, shift=shift)] * 2)

    assert Signup.objects.filter(volunteer=volunteer).count() == 1
    assert sum(isinstance(r, services.AlreadySignedUpError) for r in results) == 1


def test_one_volunteer_cannot_take_two_overlapping_shifts_at_the_same_instant():
    volunteer = VolunteerFactory()
    first = ShiftFactory()
    second = ShiftFactory(
        starts_at=first.starts_at + timedelta(hours=1), ends_at=first.ends_at + timedelta(hours=1)
    )

    results = run_together(
        [lambda s=s: services.sign_up(volunteer=volunteer, shift=s) for s in (first, second)]
    )

    assert Signup.objects.filter(volunteer=volunteer).count() == 1
    assert sum(isinstance(r, services.SignupError) for r in results) == 1


def test_cancellations_and_sign_ups_at_once_never_overfill():
    shift = ShiftFactory(places=3)
    confirmed = [SignupFactory(shift=shift) for _ in range(3)]
    newcomers = [VolunteerFactory() for _ in range(6)]

    run_together(
        [lambda s=s: services.cancel_signup(signup=s) for s in confirmed]
        + [
            lambda v=v: services.sign_up(volunteer=v, shift=shift, waiting_list=True)
            for v in newcomers
        ]
    )

    assert Signup.objects.filter(shift=shift, status="confermata").count() == 3
    assert Signup.objects.filter(shift=shift, status="attesa").count() == 3


def test_suspension_racing_a_promotion_leaves_the_place_to_the_next_in_line():
    shift = ShiftFactory(places=1)
    leaving = SignupFactory(shift=shift)
    suspended = SignupFactory(shift=shift, status=Signup.Status.WAITING, confirmed_at=None)
    next_in_line = SignupFactory(shift=shift, status=Signup.Status.WAITING, confirmed_at=None)
    staff = UserFactory()
    assign_role(user=staff, role=VOLUNTEER_COORDINATOR)

    results = run_together(
        [
            lambda: services.cancel_signup(signup=leaving),
            lambda: services.change_status(
                volunteer=suspended.volunteer, to_status=Volunteer.Status.SUSPENDED, by=staff
            ),
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)]
    confirmed = Signup.objects.filter(shift=shift, status="confermata")
    assert list(confirmed.values_list("pk", flat=True)) == [next_in_line.pk]
