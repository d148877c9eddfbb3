"""YAML -> validated model; model -> embedded store or Neo4j."""
