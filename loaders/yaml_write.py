"""A dataset document -> a YAML file, written atomically and only if it validates.

The pair of ``loaders.yaml_read``: what this tool writes (ODS imports, merges) must load.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from loaders import dataset as dataset_loader
from loaders.problems import Problem

Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(document: dict) -> str:
    """The document as YAML text, in the format's key order."""
    return yaml.dump(document, Dumper=Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=None, width=100)


def write_yaml(document: dict, output: Path) -> list[Problem]:
    """Write ``document`` to ``output`` if it validates; return every problem found (with
    ``output`` as the file name). On an error nothing is written and any old file stays."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        # mkstemp makes the file 0600; the user expects what their editor would make (0644
        # under the usual umask), or the old file's mode when it is replaced
        os.fchmod(fd, _usual_mode(output))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dump(document))
        _, problems = dataset_loader.check(tmp, display_name=str(output))
        if not any(not p.warning for p in problems):
            os.replace(tmp, output)
            tmp = ""
        return problems
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def _usual_mode(output: Path) -> int:
    """The old file's permissions, or a new file's under the process's umask."""
    try:
        return output.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0o022)  # read the umask (only by setting it), then put it back
        os.umask(mask)
        return 0o666 & ~mask
