"""Validation: every rule reports FILE:LINE:COLUMN, all problems at once, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph.core.dates import PartialDate
from loaders import dataset as loader
from loaders.problems import InvalidInput

HERE = Path(__file__).parent
BAD = HERE / "data" / "bad"
MINI = HERE / "data" / "mini.yaml"


def _expected() -> list[tuple[str, int, int, str]]:
    rows = []
    for line in (BAD / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, position, message = line.split("\t")
        row, column = position.split(":")
        rows.append((name, int(row), int(column), message))
    return rows


def test_the_corpus_covers_every_bad_file() -> None:
    listed = {name for name, *_ in _expected()}
    on_disk = {p.name for p in BAD.glob("*.yaml")}
    assert listed == on_disk
    assert len(on_disk) >= 25


@pytest.mark.parametrize(("name", "line", "column", "message"), _expected(),
                         ids=[row[0] for row in _expected()])
def test_bad_file_reports_its_first_error_at_line_and_column(
        name: str, line: int, column: int, message: str) -> None:
    dataset, problems = loader.check(BAD / name, display_name=name)
    errors = [p for p in problems if not p.warning]
    assert dataset is None
    first = errors[0]
    assert (first.line, first.column) == (line, column)
    assert str(first).startswith(f"{name}:{line}:{column}: {message}")
    assert first.hint, "every problem says how to fix it"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("kind: Trust", "kind: Hospital").replace("to: hospital, valid_from: 2013",
                                                                 "to: nowhere, valid_from: 2013")
    text = text.replace("valid_from: 2016-04-01, sources: [src-a]}\n  - {id: ccg-north",
                        "valid_from: 2016-04-31, sources: [src-a]}\n  - {id: ccg-north")
    bad = tmp_path / "three.yaml"
    bad.write_text(text, encoding="utf-8")
    _, problems = loader.check(bad)
    errors = [str(p) for p in problems if not p.warning]
    assert any("unknown kind 'Hospital'" in e for e in errors)
    assert any("unknown organisation 'nowhere'" in e for e in errors)
    assert any("'2016-04-31' is not a real date" in e for e in errors)


def test_a_file_over_the_size_limit_is_refused_quickly(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w") as out:
        out.write("format: 1\n")
        line = "# " + "x" * 98 + "\n"
        out.write(line * (50 * 1024 * 1024 // len(line)))
    with pytest.raises(InvalidInput) as caught:
        loader.load(big)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert "over the limit" in problem.message


def test_a_year_written_as_a_number_is_a_year_precision_date(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "{id: icb, name: Testshire ICB, kind: CCG, valid_from: 2022-07-01",
        "{id: icb, name: Testshire ICB, kind: CCG, valid_from: 2022")
    path = tmp_path / "year.yaml"
    path.write_text(text, encoding="utf-8")
    icb = loader.load(path).organisations["icb"]
    assert icb.valid_from == PartialDate(2022)
    assert icb.valid_from.words() == "2022"


def test_month_precision_is_kept() -> None:
    dataset = loader.load(MINI)
    (former,) = dataset.organisations["hospital"].former_names
    assert former.valid_to.iso() == "2015-04"
    assert former.valid_to.words() == "April 2015"
    assert dataset.sources["src-a"].published.precision == "month"


def test_warnings_do_not_fail_validation_unless_strict(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "  Trust: {label: Trust, tier: 3}\n", "  Trust: {label: Trust, tier: 3}\n  Unused: {}\n")
    path = tmp_path / "warn.yaml"
    path.write_text(text, encoding="utf-8")
    dataset, problems = loader.check(path)
    assert dataset is not None
    assert [p.message for p in problems] == [
        "kind 'Unused' is declared but no organisation uses it"]
    assert problems[0].line == 12
    run = _cli("validate", "--strict", str(path))
    assert run.returncode == 2


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True,
                          cwd=HERE.parent, timeout=60)


def test_cli_prints_one_line_per_problem_and_exits_2() -> None:
    run = _cli("validate", str(BAD / "unknown_organisation_ref.yaml"))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert lines == [f"{BAD / 'unknown_organisation_ref.yaml'}:13:38: unknown organisation 'c' "
                     "(declare the organisation first, or fix the spelling)"]


def test_cli_validates_several_files_and_reports_each() -> None:
    run = _cli("validate", str(MINI), str(BAD / "empty.yaml"), str(BAD / "scalar.yaml"))
    assert run.returncode == 2
    assert "mini.yaml: valid (7 organisations, 8 relationships" in run.stdout
    assert "empty.yaml:1:1: the file is empty" in run.stderr
    assert "scalar.yaml:1:1: the file must be a mapping" in run.stderr


def test_cli_on_a_missing_file_is_one_line() -> None:
    run = _cli("validate", "no/such/file.yaml")
    assert run.returncode == 2
    assert run.stderr.strip() == "no/such/file.yaml:1:1: cannot read the file: No such file or directory (check the path)"
