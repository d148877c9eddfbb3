"""What a snapshot or a film can be asked for: formats, sheet sizes, resolutions and steps, known
without importing any renderer (so ``python -m graph --help`` does not load matplotlib)."""

from __future__ import annotations

# format -> (MIME type, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "svg": ("image/svg+xml", ".svg"),
    "png": ("image/png", ".png"),
    "html": ("text/html; charset=utf-8", ".html"),
    "json": ("application/json", ".json"),
    "gexf": ("application/gexf+xml", ".gexf"),
    "graphml": ("application/graphml+xml", ".graphml"),
    "pdf": ("application/pdf", ".pdf"),
    "cytoscape": ("application/json", ".cyjs"),  # Cytoscape.js JSON, also read by Cytoscape
}
DPI_RANGE = (30, 1200)
# sheet sizes for SVG and PNG, in millimetres (width, height), with their names in words
SIZES: dict[str, tuple[float, float, str]] = {
    "a4": (297.0, 210.0, "A4 landscape"),
    "a4-portrait": (210.0, 297.0, "A4 portrait"),
    "slide": (338.7, 190.5, "16:9 slide"),
}

# films: format -> (MIME type, file extension); the days shot; the frame's shape
FILM_FORMATS: dict[str, tuple[str, str]] = {
    "mp4": ("video/mp4", ".mp4"), "webm": ("video/webm", ".webm"), "gif": ("image/gif", ".gif")}
FILM_STEPS = ("stops", "month", "year")
FILM_SIZES = ("a4", "slide")


class SnapshotError(ValueError):
    """A snapshot asked for with bad options: one line saying what to change."""
