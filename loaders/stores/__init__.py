"""The graph stores: the schema as rows (``records``), the embedded LadybugDB store and how it is
written (``embedded``, ``embedded_write``), a store as at a date (``as_at``), Neo4j and its
settings."""
