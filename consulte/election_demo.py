"""Demo elections: one open in an ambito, one closed with results (called by consulte/demo.py)."""


def load(command) -> None:
    """Create or update the demo elections; idempotent."""
