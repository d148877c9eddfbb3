"""The stories of a file (format 1.3): each step's references and citations, then its dates
against the days the data names. ``s`` is ``loaders.dataset``'s sections being read: its
checker, sources, organisations, kinds and types so far."""

from __future__ import annotations

from typing import Any

from graph.core.model import Dataset, Story, StoryStep, in_force
from graph.core.story import citations
from loaders.checker import date_or_none as _date
from loaders.checker import suggest as _suggest
from loaders.checker import text_of as _text


def read(s: Any) -> tuple[Story, ...]:
    """The stories: unique ids, each step's focus, kinds, types and cited sources declared."""
    stories: dict[str, Story] = {}
    for i, r in s.items("stories"):
        p = ("stories", i)
        if not all(isinstance(r.get(k), str) for k in ("id", "title")):
            continue
        if r["id"] in stories:
            s.c.error((*p, "id"), f"duplicate story id '{r['id']}'", "give each story its own id")
            continue
        steps = []
        for j, t in s.items_of(r.get("steps")):
            step = _step(s, t, (*p, "steps", j))
            if step is not None:
                steps.append(step)
        if not steps and isinstance(r.get("steps"), list) and not r["steps"]:
            s.c.error((*p, "steps"), f"story '{r['id']}' has no steps", "add '- title: ...' steps")
        stories[r["id"]] = Story(r["id"], r["title"], tuple(steps), _text(r, "description"))
    return tuple(stories.values())


def _step(s: Any, t: dict, p: tuple) -> StoryStep | None:
    date, since = _date(t.get("date")), _date(t.get("compare_from"))
    text = t.get("text")
    if not date or not isinstance(t.get("title"), str) or not isinstance(text, str):
        return None
    if since and since.start >= date.start:
        s.c.error((*p, "compare_from"), f"compare_from {since} is not before the step's date "
                  f"{date}", "give an earlier date, or leave it out to compare with the "
                  "previous step")
    focus = t.get("focus")
    if isinstance(focus, str) and focus not in s.organisations:
        s.c.error((*p, "focus"), f"unknown organisation '{focus}'",
                  _suggest(focus, s.organisations, "organisation"))
        focus = None
    depth = t.get("depth", 1)
    if type(depth) is int and depth < 0:
        s.c.error((*p, "depth"), f"depth {depth} is below 0", "write 0 or more (default 1)")
    kinds = s.refs(t, "kinds", s.kinds, p, "kind") if "kinds" in t else None
    types = s.refs(t, "types", s.types, p, "relationship type") if "types" in t else None
    cited, bad = citations(text)
    for problem in bad:
        s.c.error((*p, "text"), problem.split(" (")[0], "write [@source-id] or [@id-1; @id-2]")
    for source_id in cited:
        if source_id not in s.sources:
            s.c.error((*p, "text"), f"the text cites unknown source '{source_id}'",
                      _suggest(source_id, s.sources, "source"))
    if not cited and not bad:
        s.c.warn((*p, "text"), "the step's text cites no source",
                 "cite the sources of what it says: [@source-id]")
    step = StoryStep(t["title"], date, text, since, focus if isinstance(focus, str) else None,
                     depth if type(depth) is int and depth >= 0 else 1, kinds, types,
                     tuple(c for c in cited if c in s.sources))
    s.paths.steps.append((step, p))
    return step


def check_dates(s: Any, dataset: Dataset) -> None:
    """Each step's dates within the days the data names; its focus in force on its date."""
    days = dataset.dates()
    if not days:
        return
    first, last = days[0], days[-1]
    for step, p in s.paths.steps:
        for key, value in (("date", step.date), ("compare_from", step.compare_from)):
            if value is not None and not first <= value.start <= last:
                s.c.error((*p, key), f"{key} {value} is outside the data ({first.isoformat()} "
                          f"to {last.isoformat()})", "choose a date the data covers")
        org = dataset.organisations.get(step.focus or "")
        kind = dataset.kinds.get(org.kind) if org is not None else None
        if kind is not None and kind.while_related:
            continue  # drawn only while related: the brief says so when it is not
        if org is not None and not in_force(org.valid_from, org.valid_to, step.date.start) and not (
                step.compare_from and in_force(org.valid_from, org.valid_to, step.compare_from.start)):
            s.c.error((*p, "focus"), f"'{org.id}' does not exist on {step.date}",
                      "choose a date in its lifetime, or another focus")
