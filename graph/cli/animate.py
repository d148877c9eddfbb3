"""``python -m graph animate``: the story over a span of dates as a film (MP4, WebM or GIF)."""

from __future__ import annotations

import argparse
from typing import Any

from graph.cli.common import UsageError, comma_list, format_from, load_data, write_output
from graph.export.options import FILM_FORMATS, FILM_SIZES, FILM_STEPS


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("animate", parents=[common],
                       help="the story from one date to another as a film (MP4, WebM or GIF)")
    p.add_argument("--from", dest="start", required=True,
                   help="the first day: YYYY-MM-DD, YYYY-MM or YYYY")
    p.add_argument("--to", dest="end", required=True, help="the last day (after --from)")
    p.add_argument("--step", choices=FILM_STEPS, default="stops",
                   help="a shot on every day the story names (stops, the default), or on the "
                        "first of every month or year")
    p.add_argument("--focus", help="an organisation id or ODS code: it and its neighbours, on "
                                   "the days it exists")
    p.add_argument("--depth", type=int, default=1, help="relationships from --focus (default 1)")
    p.add_argument("--kinds", help="comma-separated kinds to keep, e.g. CCG,Trust")
    p.add_argument("--types", help="comma-separated relationship types to keep, e.g. OVERSEES")
    p.add_argument("--size", choices=FILM_SIZES, default="a4",
                   help="the frame's shape: a4 landscape (default) or slide (16:9)")
    p.add_argument("--fps", type=int, default=10, help="frames per second, 1-30 (default 10)")
    p.add_argument("--width", type=int, default=1280,
                   help="the frame's width in pixels, 320-3840 (default 1280)")
    p.add_argument("-o", "--output", required=True,
                   help="the film to write: FILE.mp4, FILE.webm or FILE.gif")
    p.set_defaults(func=cmd_animate)


def cmd_animate(args: argparse.Namespace) -> int:
    fmt = format_from(args.output, FILM_FORMATS, "the film's format", "end it with "
                      + ", ".join(extension for _mime, extension in FILM_FORMATS.values()))
    from graph.core import temporal  # networkx and numpy: only when a film is made
    from graph.export.film import FilmError
    from graph.export.film_write import render_film

    graph = temporal.build_graph(load_data(args))
    try:
        content = render_film(graph, fmt, args.start, args.end, step=args.step,
                              focus=args.focus, depth=args.depth, kinds=comma_list(args.kinds),
                              types=comma_list(args.types), size=args.size, fps=args.fps,
                              width=args.width)
    except FilmError as exc:
        raise UsageError(str(exc)) from None
    write_output(args.output, content, fmt)
    return 0
