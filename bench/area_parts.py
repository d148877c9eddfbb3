"""The pieces of a synthetic area (``bench/make_area.py``): its kinds and relationship types,
invented place and person names, the records being built, and their YAML text."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from graph.core.dates import PartialDate

MIN_SIZE = 60
ICB_DAY = "2022-07-01"  # CCGs end, ICBs begin
NHSI_DAY = "2016-04-01"

KINDS = {
    "Department": ("Government department", 0, "#393b79"),
    "Regulator": ("Regulator", 0, "#d62728"),
    "NationalBody": ("National NHS body", 0, "#9467bd"),
    "RegionalTeam": ("NHS England regional or area team", 1, "#8c564b"),
    "CCG": ("Clinical commissioning group", 2, "#1f77b4"),
    "ICB": ("Integrated care board", 2, "#17becf"),
    "SubICBLocation": ("Sub-ICB location", 3, "#aec7e8"),
    "Partnership": ("Partnership", 2, "#bcbd22"),
    "Council": ("Council", 3, "#7f7f7f"),
    "Trust": ("NHS trust or foundation trust", 3, "#2ca02c"),
    "Person": ("Person", 4, "#ff7f0e"),
}
TYPES = {"OVERSEES": "oversees", "COMMISSIONS": "commissions", "FUNDS": "funds",
         "PART_OF": "part of", "MEMBER_OF": "member of", "HOLDS_ROLE": "holds role",
         "LEADS": "leads", "MERGED_INTO": "merged into", "SUCCEEDED_BY": "succeeded by"}
LINEAGE = {"MERGED_INTO", "SUCCEEDED_BY"}

STEMS = ["Ash", "Bram", "Calder", "Dun", "Elm", "Fen", "Glen", "Hart", "Iver", "Kings",
          "Lang", "Mar", "Nor", "Oak", "Pen", "Red", "Stan", "Thorn", "Wick", "Yar", "Brock",
          "Cray", "Hale", "Wold"]
ENDINGS = ["ford", "ley", "ton", "bury", "field", "wick", "ham", "mouth", "stead", "combe",
            "dale", "minster", "worth", "caster"]
QUALIFIERS = ["", "North ", "South ", "East ", "West ", "Upper ", "Great "]
GIVEN = ["Alex", "Sam", "Priya", "Tom", "Aisha", "Gareth", "Helen", "Kwame", "Mei", "Owen",
          "Rosa", "Tariq", "Yvonne", "Imran", "Claire", "David", "Fatima", "Joanna"]
FAMILY = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hughes", "Iqbal",
           "Jones", "Khan", "Lewis", "Morgan", "Nwosu", "Patel", "Roberts", "Singh", "Walker"]


@dataclass
class Org:
    id: str
    name: str
    kind: str
    valid_from: str | None = None
    valid_to: str | None = None
    former: list[tuple[str, str]] = field(default_factory=list)  # (name, valid_to)
    ods_code: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class Area:
    rng: random.Random
    orgs: list[Org] = field(default_factory=list)
    rels: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    by_id: dict[str, Org] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)
    places: list[str] = field(default_factory=list)
    person_names: set[str] = field(default_factory=set)

    def source(self, sid: str, title: str, published: str) -> str:
        self.sources.append({"id": sid, "title": title, "publisher": "Synthetic Gazette",
                             "published": published, "url": f"https://example.org/{sid}"})
        return sid

    def org(self, oid: str, name: str, kind: str, valid_from: str | None = None,
            valid_to: str | None = None, sources: list[str] | None = None,
            former: list[tuple[str, str]] | None = None, coded: bool = True) -> Org:
        org = Org(oid, name, kind, valid_from, valid_to, former or [],
                  self.ods_code() if coded else None, sources or [])
        self.orgs.append(org)
        self.by_id[oid] = org
        return org

    def ods_code(self) -> str:
        while True:
            code = self.rng.choice("ABCDEFGHJKLMNPQRTUVWXY") + "".join(
                self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUVWXY") for _ in range(2))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def place(self) -> str:
        if not self.places:
            raise RuntimeError("ran out of place names")
        return self.places.pop()

    def link(self, a: Org, rtype: str, b: Org, sources: list[str], *, start: str | None = None,
             end: str | None = None, dated: bool = True, **extra: object) -> None:
        """A relationship within both lifetimes (and ``start``..``end`` if given); a lineage
        relationship is dated on the predecessor's end. Skipped when the lifetimes miss."""
        if rtype in LINEAGE:
            valid_from, valid_to = a.valid_to, None
        else:
            valid_from = latest(a.valid_from, b.valid_from, start)
            valid_to = earliest(a.valid_to, b.valid_to, end)
            if valid_from and valid_to and day_of(valid_to) <= day_of(valid_from):
                return
            if not dated and not start and not end:
                valid_from = valid_to = None  # open ends: the lifetimes clip it
        rel = {"from": a.id, "type": rtype, "to": b.id}
        if valid_from:
            rel["valid_from"] = valid_from
        if valid_to:
            rel["valid_to"] = valid_to
        rel.update({k: v for k, v in extra.items() if v is not None})
        rel["sources"] = sources
        self.rels.append(rel)


