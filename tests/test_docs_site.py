"""The documentation site: ``mkdocs build --strict`` (MkDocs, Material theme) over ``docs/``.
Strict mode fails on a link to a page or an anchor that does not exist; the CLI reference is
written from the parser when the site is built; nothing a page shows loads from elsewhere."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs", "build", "--strict"]  # not --quiet: it hides
# the warnings that strict mode counts, so a broken link would pass
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(config: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*MKDOCS, "-f", str(config), "-d", str(site)], capture_output=True,
                          text=True, timeout=240, env=ENV, cwd=config.parent)


@pytest.mark.timeout(300)
def test_the_site_builds_with_no_broken_link(tmp_path):
    run = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert run.returncode == 0, run.stderr[-3000:]
    site = tmp_path / "site"
    # every page of docs/ is on the site, in the navigation
    for doc in (ROOT / "docs").glob("*.md"):
        page = site / ("index.html" if doc.stem == "index" else f"{doc.stem}/index.html")
        assert page.is_file(), doc.name
    reference = (site / "cli-reference" / "index.html").read_text(encoding="utf-8")
    from graph.cli.main import build_parser  # every command, as --help shows it

    commands = build_parser()._subparsers._group_actions[0].choices
    assert len(commands) >= 14
    for name in commands:
        assert f'id="{name}"' in reference, name
    assert "--focus" in reference and "--timeout" in reference
    # the format's reference is its JSON Schema: every key of the file and of each part
    from loaders.schema import json_schema

    schema = json_schema()
    keys = (site / "format-reference" / "index.html").read_text(encoding="utf-8")
    for part in [schema, *schema["$defs"].values()]:
        for key in part.get("properties", {}):
            assert f"<code>{key}</code>" in keys, key
    assert f'id="{next(iter(schema["$defs"]))}"' in keys
    # loads nothing from another host: no script, stylesheet, font or image from elsewhere
    loads = re.compile(r"<(?:script|img|link|source|iframe)\b[^>]*(?:src|href)=\"(?:https?:)?//")
    for page in site.rglob("*.html"):
        assert not loads.search(page.read_text(encoding="utf-8")), page
    assert not any(site.rglob("hooks"))  # the build's own code is not published


@pytest.mark.timeout(300)
def test_a_link_to_a_page_that_does_not_exist_fails_the_build(tmp_path):
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", copy)
    shutil.copytree(ROOT / "docs", copy / "docs")
    shutil.copytree(ROOT / "graph", copy / "graph")  # the hook reads the parser
    shutil.copytree(ROOT / "loaders", copy / "loaders")
    story = copy / "docs" / "story.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nSee [the old page](gone.md).\n",
                     encoding="utf-8")
    run = build(copy / "mkdocs.yml", tmp_path / "site")
    assert run.returncode != 0
    assert "gone.md" in run.stderr
