from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.test import override_settings
from django.utils import timezone

from collabcity.models import Notification
from tests.factories import QuartiereFactory, UserFactory
from tests.volontariato.factories import ShiftFactory, SignupFactory, VolunteerFactory, skill
from volontariato import services
from volontariato.models import CONSENT_VERSION, Signup, SkillCode, Volunteer

Status = Volunteer.Status


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years) + timedelta(days=days)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28) + timedelta(days=days)


def application(user, **overrides):
    data = {
        "user": user,
        "birth_date": years_ago(30),
        "consent": True,
        "skills": [skill(SkillCode.VERDE)],
        "availability": ["6-mattina", "1-sera"],
        "quartieri": [QuartiereFactory()],
        "motivation": "Voglio aiutare.",
    }
    return services.apply(**{**data, **overrides})


def test_every_skill_of_the_list_is_created_by_the_migration(db):
    from volontariato.models import Skill

    assert set(Skill.objects.values_list("code", flat=True)) == set(SkillCode.values)


def test_application_records_consent_version_and_history(db, registry_coordinator):
    user = UserFactory()
    volunteer = application(user)

    assert volunteer.status == Status.APPLIED
    assert volunteer.consent_version == CONSENT_VERSION
    assert volunteer.consent_at is not None
    assert volunteer.availability == ["1-sera", "6-mattina"]  # in the order of the grid
    change = volunteer.history.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("", Status.APPLIED, user)
    assert Notification.objects.filter(recipient=user, topic="volunteering").exists()
    assert Notification.objects.filter(
        recipient=registry_coordinator, url=volunteer.get_absolute_url()
    ).exists()


def test_application_without_consent_is_refused(db):
    with pytest.raises(services.ApplicationError):
        application(UserFactory(), consent=False)
    assert not Volunteer.objects.exists()


def test_seventeen_year_old_cannot_apply(db):
    with pytest.raises(services.ApplicationError, match="18 anni"):
        application(UserFactory(), birth_date=years_ago(18, days=1))


def test_eighteenth_birthday_today_may_apply(db):
    assert application(UserFactory(), birth_date=years_ago(18)).pk


@override_settings(VOLUNTEER_MINIMUM_AGE=16)
def test_minimum_age_is_configurable(db):
    assert application(UserFactory(), birth_date=years_ago(16)).pk
    with pytest.raises(services.ApplicationError, match="16 anni"):
        application(UserFactory(), birth_date=years_ago(15))


def test_unknown_availability_slot_is_refused(db):
    with pytest.raises(services.ApplicationError):
        application(UserFactory(), availability=["8-mattina"])


def test_second_application_is_refused(db):
    user = UserFactory()
    application(user)
    with pytest.raises(services.ApplicationError, match="già presentato"):
        application(user)
    assert Volunteer.objects.count() == 1


def test_full_path_from_application_to_active(db, registry_coordinator):
    volunteer = application(UserFactory())
    services.change_status(volunteer=volunteer, to_status=Status.TRAINING, by=registry_coordinator)
    today = timezone.localdate()
    volunteer = services.change_status(
        volunteer=volunteer,
        to_status=Status.ACTIVE,
        by=registry_coordinator,
        insurance_from=today,
        insurance_to=today + timedelta(days=365),
        training_notes="Corso base frequentato",
    )

    assert volunteer.status == Status.ACTIVE
    assert volunteer.insurance_to == today + timedelta(days=365)
    assert volunteer.training_notes == "Corso base frequentato"
    assert list(volunteer.history.values_list("to_status", "changed_by")) == [
        (Status.APPLIED, volunteer.user_id),
        (Status.TRAINING, registry_coordinator.pk),
        (Status.ACTIVE, registry_coordinator.pk),
    ]


def test_application_cannot_skip_training(db, registry_coordinator):
    volunteer = application(UserFactory())
    today = timezone.localdate()
    with pytest.raises(services.StatusError):
        services.change_status(
            volunteer=volunteer,
            to_status=Status.ACTIVE,
            by=registry_coordinator,
            insurance_from=today,
            insurance_to=today,
        )
    volunteer.refresh_from_db()
    assert volunteer.status == Status.APPLIED


@pytest.mark.parametrize(
    "insurance",
    [(None, None), (0, None), (10, 5), (-30, -1)],
    ids=["missing", "no-end", "reversed", "expired"],
)
def test_activation_needs_a_current_insurance_cover(db, registry_coordinator, insurance):
    volunteer = VolunteerFactory(status=Status.TRAINING, insurance_from=None, insurance_to=None)
    today = timezone.localdate()
    start, end = (None if d is None else today + timedelta(days=d) for d in insurance)
    with pytest.raises(services.StatusError):
        services.change_status(
            volunteer=volunteer,
            to_status=Status.ACTIVE,
            by=registry_coordinator,
            insurance_from=start,
            insurance_to=end,
        )
    volunteer.refresh_from_db()
    assert volunteer.status == Status.TRAINING


def test_database_refuses_an_active_volunteer_without_insurance(db):
    with pytest.raises(IntegrityError):
        VolunteerFactory(insurance_from=None, insurance_to=None)


def test_ceased_is_final(db, registry_coordinator):
    volunteer = VolunteerFactory()
    services.change_status(volunteer=volunteer, to_status=Status.CEASED, by=registry_coordinator)
    for status in Status:
        with pytest.raises(services.StatusError):
            services.change_status(volunteer=volunteer, to_status=status, by=registry_coordinator)


def test_suspension_cancels_upcoming_signups_and_promotes_the_waiting(db, registry_coordinator):
    shift = ShiftFactory(places=1)
    suspended = SignupFactory(shift=shift)
    waiting = SignupFactory(shift=shift, status=Signup.Status.WAITING, confirmed_at=None)

    services.change_status(
        volunteer=suspended.volunteer, to_status=Status.SUSPENDED, by=registry_coordinator
    )

    suspended.refresh_from_db()
    waiting.refresh_from_db()
    assert suspended.status == Signup.Status.CANCELLED
    assert waiting.status == Signup.Status.CONFIRMED


def test_reactivation_after_suspension_renews_insurance(db, registry_coordinator):
    volunteer = VolunteerFactory(status=Status.SUSPENDED)
    today = timezone.localdate()
    services.change_status(
        volunteer=volunteer,
        to_status=Status.ACTIVE,
        by=registry_coordinator,
        insurance_from=today,
        insurance_to=today + timedelta(days=90),
    )
    volunteer.refresh_from_db()
    assert volunteer.insurance_to == today + timedelta(days=90)


def test_application_form_links_the_privacy_notice_next_to_the_consent(client, db):
    client.force_login(UserFactory())
    body = client.get("/volontariato/candidatura/").content.decode()
    assert 'href="/privacy/"' in body
