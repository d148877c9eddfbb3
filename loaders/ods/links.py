"""Parent links (PART_OF) from the releases, and the organisations an area keeps."""

from __future__ import annotations

from collections import defaultdict

from graph.core.dates import PartialDate
from loaders.ods.read import Release
from loaders.ods.records import Link, OdsOrg, as_of


def parent_links(releases: list[Release], orgs: dict[str, OdsOrg],
           source_ids: dict[str, str]) -> list[Link]:
    """PART_OF links from column 3 and column 4, one per run of releases showing one parent."""
    seen: dict[tuple[str, str], list[tuple[PartialDate, str, str]]] = defaultdict(list)
    for release in releases:
        for row in release.rows:
            for column in ("grouping", "geography"):
                parent = getattr(row, column)
                if parent and parent != row.code:
                    seen[(row.code, column)].append(
                        (as_of(release, row), parent, source_ids[release.name]))
    links = []
    for (code, column), observations in sorted(seen.items()):
        observations.sort(key=lambda o: o[0].start)
        runs: list[list] = []  # [parent, first as-of, last as-of, sources]
        for shown_on, parent, source in observations:
            if runs and runs[-1][0] == parent:
                runs[-1][2] = shown_on
                if source not in runs[-1][3]:
                    runs[-1][3].append(source)
            else:
                runs.append([parent, shown_on, shown_on, [source]])
        links += _runs_to_links(orgs[code], column, runs, orgs)
    return links


def _runs_to_links(child: OdsOrg, column: str, runs: list[list],
                   orgs: dict[str, OdsOrg]) -> list[Link]:
    starts: list[tuple[PartialDate | None, bool]] = []
    for k, (parent_code, first, _, _) in enumerate(runs):
        parent = orgs[parent_code]
        if k == 0:  # from the later opening of the two; known only if both openings are
            known = [d for d in (child.valid_from, parent.valid_from) if d]
            if len(known) == 2:
                starts.append((None, True))  # the lifetimes bound it, with their own doubts
            else:
                starts.append((known[0], False) if known else (first, False))
        elif parent.valid_from and runs[k - 1][2].start < parent.valid_from.start <= first.start:
            # moved when the new parent opened (as sure as that opening is)
            starts.append((parent.valid_from, "valid_from" not in parent.unverified))
        else:
            starts.append((first, False))  # some day between the two releases
    links = []
    for k, (parent_code, _, _, sources) in enumerate(runs):
        parent = orgs[parent_code]
        start, start_known = starts[k]
        end, end_known = starts[k + 1] if k + 1 < len(runs) else (None, True)
        # each bound with whether it is in doubt: the link's own, then the two lifetimes'
        lows = [(start, not start_known)] + [
            (o.valid_from, "valid_from" in o.unverified) for o in (child, parent)]
        highs = [(end, not end_known)] + [
            (o.valid_to, "valid_to" in o.unverified) for o in (child, parent)]
        low, low_doubt = _tightest(lows, latest=True)
        high, high_doubt = _tightest(highs, latest=False)
        if low and high and high.start <= low.start:
            continue  # the releases show it only outside one end's lifetime
        unverified = [name for name, doubt in (("valid_from", low_doubt),
                                              ("valid_to", high_doubt)) if doubt]
        links.append(Link(child.code, parent_code, column, low, high, sources, unverified))
    return links


def _tightest(bounds: list[tuple[PartialDate | None, bool]],
              latest: bool) -> tuple[PartialDate | None, bool]:
    """The latest start (or earliest end) of several, and whether it is in doubt: when any
    bound on that day is (a lifetime's sure opening does not date the link's own start)."""
    given = [(d, doubt) for d, doubt in bounds if d is not None]
    if not given:
        return None, False
    pick = (max if latest else min)(d.start for d, _ in given)
    on_it = [(d, doubt) for d, doubt in given if d.start == pick]
    return on_it[0][0], any(doubt for _, doubt in on_it)


def area_codes(codes: list[str], links: list[Link], lineage: list[dict]) -> set[str]:
    """The named organisations, what was ever part of them, their lineage, and their parents."""
    children, parents = defaultdict(set), defaultdict(set)
    for link in links:
        children[link.parent].add(link.child)
        parents[link.child].add(link.parent)
    successors, predecessors = defaultdict(set), defaultdict(set)
    for rel in lineage:
        successors[rel["from"]].add(rel["to"])
        predecessors[rel["to"]].add(rel["from"])
    core = _closure(set(codes), children)
    keep = core | _closure(core, successors) | _closure(core, predecessors)
    return _closure(keep, parents)


def _closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    found, stack = set(start), list(start)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                stack.append(nxt)
    return found


