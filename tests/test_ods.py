"""Importing NHS ODS files: real extracts in data/ods, plus small files made here."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.cli import main as cli
from graph.core import temporal
from graph.core.dates import PartialDate
from loaders import dataset as dataset_loader
from loaders.ods import build as ods
from loaders.ods import read as ods_read
from loaders.ods.read import OrgRow, Release
from loaders.ods.records import ROLE_KINDS, kind_of_code, kind_of_row, role_of_row
from loaders.yaml_write import dump

HERE = Path(__file__).parent
REAL_ODS = Path(__file__).parents[1] / "data" / "ods"
DAY = dt.date


def run(*args: str) -> int:
    return cli.main(list(args))


def row(code: str, name: str, grouping: str = "", geography: str = "", opened: str = "",
        closed: str = "", subtype: str = "C") -> str:
    fields = [code, name, grouping, geography, "", "", "", "", "", "", opened, closed, "",
              subtype] + [""] * 7 + ["0"] + [""] * 5
    return ",".join(f'"{f}"' for f in fields)


def write(path: Path, lines: list[str], ending: str = "\r\n", encoding: str = "ascii") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ending.join(lines).encode(encoding) + ending.encode())
    return path


# -- the real extracts ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def england(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("ods") / "england.yaml"
    assert run("import-ods", "--ods-dir", str(REAL_ODS), "--all", "-o", str(out)) == 0
    return out, dataset_loader.load(out)


def lineage_into(data: object, code: str) -> dict[str, object]:
    target = data.resolve(code)
    return {r.source: r for r in data.relationships
            if r.target == target and data.relationship_types[r.type].lineage}


def test_three_ccgs_are_succeeded_by_m1j4y_on_1_april_2021(england) -> None:
    _, data = england
    into = lineage_into(data, "M1J4Y")
    assert sorted(into) == ["ods-04f", "ods-06f", "ods-06p"]
    assert {r.valid_from.iso() for r in into.values()} == {"2021-04-01"}
    assert {data.organisations[c].valid_to.iso() for c in into} == {"2021-04-01"}
    m1j4y = data.organisations["ods-m1j4y"]  # no row in any file: named by its code
    assert (m1j4y.name, m1j4y.kind, m1j4y.valid_from.iso()) == ("M1J4Y", "CCG", "2021-04-01")
    # only the successions file names it, and only on the day it took over: no file read says
    # it was open after 1 April 2021, so it is drawn until then, its end unverified
    assert m1j4y.valid_to.iso() == "2021-04-02"
    assert set(m1j4y.unverified) == {"name", "kind", "valid_from", "valid_to"}
    assert "successor of 04F on 1 April 2021 in ods_successors.csv" in m1j4y.notes


def test_rc1_is_succeeded_by_rc9_which_keeps_its_former_name(england) -> None:
    _, data = england
    assert [(s, r.valid_from.iso()) for s, r in lineage_into(data, "RC9").items()] == [
        ("ods-rc1", "2020-04-01")]
    assert data.organisations["ods-rc1"].valid_to.iso() == "2020-04-01"
    rc9 = data.organisations["ods-rc9"]
    assert rc9.name_at(DAY(2019, 1, 1)) == "LUTON AND DUNSTABLE UNIVERSITY HOSPITAL NHS FOUNDATION TRUST"
    assert rc9.name_at(DAY(2020, 4, 1)) == "BEDFORDSHIRE HOSPITALS NHS FOUNDATION TRUST"
    assert "former_names" in rc9.unverified  # ODS gives no rename date


def test_rd8_is_open_through_2021_under_qhg_and_unknown_after(england) -> None:
    _, data = england
    rd8 = data.organisations["ods-rd8"]
    # the newest trust file is etr-c2021.csv: in force through 2021, its end unverified
    assert (rd8.valid_from.iso(), rd8.valid_to.iso()) == ("1992-04-01", "2022")
    assert rd8.unverified == ("valid_to",)
    assert rd8.notes.startswith("Last listed in etr-c2021.csv (release 2021). No file read says "
                                "whether or when it closed after 2021")
    assert not rd8.exists_on(DAY(2022, 1, 1))
    graph = temporal.build_graph(data)
    end_of_2021 = temporal.at(graph, "2021-12-31")
    part_of = [data_rel for data_rel in data.relationships
               if data_rel.id in end_of_2021.relationships and data_rel.source == "ods-rd8"]
    assert sorted(r.target for r in part_of) == ["ods-qhg", "ods-y61"]
    to_qhg = next(r for r in part_of if r.target == "ods-qhg")
    assert to_qhg.unverified == ("valid_from", "valid_to")  # only the 2021 release shows it
    assert data.organisations["ods-qhg"].kind == "ICB"
    # Before, the 2016 release put it under the Central Midlands local office.
    assert temporal.at(graph, "2017-06-01").relationships >= {
        r.id for r in data.relationships if (r.source, r.target) == ("ods-rd8", "ods-q78")}


def test_211_ccgs_exist_on_1_april_2013(england) -> None:
    _, data = england
    day = DAY(2013, 4, 1)
    ccgs = [o for o in data.organisations.values() if o.kind == "CCG" and o.exists_on(day)]
    assert len(ccgs) == 211
    assert all(o.valid_from.precision == "day" for o in ccgs)  # ODS dates stay days


def test_the_national_file_validates_with_no_warnings_and_cites_every_item(england) -> None:
    path, data = england
    _, problems = dataset_loader.check(path)
    assert problems == []
    assert len(data.organisations) > 3000 and len(data.relationships) > 3000
    assert all(o.sources for o in data.organisations.values())
    assert all(r.sources for r in data.relationships)
    titles = {s.file: s.title for s in data.sources.values()}
    assert set(Path(f).name for f in titles) == {
        "eccg-2016_02.csv", "eccg-2018_11.csv", "eauth-2018_11.csv", "etr-c2016.csv",
        "etr-c2021.csv", "ods_successors.csv"}
    assert all("Open Government Licence v3.0" in t for t in titles.values())
    eccg = next(s for s in data.sources.values() if s.file.endswith("eccg-2018_11.csv"))
    assert eccg.published.iso() == "2018-11" and "release 2018-11" in eccg.title


def test_no_organisation_is_drawn_after_the_last_file_that_shows_it(england) -> None:
    """Issue 27: the newest CCG file read is of November 2018, so no CCG is in force in 2026
    (106 were); each end the files do not give is unverified, with a note naming the file."""
    _, data = england
    orgs = list(data.organisations.values())

    def in_force(day: dt.date, kind: str | None = None) -> int:
        return sum(o.exists_on(day) and kind in (None, o.kind) for o in orgs)

    assert (in_force(DAY(2026, 1, 1), "CCG"), in_force(DAY(2026, 1, 1))) == (0, 0)
    unknown_end = [o for o in orgs if "valid_to" in o.unverified]
    assert len(unknown_end) == 1668  # every organisation no file closes
    last_listed_2018 = [o for o in unknown_end if o.kind == "CCG" and o.valid_to.iso() == "2018-12"]
    assert len(last_listed_2018) == 77
    assert all(o.notes.endswith(
        "Last listed in eccg-2018_11.csv (release November 2018). No file read says whether or "
        "when it closed after November 2018: it is drawn until then, and that end is "
        "unverified.") for o in last_listed_2018)
    assert (in_force(DAY(2018, 11, 15), "CCG"), in_force(DAY(2018, 12, 1), "CCG")) == (195, 118)
    # an end a file gives stays as it is: 06F's succession, ODS's own close dates
    assert "valid_to" not in data.organisations["ods-06f"].unverified
    # the area says how far the files go
    assert "drawn until the last release that lists it" in data.area.description


def test_the_codes_named_only_by_successions_keep_unknown_but_are_not_drawn_after_them(
        england) -> None:
    """No extract in data/ods carries a role code for a code only ods_successors.csv names,
    so its kind stays Unknown; but it is no longer drawn as in force after that file shows it
    (1,260 of the 1,668 organisations in force in 2026 were such codes before)."""
    _, data = england
    unknown = [o for o in data.organisations.values() if o.kind == "Unknown"]
    assert len(unknown) == 2673
    assert all(set(o.sources) == {"ods-file-ods-successors"} for o in unknown)
    assert sum(o.exists_on(DAY(2021, 6, 1)) for o in unknown) == 120
    assert sum(o.exists_on(DAY(2026, 1, 1)) for o in unknown) == 0


def test_kinds_come_from_one_table_of_ods_role_codes(england) -> None:
    concepts = json.loads((REAL_ODS / "ods_concepts.json").read_text(encoding="utf-8"))
    names = {**concepts["primary_roles"], **concepts["other_concepts"]}
    assert {code: name for code, (name, _) in ROLE_KINDS.items()} == {
        code: names[code] for code in ROLE_KINDS}  # ODS's own names for the codes
    trust = OrgRow("RA1", "A TRUST", "Y55", "Q78", None, None, "", 1)
    hub = OrgRow("14A", "A COMMISSIONING HUB", "Y55", "Q78", None, None, "H", 1)
    sub_icb = OrgRow("06F", "NHS BEDFORDSHIRE, LUTON AND MILTON KEYNES ICB - 06F", "Y61", "QHG",
                     None, None, "", 1)
    assert [role_of_row(layout, r) for layout, r in (
        ("etr", trust), ("eccg", hub), ("eccg", sub_icb),
        ("eauth", OrgRow("Y61", "EAST OF ENGLAND", "", "", None, None, "", 1)),
        ("eauth", OrgRow("Q78", "A LOCAL OFFICE", "Y55", "", None, None, "", 1)),
        ("eauth", OrgRow("W00", "NHS WALES INFORMATICS SERVICE", "", "", None, None, "", 1)))] == [
        "RO197", "RO218", "RO319", "RO209", "RO210", None]
    assert [kind_of_row("eccg", hub), kind_of_row("eauth", OrgRow(
        "W00", "NHS WALES INFORMATICS SERVICE", "", "", None, None, "", 1))] == [
        "CommissioningHub", "Other"]
    _, data = england
    kinds = {o.kind for o in data.organisations.values()}
    assert kinds - {kind for _, kind in ROLE_KINDS.values()} == {"Other", "Unknown"}
    # the docs list exactly the primary role codes the table leaves out
    text = " ".join((HERE.parent / "docs" / "ods.md").read_text(encoding="utf-8").split())
    listed = re.search(r"These primary role codes of `ods_concepts.json` stay unmapped (.*?)\. Of",
                       text).group(1)
    assert re.findall(r"\bRO[0-9]+\b", listed) == sorted(
        set(concepts["primary_roles"]) - set(ROLE_KINDS), key=lambda c: int(c[2:]))
    table = re.findall(r"\| (RO[0-9]+) \| [^|]+ \| (\w+) \|", text)
    assert dict(table) == {code: kind for code, (_, kind) in ROLE_KINDS.items()}


def test_the_page_and_the_exports_say_an_end_is_unknown_after_the_last_file(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from graph.export.snapshot import render_snapshot
    from graph.page.details import details

    ods_dir = tmp_path / "ods"
    write(ods_dir / "eccg-2018_11.csv", [row("01A", "NHS NORTH CCG", "Y55", "Q78", "20130401")])
    out = tmp_path / "x.yaml"
    assert run("import-ods", "--ods-dir", str(ods_dir), "--all", "-o", str(out)) == 0
    assert capsys.readouterr().out.endswith(
        "from 1 ODS files; 3 organisations end after the last file that shows them (their end "
        "unknown, marked unverified)\n")  # the CCG, and Q78 and Y55 that its row names
    data = dataset_loader.load(out)
    graph = temporal.build_graph(data)
    shown = details(graph, "ods-01a", DAY(2018, 6, 1))
    assert shown.summary[0].text == (
        "Clinical commissioning group, from 1 April 2013 until November 2018")
    assert shown.unverified == ("valid_to",)
    assert shown.notes.startswith("Last listed in eccg-2018_11.csv (release November 2018).")
    assert not details(graph, "ods-01a", DAY(2018, 12, 1)).exists
    node = next(n for n in json.loads(render_snapshot(graph, "json", "2018-06-01"))["nodes"]
                if n["id"] == "ods-01a")
    assert (node["valid_to"], node["unverified"]) == ("2018-12", ["valid_to"])
    assert "eccg-2018_11.csv" in node["notes"]
    # its parents, named only by that row, end with it, and so do the links to them
    assert {(r.target, r.valid_to.iso(), r.unverified) for r in data.relationships} == {
        ("ods-q78", "2018-12", ("valid_from", "valid_to")),
        ("ods-y55", "2018-12", ("valid_from", "valid_to"))}


def test_a_file_announcing_an_opening_shows_the_organisation_from_that_day(
        tmp_path: Path) -> None:
    ods_dir = tmp_path / "ods"
    write(ods_dir / "etr-2019_01.csv", [row("RA1", "A NEW TRUST", "Y55", "Q78", "20190401",
                                            subtype="")])
    out = tmp_path / "x.yaml"
    assert run("import-ods", "--ods-dir", str(ods_dir), "--all", "-o", str(out)) == 0
    trust = dataset_loader.load(out).organisations["ods-ra1"]
    assert (trust.valid_from.iso(), trust.valid_to.iso(), trust.unverified) == (
        "2019-04-01", "2019-04-02", ("valid_to",))
    assert "opening on 1 April 2019" in trust.notes


def test_area_qhg_keeps_its_trusts_their_lineage_and_parents(tmp_path: Path) -> None:
    out = tmp_path / "blmk-ods.yaml"
    assert run("import-ods", "--ods-dir", str(REAL_ODS), "--area", "QHG", "-o", str(out)) == 0
    data = dataset_loader.load(out)
    assert {o.ods_code for o in data.organisations.values()} == {
        "QHG", "RC9", "RD8", "RC1", "Q78", "Q79", "Y55", "Y61"}
    region = tmp_path / "y61.yaml"
    assert run("import-ods", "--ods-dir", str(REAL_ODS), "--region", "Y61", "-o",
               str(region)) == 0
    codes = {o.ods_code for o in dataset_loader.load(region).organisations.values()}
    assert {"RC9", "RD8", "RC1", "Y61", "Y55"} <= codes and "06F" not in codes


def test_the_written_file_gets_the_usual_permissions_not_a_temporary_files(tmp_path: Path) -> None:
    import os

    out = tmp_path / "blmk-ods.yaml"
    old = os.umask(0o022)
    try:
        assert run("import-ods", "--ods-dir", str(REAL_ODS), "--area", "QHG", "-o", str(out)) == 0
        assert out.stat().st_mode & 0o777 == 0o644  # what an editor makes, not mkstemp's 0600
        out.chmod(0o640)  # a file replaced keeps the mode its owner gave it
        assert run("import-ods", "--ods-dir", str(REAL_ODS), "--area", "QHG", "-o", str(out)) == 0
        assert out.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_done_when_commands_show_the_three_ccgs_in_m1j4y_lineage(tmp_path: Path) -> None:
    out = tmp_path / "blmk-ods.yaml"
    command = [sys.executable, "-m", "graph"]
    made = subprocess.run([*command, "import-ods", "--ods-dir", str(REAL_ODS), "--area", "QHG",
                           "M1J4Y", "-o", str(out)], capture_output=True, text=True, timeout=120,
                          cwd=HERE.parent)
    assert made.returncode == 0, made.stderr
    valid = subprocess.run([*command, "validate", str(out)], capture_output=True, text=True,
                           cwd=HERE.parent)
    assert valid.returncode == 0 and "0 warnings" in valid.stdout
    shown = subprocess.run([*command, "--data", str(out), "lineage", "M1J4Y"],
                           capture_output=True, text=True, cwd=HERE.parent)
    assert shown.returncode == 0, shown.stderr
    for name in ("NHS BEDFORDSHIRE CCG", "NHS LUTON CCG", "NHS MILTON KEYNES CCG"):
        assert f"<- {name}" in shown.stdout and "1 April 2021" in shown.stdout


def test_the_real_quirks_are_read(tmp_path: Path) -> None:
    etr_2016, problems = ods_read.read_release(REAL_ODS / "etr-c2016.csv", REAL_ODS)
    assert problems == [] and len(etr_2016.rows) == 241  # 24-column spreadsheet re-save
    hand_added = {r.code: r for r in etr_2016.rows[-2:]}
    assert set(hand_added) == {"R0A", "R0B"} and hand_added["R0A"].opened is None
    assert (etr_2016.date, etr_2016.date_basis) == (PartialDate(2016), "file name")
    eccg, _ = ods_read.read_release(REAL_ODS / "eccg-2016_02.csv", REAL_ODS)
    assert eccg.rows[2].line == 3 and eccg.rows[2].closed == DAY(2015, 3, 31)  # CRLF lines


# -- small files made here -------------------------------------------------------------

def test_succ_csv_layout_cr_endings_and_cp1252_are_read(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture) -> None:
    ods_dir = tmp_path / "ods"
    write(ods_dir / "2020-06-01" / "eccg.csv", [
        row("01A", "NHS NORTH CCG", "Y55", "Q78", "20130401"),
        row("01B", "NHS SOUTH\u2019S CCG", "Y55", "Q78", "20130401")],
        ending="\r", encoding="cp1252")
    write(ods_dir / "succ.csv", ['"01A","02C","R","20210401","X"', '"01B","02C","R","20210401",""'])
    out = tmp_path / "area.yaml"
    assert run("import-ods", "--ods-dir", str(ods_dir), "--area", "02C", "-o", str(out)) == 0
    assert "2020-06-01/eccg.csv: not valid UTF-8; read as cp1252" in capsys.readouterr().err
    data = dataset_loader.load(out)
    assert data.organisations["ods-01b"].name == "NHS SOUTH\u2019S CCG"
    into = lineage_into(data, "02C")
    assert sorted(into) == ["ods-01a", "ods-01b"]
    assert {r.basis for r in into.values()} == {"ODS succession (reason code R)"}
    assert data.sources[data.organisations["ods-01a"].sources[0]].published.iso() == "2020-06-01"


def test_malformed_rows_exit_2_unless_skipped(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    ods_dir = tmp_path / "ods"
    write(ods_dir / "etr-2019_01.csv", [
        row("RA1", "GOOD TRUST", "Y55", "Q78", "19920401", subtype=""),
        row("RA2", "BAD DATE TRUST", "Y55", "Q78", "1992-04-01", subtype=""),
        '"RA3","SHORT ROW"',
        row("RA1", "REPEATED TRUST", "Y55", "Q78", "19920401", subtype="")])
    out = tmp_path / "x.yaml"
    assert run("import-ods", "--ods-dir", str(ods_dir), "--all", "-o", str(out)) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[:3] == [
        "etr-2019_01.csv:2: malformed open date '1992-04-01' for RA2 (ODS dates are YYYYMMDD)",
        "etr-2019_01.csv:3: expected the ODS layout of at least 12 fields (27 as published), "
        "found 2 (check the delimiter and quoting)",
        "etr-2019_01.csv:4: ODS code RA1 is repeated (first on line 1; remove one)"]
    assert not out.exists()
    assert run("import-ods", "--ods-dir", str(ods_dir), "--all", "--skip-bad-rows",
               "-o", str(out)) == 0
    assert [o.ods_code for o in dataset_loader.load(out).organisations.values()
            if o.kind == "Trust"] == ["RA1"]


def test_dates_in_other_scripts_digits_are_malformed_rows(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    """Issue 25: ODS dates are ASCII digits; '\\d' read '٢٠١٤٠٤٠١' (Arabic-Indic) as 1 April 2014."""
    ods_dir = tmp_path / "ods"
    write(ods_dir / "etr-2019_01.csv", [
        row("RA1", "GOOD TRUST", "Y55", "Q78", "19920401", subtype=""),
        row("RA2", "ARABIC-INDIC DATE TRUST", "Y55", "Q78", "٢٠١٤٠٤٠١", subtype=""),
        row("RA3", "ANOTHER TRUST", "Y55", "Q78", "19920401", subtype="")], encoding="utf-8")
    write(ods_dir / "succ-2021_06.csv", ['"RA1","RA3","R","٢٠٢١٠٤٠١","X"'], encoding="utf-8")
    write(ods_dir / "successors-2021_06.csv", ["from,to,legal_start", "RA3,RA1,٢٠٢١-٠٤-٠١"],
          encoding="utf-8")
    out = tmp_path / "x.yaml"
    assert run("import-ods", "--ods-dir", str(ods_dir), "--all", "-o", str(out)) == 2
    assert capsys.readouterr().err.splitlines() == [
        "etr-2019_01.csv:2: malformed open date '٢٠١٤٠٤٠١' for RA2 (ODS dates are YYYYMMDD)",
        "succ-2021_06.csv:1: malformed succession date '٢٠٢١٠٤٠١' (YYYYMMDD)",
        "successors-2021_06.csv:2: malformed succession date '٢٠٢١-٠٤-٠١' (YYYY-MM-DD)",
        "error: 3 malformed rows; fix them or pass --skip-bad-rows"]
    assert not out.exists()
    assert run("import-ods", "--ods-dir", str(ods_dir), "--all", "--skip-bad-rows",
               "-o", str(out)) == 0
    data = dataset_loader.load(out)
    assert [o.ods_code for o in data.organisations.values() if o.kind == "Trust"] == ["RA1", "RA3"]
    assert not [r for r in data.relationships if data.relationship_types[r.type].lineage]


def test_only_ascii_digits_make_a_region_or_local_office_code() -> None:
    assert [kind_of_code(c) for c in ("Y23", "Y٢٣", "Q23", "Q٢٣", "QHG")] == [
        "Region", None, "LocalOffice", None, "ICB"]


def test_bad_arguments_are_one_line_and_exit_2(tmp_path: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    ods_dir = tmp_path / "ods"
    write(ods_dir / "eccg-2018_11.csv", [row("01A", "NHS NORTH CCG", "Y55", "Q78", "20130401")])
    out = str(tmp_path / "x.yaml")
    assert run("import-ods", "--ods-dir", str(ods_dir), "--area", "ZZZ", "-o", out) == 2
    assert run("import-ods", "--ods-dir", str(ods_dir), "-o", out) == 2
    assert run("import-ods", "--ods-dir", str(tmp_path / "none"), "--all", "-o", out) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: no organisation with ODS code ZZZ in the files read (check the code)",
        "error: choose either --all or --area CODE ... / --region CODE",
        f"error: --ods-dir {tmp_path / 'none'} is not a folder (give the folder holding "
        "eccg.csv, etr.csv, eauth.csv, succ.csv)"]


def test_later_releases_win_and_earlier_ones_fill_gaps(tmp_path: Path) -> None:
    ods_dir = tmp_path / "ods"
    write(ods_dir / "eccg-2015_01.csv", [row("01A", "NHS OLD NAME CCG", "Y55", "Q58", "20130401")])
    write(ods_dir / "eccg-2018_11.csv", [row("01A", "NHS NEW NAME CCG", "Y55", "Q78", "",
                                             "20180331")])
    write(ods_dir / "eauth-2018_11.csv", [row("Q78", "LOCAL OFFICE", "Y55", "", "20150401", "",
                                              "S"), row("Y55", "REGION", "", "", "20121001")])
    out = tmp_path / "x.yaml"
    assert run("import-ods", "--ods-dir", str(ods_dir), "--all", "-o", str(out)) == 0
    data = dataset_loader.load(out)
    ccg = data.organisations["ods-01a"]
    assert (ccg.name, ccg.valid_from.iso(), ccg.valid_to.iso()) == (
        "NHS NEW NAME CCG", "2013-04-01", "2018-04-01")  # open date from the earlier release
    assert [(f.name, f.valid_to.iso()) for f in ccg.former_names] == [
        ("NHS OLD NAME CCG", "2018-03-31")]  # the closed row shows its last day
    links = {r.target: r for r in data.relationships if r.source == "ods-01a"}
    # Q58 has no row: its link runs from the CCG's opening (unverified) until Q58 was last
    # shown, in the January 2015 release (the CCG moved when Q78 opened, on 1 April 2015, but
    # no file shows Q58 after January 2015).
    assert (links["ods-q58"].valid_from.iso(), links["ods-q58"].valid_to.iso(),
            links["ods-q58"].unverified) == ("2013-04-01", "2015-02", ("valid_from", "valid_to"))
    assert (links["ods-q78"].valid_from.iso(), links["ods-q78"].valid_to.iso(),
            links["ods-q78"].unverified) == ("2015-04-01", "2018-04-01", ())
    q58 = data.organisations["ods-q58"]
    assert (q58.unverified, q58.kind, q58.valid_to.iso()) == (
        ("name", "kind", "valid_to"), "LocalOffice", "2015-02")
    assert "Last named as the parent of 01A in eccg-2015_01.csv (release January 2015)" in (
        q58.notes)
    # the CCG's own close date is ODS's: it stays, not unverified
    assert (ccg.unverified, data.organisations["ods-q78"].valid_to.iso()) == (
        ("former_names",), "2018-12")


def test_a_move_between_releases_is_dated_by_the_later_release_and_unverified(
        tmp_path: Path) -> None:
    ods_dir = tmp_path / "ods"
    write(ods_dir / "etr-2017_01.csv", [row("RA1", "A TRUST", "Y55", "Q78", "19920401", subtype="")])
    write(ods_dir / "etr-2021_03.csv", [row("RA1", "A TRUST", "Y61", "QHG", "19920401", subtype="")])
    out = tmp_path / "x.yaml"
    assert run("import-ods", "--ods-dir", str(ods_dir), "--area", "RA1", "-o", str(out)) == 0
    data = dataset_loader.load(out)
    links = {(r.target, r.valid_from.iso() if r.valid_from else None,
              r.valid_to.iso() if r.valid_to else None, r.unverified)
             for r in data.relationships if r.source == "ods-ra1"}
    # Q78 and Y55 have no row and only the January 2017 release names them: their links end
    # there; the trust is last listed in March 2021, so its links to QHG and Y61 end then
    assert links == {("ods-q78", "1992-04-01", "2017-02", ("valid_from", "valid_to")),
                     ("ods-qhg", "2021-03", "2021-04", ("valid_from", "valid_to")),
                     ("ods-y55", "1992-04-01", "2017-02", ("valid_from", "valid_to")),
                     ("ods-y61", "2021-03", "2021-04", ("valid_from", "valid_to"))}


@pytest.mark.parametrize(("name", "expected"), [
    ("eccg-2018_11.csv", PartialDate(2018, 11)), ("etr-c2016.csv", PartialDate(2016)),
    ("succ-20240112.csv", PartialDate(2024, 1, 12)), ("eauth.csv", None),
    ("etr-٢٠١٤_٠٣.csv", None), ("etr-٢٠١٤٠٣٠١.csv", None)])  # ASCII digits only (issue 25)
def test_release_dates_come_from_the_file_name(name: str, expected: PartialDate | None) -> None:
    assert ods_read.release_date(Path("/d") / name, Path("/d"))[0] == expected


def test_release_date_from_the_folder_name() -> None:
    assert ods_read.release_date(Path("/d/2024-01-12/etr.csv"), Path("/d")) == (
        PartialDate(2024, 1, 12), "folder name")


def test_only_the_ods_layouts_are_read() -> None:
    assert [ods_read.layout_of(Path(n)) for n in (
        "eccg.csv", "etr.csv", "etreat.csv", "eauth-2018_11.csv", "succarc.csv",
        "ods_successors.csv", "at.csv", "etr.zip")] == [
        "eccg", "etr", None, "eauth", "succ", "succ", None, None]


def test_a_layout_name_is_the_whole_name_not_one_before_a_final_newline() -> None:
    assert [ods_read.layout_of(Path(n)) for n in ("eccg\n.csv", "etr-2018\n.csv",
                                                  "succ\n.csv")] == [None, None, None]


# -- the invariant: whatever the releases say, the written file validates ----------------------

_codes = st.sampled_from(["01A", "01B", "02C", "RA1", "RB2"])
_parents = st.sampled_from(["", "Q78", "Q79", "QHG", "Y55", "Y61"])
_days = st.dates(min_value=DAY(1995, 1, 1), max_value=DAY(2023, 12, 31))


@st.composite
def _releases(draw: st.DrawFn) -> list[Release]:
    releases = []
    for n, release_day in enumerate(sorted(draw(st.lists(_days, min_size=1, max_size=4,
                                                         unique=True)))):
        rows, seen = [], set()
        for code in draw(st.lists(_codes, max_size=5)):
            if code in seen:
                continue
            seen.add(code)
            opened = draw(st.none() | _days)
            closed = draw(st.none() | _days)
            if opened and closed and closed < opened:
                opened, closed = closed, opened
            rows.append(OrgRow(code, f"ORG {code} {n}", draw(_parents), draw(_parents), opened,
                               closed, "C", len(rows) + 1))
        releases.append(Release(Path(f"/x/eccg-{release_day:%Y%m%d}.csv"),
                                f"eccg-{release_day:%Y%m%d}.csv", "eccg",
                                PartialDate.of(release_day), "file name", "utf-8", rows=rows))
    successions = [ods_read.Succession(a, b, day, "R", i + 1) for i, (a, b, day) in enumerate(
        draw(st.lists(st.tuples(_codes, _codes, _days), max_size=4))) if a != b]
    releases.append(Release(Path("/x/succ.csv"), "succ.csv", "succ", PartialDate(2024),
                            "file name", "utf-8", successions=successions))
    return releases


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_releases())
def test_any_releases_give_a_file_that_validates(releases: list[Release]) -> None:
    if not any(r.rows for r in releases):
        return
    imported = ods.build(releases)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.yaml"
        path.write_text(dump(imported.document), encoding="utf-8")
        _, problems = dataset_loader.check(path)
    assert [str(p) for p in problems if not p.warning] == []
    document = yaml.safe_load(dump(imported.document))
    assert all(o["sources"] for o in document["organisations"])


def test_area_qhg_reaches_the_three_ccgs_once_a_release_lists_m1j4y_under_qhg(
        tmp_path: Path) -> None:
    """The real extracts predate 2021, so none lists M1J4Y under QHG; a current ODS ``eccg``
    release does. This test adds one such row (constructed here, in ODS's own layout, and not
    shipped as data) beside the real files: ``--area QHG`` alone then reaches the three CCGs."""
    folder = tmp_path / "ods"
    folder.mkdir()
    for path in REAL_ODS.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    write(folder / "eccg-2021_04.csv",
          [row("M1J4Y", "NHS BEDFORDSHIRE, LUTON AND MILTON KEYNES CCG", "Y61", "QHG",
               opened="20210401")])
    out = tmp_path / "blmk-ods.yaml"
    assert run("import-ods", "--ods-dir", str(folder), "--area", "QHG", "-o", str(out)) == 0
    data = dataset_loader.load(out)
    graph = temporal.build_graph(data)
    before = {s.organisation for s in temporal.lineage(graph, data.resolve("M1J4Y")).predecessors}
    assert before == {data.resolve(code) for code in ("06F", "06P", "04F")}
