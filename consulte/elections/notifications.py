"""What the elections tell the ambito's residents who opted in: voting is open, the last day,
the results; each once per election, stamped in the transaction that sends it."""

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collabcity.models import Notification, User
from collabcity.notifications import notify

from ..models import Election


def _notify_ambito(election: Election, *, subject: str, body: str, url: str) -> int:
    """Notify the ambito's active residents who opted in to election news; returns how many."""
    residents = User.objects.filter(
        is_active=True,
        notify_elections=True,
        quartiere__ambito_id=election.council.ambito_id,
    )
    count = 0
    for user in residents.iterator():
        notify(
            recipient=user,
            topic=Notification.Topic.ELECTIONS,
            subject=subject,
            body=body,
            url=url,
        )
        count += 1
    return count


def _send_once(due, *, stamp: str, now, message: Callable[[Election], tuple[str, str]]) -> int:
    """Send message(election), a subject and a body, to the ambito of each due election whose
    `stamp` is still empty, and set the stamp in the same transaction. The election row is
    locked, skipping one that another run holds: overlapping runs never send twice."""
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
            subject, body = message(election)
            sent += _notify_ambito(
                election, subject=subject, body=body, url=election.get_absolute_url()
            )
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
        message=lambda election: (
            str(_("Si vota per la consulta: %(title)s") % {"title": election.title}),
            str(
                _("Il voto è aperto fino al %(closes)s. Puoi votare online o a un punto voto.")
                % {"closes": timezone.localtime(election.closes_at).strftime("%d/%m/%Y %H:%M")}
            ),
        ),
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
        message=lambda election: (
            str(_("Ultime ore per votare: %(title)s") % {"title": election.title}),
            str(
                _(
                    "Il voto per la consulta chiude tra meno di 24 ore. Se non hai ancora "
                    "votato, puoi farlo online o a un punto voto; se hai già votato, grazie: "
                    "non devi fare altro."
                )
            ),
        ),
    )


def notify_results(election: Election) -> None:
    """Called inside the tally's transaction, with the election row locked."""
    if election.results_notified_at is not None:
        return
    _notify_ambito(
        election,
        subject=str(_("Risultati: %(title)s") % {"title": election.title}),
        body=str(_("Sono pubblicati i risultati e gli eletti della consulta.")),
        url=reverse("consulte:election_results", kwargs={"pk": election.pk}),
    )
    election.results_notified_at = timezone.now()
    election.save(update_fields=["results_notified_at"])
