"""The view's state: what a link carries, what the widgets say, and the slider's stops.

A view is a ``ViewState``; it round-trips through the URL's query parameters (so a briefing can
link to it) and is read back from the page's widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, replace
from typing import Any

from graph.core.dates import DateError, PartialDate
from graph.core.model import Dataset
from graph.core.stops import Stop, previous_snapshot, story_stops, year_step

MODES = ("explore", "diff", "console")  # every data file's; a file with stories adds STORY
STORY = "story"
MODE_LABELS = {"explore": "Explore", "diff": "Compare two dates", "console": "Cypher console",
               STORY: "Story"}
MAX_DEPTH = 4


def modes(dataset: Dataset) -> tuple[str, ...]:
    """The page's modes for this data file: Story mode only when it has stories."""
    return (*MODES, STORY) if dataset.stories else MODES


def default_day(stops: tuple[Stop, ...]) -> dt.date:
    """Where the slider starts: the latest named snapshot, else the last stop."""
    named = [s.day for s in stops if s.snapshot is not None]
    return named[-1] if named else stops[-1].day


def step(stops: tuple[Stop, ...], day: dt.date, by: int = 1) -> dt.date | None:
    """The stop ``by`` places after (negative: before) ``day``; None past either end. The play
    button's tick."""
    if by > 0:
        later = [s.day for s in stops if s.day > day]
        return later[by - 1] if by <= len(later) else None
    earlier = [s.day for s in stops if s.day < day]
    return earlier[by] if by < 0 and -by <= len(earlier) else None


@dataclass(frozen=True)
class ViewState:
    """Everything a link has to carry to reopen the same view."""

    date: dt.date | None = None  # None: the default stop
    mode: str = "explore"
    diff_from: dt.date | None = None
    focus: str | None = None
    depth: int = 1
    kinds: frozenset[str] | None = None  # None: every kind
    types: frozenset[str] | None = None  # None: every relationship type
    selected: str | None = None
    source: str | None = None  # a source whose claims are highlighted
    story: str | None = None  # Story mode's story (None: the file's first)
    step: int | None = None  # and its step, counted from 1 (None: the first)


def _one(value: str | list[str] | None) -> str | None:
    """A query parameter given once (``?date=...``) or, when repeated, its first value."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def to_query_params(state: ViewState) -> dict[str, str]:
    """The URL's query parameters for a view (defaults left out, lists comma-separated)."""
    params: dict[str, str] = {}
    if state.date is not None:
        params["date"] = state.date.isoformat()
    if state.mode != "explore":
        params["mode"] = state.mode
    if state.diff_from is not None:
        params["from"] = state.diff_from.isoformat()
    if state.focus:
        params["focus"] = state.focus
        if state.depth != 1:
            params["depth"] = str(state.depth)
    if state.kinds is not None:
        params["kinds"] = ",".join(sorted(state.kinds))
    if state.types is not None:
        params["types"] = ",".join(sorted(state.types))
    if state.selected:
        params["org"] = state.selected
    if state.source:
        params["source"] = state.source
    if state.story:
        params["story"] = state.story
    if state.step is not None:
        params["step"] = str(state.step)
    return params


