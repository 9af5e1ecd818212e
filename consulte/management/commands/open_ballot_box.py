"""Open an election's envelopes offline, with the guardians' share files, then tally it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consulte.elections import ballot_box, common, tally
from consulte.models import Election


class Command(BaseCommand):
    help = "Apre le buste di un'elezione chiusa con le quote dei garanti, poi esegue lo scrutinio."

    def add_arguments(self, parser):
        parser.add_argument("election", type=int, help="id dell'elezione")
        parser.add_argument(
            "share_files", nargs="+", type=Path, help="i file delle quote dei garanti presenti"
        )

    def handle(self, *args, election: int, share_files: list[Path], **options):
        try:
            shares = [path.read_text(encoding="utf-8").strip() for path in share_files]
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Quota illeggibile: {error}") from error
        found = Election.objects.filter(pk=election).first()
        if found is None:
            raise CommandError(f"Nessuna elezione con id {election}.")
        try:
            box = ballot_box.open_ballot_box(election=found, shares=shares)
            result = tally.tally_election(election_id=found.pk)
        except (common.ElectionError, ballot_box.BallotBoxError) as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Buste aperte: {box.envelopes_at_close}. Impronta delle schede: {result.digest}"
        )
