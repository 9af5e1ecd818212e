"""Factories of calls and proposals, and a helper that writes a proposal in any state."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify

from accordi.models import Call, Proposal, ProposalComment, Theme
from tests.factories import QuartiereFactory, UserFactory

from .factories import AgreementFactory

Status = Proposal.Status


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Avviso per i beni comuni {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    theme = Theme.GREEN
    description = "Cerchiamo progetti di cura dei parchi e dei cortili."
    offered_spaces = "Le sale dei centri sociali dell'ambito."
    budget_ceiling = Decimal("5000.00")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    criteria = "Impatto sul quartiere, coinvolgimento dei residenti."
    published = True

    @factory.post_generation
    def ambiti(call, create, extracted, **kwargs):
        if create and extracted:
            call.ambiti.set(extracted)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Orto condiviso numero {n}")
    summary = "Un orto curato dai vicini, aperto alle scuole."
    theme = Theme.GREEN
    need = "Nel quartiere mancano spazi verdi curati e luoghi d'incontro."
    activities = "Coltiviamo l'orto il sabato mattina e lo apriamo alle classi."
    timeline = "Da marzo a ottobre, ogni sabato."
    committed_people = 6
    committed_hours = Decimal("240")
    requested_spaces = "Un'area verde di 200 m²."
    requested_budget = Decimal("1500.00")

    @factory.post_generation
    def quartieri(proposal, create, extracted, **kwargs):
        if create:
            proposal.quartieri.set(extracted if extracted is not None else [QuartiereFactory()])


def proposal_in(status: str, **kwargs) -> Proposal:
    """A proposal written directly in `status`, with what the state requires."""
    proposal = ProposalFactory(**kwargs)
    if status != Status.DRAFT:
        proposal.submitted_at = timezone.now() - datetime.timedelta(days=20)
    if status in (Status.ADMITTED, Status.NOT_ADMITTED, Status.CONVERTED):
        proposal.decision_reason = "Risponde ai criteri dell'avviso."
    if status == Status.WITHDRAWN:
        proposal.withdrawal_reason = "Il gruppo si è sciolto."
    if status == Status.CONVERTED:
        proposal.agreement = AgreementFactory(title=proposal.title, quartieri=[])
    proposal.status = status
    proposal.save()
    return proposal


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalComment

    proposal = factory.LazyFunction(lambda: proposal_in(Status.SUBMITTED))
    author = factory.SubFactory(UserFactory)
    body = "Bella idea, vengo anch'io a dare una mano."
