// cityweave network map: Cytoscape.js over the workspace's stakeholders and ties.
// The page's insights work without this file; this adds the interactive map.
(function () {
  "use strict";

  const container = document.getElementById("network-map");
  if (!container || typeof window.cytoscape !== "function") return;

  const status = document.getElementById("map-status");
  const panel = document.getElementById("node-panel");
  const controls = document.getElementById("map-controls");
  const HEALTH_COLOURS = { cooling: "#c27c00", cold: "#b42318" };
  const SURVEYED_COLOUR = "#6a3d9a";
  // Wave over wave: new ties thick vermilion, lost ones dashed slate, kept ones surveyed purple.
  const CHANGE_COLOURS = { new: "#D55E00", lost: "#5f6b77", kept: SURVEYED_COLOUR };
  const SIZE_RANGE = [10, 46];
  // How far (CSS pixels) beside a node a finger's tap still picks it.
  const TOUCH_SLOP = 14;

  function say(text) {
    if (status) status.textContent = text;
  }

  const close = panel && panel.querySelector(".close");
  if (close) close.addEventListener("click", () => { panel.hidden = true; });

  function format(value, digits) {
    if (value === null || value === undefined) return "—";
    if (Number.isInteger(value)) return String(value);
    return Number(value).toFixed(digits === undefined ? 3 : digits);
  }

  // Node sizes follow a square root so a few hubs don't dwarf everyone else.
  function sizesOf(records, metric) {
    let top = 0;
    records.forEach((r) => {
      const v = r[metric];
      if (typeof v === "number" && v > top) top = v;
    });
    return records.map((r) => {
      const v = r[metric];
      const share = top > 0 && typeof v === "number" ? Math.sqrt(v / top) : 0;
      return SIZE_RANGE[0] + share * (SIZE_RANGE[1] - SIZE_RANGE[0]);
    });
  }

  function sizeNodes(cy, metric) {
    const nodes = cy.nodes();
    const sizes = sizesOf(nodes.map((n) => n.data()), metric);
    cy.batch(() => nodes.forEach((n, i) => n.data("size", sizes[i])));
  }

  function buildStyle() {
    return [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          "border-width": 1,
          "border-color": "#1d2733",
          width: "data(size)",
          height: "data(size)",
          "font-size": 9,
          "text-valign": "bottom",
          "text-margin-y": 3,
          color: "#1d2733",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.75,
          "text-background-padding": 1,
        },
      },
      // Names: the larger nodes' at the fitted zoom, more as one zooms in (see `updateLabels`).
      { selector: "node.labelled", style: { label: "data(label)", "font-size": "data(font)" } },
      { selector: "node[?internal]", style: { shape: "diamond", "border-width": 2 } },
      {
        selector: "edge",
        style: {
          width: "mapData(weight, 1, 4, 0.8, 3)",
          "line-color": "#8a96a3",
          opacity: 0.7,
          "curve-style": "haystack",
        },
      },
      {
        selector: "edge[?directed]",
        style: { "curve-style": "straight", "target-arrow-shape": "triangle", "arrow-scale": 0.7, "target-arrow-color": "#8a96a3" },
      },
      { selector: 'edge[status = "prospect"]', style: { "line-style": "dashed", "curve-style": "straight" } },
      { selector: 'edge[status = "dormant"]', style: { "line-style": "dotted", "curve-style": "straight" } },
      { selector: 'edge[status = "ended"]', style: { display: "none" } },
      { selector: 'edge[health = "cooling"]', style: { "line-color": HEALTH_COLOURS.cooling, "target-arrow-color": HEALTH_COLOURS.cooling, opacity: 0.9 } },
      { selector: 'edge[health = "cold"]', style: { "line-color": HEALTH_COLOURS.cold, "target-arrow-color": HEALTH_COLOURS.cold, opacity: 0.9 } },
      // Surveyed ties (the "as surveyed" and "both" views): purple, solid when both ends reported
      // the tie (reciprocal), dashed with an arrow from the reporter when one end did.
      { selector: "edge[origin]", style: { "line-color": SURVEYED_COLOUR, "target-arrow-color": SURVEYED_COLOUR, opacity: 0.85 } },
      { selector: 'edge[origin = "recorded"]', style: { "line-color": "#8a96a3", "target-arrow-color": "#8a96a3", opacity: 0.7 } },
      { selector: 'edge[origin = "surveyed"][!reciprocal], edge[origin = "both"][!reciprocal]', style: { "line-style": "dashed", "curve-style": "straight" } },
      // Wave over wave: one arrow per tie (a partner naming another), as the results page counts.
      { selector: "edge[change]", style: { "curve-style": "bezier", "control-point-step-size": 14, "target-arrow-shape": "triangle", "arrow-scale": 0.8, width: 1.6, opacity: 0.85, "line-style": "solid" } },
      { selector: 'edge[change = "new"]', style: { "line-color": CHANGE_COLOURS.new, "target-arrow-color": CHANGE_COLOURS.new, width: 3.5, opacity: 1, "z-index": 5 } },
      { selector: 'edge[change = "lost"]', style: { "line-color": CHANGE_COLOURS.lost, "target-arrow-color": CHANGE_COLOURS.lost, "line-style": "dashed", opacity: 0.6 } },
      { selector: 'edge[change = "kept"]', style: { "line-color": CHANGE_COLOURS.kept, "target-arrow-color": CHANGE_COLOURS.kept } },
      // A stakeholder named only in the earlier wave: a hollow, dashed ring.
      { selector: "node[?ghost]", style: { "background-color": "#ffffff", "border-style": "dashed", "border-width": 2, "border-color": "#5f6b77" } },
      { selector: ".hidden", style: { display: "none" } },
      { selector: ".faded", style: { opacity: 0.12, "text-opacity": 0 } },
      {
        selector: "node:selected, node.found",
        style: { label: "data(label)", "border-width": 4, "border-color": "#f0b429", "font-size": 12, "font-weight": 700, "z-index": 10 },
      },
    ];
  }

  // What the colouring calls its values in the node's panel ("Trust received…").
  let colourLabel = "";

  // A surveyed view's overlays: colours by an answer (each node's colour and its answer as
  // text), and wave over wave, whose arrows (new, lost, kept) replace the surveyed pairs; a
  // stakeholder named only in the earlier wave is drawn beside the partner it named or was
  // named by. Recorded ties (the "both" view) stay, drawn as recorded.
  function withOverlays(data) {
    const colouring = data.colouring;
    if (colouring) {
      colourLabel = colouring.label;
      const bins = {};
      colouring.bins.forEach((b) => { bins[b.key] = b; });
      data.nodes.forEach((n) => {
        const found = colouring.nodes[String(n.id)];
        const bin = (found && bins[found[0]]) || bins.none;
        n.colour = bin.colour;
        n.answer = found ? found[1] : bin.label;
      });
    }
    const comparison = data.comparison;
    if (!comparison) return data;
    const at = {};
    data.nodes.forEach((n) => { at[n.id] = n; });
    const xs = data.nodes.map((n) => n.x || 0);
    const ys = data.nodes.map((n) => n.y || 0);
    const left = xs.length ? Math.min(...xs) : 0;
    const top = ys.length ? Math.min(...ys) : 0;
    const span = xs.length ? Math.max(Math.max(...xs) - left, Math.max(...ys) - top, 100) : 100;
    const reach = span * 0.06;
    comparison.ghosts.forEach((ghost, index) => {
      const pair = comparison.pairs.find((p) => (p.source === ghost.id && at[p.target]) || (p.target === ghost.id && at[p.source]));
      const partner = pair ? at[pair.source === ghost.id ? pair.target : pair.source] : null;
      const angle = index * 2.4;
      const x = partner ? (partner.x || 0) + reach * Math.cos(angle) : left - reach;
      const y = partner ? (partner.y || 0) + reach * Math.sin(angle) : top + reach * index;
      const node = {
        id: ghost.id, label: ghost.label, url: ghost.url, ghost: true, colour: "#ffffff", degree: 0, x, y,
        sector_label: `Named only in ${comparison.before.name}`,
      };
      if (colouring) node.answer = `Not in ${comparison.after.name}'s network`;
      data.nodes.push(node);
      at[ghost.id] = node;
    });
    data.ties = data.ties
      .filter((t) => t.origin !== "surveyed")
      .map((t) => (t.origin === "both" ? Object.assign({}, t, { origin: "recorded" }) : t));
    comparison.pairs.forEach((p) => {
      data.ties.push({ id: `c${p.source}-${p.target}`, source: p.source, target: p.target, change: p.change, status: "active", directed: true, weight: 2 });
    });
    container.dataset.compared = String(comparison.pairs.length);
    return data;
  }

  // Sizes go in with the elements: restyling 2,000 nodes after the first draw costs a second.
  function elementsFrom(data, metric) {
    const sizes = sizesOf(data.nodes, metric);
    const nodes = data.nodes.map((n, i) => ({
      group: "nodes",
      data: Object.assign({}, n, { id: String(n.id), size: sizes[i] }),
      position: n.x === undefined || n.x === null ? undefined : { x: n.x, y: n.y },
    }));
    const edges = data.ties.map((t) => ({
      group: "edges",
      // A surveyed pair with no recorded tie has no id: its ends name it.
      data: Object.assign({}, t, {
        id: t.id === null || t.id === undefined ? `s${t.source}-${t.target}` : "t" + t.id,
        source: String(t.source),
        target: String(t.target),
      }),
    }));
    return nodes.concat(edges);
  }

  function value(id) {
    const el = document.getElementById(id);
    return el ? el.value : "";
  }

  function checkedStatuses() {
    return Array.from(document.querySelectorAll("input[name=tie-status]:checked")).map((el) => el.value);
  }

  function filtersSet() {
    const boxes = document.querySelectorAll("input[name=tie-status]");
    const allStatuses = Array.from(boxes).every((box) => box.checked);
    return Boolean(value("filter-sector") || value("filter-community") || value("filter-owner") || !allStatuses);
  }

  // Stakeholders in the analysis, of which the map may draw only the best connected.
  let analysed = 0;

  function sayShowing(cy) {
    const shown = cy.nodes().not(".hidden");
    const count = (n) => n.toLocaleString("en");
    // A stakeholder drawn only for a lost tie (wave over wave) is not in the view's network.
    const onMap = cy.nodes().not("[?ghost]").length;
    const of = analysed > onMap ? `the ${count(onMap)} on the map (of ${count(analysed)})` : count(onMap);
    say(`Showing ${count(shown.not("[?ghost]").length)} of ${of} stakeholders and ${count(cy.edges().not(".hidden").length)} ties.`);
    return shown;
  }

  function applyFilters(cy, ego) {
    const sector = value("filter-sector");
    const community = value("filter-community");
    const owner = value("filter-owner");
    const statuses = new Set(checkedStatuses());
    cy.batch(() => {
      cy.elements().removeClass("hidden");
      cy.nodes().forEach((n) => {
        const off =
          (sector && n.data("sector") !== sector) ||
          (community && String(n.data("community")) !== community) ||
          (ego && !ego.has(n.id()));
        if (off) n.addClass("hidden");
      });
      cy.edges().forEach((e) => {
        const off =
          !statuses.has(e.data("status")) ||
          (owner && String(e.data("owner_id")) !== owner) ||
          e.source().hasClass("hidden") ||
          e.target().hasClass("hidden");
        if (off) e.addClass("hidden");
      });
      if (owner) {
        // Showing one member's ties: keep only the stakeholders those ties reach.
        cy.nodes().forEach((n) => {
          if (n.connectedEdges().filter((e) => !e.hasClass("hidden")).length === 0) n.addClass("hidden");
        });
      }
    });
    return sayShowing(cy);
  }

  // Labels. At the zoom that fits the drawn nodes, the larger nodes are named (all of them when
  // few are drawn); zooming in names more of them, and at twice the fitted zoom all. Names keep
  // about 11 px on screen whatever the zoom.
  const LABEL_FONT_PX = 11;
  const ALL_LABELS_BELOW = 30;
  const LABELLED_SHARE = 0.15;
  const labelState = { fitZoom: 1 };

  function updateLabels(cy) {
    const shown = cy.nodes().not(".hidden");
    const ratio = cy.zoom() / (labelState.fitZoom || 1);
    let named = shown;
    if (shown.length > ALL_LABELS_BELOW && ratio < 2) {
      const wanted = Math.max(ALL_LABELS_BELOW, Math.ceil(shown.length * LABELLED_SHARE * ratio * ratio));
      const bySize = shown.sort((a, b) => b.data("size") - a.data("size") || (a.id() < b.id() ? -1 : 1));
      named = bySize.slice(0, wanted);
    }
    const font = Math.min(60, Math.max(4, LABEL_FONT_PX / cy.zoom()));
    cy.batch(() => {
      cy.nodes(".labelled").difference(named).removeClass("labelled");
      named.forEach((n) => {
        if (n.data("font") !== font) n.data("font", font);
      });
      named.addClass("labelled");
    });
    container.dataset.labelled = String(named.length);
  }

  // Fit the view to `eles` and remember the zoom the labels count from.
  function fitTo(cy, eles, padding) {
    cy.fit(eles, padding);
    labelState.fitZoom = cy.zoom();
    updateLabels(cy);
  }

  // A filtered or ego view lays its own nodes out afresh to fill the map; the whole network goes
  // back to its stored layout. `container.dataset.layout` says which is shown ("whole" or "view").
  function layOut(cy, shown, whole) {
    const done = () => {
      container.dataset.layout = whole ? "whole" : "view";
      fitTo(cy, shown, 30);
    };
    if (whole) {
      cy.nodes().positions((n) => n.scratch("home") || n.position());
      done();
      return;
    }
    if (!shown.length) {
      done();
      return;
    }
    const eles = shown.union(shown.edgesWith(shown).not(".hidden"));
    const layout = eles.layout({ name: "cose", animate: false, randomize: true, numIter: 600, fit: false, nodeDimensionsIncludeLabels: false });
    layout.one("layoutstop", done);
    layout.run();
  }

  // The figures above the map are the whole network's; say when the map shows less.
  function sayScope(cy, whole) {
    const note = document.getElementById("figures-scope");
    if (!note) return;
    if (whole) {
      note.textContent = note.dataset.whole;
      return;
    }
    const nodes = cy.nodes().not(".hidden").length;
    const ties = cy.edges().not(".hidden").length;
    const count = (n) => n.toLocaleString("en");
    note.textContent = `${note.dataset.whole} This view: ${count(nodes)} stakeholder${nodes === 1 ? "" : "s"} and ${count(ties)} tie${ties === 1 ? "" : "s"}.`;
  }

  function row(term, detail, meaning) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = detail;
    if (meaning) {
      const small = document.createElement("small");
      small.className = "muted";
      small.textContent = " " + meaning;
      dd.appendChild(small);
    }
    return [dt, dd];
  }

  function showPanel(node) {
    if (!panel) return;
    const d = node.data();
    panel.querySelector("[data-field=name]").textContent = d.label;
    panel.querySelector("[data-field=sector]").textContent = d.sector_label || "No sector";
    const link = panel.querySelector("[data-field=link]");
    link.href = d.url;
    link.textContent = "Open " + d.label;
    const facts = panel.querySelector("[data-field=facts]");
    facts.replaceChildren();
    const b = d.brokerage || {};
    const roles = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison"]
      .filter((r) => b[r])
      .map((r) => `${r} ${b[r]}`)
      .join(", ");
    const rows = [
      row("Degree", format(d.degree), "ties to other stakeholders"),
      row("Betweenness", format(d.betweenness_normalized), "share of shortest paths between others through it"),
      row("Constraint", format(d.constraint), "lower: contacts who don't know each other"),
      row("Effective size", format(d.effective_size, 1), "non-redundant contacts"),
      row("Eigenvector", format(d.eigenvector), "tied to well-tied stakeholders"),
      row("Community", d.community === null || d.community === undefined ? "—" : String(d.community_name || d.community)),
      row("Brokerage", roles || "none", b.total ? `(${b.total} brokered pairs)` : ""),
    ];
    if (d.answer !== undefined) rows.unshift(row(colourLabel || "Answer", d.answer));
    rows.forEach((pair) => facts.append(...pair));
    panel.hidden = false;
    panel.dataset.node = node.id();
  }

  // Of the visible nodes whose disc, widened by `slop` pixels, covers `point` (rendered pixels),
  // the one whose centre is nearest; null when none does.
  function nearestNode(cy, point, slop) {
    if (!point) return null;
    let best = null;
    let bestDistance = Infinity;
    cy.nodes().not(".hidden").forEach((node) => {
      const at = node.renderedPosition();
      const distance = Math.hypot(at.x - point.x, at.y - point.y);
      if (distance <= node.renderedWidth() / 2 + slop && distance < bestDistance) {
        best = node;
        bestDistance = distance;
      }
    });
    return best;
  }

  function centreOn(cy, node) {
    cy.nodes().removeClass("found");
    node.addClass("found");
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.6) }, { duration: 250 });
  }

  function neighbourhoodIds(nodes) {
    const ids = new Set();
    nodes.closedNeighborhood().nodes().forEach((n) => ids.add(n.id()));
    return ids;
  }

  function start(data) {
    analysed = data.total || data.nodes.length;
    withOverlays(data);
    if (!data.nodes.length) {
      say("No stakeholders to draw yet.");
      return;
    }
    // A subset (one partnership's partners) is laid out afresh from the stored places, to fill the map.
    const positioned = !container.dataset.subset && data.nodes.every((n) => n.x !== undefined && n.x !== null);
    const metric = document.getElementById("size-metric");
    const cy = window.cytoscape({
      container,
      elements: elementsFrom(data, metric ? metric.value : "degree"),
      style: buildStyle(),
      layout: positioned
        ? { name: "preset", fit: true, padding: 20 }
        : { name: "cose", animate: false, numIter: 400, randomize: false, fit: true, padding: 20 },
      hideEdgesOnViewport: true,
      textureOnViewport: true,
      motionBlur: false,
      pixelRatio: 1,
      minZoom: 0.05,
      maxZoom: 6,
      selectionType: "single",
      boxSelectionEnabled: false,
    });
    window.cy = cy;
    cy.nodes().forEach((n) => n.scratch("home", Object.assign({}, n.position())));
    let ego = null;
    if (metric) {
      metric.addEventListener("change", () => {
        sizeNodes(cy, metric.value);
        updateLabels(cy);
      });
    }
    let pending = 0;
    cy.on("zoom", () => {
      if (pending) return;
      pending = window.requestAnimationFrame(() => {
        pending = 0;
        updateLabels(cy);
      });
    });

    const refilter = () => {
      const shown = applyFilters(cy, ego);
      const whole = !ego && !filtersSet();
      sayScope(cy, whole);
      layOut(cy, shown, whole);
    };
    if (controls) {
      controls.addEventListener("change", (event) => {
        if (event.target.id !== "size-metric" && event.target.id !== "map-search-input") refilter();
      });
    }
    // A reload may restore the form's choices; otherwise every element is already shown.
    if (filtersSet()) refilter();
    else {
      sayShowing(cy);
      container.dataset.layout = "whole";
      labelState.fitZoom = cy.zoom();
      updateLabels(cy);
    }

    // Cytoscape keeps where its container is on the page and refreshes that only when the window
    // resizes or scrolls; when something above the map changes height (the analysis state, the
    // bell, a folded menu, the panel), a tap would be read at the old place and pick another node.
    if (typeof ResizeObserver === "function") {
      let top = container.getBoundingClientRect().top;
      const moved = () => {
        const now = container.getBoundingClientRect().top;
        if (now !== top) {
          top = now;
          cy.resize();
        }
      };
      new ResizeObserver(() => cy.resize()).observe(container);
      new ResizeObserver(moved).observe(document.body);
    }
    container.addEventListener("pointerdown", () => cy.resize(), { capture: true, passive: true });

    // A tap picks the node whose centre is nearest the point among those drawn under it (nodes
    // overlap, and Cytoscape would pick the one drawn on top: a tap on the middle of City of
    // Riverton opened a council member drawn over its edge); a fingertip also reaches a little
    // beyond a small node's disc.
    cy.on("tap", (event) => {
      const original = event.originalEvent;
      const touch = Boolean(original) && (original.pointerType === "touch" || original.type.startsWith("touch"));
      const node = nearestNode(cy, event.renderedPosition, touch ? TOUCH_SLOP : 0)
        || (event.target !== cy && event.target.isNode() ? event.target : null);
      if (node) {
        cy.nodes().unselect();
        node.select();
        showPanel(node);
      } else if (event.target === cy && panel) {
        panel.hidden = true;
      }
    });

    const search = document.getElementById("map-search");
    if (search) {
      search.addEventListener("submit", (event) => {
        event.preventDefault();
        const query = value("map-search-input").trim().toLowerCase();
        if (!query) return;
        const matches = cy.nodes().filter((n) => n.data("label").toLowerCase().includes(query));
        const exact = matches.filter((n) => n.data("label").toLowerCase() === query);
        const node = (exact.length ? exact : matches).not(".hidden").first();
        if (!node.length) {
          say(`No stakeholder on the map matches “${query}”.`);
          return;
        }
        cy.nodes().unselect();
        node.select();
        centreOn(cy, node);
        showPanel(node);
      });
    }

    function setView(kind) {
      if (kind === "city") {
        const own = cy.nodes("[?internal]");
        ego = own.length ? neighbourhoodIds(own) : new Set();
        if (!own.length) say("No stakeholder is marked as part of the city.");
      } else if (kind === "selected") {
        const chosen = cy.nodes(":selected");
        const id = panel && panel.dataset.node;
        const node = chosen.length ? chosen : id ? cy.getElementById(id) : cy.collection();
        ego = node.length ? neighbourhoodIds(node) : null;
      } else {
        ego = null;
      }
      document.querySelectorAll("[data-view]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.view === kind)));
      refilter();
    }
    document.querySelectorAll("[data-view]").forEach((button) => {
      button.addEventListener("click", () => setView(button.dataset.view));
    });
    const egoButton = panel && panel.querySelector("[data-action=ego]");
    if (egoButton) egoButton.addEventListener("click", () => setView("selected"));

    const options = document.getElementById("map-search-options");
    if (options) {
      const fragment = document.createDocumentFragment();
      cy.nodes().forEach((n) => {
        const option = document.createElement("option");
        option.value = n.data("label");
        fragment.appendChild(option);
      });
      options.replaceChildren(fragment);
    }
    // Arriving from a stakeholder's page (?focus=<id>): select and centre that stakeholder.
    const focus = new URLSearchParams(window.location.search).get("focus");
    const focused = focus ? cy.getElementById(focus) : cy.collection();
    if (focused.length) {
      focused.select();
      centreOn(cy, focused);
      showPanel(focused);
    }
    container.dataset.ready = "true";
    container.dataset.nodes = String(cy.nodes().length);
  }

  if (controls) controls.hidden = false;
  say("Loading the map…");
  fetch(container.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error(`The map data could not be loaded (HTTP ${response.status}).`);
      return response.json();
    })
    .then(start)
    .catch((error) => say(error.message));
})();
