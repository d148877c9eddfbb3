"""Drawing: the scene at a date and its one geometry per view (an all-time grid of cells, routes
around the boxes, labels), and the vis-network data. Imports the core only; the page and every
export draw from here."""
