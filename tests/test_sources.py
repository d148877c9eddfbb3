"""What rests on each source: ``python -m graph sources`` / ``source ID`` and the library."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.core.sources import claims, source_impact, withdrawal
from graph.core.story import CITATION
from loaders import dataset as dataset_loader
from loaders import yaml_read
from loaders.yaml_write import dump

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"
DATASET = dataset_loader.load(BUNDLED)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_source_lists_every_claim_citing_the_first_seed_article_in_text_and_json():
    text = cli("source", "seed-000")
    as_json = json.loads(cli("source", "seed-000", "--format", "json").stdout)
    assert text.returncode == 0, text.stderr
    citing = {(c["kind"], c["id"]) for c in as_json["citing"]}
    assert ("organisation", "mk-hospital") in citing
    assert ("relationship", "monitor|OVERSEES|mk-hospital|1") in citing
    assert citing == {(c.kind, c.id) for c in withdrawal(DATASET, "seed-000").citing}
    for kind, claim_id in citing:  # the text names every one of them too
        assert f"  {kind} {claim_id}: " in text.stdout
    assert text.stdout.startswith("seed-000: Bedfordshire and Milton Keynes: NHS commissioners")
    assert f"Cited by {len(citing)} claims:" in text.stdout


def test_a_relationship_claim_names_both_ends_as_they_were_and_its_last_day():
    found = {c.id: c for c in withdrawal(DATASET, "seed-000").citing}
    assert found["monitor|OVERSEES|mk-hospital|1"].text == (
        "Monitor oversees Milton Keynes Hospital NHS Foundation Trust, from October 2007 "
        "until 31 March 2016")


def test_sources_counts_every_citation_once_and_those_resting_on_one_source():
    impact = {row.id: row for row in source_impact(DATASET)}
    every = claims(DATASET)
    assert set(impact) == set(DATASET.sources)
    assert sum(r.cited_by for r in impact.values()) == sum(len(set(c.sources)) for c in every)
    assert sum(r.alone for r in impact.values()) == sum(len(set(c.sources)) == 1 for c in every)
    rows = json.loads(cli("sources", "--format", "json").stdout)
    assert {r["id"]: (r["cited_by"], r["alone"]) for r in rows} == {
        i: (r.cited_by, r.alone) for i, r in impact.items()}


def test_an_unknown_source_is_one_line_and_exit_2():
    run = cli("source", "no-such-source")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"error: no source 'no-such-source' in {BUNDLED} (python -m graph sources lists them)"]


def _withdraw(source_id: str, folder: Path) -> Path:
    """A copy of the bundled file with one source and every citation of it removed."""
    data = yaml_read.read(BUNDLED).data
    data["sources"] = [s for s in data["sources"] if s["id"] != source_id]
    for section in ("organisations", "relationships", "events", "snapshots"):
        for record in data.get(section) or []:
            if "sources" in record:
                record["sources"] = [s for s in record["sources"] if s != source_id]
    for story in data.get("stories") or []:  # a step's text cites in [@id; @id] brackets
        for step in story["steps"]:
            step["text"] = CITATION.sub(lambda m: _uncited(m, source_id), step["text"])
    path = folder / f"without-{source_id}.yaml"
    path.write_text(dump(data), encoding="utf-8")
    return path


def _uncited(match: re.Match, source_id: str) -> str:
    kept = [p.strip() for p in match.group(1).split(";") if p.strip().lstrip("@") != source_id]
    return "[@" + "; @".join(p.lstrip("@") for p in kept) + "]" if kept else ""


def _unsourced_by_validation(path: Path) -> set[tuple[str, str]]:
    """(kind, id) of every record validation warns "cites no source" about."""
    dataset, problems = dataset_loader.check(path)
    doc = yaml_read.read(path)
    lines = {}
    for i, record in enumerate(doc.data["organisations"]):
        lines[doc.where(("organisations", i))[0]] = ("organisation", record["id"])
    for i, _ in enumerate(doc.data["relationships"]):  # ids come in file order
        lines[doc.where(("relationships", i))[0]] = ("relationship", dataset.relationships[i].id)
    for i, record in enumerate(doc.data["events"]):  # numbered in date order, as the stores do
        number = next(n for n, e in enumerate(dataset.events, start=1)
                      if e.title == record["title"] and e.date.iso() == str(record["date"]))
        lines[doc.where(("events", i))[0]] = ("event", f"event-{number}")
    for i, record in enumerate(doc.data["snapshots"]):
        lines[doc.where(("snapshots", i))[0]] = ("snapshot", str(record["date"]))
    for i, story in enumerate(doc.data.get("stories") or []):
        for j, _ in enumerate(story["steps"]):
            where = doc.where(("stories", i, "steps", j, "text"))[0]
            lines[where] = ("story step", f"{story['id']}/{j + 1}")
    return {lines[p.line] for p in problems if p.warning and "cites no source" in p.message}


@pytest.mark.parametrize("source_id", [r.id for r in source_impact(DATASET) if r.alone][:12])
def test_withdrawing_a_source_leaves_unsourced_exactly_what_it_said(source_id, tmp_path):
    expected = {(c.kind, c.id) for c in withdrawal(DATASET, source_id).unsourced}
    assert expected  # these sources each carry some claim alone
    assert _unsourced_by_validation(_withdraw(source_id, tmp_path)) == expected
