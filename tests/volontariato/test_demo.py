from django.test import Client
from django.utils import timezone

from collabcity.demo import DEMO_PASSWORD
from volontariato.models import (
    Certificate,
    HoursLog,
    Opportunity,
    Shift,
    Signup,
    StatusChange,
    Volunteer,
)


def counts():
    return tuple(
        model.objects.count()
        for model in (Opportunity, Shift, Volunteer, Signup, HoursLog, StatusChange, Certificate)
    )


def test_demo_is_idempotent(seed_demo_again):
    first = counts()
    seed_demo_again()
    assert counts() == first


def test_demo_has_open_opportunities_from_comune_centres_and_associations(demo_city):
    open_ones = Opportunity.objects.published().filter(shifts__starts_at__gt=timezone.now())
    open_ones = open_ones.distinct()
    assert open_ones.count() >= 4
    assert open_ones.filter(organisation__kind="comune").exists()
    assert open_ones.filter(centre__isnull=False).exists()
    assert open_ones.exclude(organisation__kind="comune").exists()
    assert set(open_ones.values_list("coordinator__email", flat=True)) == {
        "coordinatore@demo.collabcity.it"
    }


def test_demo_volunteers_have_confirmed_hours_and_the_citizen_is_not_one(demo_city):
    assert Volunteer.objects.active().count() == 2
    assert HoursLog.objects.filter(status="confermate").count() >= 3
    assert not Volunteer.objects.filter(user__email="cittadina@demo.collabcity.it").exists()


def test_demo_volunteers_log_in_with_the_demo_password(demo_city):
    for email in ("volontario@demo.collabcity.it", "volontaria@demo.collabcity.it"):
        client = Client()
        response = client.post("/account/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
