"""``python -m graph brief STORY -o FILE``: a story of dated views as a briefing pack (PDF,
PowerPoint, Word or one offline HTML file, chosen by the file's suffix)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from graph.cli.common import UsageError, load_graph, write_output


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("brief", parents=[common],
                       help="a story (stories: in the YAML) as a PDF, PowerPoint, Word or HTML "
                            "briefing pack, every claim with its sources")
    p.add_argument("story", nargs="?", help="the story's id (omit it to list the stories)")
    p.add_argument("-o", "--output", help="the file to write: .pdf, .pptx, .docx or .html")
    p.set_defaults(func=cmd_brief)


def cmd_brief(args: argparse.Namespace) -> int:
    from graph.core.temporal import dataset_of
    from graph.export.brief import FORMATS, render
    from graph.export.options import SnapshotError

    graph = load_graph(args)
    if not args.story:
        stories = dataset_of(graph).stories
        for story in stories:
            print(f"{story.id}\t{len(story.steps)} steps\t{story.title}")
        if not stories:
            print("this file has no stories (add 'stories:' to it; format 1.3)")
        return 0
    if not args.output:
        raise UsageError("say where to write the brief: -o FILE.pdf (or .pptx, .docx, .html)")
    suffix = Path(args.output).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"cannot tell the format from '{args.output}' (end the file name in "
                         f"{', '.join(FORMATS)})")
    try:
        content = render(graph, args.story, suffix)
    except SnapshotError as exc:
        raise UsageError(str(exc)) from None
    write_output(args.output, content, f"{suffix[1:]} brief")
    return 0
