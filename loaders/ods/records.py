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


def kind_of_code(code: str) -> str | None:
    """The kind an ODS code's shape tells, for codes with no row of their own (ASCII digits
    only: '\\d' would take 'Y٢٣' for a region)."""
    if re.fullmatch(r"[A-K]", code):
        return "GovernmentOfficeRegion"
    if re.fullmatch(r"Y[0-9]{2}", code):
        return "Region"
    if re.fullmatch(r"Q[0-9]{2}", code):
        return "LocalOffice"
    if re.fullmatch(r"Q[A-Z0-9]{2}", code):  # Q + letters: STP / ICS / ICB codes
        return "ICB"
    return None


def kind_of_row(layout: str, row: OrgRow) -> str:
    if layout == "etr":
        return "Trust"
    if layout == "eccg":
        kind = {"C": "CCG", "H": "CommissioningHub"}.get(row.subtype)
        if kind:
            return kind
        if " ICB - " in f" {row.name} ":
            return "SubICBLocation"
        if "INTEGRATED CARE BOARD" in row.name.upper():
            return "ICB"
        return "CCG"
    return kind_of_code(row.code) or "Other"


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

    @property
    def id(self) -> str:
        return org_id(self.code)

    def cite(self, source: str) -> None:
        if source not in self.sources:
            self.sources.append(source)

    def flag(self, field_name: str) -> None:
        if field_name not in self.unverified:
            self.unverified.append(field_name)


@dataclass
class Link:
    child: str
    parent: str
    column: str
    valid_from: PartialDate | None
    valid_to: PartialDate | None
    sources: list[str]
    unverified: list[str]


def as_of(release: Release, row: OrgRow) -> PartialDate:
    """The day a row shows: the release date, or the last open day of a row already closed."""
    if row.closed and row.closed < release.date.start:
        return PartialDate.of(row.closed)
    return release.date
