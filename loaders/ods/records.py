"""What an ODS import knows about an organisation and a parent link, and the kinds it uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.core.dates import PartialDate
from loaders.ods.read import SUCCESSIONS, OrgRow, Release

LICENCE = "Contains public sector information licensed under the Open Government Licence v3.0."
PUBLISHER = "NHS England Organisation Data Service (ODS)"
# Declared only when used; tiers put regions at the top and providers at the bottom.
KINDS: dict[str, dict[str, Any]] = {
    "Region": {"label": "NHS England region", "tier": 0, "colour": "#d62728"},
    "GovernmentOfficeRegion": {"label": "Government office region", "tier": 0,
                               "colour": "#7f7f7f"},
    "Other": {"label": "Other body", "tier": 0, "colour": "#bcbd22"},
    "LocalOffice": {"label": "NHS England local office or area team", "tier": 1,
                    "colour": "#ff7f0e"},
    "ICB": {"label": "STP, ICS or integrated care board", "tier": 1, "colour": "#9467bd"},
    "CommissioningHub": {"label": "Commissioning hub", "tier": 2, "colour": "#8c564b"},
    "CCG": {"label": "Clinical commissioning group", "tier": 2, "colour": "#1f77b4"},
    "SubICBLocation": {"label": "Sub-ICB location", "tier": 2, "colour": "#17becf"},
    "Trust": {"label": "NHS trust or foundation trust", "tier": 3, "colour": "#2ca02c"},
    "Unknown": {"label": "Kind not stated in the files read", "tier": 4, "colour": "#c7c7c7"},
}
TYPES = {
    "PART_OF": {"label": "part of"},
    "SUCCEEDED_BY": {"label": "succeeded by", "lineage": True},
}
BASIS = {"grouping": "ODS national grouping (column 3)",
          "geography": "ODS high level health geography (column 4)"}
LAYOUT_TITLES = {"eccg": "CCGs and commissioning hubs", "etr": "NHS trusts",
                  "eauth": "NHS England regions and local offices", SUCCESSIONS: "successions"}


# ODS role codes -> this importer's kinds: the one place a kind is chosen for a row. Names as in
# data/ods/ods_concepts.json. Every other role code stays unmapped (docs/ods.md lists them).
ROLE_KINDS: dict[str, tuple[str, str]] = {
    "RO209": ("NHS ENGLAND (REGION)", "Region"),
    "RO210": ("NHS ENGLAND (REGION, LOCAL OFFICE)", "LocalOffice"),
    "RO128": ("GOVERNMENT OFFICE REGION", "GovernmentOfficeRegion"),
    "RO262": ("SUSTAINABILITY TRANSFORMATION PARTNERSHIP", "ICB"),
    "RO318": ("INTEGRATED CARE BOARD", "ICB"),
    "RO98": ("CLINICAL COMMISSIONING GROUP", "CCG"),
    "RO218": ("COMMISSIONING HUB", "CommissioningHub"),
    "RO211": ("SPECIALISED COMMISSIONING HUB", "CommissioningHub"),
    "RO319": ("SUB ICB LOCATION", "SubICBLocation"),
    "RO197": ("NHS TRUST", "Trust"),
    "RO57": ("FOUNDATION TRUST", "Trust"),
}
# What each layout's rows carry: ODS publishes one file per role. The eccg file's column 14
# (organisation sub-type) tells a CCG (C) from a commissioning hub (H); eauth mixes regions,
# local offices and government office regions, told apart by ODS's code formats.
SUBTYPE_ROLES = {"C": "RO98", "H": "RO218"}


def role_of_code(code: str) -> str | None:
    """The role an ODS code's format shows (ASCII digits only: '\\d' would take 'Y٢٣' for a
    region); STP and ICB codes share one format, so ``Q`` plus letters is no role here."""
    if re.fullmatch(r"[A-K]", code):
        return "RO128"
    if re.fullmatch(r"Y[0-9]{2}", code):
        return "RO209"
    if re.fullmatch(r"Q[0-9]{2}", code):
        return "RO210"
    return None


def kind_of_code(code: str) -> str | None:
    """The kind an ODS code's shape tells, for codes with no row of their own."""
    role = role_of_code(code)
    if role:
        return ROLE_KINDS[role][1]
    if re.fullmatch(r"Q[A-Z0-9]{2}", code):  # Q + letters: STP / ICS / ICB codes (RO262, RO318)
        return "ICB"
    return None


def role_of_row(layout: str, row: OrgRow) -> str | None:
    """The ODS role a row's file and columns state, or None where they state none."""
    if layout == "etr":
        return "RO197"
    if layout == "eccg":
        if row.subtype in SUBTYPE_ROLES:
            return SUBTYPE_ROLES[row.subtype]
        if " ICB - " in f" {row.name} ":
            return "RO319"
        if "INTEGRATED CARE BOARD" in row.name.upper():
            return "RO318"
        return "RO98"  # a CCG file's row with no sub-type: CCG, the layout's first role
    return role_of_code(row.code)


def kind_of_row(layout: str, row: OrgRow) -> str:
    role = role_of_row(layout, row)
    return ROLE_KINDS[role][1] if role in ROLE_KINDS else "Other"


def org_id(code: str) -> str:
    return f"ods-{code.lower()}"


@dataclass
class OdsOrg:
    code: str
    name: str
    kind: str
    has_row: bool
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    sources: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    former_names: list[dict] = field(default_factory=list)
    renames: list[tuple[str, PartialDate, PartialDate]] = field(default_factory=list)
    last_seen: PartialDate | None = None  # the latest day (or month, year) a file shows it
    last_seen_in: str = ""  # how: "listed in eccg-2018_11.csv (release November 2018)"

    @property
    def id(self) -> str:
        return org_id(self.code)

    def cite(self, source: str) -> None:
        if source not in self.sources:
            self.sources.append(source)

    def flag(self, field_name: str) -> None:
        if field_name not in self.unverified:
            self.unverified.append(field_name)

    def seen(self, when: PartialDate, how: str) -> None:
        """A file shows the organisation in existence in ``when`` (its period's last day
        counts: a release of November 2018 shows it at some time in that month)."""
        if self.last_seen is None or when.end > self.last_seen.end:
            self.last_seen, self.last_seen_in = when, how


@dataclass
class Link:
    child: str
    parent: str
    column: str
    valid_from: PartialDate | None
    valid_to: PartialDate | None
    sources: list[str]
    unverified: list[str]


def period_after(when: PartialDate) -> PartialDate:
    """The period after ``when`` at its precision: an exclusive end that keeps ``when`` in
    force (``2018-11`` gives ``2018-12``, shown as "until November 2018")."""
    first = when.end
    if when.day:
        return PartialDate.of(first)
    return PartialDate(first.year, first.month) if when.month else PartialDate(first.year)


def as_of(release: Release, row: OrgRow) -> PartialDate:
    """The day a row shows: the release date, or the last open day of a row already closed."""
    if row.closed and row.closed < release.date.start:
        return PartialDate.of(row.closed)
    return release.date
