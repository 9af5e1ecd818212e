from datetime import timedelta

import factory
from django.utils import timezone

from collabcity.models import Organisation
from tests.factories import OrganisationFactory, QuartiereFactory, UserFactory
from volontariato.models import (
    CONSENT_VERSION,
    Opportunity,
    Shift,
    Signup,
    Skill,
    Volunteer,
)


def skill(code: str) -> Skill:
    # Transactional tests flush the rows the migration created: get_or_create puts them back.
    return Skill.objects.get_or_create(code=code)[0]


class VolunteerFactory(factory.django.DjangoModelFactory):
    """An active volunteer insured from a month ago for a year, unless told otherwise."""

    class Meta:
        model = Volunteer

    user = factory.SubFactory(UserFactory)
    status = Volunteer.Status.ACTIVE
    birth_date = factory.LazyFunction(lambda: timezone.localdate().replace(year=1990))
    consent_at = factory.LazyFunction(timezone.now)
    consent_version = CONSENT_VERSION
    insurance_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    insurance_to = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=335))

    class Params:
        applied = factory.Trait(
            status=Volunteer.Status.APPLIED, insurance_from=None, insurance_to=None
        )


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    title = factory.Sequence(lambda n: f"Opportunità {n}")
    description = "Una mano alla città."
    place = "Piazza Prampolini"
    quartiere = factory.SubFactory(QuartiereFactory)
    coordinator = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.ODV)
    published = True


class ShiftFactory(factory.django.DjangoModelFactory):
    """A three-hour shift in three days' time, at 9:00 local time."""

    class Meta:
        model = Shift

    opportunity = factory.SubFactory(OpportunityFactory)
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
            + timedelta(days=3)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    places = 5


class SignupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signup

    shift = factory.SubFactory(ShiftFactory)
    volunteer = factory.SubFactory(VolunteerFactory)
    status = Signup.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
