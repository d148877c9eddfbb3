"""Read-only Cypher for the console and ``python -m graph query``: the guard, running a query on
either store, result values and saved queries."""
