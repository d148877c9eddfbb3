"""Read NHS ODS CSV extracts: the headerless organisation layouts and the successions files.

Layouts (by file name): ``eccg`` (CCGs, commissioning hubs), ``etr`` (NHS trusts), ``eauth``
(regions, local offices), and successions: ODS's own headerless ``succ.csv`` (predecessor,
successor, reason, YYYYMMDD date, indicator) or the processed ``from,to,legal_start`` one.
Spreadsheet re-saves (minimal quoting, 24 columns), CR-only line endings and cp1252 are read;
a malformed row becomes a ``RowProblem`` printed as ``FILE:LINE: message``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.core.dates import PartialDate

ORGANISATION_LAYOUTS = ("eccg", "etr", "eauth")
SUCCESSIONS = "succ"
# \Z, not '$' (which allows a final newline), and [0-9], not '\d' (which takes any script's
# digits: '٢٠١٤' is no year here).
_LAYOUT_NAMES = [
    (re.compile(r"\Aeccg(?:[-_.].*)?\Z"), "eccg"),
    (re.compile(r"\Aetr(?:[-_.].*)?\Z"), "etr"),  # not "etreat" (treatment centres)
    (re.compile(r"\Aeauth(?:[-_.].*)?\Z"), "eauth"),
    (re.compile(r"\A(?:succ|succarc)(?:[-_.].*)?\Z|successors"), SUCCESSIONS),
]
_CODE = re.compile(r"\A[A-Z0-9]{1,12}\Z")
_MIN_FIELDS = 12  # code .. close date; the standard layout has 27, spreadsheet re-saves fewer
_YEAR_RANGE = range(1948, 2200)


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be read, printed as ``FILE:LINE: message``."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class OrgRow:
    """One organisation row of a headerless ODS file (dates as published: last open day)."""

    code: str
    name: str
    grouping: str  # column 3: national grouping (region)
    geography: str  # column 4: high level health geography (area team, local office, STP)
    opened: dt.date | None
    closed: dt.date | None  # the last day open, as ODS writes it
    subtype: str  # column 14: C = CCG, H = commissioning hub in eccg
    line: int


@dataclass(frozen=True)
class Succession:
    predecessor: str
    successor: str
    day: dt.date  # the legal date: the first day of the successor's responsibility
    reason: str
    line: int


@dataclass
class Release:
    """One file read: what it holds and when it shows the world."""

    path: Path
    name: str  # as shown to the user: relative to the ODS folder
    layout: str
    date: PartialDate
    date_basis: str  # "file name", "folder name" or "latest date in the file"
    encoding: str
    rows: list[OrgRow] = field(default_factory=list)
    successions: list[Succession] = field(default_factory=list)


def layout_of(path: Path) -> str | None:
    """The layout a file name announces, or None for files this importer does not read."""
    if path.suffix.lower() != ".csv":
        return None
    stem = path.stem.lower()
    return next((layout for pattern, layout in _LAYOUT_NAMES if pattern.search(stem)), None)


def decode(raw: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (BOM dropped), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding), encoding.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def release_date(path: Path, root: Path) -> tuple[PartialDate | None, str]:
    """The release date a file or folder name states (``2018_11``, ``20181121``, ``c2016``)."""
    parts = [(path.stem, "file name")]
    parts += [(p, "folder name") for p in reversed(path.relative_to(root).parts[:-1])]
    for text, basis in parts:
        date = _date_in_name(text)
        if date:
            return date, basis
    return None, ""


def _date_in_name(text: str) -> PartialDate | None:
    patterns = (r"(?<![0-9])([0-9]{4})[-_]?([0-9]{2})[-_]?([0-9]{2})(?![0-9])",
                r"(?<![0-9])([0-9]{4})[-_]([0-9]{2})(?![0-9])", r"(?<![0-9])([0-9]{4})(?![0-9])")
    for pattern in patterns:
        for match in re.finditer(pattern, text):
            year, *rest = (int(g) for g in match.groups())
            try:
                dt.date(year, *(rest + [1, 1])[:2])
            except ValueError:
                continue
            if year in _YEAR_RANGE:
                return PartialDate(year, *rest)
    return None


def read_release(path: Path, root: Path) -> tuple[Release | None, list[RowProblem]]:
    """Read one file whose name announces a layout; ``None`` if the name does not."""
    layout = layout_of(path)
    if layout is None:
        return None, []
    name = path.relative_to(root).as_posix()
    text, encoding = decode(path.read_bytes())
    records = _records(text)
    if layout == SUCCESSIONS:
        successions, problems = _successions(records, name)
        latest = max((s.day for s in successions), default=None)
        release = Release(path, name, layout, PartialDate(1900), "", encoding,
                          successions=successions)
    else:
        rows, problems = _org_rows(records, name)
        latest = max((d for r in rows for d in (r.opened, r.closed) if d), default=None)
        release = Release(path, name, layout, PartialDate(1900), "", encoding, rows=rows)
    date, basis = release_date(path, root)
    if date is None and latest is not None:
        date, basis = PartialDate.of(latest), "latest date in the file"
    if date is None:
        problems.append(RowProblem(name, 1, "no release date in the file or folder name and no "
                                            "dates in the file (name the folder by its date, "
                                            "e.g. ods/2024-01-12/)"))
        return None, problems
    release.date, release.date_basis = date, basis
    return release, problems


def _records(text: str) -> list[tuple[int, list[str]]]:
    """CSV records with the line each starts on (CRLF, LF or CR-only endings)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, line = [], 1
    for fields in reader:
        if any(f.strip() for f in fields):
            records.append((line, fields))
        line = reader.line_num + 1
    return records


