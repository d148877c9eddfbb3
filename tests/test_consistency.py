"""Format 1.2: a source's standing, named facts on events, and the consistency warnings a
careful reader would otherwise find by hand (loaders.consistency), each at FILE:LINE:COLUMN."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from graph.core.temporal import timeline
from graph.export.request import CitedSource, sources_heading
from graph.page.citations import Citations
from loaders import dataset as loader
from loaders.consistency import role_key
from loaders.stores.records import graph_records

HERE = Path(__file__).parent
CASES = HERE / "data" / "consistency.yaml"
MINI = HERE / "data" / "mini.yaml"


def _warnings(path: Path) -> list[tuple[int, int, str]]:
    dataset, problems = loader.check(path)
    assert dataset is not None and all(p.warning for p in problems)
    return [(p.line, p.column, p.message) for p in problems]


def test_each_consistency_rule_warns_at_the_value_concerned() -> None:
    assert _warnings(CASES) == [
        (19, 62, "organisation 'trust' rests only on mirror copies (copy)"),
        (20, 23, "'other' and 'north' both have this name from 2020-01-01"),
        (27, 74, "'Interim Accountable Officer' at 'north' (then its successor 'merged') is held "
                 "by nobody from 2020 until 2021-04-01, between 'bob' and 'cat'"),
        (31, 5, "a second COMMISSIONS from 'north' to 'trust' is in force while the one on "
                "line 30 is"),
        (31, 98, "'valid_to' is listed as unverified but is not given"),
        (35, 12, "event dated 2014-10 comes after one dated 2016-11-29 (line 34)"),
        (35, 133, "event 'Rated Requires Improvement' rests only on mirror copies (copy)"),
    ]


def test_the_cli_prints_each_warning_as_file_line_column_and_strict_fails() -> None:
    run = subprocess.run([sys.executable, "-m", "graph", "validate", "--strict", str(CASES)],
                         capture_output=True, text=True, cwd=HERE.parent, timeout=60)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert len(lines) == 7
    assert lines[2].startswith(f"{CASES}:27:74: warning: 'Interim Accountable Officer' at")
    assert lines[2].endswith("(date the handover, add who held it in between, or explain the "
                             "gap in notes with a source and list the dates as unverified)")


def _fixed(tmp_path: Path, *pairs: tuple[str, str]) -> Path:
    text = CASES.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "fixed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_fix_the_hints_suggest_silences_its_warning(tmp_path: Path) -> None:
    path = _fixed(
        tmp_path,
        ("sources: [copy]}\n  - {id: other, name: North CCG,",
         "sources: [copy, paper]}\n  - {id: other, name: North General Hospital,"),
        # the handover dated: the interim holds the role until the merger
        ("valid_from: 2016, valid_to: 2020, role: Interim",
         "valid_from: 2016, valid_to: 2021-04-01, role: Interim"),
        # one relationship for both contracts
        ("  - {from: north, type: COMMISSIONS, to: trust, valid_from: 2018, sources: [paper], "
         "unverified: [valid_to]}\n", ""),
        ("  - {date: 2016-11-29, title: Rated Good, organisations: [trust], attributes: {rating: "
         "Good}, sources: [gov]}\n", ""),
        ("attributes: {rating: Requires Improvement}, sources: [copy]}",
         "attributes: {rating: Requires Improvement}, sources: [copy]}\n  - {date: 2016-11-29, "
         "title: Rated Good, organisations: [trust], attributes: {rating: Good}, sources: [gov]}"),
        ("Requires Improvement}, sources: [copy]}", "Requires Improvement}, sources: [copy, gov]}"))
    assert _warnings(path) == []


def test_roles_compare_without_interim_acting_joint_or_a_parenthesis() -> None:
    assert role_key("Interim Chief Executive (Luton and Dunstable)") == "chief executive"
    assert role_key("Acting  Chief  Executive") == role_key("Chief Executive")
    assert role_key("Joint Senior Responsible Officer") == "senior responsible officer"
    assert role_key("Chair") != role_key("Vice-Chair")


def test_format_1_2_keys_need_format_1_2(tmp_path: Path) -> None:
    text = CASES.read_text(encoding="utf-8").replace("format: 1.2", "format: 1.1")
    path = tmp_path / "old.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = loader.check(path)
    errors = [str(p) for p in problems if not p.warning]
    assert errors[0] == (f"{path}:5:37: 'kind' needs format 1.2 (write 'format: 1.2' at the "
                         "top of the file)")
    assert any(":34:" in e and "'attributes' needs format 1.2" in e for e in errors)


def test_a_file_of_format_1_reads_as_before_with_no_kinds_said() -> None:
    dataset = loader.load(MINI)
    assert dataset.format == 1
    assert {s.kind for s in dataset.sources.values()} == {None}
    assert all(s.standing == "" for s in dataset.sources.values())


def test_a_source_kind_is_shown_in_words_on_the_page_and_as_a_letter_on_sheets() -> None:
    dataset = loader.load(CASES)
    entry, = Citations(dataset).cite(["copy"])
    assert entry.about == "mirror copy, not the original"
    sheet = CitedSource(1, "paper", "A newspaper report", "Testshire News", "2014", None, "press")
    assert sheet.text() == "1. A newspaper report. Testshire News, 2014 [P]."
    assert sheet.standing == "press"
    assert sources_heading((sheet,)) == (
        "Sources (O official, P press, R reference work, M mirror copy):")
    assert sources_heading((CitedSource(1, "x", "X", None, None, None),)) == "Sources:"


def test_event_attributes_and_source_kinds_reach_the_timeline_the_json_and_the_stores() -> None:
    dataset = loader.load(CASES)
    first = timeline(dataset)[0]
    assert (first.date.iso(), first.attributes) == ("2014-10", (("rating", "Requires Improvement"),))
    run = subprocess.run([sys.executable, "-m", "graph", "timeline", "--data", str(CASES),
                          "--format", "json"], capture_output=True, text=True,
                         cwd=HERE.parent, timeout=60)
    assert run.returncode == 0, run.stderr
    assert [e.get("attributes") for e in json.loads(run.stdout)] == [
        {"rating": "Requires Improvement"}, {"rating": "Good"}]
    records = graph_records(dataset)
    rows = {r["title"]: r for r in records.nodes["Event"]}
    assert json.loads(rows["Rated Good"]["attributes"]) == {"rating": "Good"}
    sources = {r["id"]: r for r in records.nodes["Source"]}
    assert (sources["copy"]["kind"], sources["copy"]["notes"]) == ("mirror",
                                                                   "the original is offline")
