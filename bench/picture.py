"""How readable the whole-area picture is, at every named stop of an area: crossings of our
drawing against Graphviz ``dot`` on the same boxes and edges, false joins, the share of
oversight, commissioning and funding lines drawn downward, the drawing's size, and the
layout's time (cold: computed; cached: from the graph's drawing cache).

    python -m bench.picture [AREA.yaml ...] [--frame a4|screen]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.layout_peer import dot_lines
from graph.core.temporal import build_graph, dataset_of
from graph.drawing.picture import compute_drawing, drawing
from graph.drawing.quality import crossings, downward, false_joins, lines_of
from graph.drawing.scene import scene
from loaders.dataset import load

ROOT = Path(__file__).resolve().parent.parent
DOWNWARD_TYPES = ("OVERSEES", "COMMISSIONS", "FUNDS")


def measure(path: Path, frame: str) -> list[dict]:
    """One row of figures per named stop of the area in ``path``."""
    graph = build_graph(load(path))
    dataset = dataset_of(graph)
    rows = []
    for stop in dataset.snapshots:
        view = scene(graph, stop.date.start)
        started = time.perf_counter()
        drawn = compute_drawing(graph, view, frame)
        cold = time.perf_counter() - started
        drawing(graph, view, frame)
        started = time.perf_counter()
        drawing(graph, view, frame)
        cached = time.perf_counter() - started
        geometry = drawn.json()
        lines = lines_of(geometry)
        types = {e.id: e.type for e in view.edges}
        tiers = {n.id: dataset.kinds[n.kind].tier for n in view.nodes
                 if not dataset.kinds[n.kind].while_related}
        down, counted = downward([line for line in lines if types.get(line.id) in DOWNWARD_TYPES])
        rows.append({"date": str(stop.date), "boxes": len(geometry["nodes"]), "lines": len(lines),
                     "crossings": crossings(lines), "dot": crossings(dot_lines(geometry)),
                     "dot_tiers": crossings(dot_lines(geometry, tiers)),
                     "false_joins": len(false_joins(lines)), "down": down, "counted": counted,
                     "width": drawn.width, "height": drawn.height,
                     "cold_ms": cold * 1000, "cached_ms": cached * 1000})
    return rows


AREAS = (ROOT / "data" / "orgs.yaml", ROOT / "tests" / "data" / "other_area.yaml")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("areas", nargs="*", type=Path, default=list(AREAS))
    parser.add_argument("--frame", default="a4")
    args = parser.parse_args(argv)
    report(args.areas, args.frame)
    return 0


def report(areas: list[Path], frame: str = "a4") -> None:
    """The figures of each area in ``areas``, a line per named stop and a total."""
    for path in areas:
        rows = measure(path, frame)
        print(f"# the picture: {path.name} ({frame})")
        print("date        boxes lines crossings  dot  ratio dot(tiers) false_joins  down   "
              "size       cold ms cached ms")
        for r in rows:
            print(f"{r['date']:<11} {r['boxes']:>5} {r['lines']:>5} {r['crossings']:>9} {r['dot']:>4} "
                  f"{r['crossings'] / max(1, r['dot']):>6.2f} {r['dot_tiers']:>10} {r['false_joins']:>11} "
                  f"{r['down']:>3}/{r['counted']:<3} {r['width']:>5.0f}x{r['height']:<5.0f} "
                  f"{r['cold_ms']:>8.0f} {r['cached_ms']:>9.2f}")
        total = sum(r["crossings"] for r in rows)
        dot = sum(r["dot"] for r in rows)
        dot_tiers = sum(r["dot_tiers"] for r in rows)
        down = sum(r["down"] for r in rows)
        counted = sum(r["counted"] for r in rows)
        print(f"total: crossings {total}, dot {dot} (ratio {total / max(1, dot):.2f}), dot keeping "
              f"our tiers {dot_tiers} (ratio {total / max(1, dot_tiers):.2f}), false joins "
              f"{sum(r['false_joins'] for r in rows)}, downward "
              f"{100 * down / max(1, counted):.1f}% of {counted}\n")


if __name__ == "__main__":
    raise SystemExit(main())
