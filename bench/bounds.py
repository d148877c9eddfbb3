"""What bounds the two targets ``bench/run.py`` misses, taken apart (medians, wall and CPU).

    python -m bench.bounds

1. The embedded load of the bundled file: its statements by kind (schema, CREATE, COPY,
   COMMIT, CHECKPOINT), on disk and on a memory file system (no fsync); the same at 10,000.
2. The slowest saved query at 10,000 organisations (``merged-into-icb``): its recursive MATCH
   counted without returning rows, the same chains as fixed-length patterns, the query with its
   paths fetched from LadybugDB, and the whole ``run_embedded`` (paths converted for drawing).
"""

from __future__ import annotations

import collections
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ladybug  # noqa: E402

from bench.measure import amount  # noqa: E402
from bench.stores import BUNDLED, fresh_store  # noqa: E402
from loaders import dataset as dataset_loader  # noqa: E402
from loaders.query import run as query  # noqa: E402
from loaders.query.saved import load_saved_queries  # noqa: E402
from loaders.stores import embedded, embedded_write  # noqa: E402
from loaders.stores.records import graph_records  # noqa: E402

REPEAT = 5
TEN_THOUSAND = ROOT / ".cache" / "bench" / "area-10000-seed1.yaml"


def load_parts(folder: Path, path: Path = BUNDLED) -> None:
    dataset = dataset_loader.load(path)
    cpu = time.process_time()
    records = graph_records(dataset)
    print(f"  the rows (graph_records, before the load): CPU "
          f"{amount(time.process_time() - cpu, 's')}")
    spent: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    execute = embedded_write._Writer.execute

    def timed(writer: object, cypher: str, params: dict | None = None) -> None:
        kind = cypher.split()[0] if not cypher.startswith("UNWIND") else "CREATE (UNWIND)"
        wall, cpu = time.perf_counter(), time.process_time()
        execute(writer, cypher, params)
        spent[kind][0] += time.perf_counter() - wall
        spent[kind][1] += time.process_time() - cpu

    embedded_write._Writer.execute = timed
    try:
        totals = []
        for _ in range(REPEAT):
            wall, cpu = time.perf_counter(), time.process_time()
            embedded_write.write(records, fresh_store(folder))
            totals.append((time.perf_counter() - wall, time.process_time() - cpu))
    finally:
        embedded_write._Writer.execute = execute
    whole = [statistics.median(t[i] for t in totals) for i in (0, 1)]
    print(f"  whole load: wall {amount(whole[0], 's')}, CPU {amount(whole[1], 's')}")
    for kind, (wall, cpu) in sorted(spent.items(), key=lambda item: -item[1][0]):
        print(f"    {kind}: wall {amount(wall / REPEAT, 's')}, CPU {amount(cpu / REPEAT, 's')}")
    rest = [whole[i] - sum(parts[i] for parts in spent.values()) / REPEAT for i in (0, 1)]
    print(f"    the rest (schema, opening, rows as parameters): wall {amount(rest[0], 's')}, "
          f"CPU {amount(rest[1], 's')}")


def query_parts(folder: Path) -> None:
    dataset = dataset_loader.load(TEN_THOUSAND)
    store = fresh_store(folder)
    embedded.build(dataset, store)
    cypher = next(q.cypher for q in load_saved_queries(BUNDLED) if q.id == "merged-into-icb")
    pattern = "(ccg:CCG)-[:MERGED_INTO|SUCCEEDED_BY*1..4]->(icb:ICB)"
    step = "-[:MERGED_INTO|SUCCEEDED_BY]->"
    fixed = " UNION ALL ".join(f"MATCH (ccg:CCG){f'{step}(:CCG)' * n}{step}(icb:ICB) "
                               "RETURN count(*) AS chains" for n in range(4))
    connection = ladybug.Connection(embedded.open_read_only(store))

    def fetch(text: str) -> None:
        result = connection.execute(text)
        while result.has_next():
            result.get_next()

    for what, work in (
            ("the recursive MATCH, count(*) only", lambda: fetch(f"MATCH p = {pattern} "
                                                                 "RETURN count(*)")),
            ("the same chains as four fixed-length MATCHes, count(*) only", lambda: fetch(fixed)),
            ("the saved query, rows and paths fetched from LadybugDB", lambda: fetch(cypher)),
            ("the saved query through run_embedded (paths converted for drawing)",
             lambda: query.run_embedded(store, cypher, {}))):
        walls, cpus = [], []
        for _ in range(REPEAT):
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        print(f"  {what}: wall {amount(statistics.median(walls), 's')}, "
              f"CPU {amount(statistics.median(cpus), 's')}")
    connection.close()


def main() -> int:
    print("1. embedded load of the bundled file, on disk", flush=True)
    with tempfile.TemporaryDirectory(dir=ROOT / ".cache") as folder:
        load_parts(Path(folder))
    shm = Path("/dev/shm")
    if shm.is_dir():
        print("   the same on a memory file system (no fsync)", flush=True)
        with tempfile.TemporaryDirectory(dir=shm) as folder:
            load_parts(Path(folder))
    if TEN_THOUSAND.exists():
        print("   the load at 10,000 organisations, on disk", flush=True)
        with tempfile.TemporaryDirectory(dir=ROOT / ".cache") as folder:
            load_parts(Path(folder), TEN_THOUSAND)
        print("2. merged-into-icb at 10,000 organisations", flush=True)
        with tempfile.TemporaryDirectory(dir=ROOT / ".cache") as folder:
            query_parts(Path(folder))
    else:
        print(f"2. skipped: {TEN_THOUSAND} is made by a full run of bench/run.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
