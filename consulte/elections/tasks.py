"""The elections' Celery tasks. Their names keep the module they were first queued from
(consulte.tasks), so queued messages and django-celery-beat rows still find them."""

from celery import shared_task

from ..models import Election
from . import ballot_box, notifications, rolls, tally


@shared_task(name="consulte.tasks.import_roll")
def import_roll(roll_import_id: int) -> str:
    return rolls.run_import(roll_import_id=roll_import_id).status


@shared_task(name="consulte.tasks.tally_election")
def tally_election(election_id: int) -> str:
    return tally.tally_election(election_id=election_id).digest


# Acknowledged on receipt: the (encrypted) shares must not wait in the broker's unacked set
# to be redelivered; a failed opening is started again by the guardians.
@shared_task(name="consulte.tasks.open_ballot_box", acks_late=False)
def open_ballot_box(election_id: int, sealed_shares: str) -> str:
    """Open the envelopes with the guardians' shares, then tally. The shares (and the key they
    rebuild) exist only in this task's memory; not retried, so they never wait in the broker."""
    election = Election.objects.get(pk=election_id)
    ballot_box.open_ballot_box(
        election=election, shares=ballot_box.unseal_shares_from_web(sealed_shares)
    )
    return tally.tally_election(election_id=election_id).digest


@shared_task(name="consulte.tasks.tally_due_elections")
def tally_due_elections() -> int:
    # In this worker, one election after the other: each tally locks its election row, so an
    # overlapping run (beat fires again, a worker crash and redelivery) waits, then recomputes
    # the identical result.
    return len(tally.tally_due_elections())


@shared_task(name="consulte.tasks.notify_opened_elections")
def notify_opened_elections() -> int:
    return notifications.notify_opened_elections()


@shared_task(name="consulte.tasks.remind_before_close")
def remind_before_close() -> int:
    return notifications.remind_before_close()
