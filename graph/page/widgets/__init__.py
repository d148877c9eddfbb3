"""The page's sections laid out with Streamlit, each called by ``app.py`` in page order; what
they show comes from the logic modules of ``graph.page``."""
