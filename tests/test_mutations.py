"""Whatever the input, validation answers with exit 0 or 2 and clear lines, never a traceback.

Hypothesis mutates the bundled file (deleting, duplicating, swapping and truncating lines,
inserting YAML punctuation, tabs, tags, aliases, bad dates and bad bytes) and checks the result.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import dataset as loader

ROOT = Path(__file__).parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"
LINES = BUNDLED.read_bytes().splitlines(keepends=True)
PROBLEM_LINE = re.compile(r"^mutant\.yaml:\d+:\d+: .+")
NOISE = [b":", b"- ", b"[", b"]", b"{", b"}", b"\t", b"&a ", b"*a", b"!!python/name:os.system ",
         b"'", b'"', b"\x00", b"2014-13-01", b"\xe9", b"\xff\xfe", b"#", b"? ", b"|\n",
         b"organisations:\n", b"  - id: x\n", b"valid_to: 2000-01-01", b"kind: Nothing",
         b"sources: s", b"format: 9\n"]


@st.composite
def mutants(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1))
        if operation == "delete" and len(lines) > 1:
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, lines[i])
        elif operation == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(NOISE)) + lines[i][at:]
        else:
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
    return b"".join(lines)


@settings(max_examples=120, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(mutants())
def test_any_mutant_is_valid_or_reported_line_by_line(tmp_path_factory, text: bytes) -> None:
    path = tmp_path_factory.mktemp("m") / "mutant.yaml"
    path.write_bytes(text)
    dataset, problems = loader.check(path, display_name="mutant.yaml")
    errors = [p for p in problems if not p.warning]
    assert (dataset is None) == bool(errors)
    for problem in problems:
        assert PROBLEM_LINE.match(str(problem)), str(problem)
        assert problem.line >= 1 and problem.column >= 1


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutants())
def test_the_cli_exits_0_or_2_without_a_traceback(tmp_path_factory, text: bytes) -> None:
    path = tmp_path_factory.mktemp("m") / "mutant.yaml"
    path.write_bytes(text)
    run = subprocess.run([sys.executable, "-m", "graph", "validate", str(path)],
                         capture_output=True, cwd=ROOT, timeout=60)
    assert run.returncode in (0, 2)
    assert b"Traceback" not in run.stderr
    if run.returncode == 2:
        assert all(line.startswith(str(path).encode() + b":")
                   for line in run.stderr.splitlines())
