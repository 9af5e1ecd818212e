"""Demo content of the consulte, loaded by `manage.py seed_demo`; must be idempotent."""

from . import election_demo


def load(command) -> None:
    """Create or update the nine councils with their members, meetings and opinions, then the
    demo elections."""
    election_demo.load(command)
