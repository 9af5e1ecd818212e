from datetime import datetime
from zoneinfo import ZoneInfo

import factory

from centri_sociali import services
from centri_sociali.models import Activity, Facility, OpeningHours, Room
from tests.factories import CentreFactory

ROME = ZoneInfo("Europe/Rome")


def rome(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Servizio {n}")
    slug = factory.Sequence(lambda n: f"servizio-{n}")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Sala {n}")
    capacity = 40


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    centre = factory.SubFactory(CentreFactory)
    weekday = 0
    opens_at = "15:00"
    closes_at = "19:00"


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity saved through the service, so its bounds and room check are real."""

    class Meta:
        model = Activity

    centre = factory.SubFactory(CentreFactory)
    room = factory.LazyAttribute(lambda o: RoomFactory(centre=o.centre))
    title = factory.Sequence(lambda n: f"Attività {n}")
    category = Activity.Category.COURSES
    starts_at = factory.LazyFunction(lambda: rome(2030, 1, 7, 18))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at.replace(hour=o.starts_at.hour + 1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.save_activity(activity=model_class(*args, **kwargs))


def weekly(**kwargs) -> Activity:
    kwargs.setdefault("recurrence", Activity.Recurrence.WEEKLY)
    kwargs.setdefault("repeat_count", 10)
    return ActivityFactory(**kwargs)
