"""requirements.lock pins every package, and is what is installed: each pin of
requirements.txt and requirements-dev.txt is in it at the same version, and every distribution
installed in this environment (scripts/setup-env installs the lock) is in it at its version, or
in requirements-bench.lock (the benchmark's peer, installed by hand) at the lock's version."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s#;]+)", re.MULTILINE)
TOOLS = {"pip", "setuptools", "wheel"}  # the installer's own, not the project's


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    return {canonical(n): v for n, v in PIN.findall(path.read_text(encoding="utf-8"))}


def test_the_lock_holds_every_direct_pin_at_its_version():
    lock = pins(ROOT / "requirements.lock")
    assert len(lock) > 80  # the transitive packages too, not only the 30-odd direct ones
    for direct in ("requirements.txt", "requirements-dev.txt"):
        for name, version in pins(ROOT / direct).items():
            assert lock.get(name) == version, (direct, name, version, lock.get(name))


def test_the_benchmark_lock_adds_raphtory_and_changes_no_pin_of_the_main_lock():
    lock, bench = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-bench.lock")
    assert bench.get("raphtory") == pins(ROOT / "requirements-bench.txt")["raphtory"]
    assert "raphtory" not in lock  # 306 MB the page and the tests do not need
    changed = sorted((n, v, lock[n]) for n, v in bench.items() if n in lock and lock[n] != v)
    assert not changed, changed


def test_what_is_installed_is_what_the_lock_pins():
    lock = {**pins(ROOT / "requirements-bench.lock"), **pins(ROOT / "requirements.lock")}
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    unpinned = sorted(set(installed) - set(lock) - TOOLS - {"orgs-graph"})
    assert not unpinned, f"installed but not in requirements.lock: {unpinned}"
    other = sorted((n, installed[n], v) for n, v in lock.items()
                   if n in installed and installed[n] != v)
    assert not other, f"installed at another version than the lock's: {other}"
