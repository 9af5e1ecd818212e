"""The rules of the opinion workflow, tested on the services directly."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from collabcity.models import Notification
from collabcity.roles import MUNICIPAL_STAFF
from collabcity.services import assign_role
from consulte import models as consulte_models
from consulte import services
from consulte.models import OpinionRequest
from consulte.rules import has_office_perm
from consulte.services import OpinionError
from tests.consulte.council_factories import (
    CouncilFactory,
    CouncillorFactory,
    MemberFactory,
    OpinionRequestFactory,
    PublishedOpinionFactory,
)
from tests.factories import AmbitoFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(ambito=AmbitoFactory(code="B"))


@pytest.fixture
def councillor(council):
    return CouncillorFactory(council=council).user


@pytest.fixture
def request_(council):
    return OpinionRequestFactory(council=council)


def draft(opinion_request, user, text="Bozza del parere."):
    return services.save_draft(
        opinion_request=opinion_request,
        user=user,
        text=text,
        version=services.version_of(opinion_request),
    )


def sits_on(user, council) -> bool:
    return has_office_perm(user, "consulte.work_as_councillor", council)


def test_member_in_office_is_councillor(council, councillor):
    assert sits_on(councillor, council)


def test_member_of_another_council_is_not_councillor(council):
    other = CouncillorFactory(council=CouncilFactory(ambito=AmbitoFactory(code="C"))).user
    assert not sits_on(other, council)


def test_member_whose_term_ended_is_not_councillor(council):
    today = timezone.localdate()
    seat = CouncillorFactory(
        council=council,
        term_start=today - datetime.timedelta(days=2000),
        term_end=today - datetime.timedelta(days=1),
    )
    assert not sits_on(seat.user, council)


def test_member_whose_term_has_not_started_is_not_councillor(council):
    seat = CouncillorFactory(
        council=council, term_start=timezone.localdate() + datetime.timedelta(days=1)
    )
    assert not sits_on(seat.user, council)


def test_deactivated_account_is_not_councillor(council, councillor):
    councillor.is_active = False
    councillor.save()
    assert not sits_on(councillor, council)


def test_councils_of_lists_each_council_once(council, councillor):
    MemberFactory(council=council, user=councillor, role="segretario")
    assert services.councils_of(user=councillor) == [council]


def test_draft_is_stored_with_its_author(request_, councillor):
    draft(request_, councillor, "  Testo provvisorio.  ")

    request_.refresh_from_db()
    assert request_.status == OpinionRequest.Status.DRAFTING
    assert request_.opinion == "Testo provvisorio."
    assert request_.drafted_by == councillor
    assert request_.published_at is None


def test_member_of_another_council_cannot_draft(request_):
    other = CouncillorFactory(council=CouncilFactory(ambito=AmbitoFactory(code="C"))).user

    with pytest.raises(OpinionError) as error:
        draft(request_, other)

    assert error.value.code == "forbidden"
    request_.refresh_from_db()
    assert request_.status == OpinionRequest.Status.REQUESTED
    assert request_.opinion == ""


def test_citizen_cannot_draft(request_):
    with pytest.raises(OpinionError):
        draft(request_, UserFactory())


def test_stale_form_changes_nothing(request_, council, councillor):
    colleague = CouncillorFactory(council=council).user
    version_seen = services.version_of(request_)
    draft(request_, colleague, "Testo della collega.")

    with pytest.raises(OpinionError) as error:
        services.save_draft(
            opinion_request=request_, user=councillor, text="Il mio testo.", version=version_seen
        )

    assert error.value.code == "stale"
    request_.refresh_from_db()
    assert request_.opinion == "Testo della collega."
    assert request_.drafted_by == colleague


def test_transmitting_publishes_the_text(request_, councillor):
    services.transmit_opinion(
        opinion_request=request_,
        user=councillor,
        text="Parere favorevole.",
        version=services.version_of(request_),
    )

    request_.refresh_from_db()
    assert request_.status == OpinionRequest.Status.PUBLISHED
    assert request_.opinion == "Parere favorevole."
    assert request_.published_at is not None
    assert not services.is_late(request_)


def test_empty_opinion_cannot_be_transmitted(request_, councillor):
    with pytest.raises(OpinionError) as error:
        services.transmit_opinion(
            opinion_request=request_,
            user=councillor,
            text="   ",
            version=services.version_of(request_),
        )
    assert error.value.code == "empty"
    request_.refresh_from_db()
    assert request_.status == OpinionRequest.Status.REQUESTED


def test_double_transmission_changes_nothing(request_, councillor):
    version = services.version_of(request_)
    services.transmit_opinion(
        opinion_request=request_, user=councillor, text="Primo invio.", version=version
    )
    request_.refresh_from_db()
    first_published_at = request_.published_at

    with pytest.raises(OpinionError) as error:
        services.transmit_opinion(
            opinion_request=request_, user=councillor, text="Secondo invio.", version=version
        )

    assert error.value.code == "published"
    request_.refresh_from_db()
    assert (request_.opinion, request_.published_at) == ("Primo invio.", first_published_at)


def test_published_opinion_cannot_be_redrafted(council, councillor):
    published = PublishedOpinionFactory(council=council)
    with pytest.raises(OpinionError) as error:
        draft(published, councillor, "Ripensamento.")
    assert error.value.code == "published"
    published.refresh_from_db()
    assert published.opinion != "Ripensamento."


def test_drafting_after_the_deadline_is_allowed_and_flagged_late(council, councillor):
    today = timezone.localdate()
    overdue = OpinionRequestFactory(
        council=council,
        requested_on=today - datetime.timedelta(days=20),
        deadline=today - datetime.timedelta(days=1),
    )
    assert services.is_late(overdue)

    services.transmit_opinion(
        opinion_request=overdue,
        user=councillor,
        text="Parere tardivo.",
        version=services.version_of(overdue),
    )

    overdue.refresh_from_db()
    assert overdue.status == OpinionRequest.Status.PUBLISHED
    assert services.is_late(overdue)
    assert any("oltre il termine" in n.body for n in Notification.objects.all())


def test_opinion_published_on_the_deadline_day_is_not_late(council):
    published = PublishedOpinionFactory(
        council=council,
        deadline=timezone.localdate(),
        published_at=timezone.now(),
    )
    assert not services.is_late(published)


def test_staff_publish_a_transcribed_opinion(request_):
    staff = UserFactory()
    assign_role(user=staff, role=MUNICIPAL_STAFF)
    request_.opinion = "Parere votato in assemblea."
    request_.save()

    services.publish_opinion(opinion_request=request_, by=staff)

    request_.refresh_from_db()
    assert request_.status == OpinionRequest.Status.PUBLISHED
    assert request_.drafted_by == staff


def test_staff_cannot_publish_twice(council):
    published = PublishedOpinionFactory(council=council)
    with pytest.raises(OpinionError):
        services.publish_opinion(opinion_request=published, by=UserFactory())


def test_staff_cannot_publish_an_empty_opinion(request_):
    with pytest.raises(OpinionError):
        services.publish_opinion(opinion_request=request_, by=UserFactory())
    request_.refresh_from_db()
    assert request_.status == OpinionRequest.Status.REQUESTED


def test_new_request_notifies_the_members_in_office_with_an_account(council, councillor):
    MemberFactory(council=council)  # no account: nobody to notify
    CouncillorFactory(
        council=council,
        term_end=timezone.localdate() - datetime.timedelta(days=1),
        term_start=timezone.localdate() - datetime.timedelta(days=400),
    )
    CouncillorFactory(council=CouncilFactory(ambito=AmbitoFactory(code="C")))
    opinion_request = OpinionRequestFactory(council=council, title="Piano del verde")

    assert services.announce_opinion_request(opinion_request=opinion_request) == 1

    notification = Notification.objects.get()
    assert notification.recipient == councillor
    assert notification.topic == consulte_models.NOTIFICATION_TOPIC
    assert "Piano del verde" in notification.subject
    assert notification.url == services.edit_url(opinion_request)


def test_publication_notifies_staff_and_members_once_each(request_, council, councillor):
    staff = UserFactory()
    assign_role(user=staff, role=MUNICIPAL_STAFF)
    MemberFactory(council=council, user=councillor, role="segretario")  # two seats, one person

    services.transmit_opinion(
        opinion_request=request_,
        user=councillor,
        text="Parere.",
        version=services.version_of(request_),
    )

    recipients = sorted(Notification.objects.values_list("recipient__email", flat=True))
    assert recipients == sorted([staff.email, councillor.email])
    assert all(n.url == services.public_url(request_) for n in Notification.objects.all())


def test_refused_transmission_notifies_nobody(council):
    published = PublishedOpinionFactory(council=council)
    councillor = CouncillorFactory(council=council).user
    with pytest.raises(OpinionError):
        services.transmit_opinion(
            opinion_request=published,
            user=councillor,
            text="Di nuovo.",
            version=services.version_of(published),
        )
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_transmissions_publish_once():
    council = CouncilFactory(ambito=AmbitoFactory(code="D"))
    first, second = (CouncillorFactory(council=council).user for _ in range(2))
    opinion_request = OpinionRequestFactory(council=council)
    version = services.version_of(opinion_request)
    barrier = threading.Barrier(2)
    outcomes = []

    def transmit(user, text):
        try:
            barrier.wait()
            services.transmit_opinion(
                opinion_request=opinion_request, user=user, text=text, version=version
            )
            outcomes.append("ok")
        except OpinionError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=transmit, args=(first, "Testo A.")),
        threading.Thread(target=transmit, args=(second, "Testo B.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "published"]
    opinion_request.refresh_from_db()
    assert opinion_request.opinion in {"Testo A.", "Testo B."}
    assert Notification.objects.count() == 2  # the two members, once, for the one publication


def test_current_patto_is_the_newest_in_force():
    from tests.consulte.council_factories import ProgrammingDocumentFactory

    council = CouncilFactory(ambito=AmbitoFactory(code="E"))
    today = timezone.localdate()
    old = ProgrammingDocumentFactory(
        council=council,
        approved_on=today - datetime.timedelta(days=800),
        valid_until=today - datetime.timedelta(days=400),
    )
    current = ProgrammingDocumentFactory(
        council=council, approved_on=today - datetime.timedelta(days=300)
    )
    draft_doc = ProgrammingDocumentFactory(council=council, approved_on=None, valid_from=None)

    documents = [old, current, draft_doc]
    assert services.current_programming_document(documents) == current
    assert services.current_programming_document([old, draft_doc]) is None


def test_messages_keep_their_wording_in_both_languages(council, councillor):
    today = timezone.localdate()
    overdue = OpinionRequestFactory(
        council=council,
        title="Piano dell'acqua",
        requested_on=today - datetime.timedelta(days=20),
        deadline=today - datetime.timedelta(days=1),
    )
    deadline = overdue.deadline.strftime("%d/%m/%Y")
    services.announce_opinion_request(opinion_request=overdue)
    with translation.override("en"):
        services.transmit_opinion(
            opinion_request=overdue,
            user=councillor,
            text="Parere.",
            version=services.version_of(overdue),
        )
    requested, published = Notification.objects.order_by("pk")
    assert (requested.subject, requested.body) == (
        "Richiesta di parere: Piano dell'acqua",
        f"Il Comune chiede il parere della {council.name} su «Piano dell'acqua». "
        f"Il parere va espresso entro il {deadline}.",
    )
    assert (published.subject, published.body) == (
        "Opinion published: Piano dell'acqua",
        f"{council.name} has given its opinion on ‘Piano dell'acqua’. "
        f"The opinion was given after the deadline of {deadline}.",
    )
