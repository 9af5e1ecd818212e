import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accordi import models as accordi_models
from accordi import services
from accordi.models import Agreement, Party, Status, StatusChange
from accordi.services import TRANSITIONS, TransitionError, transition
from collabcity.models import Notification
from tests.factories import UserFactory

from .factories import ComunePartyFactory, PartyFactory, agreement_in

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in targets]
STRUCTURALLY_REFUSED = [
    (source, target)
    for source in Status.values
    for target in Status.values
    if (source, target) not in ALLOWED
]


def ready_for(source: str, target: str) -> Agreement:
    """An agreement in `source` that meets every condition of the step to `target`."""
    agreement = agreement_in(source)
    if target == Status.APPROVED:
        agreement.resolution_number = "101/2026"
        agreement.resolution_date = TODAY - 10 * DAY
        agreement.save()
    if target == Status.SIGNED:
        agreement.parties.update(signed_on=TODAY - 5 * DAY)
    if target == Status.CONCLUDED:
        agreement.end_date = TODAY - DAY
        agreement.final_report = "Obiettivi raggiunti."
        agreement.save()
    return agreement


def note_for(target: str) -> str:
    return "La comunità ha rinunciato." if target == Status.WITHDRAWN else ""


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_transition_moves_and_is_recorded(db, staff_user, source, target):
    agreement = ready_for(source, target)

    change = transition(agreement=agreement, to=target, by=staff_user, note=note_for(target))

    agreement.refresh_from_db()
    assert agreement.status == target
    assert (change.from_status, change.to_status, change.by) == (source, target, staff_user)
    assert change.at is not None
    assert list(StatusChange.objects.filter(agreement=agreement)) == [change]


@pytest.mark.parametrize(("source", "target"), STRUCTURALLY_REFUSED)
def test_transition_outside_the_lifecycle_is_refused(db, staff_user, source, target):
    agreement = ready_for(source, target)

    with pytest.raises(TransitionError) as error:
        transition(agreement=agreement, to=target, by=staff_user, note="nota")

    assert "non può passare" in error.value.messages[0]
    agreement.refresh_from_db()
    assert agreement.status == source
    assert not StatusChange.objects.exists()


def test_unknown_status_is_refused(db, staff_user):
    agreement = agreement_in(Status.DRAFT)
    with pytest.raises(TransitionError, match="non esiste"):
        transition(agreement=agreement, to="pubblicato", by=staff_user)


def _refused(agreement: Agreement, target: str, reason: str, staff_user, note: str = "") -> None:
    source = agreement.status
    with pytest.raises(TransitionError, match=reason):
        transition(agreement=agreement, to=target, by=staff_user, note=note)
    agreement.refresh_from_db()
    assert agreement.status == source
    assert not StatusChange.objects.exists()
    assert not Notification.objects.exists()


def test_codesign_needs_a_party_besides_the_comune(db, staff_user):
    agreement = agreement_in(Status.DRAFT)
    agreement.parties.exclude(kind=Party.Kind.COMUNE).delete()
    _refused(agreement, Status.CODESIGN, "almeno una parte oltre al Comune", staff_user)


def test_codesign_needs_a_quartiere(db, staff_user):
    agreement = agreement_in(Status.DRAFT)
    agreement.quartieri.clear()
    _refused(agreement, Status.CODESIGN, "almeno un quartiere", staff_user)


@pytest.mark.parametrize(
    ("field", "value"), [("resolution_number", "  "), ("resolution_date", None)]
)
def test_approval_needs_the_giunta_resolution(db, staff_user, field, value):
    agreement = ready_for(Status.CODESIGN, Status.APPROVED)
    setattr(agreement, field, value)
    agreement.save()
    _refused(agreement, Status.APPROVED, "numero e la data della delibera", staff_user)


def test_approval_refuses_a_resolution_dated_in_the_future(db, staff_user):
    agreement = ready_for(Status.CODESIGN, Status.APPROVED)
    agreement.resolution_date = TODAY + DAY
    agreement.save()
    _refused(agreement, Status.APPROVED, "nel futuro", staff_user)


@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_approval_needs_start_and_end(db, staff_user, field):
    agreement = ready_for(Status.CODESIGN, Status.APPROVED)
    setattr(agreement, field, None)
    agreement.save()
    _refused(agreement, Status.APPROVED, "data di inizio e la data di fine", staff_user)


def test_approval_needs_the_comune_among_the_parties(db, staff_user):
    agreement = ready_for(Status.CODESIGN, Status.APPROVED)
    agreement.parties.filter(kind=Party.Kind.COMUNE).delete()
    _refused(agreement, Status.APPROVED, "manca il Comune", staff_user)


def test_approval_needs_the_community_among_the_parties(db, staff_user):
    agreement = ready_for(Status.CODESIGN, Status.APPROVED)
    agreement.parties.exclude(kind=Party.Kind.COMUNE).delete()
    ComunePartyFactory(agreement=agreement, organisation=None, name="Comune – Servizio Quartieri")
    _refused(agreement, Status.APPROVED, "manca la comunità", staff_user)


