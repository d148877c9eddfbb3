"""Hardening of the stores: injection, crash-safe loads, concurrent reloads, secrets.

The Neo4j checks here use ``FakeDriver`` from test_neo4j_store.py, which only records the
statements and parameters sent, for what a server cannot show: that values reach it only as
parameters and that unchecked labels never reach it. The same file on a real server, and
loads killed or failing part-way on both stores, are in test_stores.py.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import ladybug
import pytest
from stores_under_test import HOSTILE, hostile_yaml
from test_neo4j_store import FakeDriver

from loaders import dataset as dataset_loader
from loaders.query import run as query_runner
from loaders.query.result import QueryError
from loaders.query.run import run_query
from loaders.stores import embedded, neo4j_store
from loaders.stores.settings import Neo4jSettings

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "data" / "mini.yaml"
REGULATORS = "MATCH (r:Regulator) RETURN r.name ORDER BY r.name"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


# -- injection ---------------------------------------------------------------------------

def test_cypher_in_values_reaches_neo4j_only_as_parameters(tmp_path):
    loaded = dataset_loader.load(hostile_yaml(tmp_path))
    driver = FakeDriver()
    neo4j_store.load(loaded, driver=driver)
    sent_text = "\n".join(call[1] for call in driver.calls if call[0] in ("tx.run", "session.run"))
    sent_params = repr([call[2] for call in driver.calls if call[0] == "tx.run"])
    for value in HOSTILE.values():
        assert value not in sent_text
        assert repr(value)[1:-1] in sent_params or value in sent_params


def test_labels_from_a_dataset_that_skipped_validation_never_reach_neo4j():
    loaded = dataset_loader.load(MINI)
    bad_kinds = {**loaded.kinds, "Trust`]->() DETACH DELETE n //": loaded.kinds["Trust"]}
    driver = FakeDriver()
    with pytest.raises(embedded.StoreError, match="not an identifier"):
        neo4j_store.load(type(loaded)(**{**loaded.__dict__, "kinds": bad_kinds}), driver=driver)
    assert driver.calls == []


# -- crash-safe loads ----------------------------------------------------------------------

def _kill_while_building(cache: Path, argv: list[str]) -> bool:
    """Start a load, SIGKILL it as soon as its .building file appears; True if caught mid-build."""
    process = subprocess.Popen([sys.executable, "-m", "graph", *argv], cwd=ROOT, env=os.environ.copy(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if list(cache.glob(".*.building*")):
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    process.wait()
    return False


def test_a_load_killed_part_way_leaves_the_previous_store_answering(cache):
    embedded.ensure_store(MINI)
    live = embedded.store_path(MINI, dataset_loader.load(MINI).content_hash)
    before = run_query(REGULATORS, dataset_path=MINI).rows
    stamp = live.stat().st_ino, live.stat().st_mtime_ns

    assert any(_kill_while_building(cache, ["load", str(MINI)]) for _ in range(5)), \
        "the load always finished before it could be killed"
    assert (live.stat().st_ino, live.stat().st_mtime_ns) == stamp, "the live file was not touched"
    fresh = ladybug.Connection(ladybug.Database(str(live), read_only=True))
    assert fresh.execute(REGULATORS).get_all() == before
    assert run_query(REGULATORS, dataset_path=MINI).rows == before
    # The next build clears the dead builder's leftovers.
    embedded.build(dataset_loader.load(MINI))
    assert not list(cache.glob(".*.building*"))


def test_a_first_build_killed_part_way_leaves_no_store_to_be_mistaken_for_whole(cache):
    assert any(_kill_while_building(cache, ["load", str(MINI)]) for _ in range(5))
    assert not list(cache.glob("mini-*.lbug"))
    assert run_query(REGULATORS, dataset_path=MINI).rows == [["New Regulator"], ["Old Regulator"]]


# -- concurrent reloads ---------------------------------------------------------------------

_WRITER = textwrap.dedent("""
    import os, sys
    from loaders import dataset
    from loaders.stores import embedded
    path, texts = sys.argv[1], sys.argv[2:]
    for round in range(2):
        for text in texts:
            with open(path + ".new", "w") as f:
                f.write(open(text).read())
            os.replace(path + ".new", path)  # the YAML changes atomically too
            embedded.build(dataset.load(path))  # what `python -m graph load` does
