"""The two stores behind one small surface, so a store test runs unchanged on both: load a
file, query, read the graph back, and start ``python -m graph load`` and kill it part-way.

The Neo4j side needs a server of its own (``tests/conftest.py``: ``neo4j_server``), since
its tests load, sync and delete. A query on Neo4j sees the whole database, so a test that loads
two datasets asks about each through ``read_back``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from graph.core.model import Dataset
from loaders import dataset as dataset_loader
from loaders.query.result import QueryResult
from loaders.query.run import run_query
from loaders.stores import embedded, neo4j_store
from loaders.stores.records import dataset_key
from loaders.stores.settings import Neo4jSettings

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
# Cypher-shaped text in every kind of value: it must be stored and shown as text.
HOSTILE = {
    "name": "Evil Trust '}) DETACH DELETE n //",
    "notes": 'Backticks `Trust`) DELETE n and "quotes" and \\ and $rows',
    "ods_code": "X'}) MATCH (m) DETACH DELETE m //",
    "former": "`}) CALL db.clearQueryCaches() //",
    "role": "r'}]->() SET x.y = 1 //",
    "title": "Source `MERGE (:Hacked)` '; DROP TABLE Trust; --",
}


def hostile_yaml(folder: Path) -> Path:
    """mini.yaml with ``HOSTILE`` text in names, notes, codes, former names, roles, titles."""
    document = yaml.safe_load(MINI.read_text())
    hospital = next(o for o in document["organisations"] if o["id"] == "hospital")
    hospital.update(name=HOSTILE["name"], notes=HOSTILE["notes"], ods_code=HOSTILE["ods_code"])
    hospital["former_names"][0]["name"] = HOSTILE["former"]
    document["relationships"][0]["role"] = HOSTILE["role"]
    document["sources"][0]["title"] = HOSTILE["title"]
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    return path


def same_model(loaded: Dataset, back: Dataset) -> None:
    """What a store read back is what was loaded (relationships in id order)."""
    assert back.organisations == loaded.organisations
    assert back.relationships == tuple(sorted(loaded.relationships, key=lambda r: r.id))
    assert back.sources == loaded.sources
    assert back.events == loaded.events


def wipe(server: tuple[Neo4jSettings, Any]) -> None:
    """Delete everything on the test server: its database held nothing before the tests
    (conftest.py, ``neo4j_server``)."""
    settings, driver = server
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=settings.database)


class EmbeddedStore:
    name = "embedded"

    def __init__(self, cache: Path):
        self.cache = cache

    def load(self, path: Path, **options: Any) -> dict[str, int]:
        return embedded.build(dataset_loader.load(path), **options)

    def query(self, cypher: str, path: Path, params: dict[str, Any] | None = None,
              **limits: Any) -> QueryResult:
        return run_query(cypher, params=params, dataset_path=path, **limits)

    def read_back(self, dataset: Dataset) -> Dataset:
        return embedded.read_back(embedded.store_path(dataset.path, dataset.content_hash))

    def load_argv(self, path: Path) -> list[str]:
        return ["load", str(path)]

    def loading(self, process: subprocess.Popen, dataset: Dataset) -> bool:
        """True once the load is writing: its ``.building`` file is there."""
        return bool(list(self.cache.glob(".*.building*")))

    def settled(self) -> None:
        """Nothing to wait for: a killed build leaves only its own file."""


class Neo4jStore:
    name = "neo4j"

    def __init__(self, settings: Neo4jSettings, driver: Any):
        self.settings, self.driver = settings, driver

    def load(self, path: Path, **options: Any) -> dict[str, int]:
        return neo4j_store.load(dataset_loader.load(path), settings=self.settings, **options)

    def query(self, cypher: str, path: Path, params: dict[str, Any] | None = None,
              **limits: Any) -> QueryResult:
        return run_query(cypher, params=params, dataset_path=path, neo4j=True, **limits)

    def read_back(self, dataset: Dataset) -> Dataset:
        return neo4j_store.read_back(dataset_key(dataset), settings=self.settings)

    def load_argv(self, path: Path) -> list[str]:
        return ["load", "--neo4j", "--batch-size", "1", str(path)]

    def _open_loads(self) -> list[dict[str, Any]]:
        records, _, _ = self.driver.execute_query(
            "SHOW TRANSACTIONS YIELD metaData, activeLockCount "
            "WHERE metaData.app = 'orgs load' RETURN metaData, activeLockCount")
        return [record.data() for record in records]

    def loading(self, process: subprocess.Popen, dataset: Dataset) -> bool:
        """True once the load's transaction has written (it holds locks), before it commits."""
        return any(load["metaData"].get("dataset") == dataset_key(dataset)
                   and load["activeLockCount"] > 0 for load in self._open_loads())

    def settled(self) -> None:
        """Wait until the server has dropped the killed client's transaction."""
        deadline = time.monotonic() + 60
        while self._open_loads():
            assert time.monotonic() < deadline, "the killed load's transaction stayed open"
            time.sleep(0.1)


def kill_while_loading(store: EmbeddedStore | Neo4jStore, path: Path) -> bool:
    """Start ``python -m graph load`` on ``path``, SIGKILL it while it writes; True when caught
    part-way (False when it finished first)."""
    dataset = dataset_loader.load(path)
    process = subprocess.Popen([sys.executable, "-m", "graph", *store.load_argv(path)], cwd=ROOT,
                               env=os.environ.copy(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if store.loading(process, dataset):
            process.send_signal(signal.SIGKILL)
            process.wait()
            store.settled()
            return True
        time.sleep(0.002)
    process.wait()
    return False


def without_organisation(source: Path, org_id: str, target: Path) -> Path:
    """A copy of ``source`` with one organisation left out, with its relationships and its
    mentions in events (comments are not kept)."""
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    document["organisations"] = [o for o in document["organisations"] if o["id"] != org_id]
    document["relationships"] = [r for r in document.get("relationships") or []
                                 if org_id not in (r["from"], r["to"])]
    for event in document.get("events") or []:
        event["organisations"] = [o for o in event.get("organisations") or [] if o != org_id]
    target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    return target
