"""Factories of the council side of the consulte (councils, members, meetings, opinions)."""

import datetime

import factory
from django.utils import timezone

from consulte.models import Council, Meeting, Member, OpinionRequest, ProgrammingDocument
from tests.factories import AmbitoFactory, OrganisationFactory, UserFactory


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ["ambito"]

    ambito = factory.SubFactory(AmbitoFactory)
    name = factory.LazyAttribute(lambda o: f"Consulta dell'Ambito {o.ambito.code}")
    slug = factory.LazyAttribute(lambda o: f"consulta-ambito-{o.ambito.code.lower()}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    council = factory.SubFactory(CouncilFactory)
    full_name = factory.Sequence(lambda n: f"Componente {n}")
    kind = Member.Kind.ELECTED
    role = Member.Role.MEMBER
    term_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    term_end = factory.LazyAttribute(lambda o: o.term_start + datetime.timedelta(days=5 * 365))


class DesignatedMemberFactory(MemberFactory):
    kind = Member.Kind.DESIGNATED
    organisation = factory.SubFactory(OrganisationFactory)


class CouncillorFactory(MemberFactory):
    """A member in office with an account on the portal."""

    user = factory.SubFactory(UserFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    council = factory.SubFactory(CouncilFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    place = "Centro sociale Orologio"
    agenda = "1. Comunicazioni\n2. Patto di ambito"


class ProgrammingDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammingDocument

    council = factory.SubFactory(CouncilFactory)
    title = factory.Sequence(lambda n: f"Patto di ambito {n}")
    body = "Priorità condivise per l'ambito."
    approved_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_from = factory.LazyAttribute(lambda o: o.approved_on)


class OpinionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpinionRequest

    council = factory.SubFactory(CouncilFactory)
    title = factory.Sequence(lambda n: f"Piano {n}")
    description = "Il Comune chiede il parere della consulta sul piano."
    requested_on = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyAttribute(lambda o: o.requested_on + datetime.timedelta(days=14))


class PublishedOpinionFactory(OpinionRequestFactory):
    requested_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    status = OpinionRequest.Status.PUBLISHED
    opinion = "La consulta esprime parere favorevole con osservazioni."
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=20))
