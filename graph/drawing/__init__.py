"""Drawing: one all-time layout, the scene at a date and the vis-network data. Imports the core
only; the page and every export draw from here."""
