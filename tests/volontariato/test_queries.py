"""The opportunities' QuerySet: what is open, and the ranking a volunteer sees."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import QuartiereFactory
from tests.volontariato.factories import (
    OpportunityFactory,
    ShiftFactory,
    VolunteerFactory,
    skill,
)
from volontariato.models import Opportunity, SkillCode


def shift_at(hour: int, **kwargs):
    start = (timezone.localtime() + timedelta(days=3)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return ShiftFactory(starts_at=start, ends_at=start + timedelta(hours=2), **kwargs)


def test_only_opportunities_with_a_shift_to_come_are_open(db):
    past = timezone.now() - timedelta(days=1)
    ShiftFactory(opportunity__title="Passata", starts_at=past, ends_at=past + timedelta(hours=1))
    OpportunityFactory(title="Senza turni")
    soon, later = shift_at(9, opportunity__title="Aperta"), shift_at(15)
    later.opportunity = soon.opportunity
    later.save()

    [opportunity] = Opportunity.objects.with_upcoming_shifts()
    assert (opportunity.title, opportunity.next_shift_at) == ("Aperta", soon.starts_at)


def test_skills_availability_and_quartieri_count_one_point_each(db):
    morning = shift_at(9)
    quartiere = QuartiereFactory()
    volunteer = VolunteerFactory(
        availability=[f"{timezone.localtime(morning.starts_at).isoweekday()}-mattina"]
    )
    volunteer.skills.add(skill(SkillCode.DIGITALE))
    volunteer.quartieri.add(quartiere)
    morning.opportunity.title = "Di mattina"
    morning.opportunity.save()
    shift_at(20, opportunity__title="Nessuna")
    shift_at(20, opportunity__title="Nel quartiere", opportunity__quartiere=quartiere)
    asks_skill = shift_at(20, opportunity__title="Competenza").opportunity
    asks_skill.skills.add(skill(SkillCode.DIGITALE))
    everything = shift_at(10, opportunity__title="Tutto", opportunity__quartiere=quartiere)
    everything.opportunity.skills.add(skill(SkillCode.DIGITALE))

    ranked = Opportunity.objects.with_upcoming_shifts().ranked_for(volunteer)

    # Equal scores: the soonest first, then the first posted.
    assert [(o.title, o.match_score) for o in ranked] == [
        ("Tutto", 3),
        ("Di mattina", 1),
        ("Nel quartiere", 1),
        ("Competenza", 1),
        ("Nessuna", 0),
    ]
