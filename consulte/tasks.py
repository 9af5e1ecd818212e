from celery import shared_task

from . import elections, roll


@shared_task(name="consulte.tasks.import_roll")
def import_roll(roll_import_id: int) -> str:
    return roll.run_import(roll_import_id=roll_import_id).status


@shared_task(name="consulte.tasks.tally_election")
def tally_election(election_id: int) -> str:
    return elections.tally_election(election_id=election_id).digest


@shared_task(name="consulte.tasks.tally_due_elections")
def tally_due_elections() -> int:
    # In this worker, one election after the other: each tally locks its election row, so an
    # overlapping run (beat fires again, a worker crash and redelivery) waits, then recomputes
    # the identical result.
    return len(elections.tally_due_elections())


@shared_task(name="consulte.tasks.notify_opened_elections")
def notify_opened_elections() -> int:
    return elections.notify_opened_elections()


@shared_task(name="consulte.tasks.remind_before_close")
def remind_before_close() -> int:
    return elections.remind_before_close()