""")


def test_readers_see_the_old_or_the_new_graph_while_another_process_reloads(tmp_path):
    old_text = MINI.read_text()
    new_text = old_text.replace("Old Regulator", "Former Regulator")
    (tmp_path / "a.yaml").write_text(old_text)
    (tmp_path / "b.yaml").write_text(new_text)
    live = tmp_path / "area.yaml"
    live.write_text(old_text)
    old_rows = [["New Regulator"], ["Old Regulator"]]
    new_rows = [["Former Regulator"], ["New Regulator"]]
    assert run_query(REGULATORS, dataset_path=live).rows == old_rows

    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(live), str(tmp_path / "b.yaml"),
                               str(tmp_path / "a.yaml")], cwd=ROOT, env=os.environ.copy(),
                              stderr=subprocess.PIPE, text=True)
    seen: list[object] = []

    def read_until_the_writer_ends() -> None:
        while writer.poll() is None:
            try:
                seen.append(run_query(REGULATORS, dataset_path=live).rows)
            except Exception as exc:  # noqa: BLE001 - any error at all fails the test
                seen.append(exc)

    readers = [threading.Thread(target=read_until_the_writer_ends) for _ in range(2)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=240)
    assert writer.wait(timeout=10) == 0, writer.stderr.read()
    errors = [s for s in seen if isinstance(s, Exception)]
    assert not errors, f"{len(errors)} reads failed, e.g. {errors[0]!r}"
    assert all(rows in (old_rows, new_rows) for rows in seen)
    assert new_rows in seen and len(seen) >= 10, f"only {len(seen)} reads"


# -- secrets -------------------------------------------------------------------------------

PASSWORD = "Sup3r-S3cret-Pa55word"


@pytest.mark.parametrize("argv", [["load", "--neo4j", str(MINI)],
                                  ["query", "--neo4j", "MATCH (n) RETURN n"]])
@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:1", f"neo4j://neo4j:{PASSWORD}@127.0.0.1:1"])
def test_the_password_never_appears_in_cli_output(argv, uri):
    env = {**os.environ, "NEO4J_URI": uri, "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": PASSWORD}
    done = subprocess.run([sys.executable, "-m", "graph", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert PASSWORD not in done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "Neo4j" in done.stderr


def test_the_password_never_appears_in_exceptions_or_logs(caplog):
    caplog.set_level(logging.DEBUG)
    settings = Neo4jSettings("bolt://127.0.0.1:1", "neo4j", PASSWORD)
    with pytest.raises(QueryError) as caught:
        neo4j_store.run_read("MATCH (n) RETURN n", {}, timeout_s=2, row_cap=10, settings=settings)
    with pytest.raises(embedded.StoreError) as failed_load:
        neo4j_store.load(dataset_loader.load(MINI), settings=settings)
    for text in (str(caught.value), repr(caught.value), str(failed_load.value),
                 repr(failed_load.value), repr(settings), caplog.text):
        assert PASSWORD not in text
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


# -- what the guard might miss cannot break the store -----------------------------------------

def _unguarded(monkeypatch, store: Path, cypher: str) -> None:
    """Run ``cypher`` on ``store`` with the guard skipped, as a query it failed to recognise
    would run."""
    with monkeypatch.context() as patch:
        patch.setattr(query_runner, "check_read_only", lambda cypher: None)
        query_runner.run_embedded(store, cypher, {})


def test_the_read_only_handle_is_no_sandbox_copy_to_still_writes_a_file(tmp_path, monkeypatch):
    store = embedded.ensure_store(MINI)
    target = tmp_path / "leak.csv"
    _unguarded(monkeypatch, store, f"COPY (MATCH (t:Trust) RETURN t.name) TO '{target}'")
    assert "Testshire Hospitals Trust" in target.read_text()  # hence the guard refuses COPY


def test_a_checkpoint_through_the_read_handle_breaks_the_store_and_the_next_query_rebuilds_it(
        cache, monkeypatch):
    store = embedded.ensure_store(MINI)
    before = run_query(REGULATORS, dataset_path=MINI).rows
    with pytest.raises(QueryError, match="Checkpoint failed"):
        _unguarded(monkeypatch, store, "CHECKPOINT")
    assert sorted(p.name for p in cache.iterdir()) == [store.name, f"{store.name}.shadow",
                                                       f"{store.name}.wal"]
    with pytest.raises(RuntimeError, match="checkpoint recovery is pending"):
        ladybug.Database(str(store), read_only=True)  # what every other reader would meet
    broken = store.stat().st_ino, store.stat().st_mtime_ns
    assert run_query(REGULATORS, dataset_path=MINI).rows == before
    assert (store.stat().st_ino, store.stat().st_mtime_ns) != broken, "rebuilt, renamed in place"
    assert sorted(p.name for p in cache.iterdir()) == [store.name]
    fresh = ladybug.Connection(ladybug.Database(str(store), read_only=True))
    assert fresh.execute(REGULATORS).get_all() == before


def test_another_process_finding_a_broken_store_rebuilds_it(cache, monkeypatch):
    store = embedded.ensure_store(MINI)
    with pytest.raises(QueryError):
        _unguarded(monkeypatch, store, "CHECKPOINT")
    done = subprocess.run([sys.executable, "-m", "graph", "query", "--data", str(MINI), REGULATORS,
                           "--format", "csv"], cwd=ROOT, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == ["r.name", "New Regulator", "Old Regulator"]
    assert sorted(p.name for p in cache.iterdir()) == [store.name]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_store_file_that_does_not_open_is_rebuilt_from_the_yaml(damage):
    store = embedded.ensure_store(MINI)
    raw = store.read_bytes()
    store.write_bytes({"garbage": b"not a database" * 100, "truncated": raw[:len(raw) // 2],
                       "empty": b""}[damage])
    assert run_query(REGULATORS, dataset_path=MINI).rows == [["New Regulator"], ["Old Regulator"]]
    fresh = ladybug.Connection(ladybug.Database(str(store), read_only=True))
    assert fresh.execute(REGULATORS).get_all() == [["New Regulator"], ["Old Regulator"]]


def test_a_cache_folder_that_cannot_be_written_is_one_line_from_the_cli(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {**os.environ, "ORGS_CACHE_DIR": str(blocker / "store")}
    done = subprocess.run([sys.executable, "-m", "graph", "query", "--data", str(MINI), REGULATORS],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (f"error: cannot write the embedded store in {blocker / 'store'}: "
                           "Not a directory (set ORGS_CACHE_DIR to a writable folder)\n")