def from_query_params(params: Mapping[str, Any], dataset: Dataset) -> tuple[ViewState, list[str]]:
    """A view from a link, and one warning per part of it that had to be ignored."""
    warnings: list[str] = []

    def day(key: str) -> dt.date | None:
        text = _one(params.get(key))
        if not text:
            return None
        try:
            return PartialDate.parse(text).start
        except DateError:
            warnings.append(f"the link's {key} '{text}' is not a date (write YYYY-MM-DD)")
            return None

    def organisation(key: str) -> str | None:
        text = _one(params.get(key))
        if not text:
            return None
        org_id = dataset.resolve(text)
        if org_id is None:
            warnings.append(f"the link's {key} '{text}' is no organisation id or ODS code "
                            f"in this data file")
        return org_id

    def names(key: str, known: Mapping[str, Any], what: str) -> frozenset[str] | None:
        """The known names; unknown ones are dropped with a warning, and a filter left with
        none of the names it gave filters nothing (rather than hiding everything)."""
        text = _one(params.get(key))
        if text is None:
            return None
        chosen = {n for n in text.split(",") if n}
        for unknown in sorted(chosen - set(known)):
            warnings.append(f"the link's {key} names an unknown {what} '{unknown}'")
        if chosen and not chosen & set(known):
            return None
        return frozenset(chosen & set(known))

    def source() -> str | None:
        text = _one(params.get("source"))
        if text and text not in dataset.sources:
            warnings.append(f"the link's source '{text}' is no source id in this data file")
            return None
        return text or None

    def story() -> tuple[str | None, int | None]:
        """The story and step a link names, checked against the file's stories."""
        story_id, step_text = _one(params.get("story")), _one(params.get("step"))
        stories = {s.id: s for s in dataset.stories}
        if not stories:
            if story_id or step_text:
                warnings.append("the link names a story, and this data file has none")
            return None, None
        if story_id and story_id not in stories:
            warnings.append(f"the link's story '{story_id}' is no story id in this data file "
                            f"(its stories: {', '.join(stories)})")
            story_id = None
        if not step_text:
            return story_id, None
        count = len(stories[story_id or next(iter(stories))].steps)
        step = _whole(step_text)
        if step is None or not 1 <= step <= count:
            step = min(max(step or 1, 1), count)
            warnings.append(f"the link's step '{step_text}' is not a whole number from 1 to "
                            f"{count} (step {step} is shown)")
        return story_id, step

    offered = modes(dataset)
    mode = _one(params.get("mode")) or "explore"
    if mode == STORY and mode not in offered:
        warnings.append(f"the link's mode '{mode}' needs a story, and this data file has none")
        mode = "explore"
    elif mode not in offered:
        warnings.append(f"the link's mode '{mode}' is not one of {', '.join(offered)}")
        mode = "explore"
    depth_text = _one(params.get("depth")) or "1"
    depth = _whole(depth_text)
    if depth is None or not 1 <= depth <= MAX_DEPTH:
        depth = min(max(depth or 1, 1), MAX_DEPTH)
        warnings.append(f"the link's depth '{depth_text}' is not a whole number from 1 to "
                        f"{MAX_DEPTH} (depth {depth} is shown)")
    state = ViewState(date=day("date"), mode=mode, diff_from=day("from"),
                      focus=organisation("focus"), depth=depth,
                      kinds=names("kinds", dataset.kinds, "kind"),
                      types=names("types", dataset.relationship_types, "relationship type"),
                      selected=organisation("org"), source=source())
    story_id, step = story()
    return replace(state, story=story_id, step=step), warnings


