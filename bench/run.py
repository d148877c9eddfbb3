"""Benchmarks: each figure beside a baseline measured in the same run, and their ratio.

    python bench/run.py            # the bundled file, 1,000 and 10,000 organisations, national ODS
    python bench/run.py --quick    # the bundled file and 1,000 organisations, under a minute

Times are medians over several runs (wall clock). Peak memory is measured in a fresh
subprocess per size, so sizes do not pollute each other. Synthetic areas come from
``bench/make_area.py`` and are cached under ``.cache/bench/``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ladybug  # noqa: E402
import yaml  # noqa: E402

from bench.make_area import make_area  # noqa: E402
from graph.core import describe, temporal  # noqa: E402
from graph.core.stops import slider_stops  # noqa: E402
from graph.drawing import layout as layout_module  # noqa: E402
from graph.drawing import picture  # noqa: E402
from graph.drawing.layout import grid  # noqa: E402
from graph.drawing.scene import scene  # noqa: E402
from graph.page import state as page_state  # noqa: E402
from graph.page import view as page  # noqa: E402
from loaders import dataset as dataset_loader  # noqa: E402
from loaders import yaml_read  # noqa: E402
from loaders.query import result as query_result  # noqa: E402
from loaders.query import run as query  # noqa: E402
from loaders.query.saved import load_saved_queries  # noqa: E402
from loaders.stores import embedded  # noqa: E402
from loaders.stores.records import graph_records  # noqa: E402

CACHE = ROOT / ".cache" / "bench"
BUNDLED = ROOT / "data" / "orgs.yaml"
ODS_DIR = ROOT / "data" / "ods"
# Targets at 10,000 organisations (issue 10), keyed by measure.
TARGETS = {"validate + embedded load": 10.0, "at(date), new epoch": 0.050,
           "slider move (page view)": 0.200, "peak memory": 1024 ** 3}
# Targets of the routed geometry (issue 14), at the size the measure names.
ROUTING_TARGETS = {"routed view of 300 boxes, cold": 1.0}
ROUTED_BOXES = 300


@dataclass
class Row:
    size: str
    measure: str
    value: float  # seconds, or bytes for memory
    baseline: str = ""
    baseline_value: float | None = None
    unit: str = "s"

    def ratio(self) -> str:
        """Baseline ÷ median: above 1 the measured way is faster (or, for memory, smaller)."""
        if self.baseline_value is None or self.value <= 0:
            return ""
        return f"ratio {self.baseline_value / self.value:,.{1 if self.unit == 's' else 2}f}"

    def target(self) -> str:
        if self.measure in ROUTING_TARGETS:
            limit = ROUTING_TARGETS[self.measure]
            return f"< {_amount(limit, self.unit)}: {'met' if self.value < limit else 'MISSED'}"
        limit = TARGETS.get(self.measure)
        if limit is None or not self.size.startswith("10,000"):
            return ""
        met = "met" if self.value < limit else "MISSED"
        return f"< {_amount(limit, self.unit)}: {met}"


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "B":
        return f"{value / 1024 ** 2:,.0f} MB"
    if value >= 1:
        return f"{value:,.2f} s"
    if value >= 0.001:
        return f"{value * 1000:,.1f} ms"
    return f"{value * 1e6:,.1f} µs"


def median_time(work: Callable[[], object], repeat: int,
                before: Callable[[], object] | None = None) -> float:
    """The median wall time of ``work`` over ``repeat`` runs; ``before`` runs untimed first."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_call(work: Callable[[object], object], items: list, repeat: int,
             before: Callable[[], object] | None = None) -> float:
    """The median over ``repeat`` rounds of the mean time per item of ``work(item)``."""
    def round_() -> None:
        for item in items:
            work(item)
    return median_time(round_, repeat, before) / max(len(items), 1)


@contextlib.contextmanager
def yaml_loader(loader: type) -> Iterator[None]:
    """Read YAML with ``loader`` (the pure-Python ``SafeLoader`` is the baseline)."""
    previous = yaml_read.Loader
    yaml_read.Loader = loader
    try:
        yield
    finally:
        yaml_read.Loader = previous


# -- the embedded store: COPY FROM (the real load) vs a CREATE per row -----------------------

