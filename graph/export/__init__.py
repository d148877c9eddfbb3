"""Export: a snapshot in one format per module (SVG/PNG, offline HTML, JSON, GraphML, GEXF),
all from the same scene, and films of the story (``film``, ``film_sheet``, ``film_write``).
Imports the core and drawing only."""
