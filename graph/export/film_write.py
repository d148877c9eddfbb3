"""A film's pictures written as MP4 or WebM (ffmpeg, shipped inside the imageio-ffmpeg package)
or as a GIF (Pillow).

Each beat is one picture. A video repeats it for as many frames as it lasts, at the film's
frames per second; a GIF holds it that long instead, so it stays small. A GIF has one
palette for the whole film (median cut over every shot, no dithering), and two frames that come
out the same are one frame held for both: the same film gives the same GIF bytes.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from graph.core.temporal import DateLike
from graph.export.film import Film, FilmRequest, make_film_request, plan
from graph.export.film_sheet import Layout, drawn_all, layout, pictures

# the codec and how hard it works: the default VP9 settings take minutes for a short film
CODECS = {"mp4": ("libx264", ["-preset", "veryfast"]),
          "webm": ("libvpx-vp9", ["-deadline", "realtime", "-cpu-used", "8", "-crf", "32",
                                  "-b:v", "0"])}


def encode(film: Film) -> bytes:
    """The film in its request's format, as bytes."""
    lay = layout(film)
    if film.request.fmt == "gif":
        return _gif(film, lay)
    return _video(((image, beat.frames) for image, beat in pictures(film, lay)),
                  film.request.fmt, film.request.fps)


def _video(pictures, fmt: str, fps: int) -> bytes:
    """Each picture written to ffmpeg once as raw RGB bytes, repeated for its frames (no
    copy per frame), encoded at ``fps`` into a file of ``fmt``."""
    import imageio_ffmpeg

    with tempfile.TemporaryDirectory(prefix="orgs-film-") as folder:
        path = Path(folder) / f"film.{fmt}"
        process: subprocess.Popen | None = None
        try:
            for image, frames in pictures:
                if process is None:
                    height, width = image.shape[:2]
                    # sizes are even already, so ffmpeg scales nothing; yuv420p plays
                    # everywhere
                    process = subprocess.Popen(
                        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error",
                         "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
                         "-r", str(fps), "-i", "-", "-an", "-c:v", CODECS[fmt][0],
                         "-pix_fmt", "yuv420p", *CODECS[fmt][1], "-fflags", "+bitexact",
                         "-map_metadata", "-1", str(path)],
                        stdin=subprocess.PIPE, stderr=subprocess.PIPE)
                data = np.ascontiguousarray(image, np.uint8).data
                for _ in range(frames):
                    process.stdin.write(data)
        except BaseException:
            if process is not None:
                process.kill()
                process.wait()
            raise
        if process is None:
            raise ValueError("a film needs at least one picture")
        _, errors = process.communicate()
        if process.returncode:
            raise RuntimeError(f"ffmpeg failed ({process.returncode}): "
                               f"{errors.decode(errors='replace').strip()}")
        return path.read_bytes()


def _gif(film: Film, lay: Layout) -> bytes:
    """One palette for the whole film (from every shot and card), so what does not change
    from one frame to the next keeps its colours and the GIF stores only what changed."""
    from PIL import Image

    drawn = drawn_all(film, lay)
    sample = np.concatenate([image[::3, ::3].reshape(-1, 3) for image in drawn.values()])
    palette = Image.fromarray(sample.reshape(-1, 1, 3)).quantize(
        256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    frames: list[Image.Image] = []
    durations: list[int] = []
    for image, beat in pictures(film, lay, drawn):
        frame = Image.fromarray(image).quantize(palette=palette, dither=Image.Dither.NONE)
        duration = round(beat.frames * 100 / film.request.fps) * 10  # GIFs count 1/100 s
        if frames and frame.tobytes() == frames[-1].tobytes():
            durations[-1] += duration  # the same picture again: held longer
            continue
        frames.append(frame)
        durations.append(duration)
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:],
                   duration=durations, loop=0)
    return buffer.getvalue()


def render_film(graph: nx.MultiDiGraph, fmt: str, start: DateLike, end: DateLike,
                **options: Any) -> bytes:
    """The film of ``graph`` from ``start`` to ``end`` in format ``fmt`` (``mp4``, ``webm`` or
    ``gif``), as bytes. ``options``: ``step`` (``stops``, ``month`` or ``year``), ``focus``
    and ``depth``, ``kinds`` and ``types``, ``size`` (``a4`` or ``slide``), ``fps`` and
    ``width`` in pixels. Raises ``FilmError`` for bad options, and for a selection too large for
    the sheet with text of 7 pt or more."""
    return render(graph, make_film_request(graph, fmt, start, end, **options))


def render(graph: nx.MultiDiGraph, request: FilmRequest) -> bytes:
    """The film of a request ``make_film_request`` has checked (the page also names its file
    from it)."""
    return encode(plan(graph, request))