def load_by_create(dataset: object, target: Path) -> None:
    """The naive load: the same schema, then one auto-committed ``CREATE`` per row."""
    records = graph_records(dataset)
    database = ladybug.Database(str(target))
    connection = ladybug.Connection(database)
    embedded._create_tables(connection, records)  # the real schema, so only the load differs
    for label, rows in records.nodes.items():
        columns = records.node_columns[label]
        props = ", ".join(f"`{c}`: $p{i}" for i, c in enumerate(columns))
        statement = f"CREATE (:`{label}` {{{props}}})"
        for row in rows:
            connection.execute(statement, _params(row, columns))
    for edges in records.edges:
        columns = records.edge_columns[edges.type]
        props = ", ".join(f"`{c}`: $p{i}" for i, c in enumerate(columns))
        statement = (f"MATCH (a:`{edges.from_label}` {{id: $from_id}}) "
                     f"MATCH (b:`{edges.to_label}` {{id: $to_id}}) "
                     f"CREATE (a)-[:`{edges.type}` {{{props}}}]->(b)")
        for row in edges.rows:
            connection.execute(statement, {"from_id": row["from"], "to_id": row["to"],
                                           **_params(row, columns)})
    connection.close()
    database.close()


def _params(row: dict, columns: dict[str, str]) -> dict:
    # Typed casts are not needed: LadybugDB coerces parameters to the column types.
    return {f"p{i}": row[c] for i, c in enumerate(columns)}


def fresh_store(folder: Path) -> Path:
    target = folder / f"store-{time.perf_counter_ns()}{embedded.SUFFIX}"
    return target


# -- saved queries -----------------------------------------------------------------------------

