"""The organisational-structure graph: layers whose imports go one way only (down).

    app.py                 the Streamlit page: widgets and layout only
    graph/page, graph/cli  page logic and the command line (top: may import everything below)
    graph/export           one module per snapshot format        (imports drawing, core)
    graph/drawing          layout, scene, vis-network data       (imports core)
    loaders/               YAML read/write, validation, ODS, merge, stores, query guard (imports core)
    graph/core             dates, records, the lifetime rule, time queries, words (imports nothing of ours)

``tests/test_layers.py`` fails when an import goes the wrong way or makes a cycle. This package
re-exports the core's time functions: ``from graph import at, build_graph, diff, lineage``.
"""

from typing import Any

__all__ = ["Diff", "Lineage", "View", "apply_diff", "at", "build_graph", "diff", "lineage",
           "neighbourhood", "timeline"]


def __getattr__(name: str) -> Any:
    # Looked up on first use, so importing one part of the package (the command line, the
    # loaders) does not import networkx and numpy with the time functions.
    if name in __all__:
        from graph.core import temporal

        return getattr(temporal, name)
    raise AttributeError(f"module 'graph' has no attribute '{name}'")
