"""Every ``console`` block of the README and the docs is run and its output compared, so no
example goes stale: ``$ `` starts a command (run by bash from an empty folder, with this
repository's ``python -m graph`` and its own store cache), the lines up to the next command are
what it prints (stdout and stderr). A line ``...`` stands for any lines, ``...`` in a line for
any text; the repository's path
is written ``/path/to/repo``. Blocks that need a server (Neo4j) are ``bash`` blocks, shown
and not run here; ``test_neo4j_store.py`` runs what they show."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def examples() -> list[tuple[str, str, list[str]]]:
    """(where, command, expected lines) for every command of every console block."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in BLOCK.finditer(text):
            first = text[:block.start()].count("\n") + 2
            lines = block.group(1).splitlines()
            k = 0
            while k < len(lines):
                if not lines[k].startswith("$ "):
                    raise AssertionError(f"{path.name}:{first + k}: output before any command")
                start, command = k, lines[k][2:]
                while not _whole(command):  # a quoted argument over several lines
                    k += 1
                    command += "\n" + lines[k]
                k += 1
                expected = []
                while k < len(lines) and not lines[k].startswith("$ "):
                    expected.append(lines[k])
                    k += 1
                found.append((f"{path.relative_to(ROOT)}:{first + start}", command, expected))
    return found


def _whole(command: str) -> bool:
    try:
        shlex.split(command, comments=True)
    except ValueError:
        return False
    return True


def matches(expected: list[str], got: list[str]) -> bool:
    """Whether ``got`` reads as ``expected``, each ``...`` line standing for any lines."""
    if not expected:
        return not got
    if expected[0] == "...":
        return any(matches(expected[1:], got[i:]) for i in range(len(got) + 1))
    return bool(got) and _line(expected[0], got[0]) and matches(expected[1:], got[1:])


def _line(expected: str, got: str) -> bool:
    """``...`` inside a line stands for any text (a size in bytes, a time)."""
    if "..." not in expected:
        return got == expected
    return re.fullmatch(".*".join(map(re.escape, expected.split("..."))), got) is not None


def test_the_matcher_reads_ellipses_and_fails_on_a_changed_line():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "d"], ["a", "d"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert not matches(["a", "b"], ["a", "c"])
    assert not matches(["a"], ["a", "b"])
    assert matches(["wrote x.pdf (pdf, ... bytes)"], ["wrote x.pdf (pdf, 87,180 bytes)"])
    assert not matches(["wrote x.pdf (pdf, ... bytes)"], ["wrote x.svg (svg, 87,180 bytes)"])


def test_the_docs_show_commands_to_run():
    shown = examples()
    assert len(shown) >= 15
    assert any(where.startswith("README.md") for where, _, _ in shown)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("docs-commands")


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("where", "command", "expected"), examples(),
                         ids=[where for where, _, _ in examples()])
def test_the_command_prints_what_the_docs_show(folder, where, command, expected):
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "ORGS_CACHE_DIR": str(folder / ".cache"), "COLUMNS": "100"}
    for name in ("ORGS_DATA", "NEO4J_URI"):
        env.pop(name, None)
    for name in ("data", "tests"):  # the relative paths the docs use
        if not (folder / name).exists():
            (folder / name).symlink_to(ROOT / name)
    run = subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True,
                         text=True, timeout=280)
    got = (run.stdout + run.stderr).replace(str(ROOT), "/path/to/repo").rstrip("\n")
    got_lines = got.splitlines() if got else []
    assert matches(expected, got_lines), \
        f"{where}: `{command}` printed:\n{got}\n--- the docs show:\n" + "\n".join(expected)
