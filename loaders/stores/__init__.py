"""The graph stores: the schema as rows (``records``), the embedded LadybugDB store, Neo4j and
its settings."""
