"""What the elections tell the ambito's residents who opted in: voting is open, the last day,
the results; each once per election.

Two marks make "once": each person's notification carries a once_key (unique per recipient in
the outbox, so no one gets the same notice twice whatever runs overlap), and the election's
`*_notified_at` stamp, set in the same transaction, keeps the periodic tasks from fanning out
again every five minutes.
"""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from collabcity.models import User
from collabcity.notifications import notify_many

from ..models import NOTIFICATION_TOPIC, Election


def _notify_ambito(election: Election, *, event: str, url: str) -> int:
    """Notify the ambito's active residents who opted in to election news; returns how many."""
    residents = User.objects.opted_in_to(NOTIFICATION_TOPIC).filter(
        is_active=True, quartiere__ambito_id=election.council.ambito_id
    )
    return notify_many(
        recipients=residents,
        topic=NOTIFICATION_TOPIC,
        event=f"consulte/{event}",
        context={"election": election},
        url=url,
        once_key=f"election:{election.pk}:{event}",
    )


def _send_once(due, *, stamp: str, now, event: str) -> int:
    """Send the event's notice to the ambito of each due election whose `stamp` is still empty,
    and set the stamp in the same transaction. The election row is locked, skipping one that
    another run holds."""
    sent = 0
    not_sent = {f"{stamp}__isnull": True}
    for election_id in due.filter(**not_sent).values_list("pk", flat=True):
        with transaction.atomic():
            election = (
                Election.objects.select_for_update(skip_locked=True)
                .select_related("council")
                .filter(pk=election_id, **not_sent)
                .first()
            )
            if election is None:
                continue
            sent += _notify_ambito(election, event=event, url=election.get_absolute_url())
            setattr(election, stamp, now)
            election.save(update_fields=[stamp])
    return sent


def notify_opened_elections() -> int:
    """Tell the ambito's residents who opted in that voting is open; once per election."""
    now = timezone.now()
    return _send_once(
        Election.objects.open_at(now).filter(ballot_box__isnull=False),
        stamp="opening_notified_at",
        now=now,
        event="election_opened",
    )


def remind_before_close(hours: int = 24) -> int:
    """Remind every opted-in resident of the ambito a day before the close; once.

    Everyone, voters included, with words that fit both: a list of who was left out would tell
    staff reading the notifications who has not voted.
    """
    now = timezone.now()
    return _send_once(
        Election.objects.open_at(now).filter(closes_at__lte=now + timedelta(hours=hours)),
        stamp="reminder_notified_at",
        now=now,
        event="election_closing",
    )


def notify_results(election: Election) -> None:
    """Called inside the tally's transaction, with the election row locked."""
    if election.results_notified_at is not None:
        return
    _notify_ambito(
        election,
        event="election_results",
        url=reverse("consulte:election_results", kwargs={"pk": election.pk}),
    )
    election.results_notified_at = timezone.now()
    election.save(update_fields=["results_notified_at"])
