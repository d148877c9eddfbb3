"""The explorer page's logic, without Streamlit widgets: the view's state and its URL, the view,
the details panel, the events, the console's results, and the graph component. ``app.py`` lays
out widgets and calls these; everything here is tested as plain Python. Top layer: it may import
the core, input/output, drawing and export, never the CLI."""
