"""Peak memory, in a fresh interpreter per file so sizes do not pollute each other.

    python -m bench.memory FILE all       # what the page's server holds for FILE (see below)
    python -m bench.memory FILE imports   # the modules only

Prints ``{"peak_bytes": N}``: the process's ``VmHWM``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def memory(path: Path, what: str) -> float:
    """Peak resident memory (bytes) of a fresh process doing ``what`` with ``path``."""
    run = subprocess.run([sys.executable, "-m", "bench.memory", str(path), what],
                         capture_output=True, text=True, timeout=900, cwd=ROOT)
    if run.returncode != 0:
        raise RuntimeError(f"memory run failed: {run.stderr.strip()[-500:]}")
    return float(json.loads(run.stdout.strip().splitlines()[-1])["peak_bytes"])


def main(path: Path, what: str) -> None:
    """What the server holds for a file read cold: the validated dataset, the graph and its
    layout, 24 page views, the embedded store built and the saved queries run on it."""
    from bench.measure import peak_rss
    from bench.stores import saved_queries
    from graph.core import temporal
    from graph.core.stops import slider_stops
    from graph.page import state as page_state
    from graph.page import view as page
    from loaders.query import result as query_result
    from loaders.query import run as query
    from loaders.stores import embedded

    if what == "all":
        with tempfile.TemporaryDirectory() as folder:
            os.environ["ORGS_CACHE_DIR"] = folder  # cold: the file is read and validated
            graph = page.load_graph(path)
            dataset = temporal.dataset_of(graph)
            stops = slider_stops(dataset)
            for stop in stops[:: max(1, len(stops) // 24)]:
                page.view(graph, page_state.ViewState(date=stop.day), stops)
            store = Path(folder) / f"memory{embedded.SUFFIX}"
            embedded.build(dataset, store)
            for _, cypher, params in saved_queries(dataset, None):
                with contextlib.suppress(query_result.QueryError):
                    query.run_embedded(store, cypher, params)
    print(json.dumps({"peak_bytes": peak_rss()}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
