"""Values from the environment are checked: one line saying what is wrong, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"


def _graph(*argv: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *argv], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("value", ["40MB", "-1", "0", "1e6", "４０"])
def test_an_orgs_max_bytes_that_is_not_a_number_of_bytes_is_one_line(value):
    done = _graph("validate", str(MINI), ORGS_MAX_BYTES=value)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"{MINI}:1:1: ORGS_MAX_BYTES is '{value}', not a whole number of bytes "
                           "(write a number such as ORGS_MAX_BYTES=41943040, or unset it for "
                           "40 MB)\n")


def test_orgs_max_bytes_sets_the_limit():
    size = MINI.stat().st_size
    done = _graph("validate", str(MINI), ORGS_MAX_BYTES=str(size - 1))
    assert (done.returncode, done.stderr) == (2, (
        f"{MINI}:1:1: file is {size:,} bytes, over the limit of {size - 1:,} (split the area "
        "into smaller files or raise ORGS_MAX_BYTES)\n"))
    assert _graph("validate", str(MINI), ORGS_MAX_BYTES=str(size)).returncode == 0
