"""A volunteer's personal data: only registry staff and coordinators of their opportunities."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.volontariato.factories import OpportunityFactory, ShiftFactory, SignupFactory

PERSONAL = "333 1234567"


@pytest.fixture
def signup(db):
    signup = SignupFactory(volunteer__phone=PERSONAL)
    return signup


def volunteer_urls(signup):
    return [
        reverse("volontariato:volunteer_detail", args=[signup.volunteer_id]),
        reverse("volontariato:shift_attendance", args=[signup.shift_id]),
    ]


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_registry_staff_see_the_volunteer(client, signup, registry_coordinator, municipal_staff):
    for user in (registry_coordinator, municipal_staff):
        for url in volunteer_urls(signup):
            response = get(client, user, url)
            assert response.status_code == 200, url
            assert PERSONAL in response.content.decode()


def test_coordinator_of_their_opportunity_sees_the_volunteer(client, signup):
    for url in volunteer_urls(signup):
        response = get(client, signup.shift.opportunity.coordinator, url)
        assert response.status_code == 200, url
        assert PERSONAL in response.content.decode()


def test_coordinator_sees_no_birth_date_nor_status_form(client, signup):
    response = get(client, signup.shift.opportunity.coordinator, volunteer_urls(signup)[0])
    assert "Data di nascita" not in response.content.decode()
    assert response.context["form"] is None
    post = client.post(volunteer_urls(signup)[0], {"to_status": "sospeso"})
    assert post.status_code == 403


def test_coordinator_of_another_opportunity_does_not(client, signup):
    other = OpportunityFactory()
    ShiftFactory(opportunity=other)
    for url in volunteer_urls(signup):
        assert get(client, other.coordinator, url).status_code == 404, url


def test_other_volunteers_and_citizens_do_not(client, signup):
    neighbour = SignupFactory(shift=signup.shift)
    for user in (neighbour.volunteer.user, UserFactory()):
        for url in volunteer_urls(signup):
            assert get(client, user, url).status_code == 404, url


def test_visitors_are_sent_to_log_in(client, signup):
    for url in volunteer_urls(signup):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login/" in response.url


def test_public_pages_never_show_the_volunteers(client, signup):
    public = [
        reverse("volontariato:index"),
        reverse("volontariato:opportunity_list"),
        signup.shift.opportunity.get_absolute_url(),
    ]
    for url in public:
        text = client.get(url).content.decode()
        assert signup.volunteer.user.last_name not in text, url
        assert PERSONAL not in text, url


def test_own_data_pages_are_the_volunteers_own(client, signup):
    for name in ("my_volunteering", "personal_data"):
        response = get(client, UserFactory(), reverse(f"volontariato:{name}"))
        assert response.status_code in (302, 404)
        assert PERSONAL not in response.content.decode()


def test_register_and_totals_are_for_registry_staff_only(client, signup, registry_coordinator):
    urls = [
        reverse("volontariato:volunteer_list"),
        reverse("volontariato:totals"),
        reverse("volontariato:totals") + "?per=volontario&formato=csv",
    ]
    for user in (signup.shift.opportunity.coordinator, signup.volunteer.user, UserFactory()):
        for url in urls:
            assert get(client, user, url).status_code == 403, (user, url)
    for url in urls:
        assert get(client, registry_coordinator, url).status_code == 200, url


def test_a_coordinator_sees_only_the_shifts_of_their_opportunities(client, signup):
    elsewhere = SignupFactory()
    response = get(client, signup.shift.opportunity.coordinator, volunteer_urls(signup)[0])
    assert elsewhere.shift.opportunity.title not in response.content.decode()
    # The volunteer's other shifts, on somebody else's opportunity, stay hidden too.
    other = SignupFactory(volunteer=signup.volunteer)
    response = get(client, signup.shift.opportunity.coordinator, volunteer_urls(signup)[0])
    assert other.shift.opportunity.title not in response.content.decode()
