"""The consulte's demo data: nine councils, a councillor to try drafting, idempotent."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from collabcity.demo import DEMO_PASSWORD
from collabcity.models import Ambito, User
from consulte import services
from consulte.demo import COUNCILLOR_EMAIL
from consulte.models import Council, Meeting, Member, OpinionRequest, ProgrammingDocument

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        model.objects.count()
        for model in (Council, Member, Meeting, ProgrammingDocument, OpinionRequest, User)
    )


def test_demo_has_one_council_per_ambito(demo_city):
    assert Council.objects.count() == Ambito.objects.count() == 9
    assert Council.objects.get(ambito__code="I").name == "Consulta dell'Ambito I – Centro storico"
    assert Council.objects.get(ambito__code="A").name == "Consulta dell'Ambito A"


def test_every_council_has_elected_and_designated_members_in_office(demo_city):
    for council in Council.objects.all():
        in_office = Member.objects.current().filter(council=council)
        assert in_office.filter(kind=Member.Kind.ELECTED).exists()
        assert in_office.filter(kind=Member.Kind.DESIGNATED, organisation__isnull=False).exists()
    # The demo by-election seats its winners from its own close, not from the 2022 term.
    elected = Member.objects.filter(kind=Member.Kind.ELECTED, election__isnull=True)
    assert set(elected.values_list("term_start", flat=True)) == {datetime.date(2022, 11, 25)}


def test_demo_has_past_and_upcoming_meetings(demo_city):
    now = timezone.now()
    assert Meeting.objects.filter(starts_at__lt=now).exclude(minutes="").exists()
    assert Meeting.objects.filter(starts_at__gte=now).exists()


def test_demo_has_an_open_and_a_published_request(demo_city):
    today = timezone.localdate()
    assert OpinionRequest.objects.filter(
        status=OpinionRequest.Status.REQUESTED, deadline=today + datetime.timedelta(days=14)
    ).exists()
    assert OpinionRequest.objects.filter(status=OpinionRequest.Status.PUBLISHED).exists()


def test_demo_councillor_sits_on_the_orologio_council_and_logs_in(demo_city):
    councillor = User.objects.get(email=COUNCILLOR_EMAIL)
    orologio_council = Council.objects.get(ambito__quartieri__name="Orologio")
    assert services.councils_of(user=councillor) == [orologio_council]
    client = Client()
    response = client.post(
        "/account/login/", {"login": COUNCILLOR_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_demo_citizen_is_not_a_councillor(demo_city):
    citizen = User.objects.get(email="cittadina@demo.collabcity.it")
    assert services.councils_of(user=citizen) == []


def test_consulte_demo_is_idempotent(seed_demo_again):
    first = counts()
    seed_demo_again()
    assert counts() == first