def day_of(text: str) -> tuple:
    return PartialDate.parse(text).start.timetuple()[:3]


def latest(*dates: str | None) -> str | None:
    known = [d for d in dates if d]
    return max(known, key=lambda d: (day_of(d), len(d))) if known else None


def earliest(*dates: str | None) -> str | None:
    known = [d for d in dates if d]
    return min(known, key=day_of) if known else None


def _scalar(value: object) -> str:
    if isinstance(value, str) and _is_date(value):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _is_date(text: str) -> bool:
    try:
        PartialDate.parse(text)
        return True
    except ValueError:
        return False


def area_yaml(area: Area, size: int, seed: int) -> str:
    out = ["# Synthetic benchmark data from bench/make_area.py: invented names, not real bodies.",
           "format: 1",
           f"area: {{name: {json.dumps(f'Synthetic area ({size:,} organisations, seed {seed})')}, "
           f"description: {json.dumps('SYNTHETIC: generated for benchmarks; no real bodies')}}}",
           "sources:"]
    out += [f"  - {_scalar(s)}" for s in area.sources]
    # only what is used: a small area may have no people, and an unused kind is a warning
    used_kinds = {o.kind for o in area.orgs}
    used_types = {r["type"] for r in area.rels}
    out.append("kinds:")
    out += [f"  {k}: {{label: {json.dumps(label)}, tier: {tier}, colour: {json.dumps(colour)}}}"
            for k, (label, tier, colour) in KINDS.items() if k in used_kinds]
    out.append("relationship_types:")
    out += [f"  {t}: {{label: {json.dumps(label)}" + (", lineage: true}" if t in LINEAGE else "}")
            for t, label in TYPES.items() if t in used_types]
    out.append("organisations:")
    for o in area.orgs:
        fields = [f"id: {o.id}", f"name: {json.dumps(o.name, ensure_ascii=False)}",
                  f"kind: {o.kind}"]
        fields += [f"{k}: {v}" for k, v in (("valid_from", o.valid_from),
                                            ("valid_to", o.valid_to)) if v]
        if o.former:
            fields.append("former_names: [" + ", ".join(
                f"{{name: {json.dumps(n)}, valid_to: {d}}}" for n, d in o.former) + "]")
        if o.ods_code:
            fields.append(f"ods_code: {json.dumps(o.ods_code)}")
        fields.append(f"sources: [{', '.join(o.sources)}]")
        out.append("  - {" + ", ".join(fields) + "}")
    out.append("relationships:")
    out += [f"  - {_scalar(r)}" for r in area.rels]
    out.append("snapshots:")
    out += [f"  - {_scalar(s)}" for s in (
        {"date": "2013-04-01", "title": "The new system starts", "sources": ["national-0"]},
        {"date": NHSI_DAY, "title": "NHS Improvement", "sources": ["national-1"]},
        {"date": "2020-04", "title": "Partnerships renamed", "sources": ["national-3"]},
        {"date": ICB_DAY, "title": "Integrated care boards", "sources": ["national-4"]})]
    out.append("events:")
    out += [f"  - {_scalar(e)}" for e in sorted(area.events, key=lambda e: day_of(e["date"]))]
    return "\n".join(out) + "\n"
