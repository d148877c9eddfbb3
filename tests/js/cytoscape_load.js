// Load a Cytoscape.js JSON file (python -m graph snapshot --format cytoscape) into cytoscape,
// headless, as cy.json() loads the library's own export, and print what it holds as JSON:
// the node and edge ids, every edge's resolved ends, labels, positions, and any warning the
// library gave (it warns, rather than throws, about an edge it cannot create).
// Usage: node tests/js/cytoscape_load.js FILE.cyjs
"use strict";
const fs = require("fs");
const cytoscape = require("cytoscape");

const warnings = [];
console.warn = (...args) => warnings.push(args.join(" "));
console.error = (...args) => warnings.push(args.join(" "));

const document = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const cy = cytoscape({ headless: true, styleEnabled: false });
cy.json(document);

const nodes = cy.nodes().map((n) => ({
  id: n.id(), label: n.data("label"), kind: n.data("kind"), position: n.position(),
}));
const edges = cy.edges().map((e) => ({
  id: e.id(), source: e.source().id(), target: e.target().id(), label: e.data("label"),
  interaction: e.data("interaction"),
}));
process.stdout.write(JSON.stringify({
  version: cytoscape.version, name: cy.data("name"), nodes, edges, warnings,
  // one of the library's own algorithms over the loaded graph: the edges are real links
  components: cy.elements().components().length,
}));
