"""Shared fixtures: the page under AppTest, one headless Chromium (Debian's, driven by PyPI
playwright) per test run, and the stores (the embedded one and a Neo4j server) for the store
tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google at start-up.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
# Under pytest-xdist (scripts/test runs the suite on both cores) each worker keeps its caches
# (the embedded stores, the warm graphs) in a folder of its own: two workers never build one
# store file at once. A test that sets ORGS_CACHE_DIR itself still does.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER and "ORGS_CACHE_DIR" not in os.environ:
    os.environ["ORGS_CACHE_DIR"] = str(ROOT / ".cache" / f"tests-{_WORKER}")


# Property tests draw the same examples on every run (a rare case found once then fails every
# run, not one run in a hundred); ORGS_HYPOTHESIS=explore draws new ones each run.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("ORGS_HYPOTHESIS", "repeatable"))


# modules that reach the server without naming its fixture in a test's signature
_NEO4J_MODULES = {"test_hard_limits.py", "test_neo4j_store.py", "test_same_rows.py"}


def pytest_itemcollected(item):
    """Every test that uses the one Neo4j server (it wipes the database between tests) is
    marked ``neo4j``: scripts/test runs them one after another, after the rest on both cores
    (pytest-xdist's ``loadgroup`` does not keep a group on one worker under pytest 9)."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    if ("neo4j_server" in item.fixturenames or params.get("store") == "neo4j"
            or item.path.name in _NEO4J_MODULES):
        item.add_marker(pytest.mark.neo4j)


# -- generated areas, made once and shared by the tests and the workers ----------------------

AREAS_DIR = ROOT / ".cache" / "test-areas"


def _sources_hash(*paths: Path) -> str:
    """A digest of the files (and the files under the folders) that make a generated area:
    a change to the generator or to its input makes a new file, never a stale one."""
    import hashlib

    digest = hashlib.sha256()
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def _made_once(stem: str, key: str, make) -> Path:
    """``AREAS_DIR/<stem>-<key>.yaml``, made by ``make(path)`` unless an earlier test (of
    this run or an earlier one, on either worker) made it: written to a file of its own, then
    renamed, so a reader never sees half a file, and under a lock, so two workers never make
    it at once. The path is stable, so the page's warm cache of the area (keyed by path and
    content) is found again too."""
    import fcntl
    import tempfile

    out = AREAS_DIR / f"{stem}-{key}.yaml"
    if out.exists():
        return out
    AREAS_DIR.mkdir(parents=True, exist_ok=True)
    with (AREAS_DIR / f".{stem}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker, making it too, waits for it
        if not out.exists():
            fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", dir=AREAS_DIR)
            os.close(fd)
            try:
                make(Path(partial))
                os.replace(partial, out)
            finally:
                Path(partial).unlink(missing_ok=True)
            for older in AREAS_DIR.glob(f"{stem}-*.yaml"):  # made by code since changed
                if older != out:
                    older.unlink(missing_ok=True)
    return out


def synthetic_area(size: int, seed: int = 1) -> Path:
    """The YAML of ``bench.make_area.make_area(size, seed)`` (10,000 organisations take 8 s
    to generate and several tests use that area)."""
    from bench.make_area import make_area

    key = _sources_hash(ROOT / "bench" / "make_area.py")
    return _made_once(f"area-{size}-seed{seed}", key,
                      lambda out: out.write_text(make_area(size, seed=seed), encoding="utf-8"))


def national_area() -> Path:
    """England from the ODS extracts in data/ods (3,332 organisations), as ``python -m graph
    import-ods --ods-dir data/ods --all`` writes it (tests/test_ods.py tests that command)."""
    import subprocess
    import sys

    key = _sources_hash(ROOT / "data" / "ods", ROOT / "loaders", ROOT / "graph" / "cli")

    def make(out: Path) -> None:
        done = subprocess.run([sys.executable, "-m", "graph", "import-ods", "--ods-dir",
                               str(ROOT / "data" / "ods"), "--all", "-o", str(out)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    return _made_once("england", key, make)


needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the whole run (never ``playwright install``). The bundled
    area's warm cache is made first, so no page the tests open waits for the order of its
    boxes (``graph.page.view.prepare``)."""
    from playwright.sync_api import sync_playwright

    from graph.page.view import load_graph

    load_graph(ROOT / "data" / "orgs.yaml")

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


# -- the stores: every store test runs on the embedded store and on a Neo4j server ----------

NO_SERVER = ("no Neo4j server: NEO4J_URI is not set (./scripts/test starts one where Java and "
             "Maven are installed; or run scripts/neo4j start and . .cache/neo4j/env)")


@pytest.fixture(scope="session")
def neo4j_server():
    """(settings, driver) of the Neo4j server named by NEO4J_URI in the environment (never a
    secrets file); skips when there is none. Its database must be empty at the start: the
    tests load, sync and delete, and compare whole results with the embedded store's."""
    from loaders.stores import neo4j_store
    from loaders.stores.settings import neo4j_settings

    settings = neo4j_settings(os.environ, {})
    if settings is None:
        pytest.skip(NO_SERVER)
    driver = neo4j_store.connect(settings)
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS nodes",
                                         database_=settings.database)
    if records[0]["nodes"]:
        driver.close()
        pytest.fail(f"the Neo4j database at {settings.where} holds {records[0]['nodes']} nodes; "
                    "the tests need an empty one of their own (scripts/neo4j stop, then "
                    "scripts/neo4j start gives a fresh one)")
    yield settings, driver
    driver.close()


@pytest.fixture
def neo4j_db(neo4j_server):
    """The test server, emptied again after the test."""
    from stores_under_test import wipe

    wipe(neo4j_server)
    yield neo4j_server
    wipe(neo4j_server)


@pytest.fixture(params=["embedded", "neo4j"])
def store(request, tmp_path, monkeypatch):
    """The store under test: the embedded one (a cache folder of the test's own) or Neo4j."""
    from stores_under_test import EmbeddedStore, Neo4jStore

    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "cache"))
    if request.param == "embedded":
        return EmbeddedStore(tmp_path / "cache")
    return Neo4jStore(*request.getfixturevalue("neo4j_db"))


@pytest.fixture
def app(monkeypatch, tmp_path):
    """The page on mini.yaml, with the embedded store built in a temporary folder."""
    monkeypatch.setenv("ORGS_DATA", str(ROOT / "tests" / "data" / "mini.yaml"))
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)  # a busy machine