def _org_rows(records: list, name: str) -> tuple[list[OrgRow], list[RowProblem]]:
    rows: list[OrgRow] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    for line, fields in records:
        bad = _org_row_problem(fields, first_line)
        if bad:
            problems.append(RowProblem(name, line, bad))
            continue
        f = [v.strip() for v in fields] + [""] * max(0, 14 - len(fields))
        code = f[0].upper()
        first_line[code] = line
        rows.append(OrgRow(code, " ".join(f[1].split()), f[2].upper(), f[3].upper(),
                           _ods_date(f[10]), _ods_date(f[11]), f[13].upper(), line))
    return rows, problems


def _org_row_problem(fields: list[str], first_line: dict[str, int]) -> str | None:
    if len(fields) < _MIN_FIELDS:
        return (f"expected the ODS layout of at least {_MIN_FIELDS} fields (27 as published), "
                f"found {len(fields)} (check the delimiter and quoting)")
    code, name = fields[0].strip().upper(), fields[1].strip()
    if not _CODE.match(code):
        return f"malformed ODS code '{fields[0]}' (codes are letters and digits, e.g. RC9)"
    if code in first_line:
        return f"ODS code {code} is repeated (first on line {first_line[code]}; remove one)"
    if not name:
        return f"organisation {code} has no name (column 2)"
    for column, label in ((2, "national grouping"), (3, "high level health geography")):
        parent = fields[column].strip().upper()
        if parent and not _CODE.match(parent):
            return f"malformed {label} code '{fields[column]}' for {code} (column {column + 1})"
    for column, label in ((10, "open"), (11, "close")):
        value = fields[column].strip()
        if value and _ods_date(value) is None:
            return f"malformed {label} date '{value}' for {code} (ODS dates are YYYYMMDD)"
    opened, closed = _ods_date(fields[10].strip()), _ods_date(fields[11].strip())
    if opened and closed and closed < opened:
        return f"{code} closes ({closed}) before it opens ({opened}) (check columns 11 and 12)"
    return None


def _successions(records: list, name: str) -> tuple[list[Succession], list[RowProblem]]:
    problems: list[RowProblem] = []
    successions: list[Succession] = []
    processed = bool(records) and [f.strip().lower() for f in records[0][1]][:3] == [
        "from", "to", "legal_start"]
    for line, fields in records[1:] if processed else records:
        f = [v.strip() for v in fields]
        if processed:
            ok = len(f) == 3
            day = _iso_date(f[2]) if ok else None
            shape, reason = "3 fields: from,to,legal_start", ""
        else:  # ODS succ.csv: predecessor, successor, reason, YYYYMMDD date, indicator
            ok = len(f) >= 4
            day = _ods_date(f[3]) if ok else None
            shape, reason = "ODS succ.csv layout: predecessor,successor,reason,YYYYMMDD", (
                f[2] if ok else "")
        if not ok:
            problems.append(RowProblem(name, line, f"expected {shape}, found {len(f)} fields"))
            continue
        codes = [f[0].upper(), f[1].upper()]
        bad = [c for c in codes if not _CODE.match(c)]
        if bad:
            problems.append(RowProblem(name, line, f"malformed ODS code '{bad[0]}' "
                                                   "(codes are letters and digits, e.g. RC9)"))
        elif day is None:
            date_text = f[2] if processed else f[3]
            problems.append(RowProblem(name, line, f"malformed succession date '{date_text}' "
                                       f"({'YYYY-MM-DD' if processed else 'YYYYMMDD'})"))
        elif codes[0] == codes[1]:
            problems.append(RowProblem(name, line, f"{codes[0]} succeeds itself (check the row)"))
        else:
            successions.append(Succession(codes[0], codes[1], day, reason.upper(), line))
    return successions, problems


def _ods_date(text: str) -> dt.date | None:
    if not re.fullmatch(r"[0-9]{8}", text):
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _iso_date(text: str) -> dt.date | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def read_dir(root: Path) -> tuple[list[Release], list[RowProblem], list[str]]:
    """Every release under ``root`` (recursively), the bad rows, and notes for the user."""
    releases: list[Release] = []
    problems: list[RowProblem] = []
    notes: list[str] = []
    ignored = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        release, found = read_release(path, root)
        problems += found
        if release is None:
            if not found:
                ignored.append(path.relative_to(root).as_posix())
            continue
        if release.encoding != "utf-8":
            notes.append(f"{release.name}: not valid UTF-8; read as {release.encoding}")
        releases.append(release)
    if ignored:
        notes.append("not an ODS layout this importer reads, ignored: " + ", ".join(ignored))
    return releases, problems, notes
