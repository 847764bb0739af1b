/* geomap footprint map: builds layers from the JSON data block. Article text is untrusted:
   it is only ever inserted with textContent, never as HTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("geomap-data").textContent);
  var map = window[DATA.map];
  var STATUS_STYLE = {
    operational: {fill: 0.9, dash: null}, completed: {fill: 0.9, dash: null},
    under_construction: {fill: 0.45, dash: null}, reactivated: {fill: 0.7, dash: null},
    signed: {fill: 0.25, dash: null}, announced: {fill: 0.0, dash: null},
    negotiating: {fill: 0.0, dash: "3 3"}, offered: {fill: 0.0, dash: "3 3"},
    stalled: {fill: 0.0, dash: "1 4", grey: true}, suspended: {fill: 0.0, dash: "1 4", grey: true},
    cancelled: {fill: 0.0, dash: "1 4", grey: true}, unknown: {fill: 0.15, dash: "2 2"}
  };
  var IN_FORCE = {operational: 1, completed: 1, under_construction: 1, reactivated: 1, signed: 1};

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function row(parent, label, value) {
    if (value === undefined || value === null || value === "" || (value.length === 0)) return;
    var p = el("div", null, "gm-row");
    p.appendChild(el("b", label + ": "));
    p.appendChild(document.createTextNode(Array.isArray(value) ? value.join(", ") : String(value)));
    parent.appendChild(p);
  }
  function safeUrl(url) {
    try {
      var u = new URL(url);
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (e) { return null; }
  }
  function evidenceBlock(parent, evidence) {
    if (!evidence || !evidence.length) return;
    parent.appendChild(el("div", "Evidence", "gm-head"));
    evidence.forEach(function (ev) {
      var art = DATA.articles[ev.article] || {title: ev.article};
      var box = el("div", null, "gm-ev");
      box.appendChild(el("q", ev.quote));
      var src = el("div", null, "gm-src");
      var label = art.title + (art.published ? " (" + art.published + ")" : "");
      var href = art.url ? safeUrl(art.url) : null;
      if (href) {
        var a = el("a", label);
        a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
        src.appendChild(a);
      } else {
        src.appendChild(el("span", label));
      }
      src.appendChild(el("span", " · " + ev.article + " [" + ev.start + "–" + ev.end + "]" +
        " · " + ev.status + (ev.year ? " " + ev.year : "") + (ev.speculative ? " · speculative" : ""), "gm-muted"));
      box.appendChild(src);
      parent.appendChild(box);
    });
  }
  function facilityPopup(f) {
    var box = el("div", null, "gm-popup");
    box.appendChild(el("div", f.name, "gm-title"));
    row(box, "Kind", f.kind.replace(/_/g, " "));
    row(box, "Supplier → host", f.supplier_name + " → " + f.host_name);
    row(box, "Operators", f.operators);
    row(box, "Equipment", f.equipment);
    row(box, "Status", f.status.replace(/_/g, " ") + (f.year ? " (" + f.year + ")" : ""));
    row(box, "Location", f.place_name + " — precision: " + f.precision);
    if (f.precision === "country" || f.precision === "region") {
      box.appendChild(el("div", "Location known only to " + f.precision + " level: the marker is not a pinpoint.", "gm-warn"));
    }
    if (f.curated) box.appendChild(el("div", "Curated by an analyst", "gm-warn"));
    var hist = el("div", null, "gm-row");
    hist.appendChild(el("b", "History: "));
    hist.appendChild(document.createTextNode(f.history.map(function (h) {
      return (h.year || "n.d.") + " " + h.status.replace(/_/g, " ");
    }).join("; ")));
    box.appendChild(hist);
    evidenceBlock(box, f.evidence);
    return box;
  }
  function linkPopup(r) {
    var box = el("div", null, "gm-popup");
    box.appendChild(el("div", r.supplier_name + " → " + r.recipient_name + ": " + r.kind.replace(/_/g, " "), "gm-title"));
    row(box, "Status", r.status.replace(/_/g, " ") + (r.year ? " (" + r.year + ")" : ""));
    row(box, "Equipment", r.equipment);
    row(box, "Organisations", r.organizations);
    row(box, "Reports", r.evidence.length);
    if (r.speculative) box.appendChild(el("div", "Speculative: a forecast, scenario or possibility, not a reported fact.", "gm-warn"));
    if (r.curated) box.appendChild(el("div", "Curated by an analyst", "gm-warn"));
    evidenceBlock(box, r.evidence);
    return box;
  }

  var canvas = L.canvas({padding: 0.5});
  // Base map: Natural Earth countries, readable with no tiles at all.
  map.createPane("gm-base"); map.getPane("gm-base").style.zIndex = 200;
  L.geoJSON(DATA.countries, {pane: "gm-base", interactive: false,
    style: {color: "#ffffff", weight: 0.6, fillColor: "#d9d9d9", fillOpacity: 1}}).addTo(map);

  // Recipient countries shaded by the number of suppliers present.
  var shading = window[DATA.recipient_layer];
  L.geoJSON(DATA.recipient_shapes, {
    style: function (feat) {
      var n = feat.properties.suppliers.length;
      return {color: "#555555", weight: 0.8, fillColor: "#7a5195", fillOpacity: Math.min(0.15 + 0.15 * n, 0.6)};
    },
    onEachFeature: function (feat, layer) {
      var tip = el("div", null, "gm-tip");
      tip.appendChild(el("b", feat.properties.name));
      feat.properties.suppliers.forEach(function (s) {
        tip.appendChild(el("div", s.name + ": " + s.kinds.join(", ")));
      });
      layer.bindTooltip(tip, {sticky: true});
    }
  }).addTo(shading);

  DATA.links.forEach(function (r) {
    var group = window[DATA.layers[r.supplier]];
    var color = DATA.colors[r.supplier];
    var line = L.polyline(r.coords, {color: color, weight: Math.min(2 + r.evidence.length, 8), opacity: 0.85,
      dashArray: IN_FORCE[r.status] ? null : "6 6", renderer: canvas});
    line.bindPopup(function () { return linkPopup(r); }, {maxWidth: 420});
    line.addTo(group);
    if (r.arrow) L.polygon(r.arrow, {color: color, weight: 1, fillColor: color, fillOpacity: 1, renderer: canvas}).addTo(group);
  });
  DATA.facilities.forEach(function (f) {
    var group = window[DATA.layers[f.supplier]];
    var color = DATA.colors[f.supplier];
    var st = STATUS_STYLE[f.status] || STATUS_STYLE.unknown;
    var vague = f.precision === "country" || f.precision === "region" || f.precision === "admin";
    if (vague) {
      L.circle([f.lat, f.lon], {radius: f.precision === "admin" ? 15000 : 120000, color: color, weight: 1,
        dashArray: "4 4", fill: false, interactive: false, renderer: canvas}).addTo(group);
    }
    var marker = L.circleMarker([f.lat, f.lon], {radius: vague ? 7 : 8, color: st.grey ? "#777777" : color,
      weight: 3, dashArray: st.dash, fillColor: color, fillOpacity: vague ? 0 : st.fill, renderer: canvas});
    marker.bindPopup(function () { return facilityPopup(f); }, {maxWidth: 420});
    marker.bindTooltip(f.name + " (" + f.supplier_name + ")");
    marker.addTo(group);
  });
  var placesGroup = window[DATA.places_layer];
  DATA.places.forEach(function (p) {
    L.circleMarker([p.lat, p.lon], {radius: 3, color: "#333333", weight: 1, fillOpacity: 0.6, renderer: canvas})
      .bindTooltip(p.name + " (" + p.kind + ", " + p.mentions + " mention" + (p.mentions === 1 ? "" : "s") + ")")
      .addTo(placesGroup);
  });

  // Title, legend and sources.
  var info = L.control({position: "topleft"});
  info.onAdd = function () {
    var box = el("div", null, "gm-panel gm-titlebox");
    box.appendChild(el("div", DATA.title, "gm-maptitle"));
    box.appendChild(el("div", DATA.subtitle, "gm-muted"));
    return box;
  };
  info.addTo(map);
  var legend = L.control({position: "bottomleft"});
  legend.onAdd = function () {
    var box = el("div", null, "gm-panel gm-legend");
    box.appendChild(el("div", "Suppliers", "gm-head"));
    DATA.suppliers.forEach(function (s) {
      var item = el("div", null, "gm-legend-item");
      var sw = el("span", null, "gm-swatch"); sw.style.background = s.color;
      item.appendChild(sw); item.appendChild(document.createTextNode(s.name + " (" + s.count + ")"));
      box.appendChild(item);
    });
    box.appendChild(el("div", "Markers", "gm-head"));
    [["gm-dot gm-solid", "operational / completed"], ["gm-dot gm-half", "signed / under construction"],
     ["gm-dot gm-hollow", "announced / negotiating / offered"], ["gm-dot gm-grey", "stalled / suspended / cancelled"],
     ["gm-dot gm-ring", "location known only to district or country level"]].forEach(function (x) {
      var item = el("div", null, "gm-legend-item"); item.appendChild(el("span", null, x[0]));
      item.appendChild(document.createTextNode(x[1])); box.appendChild(item);
    });
    box.appendChild(el("div", "Links: solid = in force, dashed = not yet in force; width = number of reports", "gm-muted"));
    var shade = el("div", null, "gm-legend-item"); var sw = el("span", null, "gm-swatch"); sw.style.background = "#7a5195";
    sw.style.opacity = 0.45; shade.appendChild(sw); shade.appendChild(document.createTextNode("recipient country (darker: more suppliers)"));
    box.appendChild(shade);
    var src = el("details", null, "gm-sources");
    src.appendChild(el("summary", "Sources (" + Object.keys(DATA.articles).length + " articles)"));
    Object.keys(DATA.articles).sort().forEach(function (id) {
      var a = DATA.articles[id];
      src.appendChild(el("div", a.title + (a.published ? " (" + a.published + ")" : "") + " — " + id));
    });
    box.appendChild(src);
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
  window.geomap = {data: DATA, map: map};
})();
