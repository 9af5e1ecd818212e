"""Support and follow: one support per person (a database constraint, even under concurrency),
withdrawable while the Comune has not decided; the count is public."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection
from django.test import Client

from accordi.models import Proposal, ProposalFollow, Support
from accordi.proposals import services
from accordi.proposals.services import ProposalError
from tests.factories import QuartiereFactory, UserFactory

from .proposal_factories import proposal_in

Status = Proposal.Status


def resident_of(quartiere=None):
    return UserFactory(quartiere=quartiere or QuartiereFactory())


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.EVALUATION])
def test_a_resident_supports_a_proposal_once(resident, status):
    proposal = proposal_in(status)
    services.support(proposal=proposal, user=resident)

    with pytest.raises(ProposalError, match="Sostieni già"):
        services.support(proposal=proposal, user=resident)
    assert Support.objects.filter(proposal=proposal).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_support_whatever_the_path(resident):
    proposal = proposal_in(Status.SUBMITTED)
    Support.objects.create(proposal=proposal, user=resident)
    with pytest.raises(IntegrityError):
        Support.objects.create(proposal=proposal, user=resident)


@pytest.mark.django_db
def test_a_support_is_withdrawn_while_supports_are_open(resident):
    proposal = proposal_in(Status.SUBMITTED)
    services.support(proposal=proposal, user=resident)

    assert services.withdraw_support(proposal=proposal, user=resident) is True
    assert services.withdraw_support(proposal=proposal, user=resident) is False
    assert not Support.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [Status.ADMITTED, Status.NOT_ADMITTED, Status.CONVERTED, Status.WITHDRAWN],
)
def test_after_the_decision_supports_are_frozen(resident, status):
    proposal = proposal_in(status)
    Support.objects.create(proposal=proposal, user=UserFactory())
    with pytest.raises(ProposalError, match="non raccoglie più sostegni"):
        services.support(proposal=proposal, user=resident)
    with pytest.raises(ProposalError, match="conteggio è chiuso"):
        services.withdraw_support(proposal=proposal, user=resident)
    assert Support.objects.count() == 1


@pytest.mark.django_db
def test_a_draft_cannot_be_supported(resident):
    with pytest.raises(ProposalError):
        services.support(proposal=proposal_in(Status.DRAFT), user=resident)


@pytest.mark.django_db
def test_proposers_do_not_support_their_own_proposal(proposer):
    proposer.quartiere = QuartiereFactory()
    proposer.save()
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    with pytest.raises(ProposalError, match="propria proposta"):
        services.support(proposal=proposal, user=proposer)


@pytest.mark.django_db
def test_a_person_without_a_declared_quartiere_is_told_how_to_support():
    with pytest.raises(ProposalError, match="indica nel tuo profilo il quartiere"):
        services.support(proposal=proposal_in(Status.SUBMITTED), user=UserFactory())


@pytest.mark.django_db
def test_an_anonymous_visitor_cannot_support():
    with pytest.raises(ProposalError, match="Accedi"):
        services.support(proposal=proposal_in(Status.SUBMITTED), user=AnonymousUser())


@pytest.mark.django_db
def test_a_superuser_gets_no_shortcut_past_the_state(admin_user):
    admin_user.quartiere = QuartiereFactory()
    admin_user.save()
    with pytest.raises(ProposalError):
        services.support(proposal=proposal_in(Status.NOT_ADMITTED), user=admin_user)


@pytest.mark.django_db
def test_the_count_is_public():
    proposal = proposal_in(Status.SUBMITTED)
    for _ in range(3):
        services.support(proposal=proposal, user=resident_of())
    page = Client().get(proposal.get_absolute_url()).content.decode()
    assert "3 sostegni" in page


@pytest.mark.django_db
def test_following_is_once_and_can_be_stopped(resident):
    proposal = proposal_in(Status.SUBMITTED)
    services.follow(proposal=proposal, user=resident)
    services.follow(proposal=proposal, user=resident)
    assert ProposalFollow.objects.count() == 1
    services.unfollow(proposal=proposal, user=resident)
    assert not ProposalFollow.objects.exists()


@pytest.mark.django_db
def test_a_draft_cannot_be_followed(resident):
    with pytest.raises(ProposalError):
        services.follow(proposal=proposal_in(Status.DRAFT), user=resident)


def _at_once(count: int, action) -> list[str]:
    """Run `action(i)` in `count` threads released together; the outcomes, sorted."""
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(index):
        try:
            barrier.wait()
            action(index)
            outcomes.append("ok")
        except ProposalError as refused:
            outcomes.append(refused.code)
        except Exception as error:  # recorded: the test fails on any of them
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_one_support_per_person_under_concurrent_clicks():
    proposal = proposal_in(Status.SUBMITTED)
    person = resident_of()

    outcomes = _at_once(8, lambda index: services.support(proposal=proposal, user=person))

    assert outcomes == ["already_supported"] * 7 + ["ok"]
    assert Support.objects.filter(proposal=proposal, user=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_of_many_people_are_all_counted():
    proposal = proposal_in(Status.SUBMITTED)
    quartiere = QuartiereFactory()
    people = [resident_of(quartiere) for _ in range(8)]

    outcomes = _at_once(8, lambda index: services.support(proposal=proposal, user=people[index]))

    assert outcomes == ["ok"] * 8
    assert Proposal.objects.with_support_count().get(pk=proposal.pk).support_count == 8
