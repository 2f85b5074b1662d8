"""Change types known to the engine; importing this package registers them."""

from . import arrival, info_change, leaving, suspension  # noqa: F401