def test_signature_needs_every_party_signature_date(db, staff_user):
    agreement = agreement_in(Status.APPROVED)
    late = PartyFactory(agreement=agreement, organisation=None, name="Gruppo dei genitori")
    agreement.parties.exclude(pk=late.pk).update(signed_on=TODAY)
    _refused(agreement, Status.SIGNED, "Manca la data di firma di: Gruppo dei genitori", staff_user)


def test_signature_refuses_a_date_in_the_future(db, staff_user):
    agreement = agreement_in(Status.APPROVED)
    agreement.parties.update(signed_on=TODAY + DAY)
    _refused(agreement, Status.SIGNED, "nel futuro", staff_user)


def test_signature_refuses_a_date_before_the_resolution(db, staff_user):
    agreement = agreement_in(Status.APPROVED)
    agreement.parties.update(signed_on=agreement.resolution_date - DAY)
    _refused(agreement, Status.SIGNED, "precede la delibera", staff_user)


def test_activation_waits_for_the_start_date(db, staff_user):
    agreement = agreement_in(Status.SIGNED)
    agreement.start_date = TODAY + DAY
    agreement.save()
    _refused(agreement, Status.ACTIVE, "dalla data di inizio", staff_user)


def test_conclusion_waits_until_after_the_end_date(db, staff_user):
    agreement = agreement_in(Status.ACTIVE, final_report="Fatto.")
    agreement.end_date = TODAY
    agreement.save()
    _refused(agreement, Status.CONCLUDED, "solo dopo la data di fine", staff_user)


def test_conclusion_needs_the_final_report(db, staff_user):
    agreement = agreement_in(Status.ACTIVE)
    agreement.end_date = TODAY - DAY
    agreement.save()
    _refused(agreement, Status.CONCLUDED, "relazione finale", staff_user)


def test_withdrawal_needs_a_reason(db, staff_user):
    agreement = agreement_in(Status.CODESIGN)
    _refused(agreement, Status.WITHDRAWN, "scrivi il motivo", staff_user, note="   ")


def test_approval_stamps_the_approval_and_withdrawal_keeps_the_reason(db, staff_user):
    agreement = ready_for(Status.CODESIGN, Status.APPROVED)
    transition(agreement=agreement, to=Status.APPROVED, by=staff_user)
    assert agreement.approved_at is not None
    transition(agreement=agreement, to=Status.WITHDRAWN, by=staff_user, note="Fondi revocati.")

    agreement.refresh_from_db()
    assert agreement.withdrawal_reason == "Fondi revocati."
    assert agreement.is_public  # its approval was a public act: see test_privacy


def test_each_representative_is_notified_once_of_a_step(db, staff_user):
    agreement = agreement_in(Status.DRAFT)
    representative = UserFactory()
    agreement.parties.update(representative=representative)  # both parties: one notification
    other = UserFactory()
    PartyFactory(agreement=agreement, representative=other)

    transition(agreement=agreement, to=Status.CODESIGN, by=staff_user)

    notifications = Notification.objects.filter(topic=accordi_models.NOTIFICATION_TOPIC)
    assert sorted(n.recipient_id for n in notifications) == sorted([representative.pk, other.pk])
    notification = notifications.get(recipient=other)
    assert "In co-progettazione" in notification.body
    assert notification.url == agreement.get_draft_url()


def test_public_steps_link_the_public_page(db, staff_user):
    agreement = ready_for(Status.CODESIGN, Status.APPROVED)
    agreement.parties.update(representative=UserFactory())
    transition(agreement=agreement, to=Status.APPROVED, by=staff_user)
    assert Notification.objects.get().url == agreement.get_absolute_url()


def test_the_database_refuses_an_approved_agreement_without_resolution(db):
    agreement = agreement_in(Status.CODESIGN)
    agreement.status = Status.APPROVED
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_the_database_refuses_a_concluded_agreement_without_report(db):
    agreement = agreement_in(Status.ACTIVE)
    agreement.end_date = TODAY - DAY
    agreement.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(status=Status.CONCLUDED)


@pytest.mark.django_db(transaction=True)
def test_a_double_click_moves_the_agreement_only_once():
    staff = UserFactory()
    agreement = ready_for(Status.CODESIGN, Status.APPROVED)
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        barrier.wait()
        try:
            transition(agreement=Agreement.objects.get(pk=agreement.pk), to="approvato", by=staff)
            outcomes.append("ok")
        except TransitionError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("ok") == 1
    assert StatusChange.objects.filter(agreement=agreement).count() == 1


def test_allowed_targets_follow_the_lifecycle(db):
    agreement = agreement_in(Status.APPROVED)
    assert services.allowed_targets(agreement) == (Status.SIGNED, Status.WITHDRAWN)
