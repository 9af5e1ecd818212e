import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify

from accordi.models import (
    Action,
    Agreement,
    Attachment,
    Commitment,
    Indicator,
    Measurement,
    Party,
    Status,
    Theme,
)
from collabcity.models import Organisation
from tests.factories import OrganisationFactory, QuartiereFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Accordo per il parco {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    theme = Theme.GREEN
    summary = "Cura condivisa del verde del quartiere."
    objectives = "Tenere pulito il parco\nOrganizzare feste di quartiere"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))

    @factory.post_generation
    def quartieri(agreement, create, extracted, **kwargs):
        if create:
            agreement.quartieri.set(extracted if extracted is not None else [QuartiereFactory()])


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    agreement = factory.SubFactory(AgreementFactory)
    kind = Party.Kind.ORGANISATION
    organisation = factory.SubFactory(OrganisationFactory)
    signatory_name = "Maria Bianchi"
    signatory_role = "Presidente"


class ComunePartyFactory(PartyFactory):
    kind = Party.Kind.COMUNE
    organisation = factory.LazyFunction(
        lambda: Organisation.objects.get_or_create(
            name="Comune di Reggio Emilia",
            defaults={"slug": "comune-di-reggio-emilia", "kind": Organisation.Kind.COMUNE},
        )[0]
    )
    signatory_name = "Lucia Verdi"
    signatory_role = "Assessora alla partecipazione"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    agreement = factory.SubFactory(AgreementFactory)
    title = "Pulizia mensile del parco"
    place = "Parco del Popolo"
    schedule = "Il primo sabato del mese"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    party = factory.SubFactory(PartyFactory)
    agreement = factory.SelfAttribute("party.agreement")
    kind = Commitment.Kind.FUNDS
    description = "Contributo per i materiali"
    amount = Decimal("1500.00")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    agreement = factory.SubFactory(AgreementFactory)
    name = "Persone coinvolte"
    unit = "persone"
    target = Decimal("100")


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    measured_on = factory.LazyFunction(timezone.localdate)
    value = Decimal("40")


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    agreement = factory.SubFactory(AgreementFactory)
    title = "Testo dell'accordo firmato"
    kind = Attachment.Kind.SIGNED
    file = factory.django.FileField(filename="accordo.pdf", data=b"%PDF-1.4 accordo")


def agreement_in(status: str, *, withdrawn_after_approval: bool = False, **kwargs) -> Agreement:
    """An agreement brought to `status` with the data each step needs (written directly)."""
    today = timezone.localdate()
    agreement = AgreementFactory(**kwargs)
    ComunePartyFactory(agreement=agreement)
    PartyFactory(agreement=agreement)
    reached_approval = status in (Status.APPROVED, Status.SIGNED, Status.ACTIVE, Status.CONCLUDED)
    if reached_approval or withdrawn_after_approval:
        agreement.resolution_number = "42/2026"
        agreement.resolution_date = today - datetime.timedelta(days=60)
        agreement.approved_at = timezone.now() - datetime.timedelta(days=60)
    if status in (Status.SIGNED, Status.ACTIVE, Status.CONCLUDED):
        agreement.parties.update(signed_on=today - datetime.timedelta(days=45))
    if status == Status.CONCLUDED:
        if "end_date" not in kwargs:
            agreement.start_date = today - datetime.timedelta(days=400)
            agreement.end_date = today - datetime.timedelta(days=10)
        agreement.final_report = "Il parco è rinato."
    agreement.status = status
    agreement.save()
    return agreement