def _whole(text: str) -> int | None:
    """A whole number written in ASCII digits (at most four), else None. int() only after
    this strict check: it takes '²' as a digit to refuse, '٢' as a 2, '1_0' as 10."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


def chosen_day(values: Mapping[str, Any]) -> dt.date | None:
    """The date the slider is on (``values`` is ``st.session_state``), None before it is set."""
    return dt.date.fromisoformat(values["date"]) if values.get("date") else None


def state_from_widgets(values: Mapping[str, Any], dataset: Dataset) -> ViewState:
    """The view the page's widgets describe (``values`` is ``st.session_state``): ISO dates,
    "" for no organisation, and every kind (or type) ticked meaning "no filter"."""
    def day(key: str) -> dt.date | None:
        return dt.date.fromisoformat(values[key]) if values.get(key) else None

    def chosen(key: str, known: Mapping[str, Any]) -> frozenset[str] | None:
        ticked = frozenset(values.get(key, known))
        return None if ticked == frozenset(known) else ticked

    mode = values.get("mode", "explore")
    if mode == STORY and values.get("story"):  # a story's link names only its step
        return ViewState(mode=STORY, story=values["story"],
                         step=int(values.get("story_step", 1)))
    return ViewState(date=day("date"), mode=mode,
                     diff_from=day("diff_from") if mode == "diff" else None,
                     focus=values.get("focus") or None, depth=int(values.get("depth", 1)),
                     kinds=chosen("kinds", dataset.kinds),
                     types=chosen("types", dataset.relationship_types),
                     selected=values.get("selected") or None,
                     source=values.get("source") or None)


def default_diff_from(stops: tuple[Stop, ...], day: dt.date) -> dt.date:
    """What a comparison starts from: the previous named snapshot, else the first stop."""
    previous = previous_snapshot(stops, day)
    return previous.day if previous else stops[0].day


# -- the page's session: the widgets' state across reruns ---------------------------------

PLAY_SECONDS = 1.5  # one stop per tick when playing


def open_session(session: MutableMapping[str, Any], params: Mapping[str, Any],
                 dataset: Dataset) -> None:
    """On a session's first run, put the link's view into the widgets' state (once)."""
    if "link_read" in session:
        return
    linked, warnings = from_query_params(params, dataset)
    session.update(
        link_read=True, link_warnings=warnings, mode=linked.mode,
        extra_days=tuple(d for d in (linked.date, linked.diff_from) if d),
        focus=linked.focus or "", depth=linked.depth, selected=linked.selected or "",
        source=linked.source or "", story=linked.story or "", story_step=linked.step or 1,
        kinds=sorted(linked.kinds if linked.kinds is not None else dataset.kinds),
        types=sorted(linked.types if linked.types is not None else dataset.relationship_types))
    if linked.source:  # a link to a source opens the list of what rests on it
        session["side_tab"] = "Sources"
    if linked.date:
        session["date"] = linked.date.isoformat()
    if linked.diff_from:
        session["diff_from"] = linked.diff_from.isoformat()


def reconcile(session: MutableMapping[str, Any], dataset: Dataset,
              choices: Mapping[str, str], today: dt.date) -> tuple[Stop, ...]:
    """Every run: drop what the data file no longer has (it may change under a session), move
    the slider where an event click, a typed date, a key or a play tick asked, swap a
    comparison's dates given later first (``dates_swapped``), and make every chosen day a stop.
    Returns the slider's stops (the story's, or all time's when asked)."""
    for key in ("focus", "selected"):
        session[key] = session[key] if session[key] in choices else ""
    if session.get("source", "") not in dataset.sources:
        session["source"] = ""
    # set every run: Streamlit drops the value of a widget a run does not draw (closed tabs)
    session["selected"], session["source"] = session["selected"], session["source"]
    session["kinds"] = [k for k in session["kinds"] if k in dataset.kinds]
    session["types"] = [t for t in session["types"] if t in dataset.relationship_types]
    keep_story(session, dataset)
    if "goto" in session:
        session["date"] = session.pop("goto")
    if "goto_from" in session:
        session["diff_from"] = session.pop("goto_from")

    def stops_now() -> tuple[Stop, ...]:
        return story_stops(dataset, session["extra_days"], today=today,
                           all_time=bool(session.get("all_time")))

    stops = stops_now()
    session.setdefault("date", default_day(stops).isoformat())
    # a comparison from a later date to an earlier one is read the other way round, and said so
    session["dates_swapped"] = session.get("mode") == "diff" and \
        session.get("diff_from", "") > session["date"]
    if session["dates_swapped"]:
        session["date"], session["diff_from"] = session["diff_from"], session["date"]
    keys = {s.key for s in stops}
    missing = tuple(dt.date.fromisoformat(session[key]) for key in ("date", "diff_from")
                    if session.get(key) and session[key] not in keys)
    if missing:
        session["extra_days"] = (*session["extra_days"], *missing)
        stops = stops_now()
    return stops


def keep_story(session: MutableMapping[str, Any], dataset: Dataset) -> None:
    """Story mode's story and step as the file now has them: its first story when the chosen
    one is gone (or none was chosen), a step within its steps, and no Story mode in a file
    without stories."""
    stories = {s.id: s for s in dataset.stories}
    if session.get("mode") == STORY and not stories:
        session["mode"] = "explore"
    chosen = session.get("story")
    if chosen not in stories:
        session["story"] = next(iter(stories), "")
        if chosen:  # another story's step means nothing in this one
            session["story_step"] = 1
    count = len(stories[session["story"]].steps) if stories else 1
    session["story_step"] = min(max(int(session.get("story_step", 1)), 1), count)


