"""Benchmarks: each figure beside a baseline or a peer measured in the same run, and their ratio.

    python bench/run.py            # the bundled file, 1,000 and 10,000 organisations, national ODS
    python bench/run.py --quick    # the bundled file and 1,000 organisations, about three minutes
    python bench/run.py --smoke    # every figure once on a synthetic area of 60 (the test's run)

Times are medians over several runs (wall clock). Peers on the same data: Raphtory for ``at``
and ``diff`` (``requirements-bench.lock``, installed by hand), Neo4j for the load and the saved queries when
``NEO4J_URI`` names a reachable server (``scripts/neo4j start``; the measured area's data there
is replaced, as ``python -m graph load --neo4j`` does), PyYAML and ``json.loads`` as the parse
floor. Peak memory is measured in a fresh subprocess per size (``bench/memory.py``). Synthetic
areas come from ``bench/make_area.py`` and are cached under ``.cache/bench/``. Then the picture
(``bench/picture.py``) and, but in the smoke run, the page's felt speed in Chromium
(``bench/page_speed.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import page_speed, peers, picture, reading, stores, timeline  # noqa: E402
from bench.make_area import make_area  # noqa: E402
from bench.measure import Row, Rows, median_time  # noqa: E402
from bench.memory import memory  # noqa: E402
from graph.core import temporal  # noqa: E402
from loaders import dataset as dataset_loader  # noqa: E402

CACHE = ROOT / ".cache" / "bench"
BUNDLED = stores.BUNDLED
ODS_DIR = ROOT / "data" / "ods"


SMOKE_SIZE = 60  # organisations of the smoke run's one area (45 to 48 on any day; the least)
SMOKE_ROUTED = 40  # boxes of the smoke run's routed view


def bench_size(label: str, path: Path, mode: str, bundled: object | None,
               work: Path) -> Rows:
    """Every figure for one data file, printed as it is measured. ``mode`` is "full",
    "quick" (fewer repeats) or "smoke" (each figure measured once: the code runs, the figures
    say little)."""
    rows = Rows(label)
    quick = mode != "full"
    big = path.stat().st_size > 3_000_000
    repeat = {"full": 5, "quick": 3}.get(mode, 1)
    heavy = 1 if quick else 3  # loads of the whole file, seconds each
    slow = 1 if (big or quick) else 3  # baselines that take many seconds
    print(f"{label} ({path.name}, {path.stat().st_size / 1e6:.1f} MB)", flush=True)
    validate = reading.validation(rows, path, heavy, slow)
    if not quick:  # before Neo4j's part: its server keeps busy for a while after a large load
        reading.warm_start(rows, path, repeat, 1)
    dataset = dataset_loader.load(path)
    rows.add("build all-time graph", median_time(lambda: temporal.build_graph(dataset), repeat))
    graph = temporal.build_graph(dataset)
    timeline.time_questions(rows, graph, repeat)
    peers.raphtory(rows, graph, repeat)
    timeline.page_moves(rows, graph, repeat, recent={"full": 0, "quick": 4}.get(mode, 1))
    load = stores.embedded_load(rows, dataset, path, work, heavy)
    rows.add("validate + embedded load, cold", validate + load,
             "the marked pass + the old load", rows_value(rows, "validate", baseline=True)
             + rows_value(rows, "embedded load", baseline=True))
    queries = stores.saved_queries(dataset, bundled)
    times = stores.embedded_queries(rows, dataset, bundled, work, repeat)
    peers.neo4j(rows, dataset, queries, load, times, heavy, repeat)
    imports, peak = memory(path, "imports"), memory(path, "all")
    rows.add("peak memory", peak, "interpreter and imports only", imports, unit="B")
    return rows


def rows_value(rows: Rows, measure: str, baseline: bool = False) -> float:
    row = next(r for r in rows if r.measure == measure)
    return row.baseline_value if baseline else row.value


def synthetic(n: int) -> Path:
    """The synthetic area of ``n`` organisations (seed 1), written on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    file = CACHE / f"area-{n}-seed1.yaml"
    if not file.exists():
        made = CACHE / f".{file.name}.{os.getpid()}"  # whole or not at all: two runs at once
        made.write_text(make_area(n, seed=1), encoding="utf-8")
        made.replace(file)
    return file


def sizes(mode: str) -> list[tuple[str, Path]]:
    """(label, file) per size; synthetic files are written on first use (deterministic)."""
    if mode == "smoke":
        return [(f"{SMOKE_SIZE:,} synthetic", synthetic(SMOKE_SIZE))]
    quick = mode == "quick"
    chosen: list[tuple[str, Path]] = []
    if BUNDLED.exists():
        chosen.append(("bundled BLMK", BUNDLED))
    for n in ((1000,) if quick else (1000, 10000)):
        chosen.append((f"{n:,} synthetic", synthetic(n)))
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
    lines = ["| size | measure | median | baseline or peer | its median | ratio | target |",
             "|---|---|---:|---|---:|---|---|"]
    return "\n".join(lines + [r.line() for r in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--quick", action="store_true",
                       help="the bundled file and 1,000 organisations only (about three minutes)")
    modes.add_argument("--smoke", action="store_true",
                       help=f"every figure once, on a synthetic area of {SMOKE_SIZE} organisations "
                            f"and a routed view of about {SMOKE_ROUTED} boxes: checks that the "
                            "benchmark runs (tests/test_bench.py), its figures mean little")
    args = parser.parse_args(argv)
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    started = time.perf_counter()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    bundled = dataset_loader.load(BUNDLED) if BUNDLED.exists() else None
    rows: list[Row] = []
    notes: list[str] = []
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as work:
        for label, path in sizes(mode):
            size_rows = bench_size(label, path, mode, bundled, Path(work))
            rows += size_rows
            notes += size_rows.notes
    # quick: one cold routing of the 300-box view (about 35 s), not the A4 sheet's (50 s);
    # smoke: one of a view of about 45 boxes of the smoke run's area
    if mode == "smoke":
        routed = timeline.routing(synthetic(SMOKE_SIZE), 1, sheet=False, boxes=SMOKE_ROUTED)
    else:
        routed = timeline.routing(synthetic(390), 1 if args.quick else 5, sheet=not args.quick)
    rows += routed
    notes += routed.notes
    print()
    print(table(rows))
    print()
    for note in notes:
        print(f"- {note}")
    print()
    # smoke: the report of the smallest area only (the bundled one draws 15 stops, dot each)
    picture.report(list(picture.AREAS)[-1:] if mode == "smoke" else list(picture.AREAS))
    if mode != "smoke":  # the page as a reader feels it, in Chromium (about a minute)
        print()
        if Path(page_speed.CHROMIUM).exists():
            page_speed.main([])
        else:
            print(f"- felt speed left out: no Chromium at {page_speed.CHROMIUM} "
                  "(./scripts/test installs it; then python -m bench.page_speed)")
    print(f"\n{mode} run on {machine()} "
          f"({load_before:.1f} at the start); took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
