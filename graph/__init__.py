"""The domain: the model, time queries, layout, rendering, export and the CLI."""

from graph.temporal import (
    Diff,
    Lineage,
    View,
    apply_diff,
    at,
    build_graph,
    diff,
    lineage,
    neighbourhood,
    timeline,
)

__all__ = ["Diff", "Lineage", "View", "apply_diff", "at", "build_graph", "diff", "lineage",
           "neighbourhood", "timeline"]
