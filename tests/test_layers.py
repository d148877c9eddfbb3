"""The layers stay visible: imports go one way (down), no cycle, small modules.

    app.py                 -> page, export, drawing, loaders, core
    graph/page, graph/cli  -> export, drawing, loaders, core   (not each other)
    graph/export           -> drawing, core
    graph/drawing          -> core
    loaders/               -> core
    graph/core             -> nothing of ours

Every import counts, also one inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "core": {"core"},
    "loaders": {"core", "loaders"},
    "drawing": {"core", "drawing"},
    "export": {"core", "drawing", "export"},
    "page": {"core", "loaders", "drawing", "export", "page"},
    "cli": {"core", "loaders", "drawing", "export", "cli"},
    "app": {"core", "loaders", "drawing", "export", "page"},
}
MAX_LINES = 400
MAX_APP_LINES = 300


def layer(module: str) -> str:
    """The layer of a module of ours, by where it lives."""
    if module == "app":
        return "app"
    if module == "graph.__main__":
        return "cli"
    if module.startswith("loaders"):
        return "loaders"
    part = module.split(".")[1] if module.count(".") else "core"  # ``graph`` re-exports the core
    return part if part in ALLOWED else "core"


def our_modules() -> dict[str, Path]:
    files = [ROOT / "app.py", *(ROOT / "graph").rglob("*.py"), *(ROOT / "loaders").rglob("*.py")]
    modules = {}
    for path in files:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def import_edges(modules: dict[str, Path]) -> nx.DiGraph:
    """Module -> module for every import of ours, resolved to the module it loads."""
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # ``from a.b import c`` loads a.b.c when c is a module, else a.b
                targets = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules
                           else node.module for alias in node.names]
            for target in targets:
                if target.split(".")[0] in ("graph", "loaders") and target != name:
                    graph.add_edge(name, target)
    return graph


def violations(edges: nx.DiGraph) -> list[str]:
    return sorted(f"{a} ({layer(a)}) imports {b} ({layer(b)})" for a, b in edges.edges
                  if layer(b) not in ALLOWED[layer(a)])


EDGES = import_edges(our_modules())


def test_no_import_goes_up_or_sideways_between_layers():
    assert violations(EDGES) == []


def test_no_import_cycle():
    assert list(nx.simple_cycles(EDGES)) == []


def test_the_check_catches_a_wrong_way_import_and_a_cycle():
    wrong = nx.DiGraph([("graph.core.temporal", "graph.page.view"),
                        ("loaders.dataset", "graph.drawing.layout"),
                        ("graph.page.view", "graph.cli.main"),
                        ("loaders.query.run", "loaders.stores.neo4j_store"),
                        ("loaders.stores.neo4j_store", "loaders.query.run")])
    assert violations(wrong) == [
        "graph.core.temporal (core) imports graph.page.view (page)",
        "graph.page.view (page) imports graph.cli.main (cli)",
        "loaders.dataset (loaders) imports graph.drawing.layout (drawing)"]
    assert len(list(nx.simple_cycles(wrong))) == 1


def test_every_layer_is_in_use():
    assert {layer(m) for m in EDGES.nodes} == set(ALLOWED)


@pytest.mark.parametrize("name, path", sorted(our_modules().items()))
def test_modules_stay_small(name, path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= (MAX_APP_LINES if name == "app" else MAX_LINES), f"{name}: {lines} lines"
