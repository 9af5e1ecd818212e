from . import admin_elections  # noqa: F401  (the elections admin lives in its own module)
