import base64
import re
import zlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from collabcity.models import Notification
from tests.volontariato.factories import (
    OpportunityFactory,
    ShiftFactory,
    SignupFactory,
    VolunteerFactory,
)
from volontariato import services
from volontariato.certificates import certificate_pdf
from volontariato.models import Certificate, HoursLog


def past_signup(days_ago: int = 2, hours: int = 3, **kwargs):
    start = timezone.now() - timedelta(days=days_ago)
    shift = ShiftFactory(starts_at=start, ends_at=start + timedelta(hours=hours), **kwargs)
    return SignupFactory(shift=shift)


def test_coordinator_confirms_hours_and_the_volunteer_is_told(db):
    signup = past_signup()
    coordinator = signup.shift.opportunity.coordinator

    log = services.record_attendance(
        signup=signup, by=coordinator, outcome=HoursLog.Status.CONFIRMED, hours=Decimal("2.5")
    )

    assert (log.status, log.hours, log.decided_by) == ("confermate", Decimal("2.5"), coordinator)
    assert Notification.objects.filter(recipient=signup.volunteer.user).exists()


def test_confirming_without_hours_takes_the_shift_length(db):
    signup = past_signup(hours=3)
    log = services.record_attendance(
        signup=signup, by=signup.shift.opportunity.coordinator, outcome="confermate"
    )
    assert log.hours == Decimal("3.00")


def test_absent_volunteer_has_no_hours(db):
    signup = past_signup()
    log = services.record_attendance(
        signup=signup, by=signup.shift.opportunity.coordinator, outcome="assente"
    )
    assert (log.status, log.hours) == ("assente", 0)


def test_hours_beyond_the_shift_length_are_refused(db):
    signup = past_signup(hours=2)
    with pytest.raises(services.HoursError):
        services.record_attendance(
            signup=signup,
            by=signup.shift.opportunity.coordinator,
            outcome="confermate",
            hours=Decimal("5"),
        )
    assert not HoursLog.objects.exists()


def test_attendance_waits_for_the_shift_to_start(db):
    signup = SignupFactory()
    with pytest.raises(services.HoursError):
        services.record_attendance(
            signup=signup, by=signup.shift.opportunity.coordinator, outcome="confermate"
        )


def test_another_coordinator_cannot_confirm(client, db):
    signup = past_signup()
    client.force_login(OpportunityFactory().coordinator)
    response = client.post(
        reverse("volontariato:record_attendance", args=[signup.pk]),
        {"outcome": "confermate", "hours": "2"},
    )
    assert response.status_code == 404
    assert not HoursLog.objects.exists()


def test_volunteer_submits_hours_and_the_coordinator_is_asked(db):
    signup = past_signup()
    log = services.submit_hours(signup=signup, hours=Decimal("2"))
    assert log.status == HoursLog.Status.SUBMITTED
    assert Notification.objects.filter(
        recipient=signup.shift.opportunity.coordinator, subject__startswith="Ore da confermare"
    ).exists()


def test_volunteer_cannot_submit_before_the_shift_ends(db):
    signup = SignupFactory()
    with pytest.raises(services.HoursError):
        services.submit_hours(signup=signup, hours=Decimal("1"))


def test_volunteer_cannot_override_confirmed_hours(db):
    signup = past_signup()
    services.record_attendance(
        signup=signup, by=signup.shift.opportunity.coordinator, outcome="assente"
    )
    with pytest.raises(services.HoursError):
        services.submit_hours(signup=signup, hours=Decimal("3"))
    assert HoursLog.objects.get().status == "assente"


def confirmed(signup, hours):
    return services.record_attendance(
        signup=signup,
        by=signup.shift.opportunity.coordinator,
        outcome="confermate",
        hours=Decimal(hours),
    )


def test_certificate_sums_confirmed_hours_of_the_period_only(db):
    volunteer = VolunteerFactory()
    inside = past_signup(days_ago=3)
    inside.volunteer = volunteer
    inside.save()
    confirmed(inside, "2.5")
    older = past_signup(days_ago=40)
    older.volunteer = volunteer
    older.save()
    confirmed(older, "3")
    submitted_only = past_signup(days_ago=2)
    submitted_only.volunteer = volunteer
    submitted_only.save()
    services.submit_hours(signup=submitted_only, hours=Decimal("1"))

    today = timezone.localdate()
    certificate = services.issue_certificate(
        volunteer=volunteer, period_from=today - timedelta(days=10), period_to=today
    )

    assert certificate.total_hours == Decimal("2.5")
    assert certificate.shift_count == 1
    assert len(certificate.code) == 14 and certificate.code.count("-") == 2


def test_certificate_of_a_period_without_hours_is_refused(db):
    volunteer = VolunteerFactory()
    today = timezone.localdate()
    with pytest.raises(services.CertificateError):
        services.issue_certificate(volunteer=volunteer, period_from=today, period_to=today)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("bounds", [(0, -1), (0, 1)], ids=["reversed", "future"])
def test_certificate_period_must_be_sensible(db, bounds):
    signup = past_signup()
    confirmed(signup, "1")
    today = timezone.localdate()
    with pytest.raises(services.CertificateError):
        services.issue_certificate(
            volunteer=signup.volunteer,
            period_from=today + timedelta(days=bounds[0]) - timedelta(days=30),
            period_to=today + timedelta(days=bounds[1])
            if bounds[1] > 0
            else today - timedelta(days=31),
        )


def pdf_text(pdf: bytes) -> str:
    """The text drawn by reportlab's content streams (ASCII85 then Flate encoded)."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            data = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        except ValueError:
            continue
        text += re.findall(r"\((.*?)\) Tj", data.decode("latin-1"))
    return " ".join(text)


def test_certificate_pdf_carries_name_hours_and_code(db):
    signup = past_signup()
    signup.volunteer.user.first_name, signup.volunteer.user.last_name = "Marta", "Bianchi"
    signup.volunteer.user.save()
    confirmed(signup, "2.5")
    today = timezone.localdate()
    certificate = services.issue_certificate(
        volunteer=signup.volunteer, period_from=today - timedelta(days=30), period_to=today
    )
    pdf = certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert certificate.code in text
    assert "Marta Bianchi" in text
    assert "2,50" in text


def test_codes_are_random_and_normalised_from_what_people_type():
    codes = {services.new_certificate_code() for _ in range(200)}
    assert len(codes) == 200
    assert services.normalise_code(" abcd efgh-jkmn ") == "ABCD-EFGH-JKMN"
