// cityweave city network map: Cytoscape.js over a network's member cities and their ties.
// The page's tables carry the same facts without this file; this adds the interactive map.
(function () {
  "use strict";

  const container = document.getElementById("city-map");
  const source = document.getElementById("city-network-data");
  const status = document.getElementById("city-map-status");
  if (!container || !source || typeof window.cytoscape !== "function") return;

  const COLOURS = { broker: "#d55e00", tied: "#0072b2", isolated: "#b8c0c8" };
  const data = JSON.parse(source.textContent);
  const say = (text) => { if (status) status.textContent = text; };

  const elements = data.nodes.map((n) => ({
    data: Object.assign({}, n, {
      colour: COLOURS[n.role] || COLOURS.tied,
      size: 14 + 30 * Math.sqrt(n.share || 0),
    }),
  })).concat(data.edges.map((e) => ({ data: e })));

  const cy = window.cytoscape({
    container,
    elements,
    style: [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          "border-width": 1,
          "border-color": "#1d2733",
          width: "data(size)",
          height: "data(size)",
          label: "data(label)",
          "font-size": 10,
          "text-valign": "bottom",
          "text-margin-y": 3,
          color: "#1d2733",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.75,
          "text-background-padding": 1,
        },
      },
      {
        selector: "edge",
        style: { width: "mapData(weight, 1, 5, 1, 5)", "line-color": "#8a96a3", opacity: 0.8 },
      },
      { selector: "node:selected", style: { "border-width": 3 } },
    ],
    layout: { name: "cose", animate: false, randomize: false, numIter: 500, fit: true, padding: 24 },
    minZoom: 0.1,
    maxZoom: 5,
    boxSelectionEnabled: false,
    selectionType: "single",
  });
  window.cityMap = cy;

  const brokers = data.nodes.filter((n) => n.role === "broker").length;
  const isolated = data.nodes.filter((n) => n.role === "isolated").length;
  say(`${data.nodes.length} cities, ${data.edges.length} pairs tied; ${brokers} broker${brokers === 1 ? "" : "s"}, ${isolated} isolated. Tap a city for its measures; tap again to open it.`);

  let chosen = null;
  cy.on("tap", "node", (event) => {
    const n = event.target.data();
    if (chosen === n.id) {
      window.location.href = n.url;
      return;
    }
    chosen = n.id;
    const between = n.between_regions === null ? "no region" : n.between_regions;
    const betweenness = n.betweenness === null ? "—" : Number(n.betweenness).toFixed(3);
    say(`${n.label}${n.region ? ", " + n.region : ""}: ${n.degree} tie${n.degree === 1 ? "" : "s"}, betweenness ${betweenness}, brokerage between regions ${between}. Tap again to open it.`);
  });
  cy.on("tap", (event) => {
    if (event.target === cy) chosen = null;
  });
})();
