"""Demo content of this programme, loaded by `manage.py seed_demo`; must be idempotent."""


def load(command) -> None:
    """Create or update this programme's demo content; `command` is the running seed_demo."""