def saved_queries(dataset: object, bundled: object | None) -> list[tuple[str, str, dict]]:
    """The bundled area's saved queries (``data/orgs.yaml``), with parameters that name a bundled
    organisation or source swapped for one of the same kind in ``dataset`` (so they find rows)."""
    kinds: dict[str, list[str]] = {}
    for org in dataset.organisations.values():
        kinds.setdefault(org.kind, []).append(org.id)
    cited = Counter(s for r in dataset.relationships for s in r.sources)
    busiest_source = cited.most_common(1)[0][0] if cited else ""
    result = []
    for saved in load_saved_queries(BUNDLED):
        params = dict(saved.params)
        for name, value in params.items():
            if not isinstance(value, str) or value in dataset.organisations:
                continue
            if bundled is not None and value in bundled.organisations:
                same = kinds.get(bundled.organisations[value].kind)
                params[name] = same[len(same) // 2] if same else value
            elif bundled is not None and value in bundled.sources:
                params[name] = busiest_source
        result.append((saved.id, saved.cypher, params))
    return result


# -- one size ----------------------------------------------------------------------------------

def bench_size(label: str, path: Path, quick: bool, bundled: object | None,
               work: Path) -> tuple[list[Row], list[str]]:
    """Every figure for one data file; returns the rows and notes for the reader."""
    rows: list[Row] = []
    notes: list[str] = []
    big = path.stat().st_size > 3_000_000
    repeat = 3 if quick else 5
    heavy = 1 if quick else 3  # loads of the whole file, seconds each
    slow = 1 if (big or quick) else 3  # baselines that take many seconds

    def add(measure: str, value: float, baseline: str = "", baseline_value: float | None = None,
            unit: str = "s") -> None:
        rows.append(Row(label, measure, value, baseline, baseline_value, unit))
        print(f"  {measure}: {_amount(value, unit)}"
              + (f" (baseline {baseline}: {_amount(baseline_value, unit)}, "
                 f"{rows[-1].ratio()})" if baseline_value is not None else ""), flush=True)

    print(f"{label} ({path.name}, {path.stat().st_size / 1e6:.1f} MB)", flush=True)
    validate = median_time(lambda: dataset_loader.check(path), heavy)
    with yaml_loader(yaml.SafeLoader):
        validate_pure = median_time(lambda: dataset_loader.check(path), slow)
    add("validate", validate, "pure-Python YAML loader", validate_pure)
    dataset = dataset_loader.load(path)

    add("build all-time graph", median_time(lambda: temporal.build_graph(dataset), repeat))
    graph = temporal.build_graph(dataset)
    index = graph.graph["index"]
    stops = slider_stops(dataset)
    days = [s.day for s in stops][:: max(1, len(stops) // 12)][:12]

    cold_at = per_call(lambda d: temporal.at(graph, d), days, repeat, index.cache.clear)
    scan_at = per_call(lambda d: temporal.at_by_scan(graph, d), days, max(1, repeat // 2))
    add("at(date), new epoch", cold_at, "scan of every record (at_by_scan)", scan_at)
    for d in days:
        temporal.at(graph, d)
    warm_at = per_call(lambda d: temporal.at(graph, d), days, repeat)
    add("at(date), epoch cached", warm_at, "scan of every record (at_by_scan)", scan_at)

    pairs = list(zip(days, days[len(days) // 2:], strict=False))
    diff = per_call(lambda ab: temporal.diff(graph, *ab), pairs, repeat, index.cache.clear)
    diff_scan = per_call(lambda ab: naive_diff(graph, *ab), pairs, max(1, repeat // 2))
    add("diff(a, b), new epochs", diff, "two scans and set differences", diff_scan)
    # the same diff in words: each change dated, named as on its day, with its sources
    described = per_call(lambda ab: describe.changes(graph, *ab), pairs, repeat,
                         lambda: (index.cache.clear(), graph.graph.pop("described", None)))
    add("diff in words (describe.changes), new epochs", described, "diff(a, b) alone", diff)

    # lineage from the organisations with the longest histories (successors of mergers)
    targets = [r.target for r in dataset.relationships
               if dataset.relationship_types[r.type].lineage][:20] or list(dataset.organisations)[:20]
    add("lineage(org)", per_call(lambda o: temporal.lineage(graph, o), targets, repeat))

    cold_layout = median_time(lambda: layout_module.compute_layout(graph), repeat)
    cached_layout = per_call(lambda _: layout_module.layout(graph), [0] * 100, repeat)
    add("layout, cached", cached_layout, "layout computed cold", cold_layout)

    # a slider move: the server's work for a date it has not shown yet (the epoch and drawing
    # caches cleared: the view is routed again)
    states = [page_state.ViewState(date=d) for d in days]

    def new_date() -> None:
        index.cache.clear()
        graph.graph.pop("drawings", None)

    move = per_call(lambda s: page.view(graph, s, stops), states, repeat, new_date)

    def cold() -> None:
        index.cache.clear()
        for cached in ("grids", "drawings", "layout_order", "layout_rank"):
            graph.graph.pop(cached, None)

    move_cold = per_call(lambda s: (cold(), page.view(graph, s, stops)),
                         states, max(1, repeat // 2), cold)
    add("slider move (page view)", move, "same with the layout computed cold", move_cold)
    drawn = page.view(graph, states[-1], stops).scene
    # focus on the busiest local body (a national hub at depth 1 would reach everything)
    last = states[-1].date
    local = [o for o in dataset.organisations.values()
             if o.exists_on(last) and dataset.kinds[o.kind].tier >= 2] or [
        o for o in dataset.organisations.values() if o.exists_on(last)]
    focus = max(local, key=lambda o: (graph.degree(o.id), o.id)).id
    focused = [page_state.ViewState(date=d, focus=focus, depth=1) for d in days
               if dataset.organisations[focus].exists_on(d)]
    move_focus = per_call(lambda s: page.view(graph, s, stops), focused, repeat, new_date)
    add("slider move, focus depth 1", move_focus, "whole-area view", move)
    focus_scene = page.view(graph, focused[-1], stops).scene
    notes.append(f"{label}: on {states[-1].date} the page draws {len(drawn.nodes):,} nodes"
                 + (f" (grouped by kind: {drawn.note})" if drawn.grouped else "")
                 + f"; focused on '{focus}' at depth 1 it draws {len(focus_scene.nodes):,}"
                 + (" (grouped)" if focus_scene.grouped else "") + ".")

    copy_load = median_time(lambda: embedded.build(dataset, fresh_store(work)), heavy)
    create_load = median_time(lambda: load_by_create(dataset, fresh_store(work)), 1)
    add("embedded load", copy_load, "a CREATE per row", create_load)
    add("validate + embedded load", validate + copy_load, "pure YAML + CREATE per row",
        validate_pure + create_load)

    store = fresh_store(work)
    embedded.build(dataset, store)
    queries = saved_queries(dataset, bundled)
    times: dict[str, float] = {}
    found: dict[str, int] = {}
    for qid, cypher, params in queries:
        try:  # a query naming a type this area lacks (e.g. OVERSEES in ODS data) cannot bind
            found[qid] = len(query.run_embedded(store, cypher, params).rows)
        except query_result.QueryError as exc:
            notes.append(f"{label}: saved query {qid} does not apply ({exc}).")
            continue
        times[qid] = median_time(lambda c=cypher, p=params: query.run_embedded(store, c, p),
                                 repeat)
    if times:
        add(f"saved queries ({len(times)}), total", sum(times.values()))
        slowest = max(times, key=times.get)
        add(f"slowest saved query: {slowest}", times[slowest])
        notes.append(f"{label}: rows per saved query: "
                     + ", ".join(f"{q} {n}" for q, n in found.items()) + ".")

    imports, peak = memory(path, "imports"), memory(path, "all")
    add("peak memory", peak, "interpreter and imports only", imports, unit="B")
    for stray in work.glob("store-*"):
        stray.unlink(missing_ok=True) if stray.is_file() else shutil.rmtree(stray, True)
    return rows, notes


def naive_diff(graph: object, a: dt.date, b: dt.date) -> tuple:
    """``diff`` without the index: two full scans and set differences (the baseline)."""
    view_a, view_b = temporal.at_by_scan(graph, a), temporal.at_by_scan(graph, b)
    names_a, names_b = view_a.organisations, view_b.organisations
    return ({i for i in names_b if i not in names_a}, {i for i in names_a if i not in names_b},
            {i for i in names_b if i in names_a and names_a[i] != names_b[i]},
            view_b.relationships - view_a.relationships,
            view_a.relationships - view_b.relationships)


# -- peak memory, one subprocess per size --------------------------------------------------------

def memory(path: Path, what: str) -> float:
    """Peak resident memory (bytes) of a fresh process doing ``what`` with ``path``."""
    run = subprocess.run([sys.executable, __file__, "--memory", str(path), what],
                         capture_output=True, text=True, timeout=900, cwd=ROOT)
    if run.returncode != 0:
        raise RuntimeError(f"memory run failed: {run.stderr.strip()[-500:]}")
    return float(json.loads(run.stdout.strip().splitlines()[-1])["peak_bytes"])


def memory_child(path: Path, what: str) -> None:
    """What the server holds for a file: the dataset, the graph, the layout, page views, the
    embedded store and the saved queries run on it (``imports``: the modules only)."""
    if what == "all":
        graph = page.load_graph(path)  # validates once, builds the graph and its layout
        dataset = temporal.dataset_of(graph)
        stops = slider_stops(dataset)
        for stop in stops[:: max(1, len(stops) // 24)]:
            page.view(graph, page_state.ViewState(date=stop.day), stops)
        with tempfile.TemporaryDirectory(dir=CACHE) as folder:
            store = Path(folder) / f"memory{embedded.SUFFIX}"
            embedded.build(dataset, store)
            for _, cypher, params in saved_queries(dataset, None):
                with contextlib.suppress(query_result.QueryError):
                    query.run_embedded(store, cypher, params)
        del graph, dataset
    print(json.dumps({"peak_bytes": peak_rss()}))


def peak_rss() -> int:
    """This process's peak resident memory in bytes.

    ``VmHWM`` is the peak of this process's own memory since ``exec``; ``ru_maxrss`` (used
    where /proc is missing) also counts the parent's peak, inherited across fork and exec
    on Linux, so a child started by a large benchmark process would report the parent's size.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


# -- the whole run ------------------------------------------------------------------------------

def bench_routing(repeat: int) -> tuple[list[Row], list[str]]:
    """The routed geometry of a view of about ``ROUTED_BOXES`` boxes (every box and edge of a
    synthetic area on one day, no grouping): computed cold, and served from the cache."""
    file = CACHE / "area-390-seed1.yaml"
    CACHE.mkdir(parents=True, exist_ok=True)
    if not file.exists():
        file.write_text(make_area(390, seed=1), encoding="utf-8")
    graph = temporal.build_graph(dataset_loader.load(file))
    dataset = temporal.dataset_of(graph)
    days = [dt.date(year, 1, 1) for year in range(2014, 2026)]
    day = min(days, key=lambda d: abs(len(temporal.at(graph, d).organisations) - ROUTED_BOXES))
    view = scene(graph, day, max_nodes=10 ** 9)
    label = f"{len(dataset.organisations):,} synthetic"
    grid(graph, "screen")  # the all-time layout is made once per file, not per view

    cold = median_time(lambda: picture.compute_drawing(graph, view, "screen"), repeat)
    paper = median_time(lambda: picture.compute_drawing(graph, view, "a4"), repeat)
    picture.drawing(graph, view, "screen")
    cached = per_call(lambda _: picture.drawing(graph, view, "screen"), [0] * 20, repeat)
    drawn = picture.drawing(graph, view, "screen")
    bends = sum(len(e.points) - 2 for e in drawn.edges)
    rows = [Row(label, "routed view of 300 boxes, cold", cold),
            Row(label, "routed view, same view again (cached)", cached,
                "routed view of 300 boxes, cold", cold),
            Row(label, "routed view, packed on an A4 sheet, cold", paper)]
    notes = [f"{label}: the routed view on {day} has {len(drawn.nodes):,} boxes and "
             f"{len(drawn.edges):,} edges ({bends:,} bends)."]
    return rows, notes


def sizes(quick: bool) -> list[tuple[str, Path]]:
    """(label, file) per size; synthetic files are written on first use (deterministic)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    chosen: list[tuple[str, Path]] = []
    if BUNDLED.exists():
        chosen.append(("bundled BLMK", BUNDLED))
    for n in ((1000,) if quick else (1000, 10000)):
        file = CACHE / f"area-{n}-seed1.yaml"
        if not file.exists():
            file.write_text(make_area(n, seed=1), encoding="utf-8")
        chosen.append((f"{n:,} synthetic", file))
    national = CACHE / "national-ods.yaml"
    if not quick and not national.exists() and ODS_DIR.is_dir():
        subprocess.run([sys.executable, "-m", "graph", "import-ods", "--ods-dir", str(ODS_DIR),
                        "--all", "-o", str(national)], cwd=ROOT, capture_output=True,
                       timeout=600)
    if not quick and national.exists():
        chosen.append(("national ODS", national))
    return chosen


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (f"{dt.date.today().isoformat()}, {os.cpu_count()} cores ({cpu or 'unknown CPU'}), "
            f"Python {platform.python_version()}, load average {load:.1f} at the end")


def table(rows: list[Row]) -> str:
    lines = ["| size | measure | median | baseline | baseline median | ratio | target at 10,000 |",
             "|---|---|---:|---|---:|---|---|"]
    for r in rows:
        lines.append(f"| {r.size} | {r.measure} | {_amount(r.value, r.unit)} | {r.baseline} | "
                     f"{_amount(r.baseline_value, r.unit)} | {r.ratio()} | {r.target()} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="the bundled file and 1,000 organisations only (under a minute)")
    parser.add_argument("--memory", nargs=2, metavar=("FILE", "WHAT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory:
        memory_child(Path(args.memory[0]), args.memory[1])
        return 0
    started = time.perf_counter()
    bundled = dataset_loader.load(BUNDLED) if BUNDLED.exists() else None
    rows: list[Row] = []
    notes: list[str] = []
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as work:
        for label, path in sizes(args.quick):
            size_rows, size_notes = bench_size(label, path, args.quick, bundled, Path(work))
            rows += size_rows
            notes += size_notes
    routing_rows, routing_notes = bench_routing(3 if args.quick else 5)
    rows += routing_rows
    notes += routing_notes
    print()
    print(table(rows))
    print()
    for note in notes:
        print(f"- {note}")
    print(f"\n{'quick' if args.quick else 'full'} run on {machine()}; "
          f"took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