def go_to_typed(session: MutableMapping[str, Any]) -> None:
    """The typed date's callback: move the slider there (a month or year means its first day)
    or say what is wrong with it."""
    text = (session.get("typed_date") or "").strip()
    session["typed_error"] = ""
    if not text:
        return
    try:
        day = PartialDate.parse(text).start
    except DateError as error:
        session["typed_error"] = f"{error} (write YYYY-MM-DD, YYYY-MM or YYYY)"
        return
    session["goto"] = day.isoformat()
    session["extra_days"] = (*session.get("extra_days", ()), day)
    session["playing"] = False


def go_to(session: MutableMapping[str, Any], day: dt.date) -> None:
    """Move the date slider to ``day`` on the next run (an event clicked), and stop playing."""
    session.update(goto=day.isoformat(), playing=False)


def go_a_year(session: MutableMapping[str, Any], stops: tuple[Stop, ...], slider: str,
              years: int) -> None:
    """PageUp (``years`` 1) or PageDown (-1) on a date slider (``date`` or ``diff_from``): to
    the nearest stop at least a year on (or back)."""
    moved = year_step(stops, dt.date.fromisoformat(session[slider]), years).isoformat()
    session.update({"goto": moved} if slider == "date" else {"goto_from": moved}, playing=False)


def toggle_play(session: MutableMapping[str, Any], now: float) -> None:
    session["playing"] = not session.get("playing", False)
    session["played_at"] = now


def play_tick(session: MutableMapping[str, Any], stops: tuple[Stop, ...], day: dt.date,
              now: float) -> bool:
    """A tick of the play timer: move to the next stop (or stop at the end). False when the
    tick came too soon after the last move (a rerun in between), so nothing should happen."""
    if now - session.get("played_at", 0.0) < PLAY_SECONDS * 0.8:
        return False
    session["played_at"] = now
    following = step(stops, day)
    if following is None:
        session["playing"] = False
    else:
        session["goto"] = following.isoformat()
    return True


def focus_from_text(dataset: Dataset, text: str, day: dt.date | None = None) -> str | None:
    """The organisation a reader means by what they typed in the focus picker: an exact id or
    ODS code first (``RC9`` is Bedfordshire Hospitals, never ``RX2C9``, which a loose match
    lists first), then an exact name (as on ``day``, then any name it had), then the first
    organisation, by its name on ``day``, whose name or code contains the text; else None."""
    text = " ".join(text.split())
    if not text:
        return None
    exact = dataset.resolve(text)
    if exact is not None:
        return exact
    wanted = text.casefold()

    def named(org) -> str:
        return org.name_at(day) if day else org.name

    organisations = sorted(dataset.organisations.values(),
                           key=lambda o: (named(o).casefold(), o.id))
    every = {o.id: [p.name.casefold() for p in o.name_periods if p.name] for o in organisations}
    for found in ((o for o in organisations if named(o).casefold() == wanted),
                  (o for o in organisations if wanted in every[o.id]),
                  (o for o in organisations
                   if any(wanted in name for name in [*every[o.id], (o.ods_code or "").casefold()]))):
        org = next(found, None)
        if org is not None:
            return org.id
    return None


def focus_typed(session: MutableMapping[str, Any], dataset: Dataset) -> None:
    """The focus picker's callback: a typed text that is not one of the listed organisations
    (the picker accepts new text, so Enter takes what was typed, not a loose match) becomes
    the organisation it names (``focus_from_text``), or a line saying none does."""
    typed = session.get("focus") or ""
    session["focus_error"] = ""
    if not typed or typed in dataset.organisations:
        return
    found = focus_from_text(dataset, typed, chosen_day(session))
    session["focus"] = found or ""
    if found is None:
        session["focus_error"] = (f"no organisation has the name or ODS code '{typed}' "
                                  "(pick one from the list)")
