"""Change types known to the engine; importing this package registers them."""

from . import arrival, info_change, leaving, registration, suspension, transfer, visiting  # noqa: F401
