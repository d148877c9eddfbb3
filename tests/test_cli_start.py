"""The command line imports what a command uses when the command runs: ``--help`` and every
command that draws nothing never import matplotlib, which on a fresh machine also writes its
font cache (``~/.cache/matplotlib/fontlist-*.json``); ``--help`` and a query never import the
time model (networkx, numpy), which a warm start would otherwise spend most of its time on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
# Runs the commands given (JSON) one after the other in one fresh interpreter, then prints
# which heavy libraries it imported.
RUN = """
import json, sys
from graph.cli.main import main
for argv in json.loads(sys.argv[1]):
    try:
        status = main(argv)
    except SystemExit as stop:  # --help
        status = stop.code
    assert status == 0, (argv, status)
heavy = set(json.loads(sys.argv[2]))
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & heavy)))
"""
DRAWING = ("matplotlib", "pyarrow")
TIME_MODEL = ("networkx", "numpy")  # the graph and its interval index


def _imported(home: Path, *commands: list[str], heavy: tuple[str, ...] = DRAWING) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "ORGS_CACHE_DIR": str(home / "cache")}
    run = subprocess.run([sys.executable, "-c", RUN, json.dumps(commands), json.dumps(heavy)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def _font_caches(home: Path) -> list[Path]:
    return list((home / ".cache" / "matplotlib").glob("fontlist-*.json"))


def test_commands_that_draw_nothing_never_import_matplotlib_cold_or_warm(tmp_path):
    data = ["--data", str(MINI)]
    commands = [["--help"], ["validate", *data], ["schema"], ["lineage", "icb", *data],
                ["diff", "2014", "2022", *data], ["timeline", *data], ["sources", *data],
                ["source", "src-b", *data], ["query", "MATCH (t:Trust) RETURN t.name", *data]]
    # the first lineage reads the file and caches its graph; the rest reopen it warm
    assert _imported(tmp_path, *commands, *commands[3:]) == []
    assert _font_caches(tmp_path) == []
    assert list((tmp_path / "cache" / "graphs").glob("graph-*.pickle"))  # warm runs happened


def test_a_snapshot_that_draws_imports_matplotlib_then_and_only_then(tmp_path):
    svg = tmp_path / "view.svg"
    assert _imported(tmp_path, ["snapshot", "--data", str(MINI), "--date", "2021-06-01",
                                "-o", str(svg)]) == ["matplotlib"]
    assert svg.read_text().startswith("<?xml") and _font_caches(tmp_path)


def test_a_load_imports_arrow_only_to_copy_a_large_group(tmp_path):
    assert _imported(tmp_path, ["load", "--data", str(MINI)]) == []  # every group is small


def test_help_and_a_query_never_import_the_time_model(tmp_path):
    query = ["query", "MATCH (t:Trust) RETURN t.name", "--data", str(MINI)]
    assert _imported(tmp_path, ["--help"], query, query, heavy=DRAWING + TIME_MODEL) == []
    # a query as at a date needs the graph of that day, so it does import them
    assert _imported(tmp_path, [*query, "--at", "2021-06-01"],
                     heavy=DRAWING + TIME_MODEL) == ["networkx", "numpy"]
