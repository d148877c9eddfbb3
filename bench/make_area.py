"""A synthetic but realistic area in the YAML format, for benchmarks.

    python bench/make_area.py 10000 --seed 1 -o .cache/bench/area-10000.yaml

The area copies the shape of English NHS governance since 2013: national bodies that merge
and rename; regional teams replaced by successors; per local system, councils, CCGs that
merge and are succeeded by an ICB with sub-ICB locations, a partnership renamed on the way,
trusts that merge or are renamed, yearly allocations, and people in post. Dates mix day,
month and year precision; every record cites sources. The same size and seed always give the
same bytes. Names are invented: the area says it is synthetic.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.area_parts import (  # noqa: E402
    ENDINGS,
    FAMILY,
    GIVEN,
    ICB_DAY,
    MIN_SIZE,
    NHSI_DAY,
    QUALIFIERS,
    STEMS,
    Area,
    Org,
    area_yaml,
    day_of,
    latest,
)


def _national(area: Area) -> dict[str, Org]:
    s = [area.source(f"national-{i}", title, published) for i, (title, published) in enumerate([
        ("The new health and care system explained", "2013-03"),
        ("NHS Improvement brings Monitor and the TDA together", "2016-04"),
        ("Department renamed to add social care", "2018-01"),
        ("Public Health England to be replaced", "2020-08"),
        ("Health and Care Act 2022: ICBs established", "2022-07-01"),
        ("Annual allocations to commissioners", "2013"),
    ])]
    o = {
        "dhsc": area.org("dhsc", "Department of Health and Social Care", "Department",
                         former=[("Department of Health", "2018-01")], sources=[s[2]]),
        "nhse": area.org("nhs-england", "NHS England", "NationalBody", "2012-10-01",
                         former=[("NHS Commissioning Board", "2013-03-26")], sources=[s[0]]),
        "monitor": area.org("monitor", "Monitor", "Regulator", "2004-01-05", ICB_DAY, [s[0]]),
        "tda": area.org("nhs-tda", "NHS Trust Development Authority", "Regulator",
                        "2012-06-01", ICB_DAY, [s[0]]),
        "nhsi": area.org("nhs-improvement", "NHS Improvement", "NationalBody", NHSI_DAY, ICB_DAY,
                         [s[1]]),
        "cqc": area.org("cqc", "Care Quality Commission", "Regulator", "2009-04-01",
                        sources=[s[0]]),
        "phe": area.org("phe", "Public Health England", "NationalBody", "2013-04-01",
                        "2021-10-01", [s[3]]),
        "ukhsa": area.org("ukhsa", "UK Health Security Agency", "NationalBody", "2021-10-01",
                          sources=[s[3]]),
    }
    for key in ("nhse", "monitor", "tda", "nhsi", "cqc", "phe", "ukhsa"):
        area.link(o["dhsc"], "OVERSEES", o[key], [s[0]], dated=False)
    for key in ("monitor", "tda"):
        area.link(o[key], "PART_OF", o["nhsi"], [s[1]])
    for key in ("monitor", "tda", "nhsi"):
        area.link(o[key], "MERGED_INTO", o["nhse"], [s[4]])
    area.link(o["phe"], "SUCCEEDED_BY", o["ukhsa"], [s[3]])
    area.events += [
        {"date": "2013-04-01", "title": "CCGs take on commissioning", "organisations": ["nhs-england"],
         "sources": [s[0]]},
        {"date": "2018-01", "title": "The Department of Health becomes DHSC",
         "organisations": ["dhsc"], "sources": [s[2]]},
        {"date": ICB_DAY, "title": "ICBs replace CCGs; Monitor and the TDA join NHS England",
         "organisations": ["nhs-england", "monitor", "nhs-tda"], "sources": [s[4]]},
    ]
    o["sources"] = s  # type: ignore[assignment]
    return o


def _region(area: Area, r: int, nat: dict) -> list[Org]:
    """An area team succeeded by a regional team on a region-specific day."""
    src = area.source(f"region-{r}", f"Region {r}: new regional team announced", "2015")
    change = area.rng.choice(["2015-04-01", NHSI_DAY, "2019-04-01"])
    name = area.place()
    old = area.org(f"r{r:02d}-area-team", f"NHS England {name} Area Team", "RegionalTeam",
                   "2013-04-01", change, [src])
    new = area.org(f"r{r:02d}-region", f"NHS England {name} and Surrounds", "RegionalTeam",
                   change, sources=[src])
    for team in (old, new):
        area.link(team, "PART_OF", nat["nhse"], [src])
    area.link(old, "SUCCEEDED_BY", new, [src])
    return [old, new]


def _system(area: Area, n: int, teams: list[Org], nat: dict,
            neighbours: list[Org]) -> tuple[list[Org], list[Org]]:
    """One local health system; returns its trusts (the next system commissions some) and
    the organisations people hold posts in."""
    rng = area.rng
    p = f"s{n:03d}"
    places = [area.place() for _ in range(rng.randint(2, 5))]
    label = " and ".join(places[:2]) + (" and District" if len(places) > 2 else "")
    src = [area.source(f"{p}-{i}", f"{label}: {topic}", published) for i, (topic, published)
           in enumerate([("commissioners announce plans", "2013-02"),
                         ("trust board papers", str(rng.randint(2014, 2019))),
                         ("CCGs vote to merge", "2019-11"),
                         ("partnership renamed", "2020-04"),
                         ("integrated care board established", "2022-07"),
                         ("annual report", "2023")])]
    nat_src = nat["sources"]

    def cite() -> list[str]:
        return sorted(set(rng.sample(src, rng.randint(1, 2))))

    councils = [area.org(f"{p}-council-{i}", f"{place} Council", "Council",
                         rng.choice([None, "1974", "1997-04-01", "2009-04"]), sources=cite())
                for i, place in enumerate(places[: rng.randint(1, len(places))])]
    if len(councils) >= 2 and rng.random() < 0.2:  # local government reorganisation
        day = rng.choice(["2020-04-01", "2021-04", "2023-04-01"])
        unitary = area.org(f"{p}-council-unitary", f"{label} Council", "Council", day,
                           sources=cite())
        for c in councils[:2]:
            c.valid_to = day
            area.link(c, "MERGED_INTO", unitary, cite())
        councils.append(unitary)

    ccgs = [area.org(f"{p}-ccg-{i}", f"NHS {place} CCG", "CCG", "2013-04-01", ICB_DAY,
                     sources=cite()) for i, place in enumerate(places)]
    if rng.random() < 0.3:
        ccgs[0].former = [(f"NHS {places[0]} Clinical Commissioning Group",
                           f"{rng.randint(2014, 2017)}-{rng.randint(1, 12):02d}")]
    merged = None
    merge_day = rng.choice([None, "2018-04-01", "2019-04-01", "2020-04-01", "2021-04-01"])
    if merge_day and len(ccgs) > 1:
        merged = area.org(f"{p}-ccg-merged", f"NHS {label} CCG", "CCG", merge_day, ICB_DAY,
                          sources=cite())
        for c in ccgs:
            c.valid_to = merge_day
            area.link(c, "MERGED_INTO", merged, [src[2]])
        area.events.append({"date": merge_day, "title": f"{label} CCGs merge",
                            "organisations": [c.id for c in ccgs] + [merged.id],
                            "sources": [src[2]]})
    icb = area.org(f"{p}-icb", f"NHS {label} Integrated Care Board", "ICB", ICB_DAY,
                   sources=[src[4]])
    last = [merged] if merged else ccgs
    for c in last:
        area.link(c, "SUCCEEDED_BY", icb, [src[4], nat_src[4]])
    locations = [area.org(f"{p}-sub-icb-{i}", f"NHS {label} ICB - {place}", "SubICBLocation",
                          ICB_DAY, sources=[src[4]]) for i, place in enumerate(places)]
    partnership = area.org(f"{p}-partnership", f"{label} Health and Care Partnership",
                           "Partnership", "2016-03", sources=[src[3]], coded=False,
                           former=[(f"{label} Sustainability and Transformation Partnership",
                                    "2020-04")])

    # one trust more than places: the last a community trust, so no two share a name
    trusts = [area.org(f"{p}-trust-{i}", f"{place} {kind} NHS Trust", "Trust",
                       rng.choice([None, "1994", "2004-04-01", "2013-04", "1992-04-01"]),
                       sources=cite())
              for i, (place, kind) in enumerate([(place, "Hospitals") for place in places]
                                                + [(places[0], "Community Services")])]
    for t in trusts[1:3]:
        if rng.random() < 0.5:  # became a foundation trust: the old name until then
            t.former = [(t.name, f"{rng.randint(2014, 2020)}-{rng.randint(1, 12):02d}")]
            t.name = t.name.replace("NHS Trust", "NHS Foundation Trust")
    if len(trusts) >= 3 and rng.random() < 0.5:  # two trusts merge at the start of a month
        day = f"{rng.randint(2017, 2023)}-{rng.choice(['04', '10'])}"
        new = area.org(f"{p}-trust-merged", f"{label} Hospitals NHS Foundation Trust", "Trust",
                       day, sources=cite())
        for t in trusts[:2]:
            t.valid_to = day
            t.former = [f for f in t.former if day_of(f[1]) < day_of(day)]
            area.link(t, "MERGED_INTO", new, cite(), basis="Statutory transaction")
        trusts.append(new)

    commissioners = [*ccgs, *([merged] if merged else []), icb]
    for c in commissioners:
        for t in trusts:
            area.link(c, "COMMISSIONS", t, cite(), basis="NHS standard contract")
        for t in neighbours[:2]:  # patients cross the border: contracts with the next system
            area.link(c, "COMMISSIONS", t, cite(), basis="Associate commissioner")
        area.link(nat["nhse"], "OVERSEES", c, [nat_src[0]])
        area.link(c, "MEMBER_OF", partnership, [src[3]])
        for team in teams:
            area.link(c, "PART_OF", team, [nat_src[0]])
        start = int(latest(c.valid_from, "2013")[:4])
        end = int((c.valid_to or "2025")[:4])
        for year in range(start, end):  # yearly allocations (financial years)
            area.link(nat["nhse"], "FUNDS", c, [nat_src[5]], start=f"{year}-04-01",
                      end=f"{year + 1}-04-01", amount_gbp=rng.randint(200, 900) * 1_000_000,
                      basis=f"Allocation {year}/{str(year + 1)[2:]}")
    for location in locations:
        area.link(location, "PART_OF", icb, [src[4]])
    for t in trusts:
        area.link(nat["cqc"], "OVERSEES", t, [nat_src[0]], dated=False)
        area.link(nat[rng.choice(["monitor", "tda"])], "OVERSEES", t, [nat_src[0]])
        area.link(nat["nhsi"], "OVERSEES", t, [nat_src[1]])
        area.link(t, "MEMBER_OF", partnership, [src[3]])
    for c in councils:
        area.link(c, "MEMBER_OF", partnership, [src[3]], dated=False)
        area.link(c, "COMMISSIONS", rng.choice(trusts), cite(), basis="Public health services")
    return trusts, [icb, partnership, *trusts, *commissioners]


def _people(area: Area, count: int, posts: list[Org], start: int) -> None:
    """People in post: chief executives and chairs, some moving on to a second post."""
    rng = area.rng
    for i in range(count):
        post = posts[(i * 7919) % len(posts)]
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        if name in area.person_names:  # no two people of one name: a reader could not tell
            name = f"{name.split()[0]} {chr(65 + (start + i) % 26)}. {name.split()[1]}"
        while name in area.person_names:
            name = f"{name} {len(area.person_names)}"
        area.person_names.add(name)
        person = area.org(f"person-{start + i:05d}", name, "Person", coded=False,
                          sources=post.sources[:1])
        begin = latest(post.valid_from, "2013-04-01")
        year = int(begin[:4]) + rng.randint(0, 3)
        day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        role = rng.choice(["Chief executive", "Chair", "Accountable officer"])
        area.link(person, "HOLDS_ROLE", post, post.sources[:1], start=latest(day, begin),
                  role=role)
        if post.kind == "Partnership" or rng.random() < 0.3:
            area.link(person, "LEADS", rng.choice(posts), post.sources[:1], role="Senior responsible owner")


def make_area(size: int, seed: int = 1) -> str:
    """The YAML text of a synthetic area with exactly ``size`` organisations."""
    if size < MIN_SIZE:
        raise ValueError(f"size {size} is too small (at least {MIN_SIZE})")
    systems = max(1, round(size / 26))
    while True:
        area = _build(size, seed, systems)
        if area is not None:
            return area_yaml(area, size, seed)
        systems -= 1


def _build(size: int, seed: int, systems: int) -> Area | None:
    rng = random.Random(seed)
    area = Area(rng)
    area.places = [q + s + e for q in QUALIFIERS for s in STEMS for e in ENDINGS]
    rng.shuffle(area.places)
    area.places += [f"{p} {n}" for n in range(2, 2 + size // 100) for p in area.places[:400]]
    area.places.reverse()  # pop() takes from the shuffled front
    nat = _national(area)
    regions = max(1, -(-systems // 7))
    teams = [_region(area, r, nat) for r in range(regions)]
    posts: list[Org] = []
    neighbours: list[Org] = []
    for n in range(systems):
        neighbours, system_posts = _system(area, n, teams[n % regions], nat, neighbours)
        posts += system_posts
    people = size - len(area.orgs)
    if people < 0:
        return None
    _people(area, people, posts, 0)
    return area


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help=f"organisations (at least {MIN_SIZE})")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    try:
        text = make_area(args.size, args.seed)
    except ValueError as exc:
        print(f"error: {exc} (give a larger size)", file=sys.stderr)
        return 2
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
