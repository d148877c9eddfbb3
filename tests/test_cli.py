"""The CLI: a thin shell over the same functions, with exit codes 0 and 2 and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from loaders import yaml_read

HERE = Path(__file__).parent
MINI = HERE / "data" / "mini.yaml"
OTHER = HERE / "data" / "other_area.yaml"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True,
                          cwd=HERE.parent, timeout=120)


def test_diff_json_shows_what_was_added_and_removed() -> None:
    run = cli("diff", "2013-06-01", "2022-08-01", "--format", "json", "--data", str(MINI))
    assert run.returncode == 0, run.stderr
    change = json.loads(run.stdout)
    assert [(o["id"], o["effective_from"]) for o in change["added"]] == [
        ("reg-new", "2016-04-01"), ("icb", "2022-07-01")]  # in the order they began
    assert [(o["id"], o["effective_to"]) for o in change["removed"]] == [
        ("reg-old", "2016-04-01"), ("ccg-north", "2021-04-01"), ("ccg-south", "2021-04-01")]
    assert change["renamed"] == [{
        "id": "hospital", "from": "Testshire General Hospital Trust",
        "to": "Testshire Hospitals Trust", "date": "2015-04", "sources": ["src-a"],
        "line": "✎ renamed: Testshire General Hospital Trust → Testshire Hospitals Trust (from "
                "April 2015)"}]
    assert {r["type"] for r in change["lineage"]} == {"MERGED_INTO", "SUCCEEDED_BY"}
    for rel in change["relationships_added"] + change["relationships_removed"]:
        assert {"effective_from", "effective_to"} <= rel.keys()
    north = next(r for r in change["relationships_removed"] if r["from"] == "ccg-north")
    assert "valid_to" not in north  # open in the data: it ended with the CCG
    assert (north["effective_from"], north["effective_to"], north["end_reason"]) == (
        "2013-04-01", "2021-04-01", {"ceased": ["ccg-north"], "names": ["North CCG"]})
    regulator = next(r for r in change["relationships_removed"] if r["from"] == "reg-old")
    assert regulator["effective_to"] == "2016-04-01" and "end_reason" not in regulator


def test_diff_with_the_later_date_first_swaps_them_and_says_so() -> None:
    text = cli("diff", "2022-08-01", "2013-06-01", "--data", str(MINI)).stdout.splitlines()
    assert text[0] == ("Changes from 1 June 2013 to 1 August 2022 (the later date was given "
                       "first, so the dates are swapped)")
    assert "  + began: Testshire ICB (from 1 July 2022) [sources: src-b]" in text
    swapped = json.loads(cli("diff", "2022-08-01", "2013-06-01", "--format", "json",
                             "--data", str(MINI)).stdout)
    assert (swapped["from"], swapped["to"], swapped["swapped"]) == (
        "2013-06-01", "2022-08-01", True)


BLMK_LINES = [
    "− Monitor oversees Milton Keynes University Hospital NHS Foundation Trust (from October "
    "2007 until 31 March 2016)",
    "− Monitor oversees Luton and Dunstable University Hospital NHS Foundation Trust (from 1 "
    "April 2013 until 31 March 2016)",
    *(f"− NHS {ccg} Clinical Commissioning Group commissions {trust} (from 1 April 2013 until 31 "
      f"March 2021, the last day of NHS {ccg} Clinical Commissioning Group)"
      for ccg, trust in (("Bedfordshire", "Bedfordshire Hospitals NHS Foundation Trust"),
                         ("Luton", "Bedfordshire Hospitals NHS Foundation Trust"),
                         ("Milton Keynes",
                          "Milton Keynes University Hospital NHS Foundation Trust"))),
]


def test_the_bundled_diff_names_each_body_as_it_was_and_says_when_and_why_it_ended() -> None:
    run = cli("diff", "2013-06-01", "2022-08-01")
    assert run.returncode == 0, run.stderr
    lines = [line.strip().rsplit(" [sources: ", 1)[0] for line in run.stdout.splitlines()]
    for expected in BLMK_LINES:
        assert expected in lines


def test_lineage_accepts_an_ods_code_and_reaches_the_predecessors() -> None:
    run = cli("--data", str(MINI), "lineage", "qqq", "--format", "json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["organisation"] == "icb"
    assert [(p["id"], p["date"], p["sources"]) for p in result["predecessors"]] == [
        ("ccg-all", "2022-07-01", ["src-b"]), ("ccg-north", "2021-04-01", ["src-b"]),
        ("ccg-south", "2021-04-01", ["src-b"])]


def test_lineage_text_names_dates_in_words() -> None:
    run = cli("lineage", "icb", "--data", str(MINI))
    assert "<- North CCG (ccg-north) MERGED_INTO on 1 April 2021 [sources: src-b]" in run.stdout


def test_lineage_names_each_step_as_it_was_on_the_day() -> None:
    run = cli("lineage", "healthcare-review")
    assert ("  -> Bedfordshire, Luton and Milton Keynes Sustainability and Transformation Plan "
            "(STP) (blmk-partnership) MERGED_INTO on 3 August 2016 [sources: seed-002]") \
        in run.stdout.splitlines()  # the partnership's name that day, not today's


def test_timeline_json_keeps_each_date_at_its_precision() -> None:
    run = cli("timeline", "--format", "json", "--data", str(MINI))
    events = json.loads(run.stdout)
    assert [(e["date"], e["title"]) for e in events] == [
        ("2014-03", "A report is published"), ("2021-04-01", "The CCGs merge")]
    assert events[1]["organisations"] == ["ccg-north", "ccg-south", "ccg-all"]


def test_schema_is_a_valid_json_schema_that_accepts_the_test_files() -> None:
    run = cli("schema")
    schema = json.loads(run.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in (MINI, OTHER):  # the parser keeps dates as text, as JSON would
        assert list(validator.iter_errors(yaml_read.read(path).data)) == []
    bad = yaml_read.read(MINI).data
    bad["colour"] = "red"
    assert [e.message for e in validator.iter_errors(bad)] == [
        "Additional properties are not allowed ('colour' was unexpected)"]


@pytest.mark.parametrize("args", [
    ("lineage", "nobody"),
    ("diff", "2014-13-01", "2020-01-01"),
    ("lineage", "icb", "--data", "missing.yaml"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    data = () if "--data" in args else ("--data", str(MINI))
    run = cli(*args, *data)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_another_area_with_its_own_kinds_answers_every_command() -> None:
    assert cli("validate", "--strict", str(OTHER)).returncode == 0
    lineage = json.loads(cli("lineage", "trust-b", "--format", "json", "--data", str(OTHER)).stdout)
    assert [p["id"] for p in lineage["predecessors"]] == ["trust-a"]
    change = json.loads(cli("diff", "2017-01-01", "2021-01-01", "--format", "json",
                            "--data", str(OTHER)).stdout)
    assert [o["id"] for o in change["added"]] == ["hill-academy", "trust-b"]
    assert [o["id"] for o in change["removed"]] == ["hill-la", "trust-a"]
    timeline = json.loads(cli("timeline", "--format", "json", "--data", str(OTHER)).stdout)
    assert timeline[0]["date"] == "2017-09-01"
