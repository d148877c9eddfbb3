"""Export: a snapshot in one format per module (SVG/PNG, offline HTML, JSON, GraphML, GEXF),
all from the same scene. Imports the core and drawing only."""
