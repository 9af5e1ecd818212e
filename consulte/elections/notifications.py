"""What the elections tell the ambito's residents who opted in: voting is open, the last day,
the results; each once per election, stamped in the transaction that sends it."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collabcity.models import Notification, User
from collabcity.notifications import notify

from ..models import Election


def _ambito_residents(election: Election):
    return User.objects.filter(
        is_active=True,
        notify_elections=True,
        quartiere__ambito_id=election.council.ambito_id,
    )


def _notify_all(election: Election, recipients, subject: str, body: str, url: str) -> int:
    count = 0
    for user in recipients.iterator():
        notify(
            recipient=user,
            topic=Notification.Topic.ELECTIONS,
            subject=subject,
            body=body,
            url=url,
        )
        count += 1
    return count


def notify_opened_elections() -> int:
    """Tell the ambito's residents who opted in that voting is open; once per election."""
    sent = 0
    now = timezone.now()
    for election_id in (
        Election.objects.open_at(now)
        .filter(opening_notified_at__isnull=True, ballot_box__isnull=False)
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            election = (
                Election.objects.select_for_update(skip_locked=True)
                .select_related("council")
                .filter(pk=election_id, opening_notified_at__isnull=True)
                .first()
            )
            if election is None:
                continue
            sent += _notify_all(
                election,
                _ambito_residents(election),
                str(_("Si vota per la consulta: %(title)s") % {"title": election.title}),
                str(
                    _("Il voto è aperto fino al %(closes)s. Puoi votare online o a un punto voto.")
                    % {"closes": timezone.localtime(election.closes_at).strftime("%d/%m/%Y %H:%M")}
                ),
                election.get_absolute_url(),
            )
            election.opening_notified_at = now
            election.save(update_fields=["opening_notified_at"])
    return sent


def remind_before_close(hours: int = 24) -> int:
    """Remind every opted-in resident of the ambito a day before the close; once.

    Everyone, voters included, with words that fit both: a list of who was left out would tell
    staff reading the notifications who has not voted.
    """
    sent = 0
    now = timezone.now()
    due = Election.objects.open_at(now).filter(
        closes_at__lte=now + timedelta(hours=hours), reminder_notified_at__isnull=True
    )
    for election_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            election = (
                Election.objects.select_for_update(skip_locked=True)
                .select_related("council")
                .filter(pk=election_id, reminder_notified_at__isnull=True)
                .first()
            )
            if election is None:
                continue
            sent += _notify_all(
                election,
                _ambito_residents(election),
                str(_("Ultime ore per votare: %(title)s") % {"title": election.title}),
                str(
                    _(
                        "Il voto per la consulta chiude tra meno di 24 ore. Se non hai ancora "
                        "votato, puoi farlo online o a un punto voto; se hai già votato, grazie: "
                        "non devi fare altro."
                    )
                ),
                election.get_absolute_url(),
            )
            election.reminder_notified_at = now
            election.save(update_fields=["reminder_notified_at"])
    return sent


def notify_results(election: Election) -> None:
    """Called inside the tally's transaction, with the election row locked."""
    if election.results_notified_at is not None:
        return
    _notify_all(
        election,
        _ambito_residents(election),
        str(_("Risultati: %(title)s") % {"title": election.title}),
        str(_("Sono pubblicati i risultati e gli eletti della consulta.")),
        reverse("consulte:election_results", kwargs={"pk": election.pk}),
    )
    election.results_notified_at = timezone.now()
    election.save(update_fields=["results_notified_at"])
