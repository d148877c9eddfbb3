"""The console's limits on a query, known without importing a store (for ``--help``)."""

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_ROW_CAP = 5000
