/* geomap footprint map: draws the records of the JSON data block.

   Facilities and links are drawn on one canvas (no DOM element per record), hit-tested for
   popups and tooltips, and filtered by the supplier layers and the year range. Article text is
   untrusted: it is only ever inserted with textContent, never as HTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("geomap-data").textContent);
  var map = window[DATA.map];
  if (DATA.bounds) map.fitBounds(DATA.bounds, {animate: false});

  // ---------------------------------------------------------------- vocabulary
  var STATUS_ORDER = DATA.statuses;  // geomap.model.STATUS_ORDER: a later status describes a report better
  // The look shared with the static maps and KML: geomap/render/style.py, sent as DATA.style.
  var STYLE = DATA.style, STATUS_CLASS = STYLE.status_class, CLASS_ORDER = STYLE.class_order,
    CLASS_LABEL = STYLE.class_label, IN_FORCE = STYLE.in_force, GLYPHS = STYLE.glyphs;
  var PATHS = {};
  Object.keys(GLYPHS).forEach(function (k) { PATHS[k] = new Path2D(GLYPHS[k][1]); });
  var GLYPH_SCALE = 0.9;  // 18 px glyphs
  var COLORS = {};
  DATA.suppliers.forEach(function (s) { COLORS[s.code] = s.color; });

  function cname(cc) { return DATA.countries[cc] || cc; }
  // Records arrive as rows (compact at scale). Their evidence rows, [quote, status, year?,
  // speculative?], point to a quoted passage: its article is DATA.quote_articles[quote]; the
  // passage itself, [text, start, end?], is unpacked from its own block when a popup needs it.
  function records(rows, fields) {
    return rows.map(function (row) {
      var rec = {};
      for (var i = 0; i < fields.length; i++) rec[fields[i]] = row[i];
      return rec;
    });
  }
  DATA.facilities = records(DATA.facilities, DATA.facility_fields);
  DATA.links = records(DATA.links, DATA.link_fields);
  var ARTICLE_YEAR = DATA.articles.map(function (a) { return a[2] ? parseInt(a[2].slice(0, 4), 10) : null; });
  function evStatus(e) { return DATA.statuses[e[1]]; }
  function evYear(e) {  // the year a report gives, else the year its article was published
    return e[2] !== undefined && e[2] !== null ? e[2] : ARTICLE_YEAR[DATA.quote_articles[e[0]]];
  }
  function evidenceOf(rec, passages) {  // [article, quote, start, end, status, year given, speculative]
    return rec.evidence.map(function (e) {
      var q = passages[e[0]], end = q.length > 2 ? q[2] : q[1] + Array.from(q[0]).length;
      return [DATA.quote_articles[e[0]], q[0], q[1], end, evStatus(e), e[2] === undefined ? null : e[2], e[3] || 0];
    });
  }
  // The passages block: JSON, deflated and base64-encoded (most of a big map's bytes), unpacked
  // by the browser's own DecompressionStream the first time a popup needs it.
  var passages = null, passagesLoading = null;
  function base64Bytes(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    var binary = atob(text), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  function withPassages(done) {  // done(passages) now if unpacked, else once they are; done(null) if they cannot be
    if (passages) return done(passages);
    if (!passagesLoading) {
      passagesLoading = new Promise(function (resolve) {
        var packed = document.getElementById("geomap-passages").textContent.trim();
        var stream = new Blob([base64Bytes(packed)]).stream().pipeThrough(new DecompressionStream("deflate"));
        resolve(new Response(stream).text());
      }).then(function (text) { passages = JSON.parse(text); return passages; }, function () { return null; });
    }
    passagesLoading.then(done);
  }
  function historyOf(rec) {  // distinct (year, status) of its reports, in order
    var seen = {}, out = [];
    rec.evidence.forEach(function (e) {
      var y = evYear(e), s = evStatus(e), key = y + s;
      if (!seen[key]) { seen[key] = 1; out.push([y, s]); }
    });
    return out.sort(function (a, b) { return (a[0] || 0) - (b[0] || 0) || STATUS_ORDER.indexOf(a[1]) - STATUS_ORDER.indexOf(b[1]); });
  }
  function words(s) { return String(s).replace(/_/g, " "); }

  // ---------------------------------------------------------------- DOM helpers (text only)
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
      node.dir = "auto";  // a bidi isolate: a stray override in article text cannot reorder the text around it
    }
    if (cls) node.className = cls;
    return node;
  }
  function row(parent, label, value) {
    if (value === undefined || value === null || value === "" || value.length === 0) return;
    var p = el("div", null, "gm-row");
    p.appendChild(el("b", label + ": "));
    p.appendChild(el("span", Array.isArray(value) ? value.join(", ") : String(value)));
    parent.appendChild(p);
  }
  function safeUrl(url) {
    try {
      var u = new URL(url);
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (e) { return null; }
  }
  function articleLabel(a) { return a[1] + (a[2] ? " (" + a[2] + ")" : ""); }
  function articleLink(a) {
    var href = a[3] ? safeUrl(a[3]) : null;
    if (!href) return el("span", articleLabel(a));
    var link = el("a", articleLabel(a));
    link.href = href; link.target = "_blank"; link.rel = "noopener noreferrer";
    return link;
  }

  // ---------------------------------------------------------------- records: years, status, geometry
  var PROJ = Math.PI / 180;
  function project(lat, lon, out) {  // Web Mercator at zoom 0 (256 px world), like map.project(…, 0)
    var s = Math.sin(Math.max(Math.min(lat, 85.0511287798), -85.0511287798) * PROJ);
    out.push(256 * (lon / 360 + 0.5), 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)));
  }
  function greatCircle(a, b) {  // flat [lat, lon, …] along the great circle, continuous across ±180°
    var p1 = a[0] * PROJ, l1 = a[1] * PROJ, p2 = b[0] * PROJ, l2 = b[1] * PROJ;
    var d = 2 * Math.asin(Math.sqrt(Math.pow(Math.sin((p2 - p1) / 2), 2) +
      Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin((l2 - l1) / 2), 2)));
    if (d < 1e-9) return [a[0], a[1], b[0], b[1]];
    var n = Math.max(2, Math.min(24, Math.ceil(d / PROJ / 5))), out = [], prev = null;
    for (var i = 0; i <= n; i++) {
      var f = i / n, A = Math.sin((1 - f) * d) / Math.sin(d), B = Math.sin(f * d) / Math.sin(d);
      var x = A * Math.cos(p1) * Math.cos(l1) + B * Math.cos(p2) * Math.cos(l2);
      var y = A * Math.cos(p1) * Math.sin(l1) + B * Math.cos(p2) * Math.sin(l2);
      var z = A * Math.sin(p1) + B * Math.sin(p2);
      var lat = Math.atan2(z, Math.sqrt(x * x + y * y)) / PROJ, lon = Math.atan2(y, x) / PROJ;
      if (prev !== null) { while (lon - prev > 180) lon -= 360; while (lon - prev < -180) lon += 360; }
      prev = lon;
      out.push(lat, lon);
    }
    // Anchor the arc at its recipient end: the arrowhead lands on the map's main copy of the world.
    var shift = out[out.length - 1] - (((b[1] + 540) % 360) - 180);
    if (shift) for (i = 1; i < out.length; i += 2) out[i] -= shift;
    return out;
  }
  function prepare(rec) {  // the years its reports span
    var lo = rec.year, hi = rec.year, ev = rec.evidence;
    for (var i = 0; i < ev.length; i++) {
      var y = evYear(ev[i]);
      if (y !== null && y !== undefined) { lo = lo === null || y < lo ? y : lo; hi = hi === null || y > hi ? y : hi; }
    }
    rec.y0 = lo; rec.y1 = hi;
  }
  DATA.facilities.forEach(function (f) {
    prepare(f);
    var p = []; project(f.lat, f.lon, p); f.px = p[0]; f.py = p[1];
    f.vague = f.precision === "country" || f.precision === "region" || f.precision === "admin";
  });
  DATA.links.forEach(function (r) {
    prepare(r);
    r.from = r.from || DATA.origins[r.supplier];
    r.geo = r.from.join() + ">" + r.to.join();
    r.width = linkWidth(r.evidence.length);
  });
  function shape(arc) {  // an arc [lat, lon, …], its points projected at zoom 0 and their box
    var pts = [], x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (var i = 0; i < arc.length; i += 2) project(arc[i], arc[i + 1], pts);
    for (i = 0; i < pts.length; i += 2) {
      x0 = Math.min(x0, pts[i]); x1 = Math.max(x1, pts[i]); y0 = Math.min(y0, pts[i + 1]); y1 = Math.max(y1, pts[i + 1]);
    }
    return {arc: arc, pts: pts, box: [x0, y0, x1, y1]};
  }
  function linkShape(r) {  // computed when first needed
    if (!r.shape) r.shape = shape(greatCircle(r.from, r.to));
    return r.shape;
  }
  var YEARS = {lo: null, hi: null};
  DATA.facilities.concat(DATA.links).forEach(function (r) {
    if (r.y0 !== null) { YEARS.lo = YEARS.lo === null ? r.y0 : Math.min(YEARS.lo, r.y0); YEARS.hi = YEARS.hi === null ? r.y1 : Math.max(YEARS.hi, r.y1); }
  });

  // ---------------------------------------------------------------- filter state
  var state = {suppliers: {}, from: YEARS.lo, to: YEARS.hi, undated: true};
  var shownFacilities = [], shownLinks = [], shownRecipients = [];
  function inRange(rec) {
    if (rec.y0 === null) return state.undated;
    return (state.from === null || rec.y1 >= state.from) && (state.to === null || rec.y0 <= state.to);
  }
  function isShown(rec) { return !!state.suppliers[rec.supplier] && inRange(rec); }
  function statusAsOf(rec) {  // the status its reports give up to the end of the year range
    if (rec.y1 === null || state.to === null || state.to >= rec.y1) return rec.status;
    var best = null;
    rec.evidence.forEach(function (e) {
      var y = evYear(e), s = evStatus(e);
      if (y === null || y > state.to || s === "unknown") return;
      if (!best || y > best[0] || (y === best[0] && STATUS_ORDER.indexOf(s) > STATUS_ORDER.indexOf(best[1]))) best = [y, s];
    });
    return best ? best[1] : rec.status;
  }

  // ---------------------------------------------------------------- drawing
  var hatches = {};
  function hatch(ctx, color) {
    if (!hatches[color]) {
      var c = document.createElement("canvas"); c.width = c.height = 6;
      var g = c.getContext("2d");
      g.fillStyle = "#ffffff"; g.fillRect(0, 0, 6, 6);
      g.strokeStyle = color; g.lineWidth = 2;
      g.beginPath(); g.moveTo(-1, 7); g.lineTo(7, -1); g.moveTo(-1, 1); g.lineTo(1, -1); g.moveTo(5, 7); g.lineTo(7, 5); g.stroke();
      hatches[color] = ctx.createPattern(c, "repeat");
    }
    return hatches[color];
  }
  // Records are drawn in batches: one path per style (supplier colour, status class, width), so
  // tens of thousands of records cost a few hundred canvas calls.
  function glyphs(ctx, kind, cls, color, points, scale) {  // points: flat [x, y, …]
    var path = PATHS[kind] || PATHS.other, shape = new Path2D(), cross = cls === "halted" ? new Path2D() : null;
    for (var i = 0; i < points.length; i += 2) {
      var x = points[i], y = points[i + 1];
      shape.addPath(path, new DOMMatrix([scale, 0, 0, scale, x, y]));
      if (cross) {
        var d = 9 * scale;
        cross.moveTo(x - d, y - d); cross.lineTo(x + d, y + d); cross.moveTo(x + d, y - d); cross.lineTo(x - d, y + d);
      }
    }
    ctx.save();
    ctx.lineJoin = "round";
    if (cls === "active") {
      ctx.fillStyle = color; ctx.fill(shape);
      ctx.strokeStyle = "#1a1a1a"; ctx.lineWidth = 1.2; ctx.stroke(shape);
    } else if (cls === "building") {
      ctx.fillStyle = hatch(ctx, color); ctx.fill(shape);
      ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.stroke(shape);
    } else if (cls === "planned") {
      ctx.fillStyle = "#ffffff"; ctx.fill(shape);
      ctx.setLineDash([3, 2]); ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.stroke(shape);
    } else if (cls === "halted") {
      ctx.fillStyle = "#c8c8c8"; ctx.fill(shape);
      ctx.strokeStyle = "#555555"; ctx.lineWidth = 1.5; ctx.stroke(shape);
      ctx.strokeStyle = "#222222"; ctx.lineWidth = 2; ctx.stroke(cross);
    } else {
      ctx.fillStyle = "#ffffff"; ctx.fill(shape);
      ctx.setLineDash([1, 2]); ctx.strokeStyle = color; ctx.lineWidth = 1.6; ctx.stroke(shape);
    }
    ctx.restore();
  }
  // Each glyph style is drawn once into a cell of one atlas canvas; the glyphs of a draw are then
  // stamped pixel by pixel into one image, put on the canvas in a single call. (A drawImage call
  // costs 50–90 µs in software raster; stamping a glyph, 5–15 µs.)
  var SPRITE = 24, SPECULATIVE_ALPHA = 0.45, ATLAS_COLUMNS = 32, RATIO = L.Browser.retina ? 2 : 1;  // Leaflet's canvas scale
  var atlas = {canvas: null, ctx: null, cells: {}, count: 0, pixels: null, runs: {}};
  function sprite(kind, cls, color) {  // the atlas cell [x, y] (device pixels) of this style
    var key = kind + " " + cls + " " + color, cell = atlas.cells[key], size = SPRITE * RATIO;
    if (cell) return cell;
    var rows = Math.floor(atlas.count / ATLAS_COLUMNS) + 1;
    if (!atlas.canvas || atlas.canvas.height < rows * size) {  // grow by doubling, keeping the cells drawn
      var c = document.createElement("canvas");
      c.width = ATLAS_COLUMNS * size; c.height = Math.max(4, 2 * rows) * size;
      var g = c.getContext("2d", {willReadFrequently: true});
      if (atlas.canvas) g.drawImage(atlas.canvas, 0, 0);
      g.scale(RATIO, RATIO);
      atlas.canvas = c; atlas.ctx = g;
    }
    cell = atlas.cells[key] = [(atlas.count % ATLAS_COLUMNS) * size, Math.floor(atlas.count / ATLAS_COLUMNS) * size];
    atlas.count++;
    atlas.pixels = null;
    var x = cell[0] / RATIO, y = cell[1] / RATIO;
    glyphs(atlas.ctx, kind, cls, color, [x + SPRITE / 2, y + SPRITE / 2], GLYPH_SCALE);  // 20 px at most: no clip needed
    return cell;
  }
  function cellRuns(cell) {  // the cell's visible pixels as runs [row, from, to, opaque?, …]: stamping skips the rest
    var size = SPRITE * RATIO, aw = atlas.canvas.width, src = atlas.pixels, runs = [];
    for (var r = 0; r < size; r++) {
      for (var c = 0; c < size;) {
        var at = 4 * ((cell[1] + r) * aw + cell[0] + c) + 3;
        if (src[at] === 0) { c++; continue; }
        var opaque = src[at] === 255, from = c;
        for (; c < size; c++, at += 4) if (src[at] === 0 || (src[at] === 255) !== opaque) break;
        runs.push(r, from, c, opaque ? 1 : 0);
      }
    }
    return runs;
  }
  // groups: [{cell, alpha, points: flat [x, y, …] in layer points}], stamped in order, each over
  // what is stamped before it ("source over" on straight RGBA, like drawImage), then drawn over
  // the canvas in one call.
  var stampCanvas = null;
  function stampGlyphs(ctx, bounds, groups) {
    var W = ctx.canvas.width, H = ctx.canvas.height, size = SPRITE * RATIO, aw = atlas.canvas.width;
    if (!atlas.pixels) atlas.pixels = atlas.ctx.getImageData(0, 0, aw, atlas.canvas.height).data;
    var src = atlas.pixels, src32 = new Uint32Array(src.buffer), image = new ImageData(W, H), dst = image.data,
      dst32 = new Uint32Array(dst.buffer);
    var left = bounds.min.x + SPRITE / 2, top = bounds.min.y + SPRITE / 2;
    groups.forEach(function (g) {
      var sx = g.cell[0], sy = g.cell[1], alpha = g.alpha, pts = g.points;
      var runs = atlas.runs[g.cell] || (atlas.runs[g.cell] = cellRuns(g.cell));
      for (var i = 0; i < pts.length; i += 2) {
        var dx = Math.round(pts[i] - left) * RATIO, dy = Math.round(pts[i + 1] - top) * RATIO;
        if (dx >= W || dy >= H || dx + size <= 0 || dy + size <= 0) continue;
        for (var k = 0; k < runs.length; k += 4) {
          var y = dy + runs[k], from = Math.max(runs[k + 1], -dx), to = Math.min(runs[k + 2], W - dx);
          if (y < 0 || y >= H || from >= to) continue;
          var s = (sy + runs[k]) * aw + sx + from, d = y * W + dx + from, end = d + to - from;
          if (alpha === 1 && runs[k + 3]) {  // opaque: copied (byte order does not matter)
            for (; d < end; s++, d++) dst32[d] = src32[s];
            continue;
          }
          for (; d < end; s++, d++) {
            var sa = src[4 * s + 3] * alpha, da = dst[4 * d + 3];
            if (da === 0 && alpha === 1) { dst32[d] = src32[s]; continue; }
            var keep = da * (255 - sa) / 255, out = sa + keep, S = 4 * s, D = 4 * d;
            dst[D] = (src[S] * sa + dst[D] * keep) / out; dst[D + 1] = (src[S + 1] * sa + dst[D + 1] * keep) / out;
            dst[D + 2] = (src[S + 2] * sa + dst[D + 2] * keep) / out; dst[D + 3] = out;
          }
        }
      }
    });
    if (!stampCanvas) stampCanvas = document.createElement("canvas");
    stampCanvas.width = W; stampCanvas.height = H;
    stampCanvas.getContext("2d").putImageData(image, 0, 0);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(stampCanvas, 0, 0);
    ctx.restore();
  }
  function ringRadius(f, zoom) {  // metres of the uncertainty, in pixels, never inside the glyph
    var metres = STYLE.ring_metres[f.precision] || STYLE.ring_metres.country;
    var perPixel = 40075016.686 * Math.cos(f.lat * PROJ) / (256 * Math.pow(2, zoom));
    return Math.max(14, metres / perPixel);
  }
  function rings(ctx, circles, color) {  // circles: flat [x, y, r, …]
    var path = new Path2D();
    for (var i = 0; i < circles.length; i += 3) {
      path.moveTo(circles[i] + circles[i + 2], circles[i + 1]);
      path.arc(circles[i], circles[i + 1], circles[i + 2], 0, 2 * Math.PI);
    }
    ctx.save();
    ctx.globalAlpha = 0.12; ctx.fillStyle = color; ctx.fill(path);
    // One pixel: a wider dashed outline takes the general path filler, about three times slower for thousands of rings.
    ctx.globalAlpha = 0.9; ctx.setLineDash([4, 3]); ctx.strokeStyle = color; ctx.lineWidth = 1; ctx.stroke(path);
    ctx.restore();
  }
  function linkWidth(reports) { return STYLE.link_width[Math.min(Math.max(reports, 1), 5) - 1]; }
  // Zoomed out with thousands of arcs, they are fine lines: the same scale shrunk to at most one
  // device pixel, so fewer reports read fainter. (Wider strokes take the general path filler,
  // about ten times slower: 0.25–0.55 s per draw in software raster for 4,600 arcs.)
  function fineWidth(reports) { return linkWidth(reports) / STYLE.link_width[4] / RATIO; }
  var MERGE_ABOVE = 2000, MERGE_BELOW_ZOOM = 4, pairShapes = {};
  function linksMerged() { return shownLinks.length > MERGE_ABOVE && map.getZoom() < MERGE_BELOW_ZOOM; }
  function pairShape(r) {  // the arc from the supplier's point to the recipient country's point
    var key = r.supplier + ">" + r.recipient, to = DATA.points[r.recipient];
    if (!to) return linkShape(r);
    if (!pairShapes[key]) pairShapes[key] = shape(greatCircle(DATA.origins[r.supplier], to));
    return pairShapes[key];
  }
  function linkRank(r) { return (r.speculative ? 0 : r.inForce ? 20 : 10) + r.width; }
  function linkDash(r) { return STYLE.link_dash[r.speculative ? "speculative" : r.inForce ? "in_force" : "pending"]; }
  function lines(ctx, list, color, width, dash, alpha) {  // list of flat [x, y, …] polylines with arrowheads
    var path = new Path2D(), heads = new Path2D(), size = 7 + 1.6 * width;
    list.forEach(function (xy) {
      var n = xy.length;
      path.moveTo(xy[0], xy[1]);
      for (var i = 2; i < n; i += 2) path.lineTo(xy[i], xy[i + 1]);
      if (n < 4) return;
      var dx = xy[n - 2] - xy[n - 4], dy = xy[n - 1] - xy[n - 3], len = Math.sqrt(dx * dx + dy * dy) || 1;
      dx /= len; dy /= len;
      var tx = xy[n - 2] - 11 * dx, ty = xy[n - 1] - 11 * dy;
      heads.moveTo(tx, ty);
      heads.lineTo(tx - size * dx + size * 0.45 * dy, ty - size * dy - size * 0.45 * dx);
      heads.lineTo(tx - size * dx - size * 0.45 * dy, ty - size * dy + size * 0.45 * dx);
      heads.closePath();
    });
    ctx.save();
    ctx.globalAlpha = alpha; ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = width;
    ctx.lineJoin = "bevel"; ctx.setLineDash(dash);
    ctx.stroke(path);
    ctx.fill(heads);
    ctx.restore();
  }

  var drawnFacilities = [], drawnLinks = [];  // what the canvas shows now, in layer points
  function batch(groups, key, make) { return groups[key] || (groups[key] = make()); }
  function drawRecords(ctx, bounds) {
    var zoom = map.getZoom(), scale = Math.pow(2, zoom), origin = map.getPixelOrigin();
    var pad = 40, x0 = (bounds.min.x + origin.x - pad) / scale, y0 = (bounds.min.y + origin.y - pad) / scale,
      x1 = (bounds.max.x + origin.x + pad) / scale, y1 = (bounds.max.y + origin.y + pad) / scale;
    var linkGroups = {}, ringGroups = {}, glyphGroups = {};
    drawnFacilities = []; drawnLinks = [];
    // Links on the same arc (one supplier, several kinds to one country) are drawn once, in the
    // style of the strongest: in force over pending over speculative; width by all their reports.
    // Zoomed out with many links, each supplier→recipient pair is one arc to the country.
    var arcs = {}, arcList = [], merged = linksMerged();
    shownLinks.forEach(function (r) {
      var sh = merged ? pairShape(r) : linkShape(r), key = merged ? r.supplier + ">" + r.recipient : r.geo;
      if (sh.box[2] < x0 || sh.box[0] > x1 || sh.box[3] < y0 || sh.box[1] > y1) return;
      var arc = arcs[key];
      if (!arc) {
        var pts = sh.pts, xy = new Float32Array(pts.length);
        for (var i = 0; i < xy.length; i += 2) { xy[i] = pts[i] * scale - origin.x; xy[i + 1] = pts[i + 1] * scale - origin.y; }
        arc = arcs[key] = {rec: r, xy: xy, reports: 0};
        arcList.push(arc);
      } else if (linkRank(r) > linkRank(arc.rec)) arc.rec = r;
      arc.reports += r.evidence.length;
      drawnLinks.push({rec: r, xy: arc.xy});
    });
    arcList.forEach(function (arc) {
      var r = arc.rec, style = r.speculative ? "s" : r.inForce ? "f" : "p", width = (merged ? fineWidth : linkWidth)(arc.reports);
      batch(linkGroups, style + width + r.supplier, function () { return {r: r, width: width, list: []}; }).list.push(arc.xy);
    });
    shownFacilities.forEach(function (f) {
      if (f.px < x0 || f.px > x1 || f.py < y0 || f.py > y1) return;
      var x = f.px * scale - origin.x, y = f.py * scale - origin.y;
      if (f.vague) batch(ringGroups, f.supplier, function () { return []; }).push(x, y, ringRadius(f, zoom));
      batch(glyphGroups, (f.speculative ? "s " : "r ") + f.cls + " " + f.kind + " " + f.supplier,
        function () { return {f: f, points: []}; }).points.push(x, y);
      drawnFacilities.push({rec: f, x: x, y: y});
    });
    // Dashed and speculative links under solid ones, thin under wide; then rings, then glyphs.
    Object.keys(linkGroups).sort().reverse().forEach(function (k) {
      var g = linkGroups[k];
      lines(ctx, g.list, COLORS[g.r.supplier], g.width, linkDash(g.r), STYLE.link_alpha[g.r.speculative ? "speculative" : "normal"]);
    });
    Object.keys(ringGroups).sort().forEach(function (cc) { rings(ctx, ringGroups[cc], COLORS[cc]); });
    var glyphList = Object.keys(glyphGroups).sort().map(function (k) {
      var g = glyphGroups[k];
      return {cell: sprite(g.f.kind, g.f.cls, COLORS[g.f.supplier]), alpha: g.f.speculative ? SPECULATIVE_ALPHA : 1, points: g.points};
    });
    if (glyphList.length) stampGlyphs(ctx, bounds, glyphList);
  }
  map.createPane("gm-records").style.zIndex = 450;
  var RecordsCanvas = L.Canvas.extend({
    _initContainer: function () {
      L.Canvas.prototype._initContainer.call(this);
      this._container.style.pointerEvents = "none";  // the map's own events are hit-tested below
    },
    _draw: function () { if (this._bounds) drawRecords(this._ctx, this._bounds); }
  });
  var recordsCanvas = new RecordsCanvas({pane: "gm-records", padding: 0.1});

  // ---------------------------------------------------------------- popups
  function evidenceBlock(parent, rec) {  // the quotes, once unpacked (at once after the first popup)
    if (!rec.evidence.length) return;
    parent.appendChild(el("div", "Evidence (" + rec.evidence.length + (rec.evidence.length === 1 ? " report)" : " reports)"), "gm-head"));
    var slot = parent.appendChild(el("div", "Unpacking the quotes…", "gm-muted gm-unpacking"));
    withPassages(function (rows) {
      if (!rows) { slot.textContent = "This browser cannot unpack the quotes (it lacks DecompressionStream)."; slot.className = "gm-warn"; return; }
      var box = el("div");
      quotesInto(box, evidenceOf(rec, rows));
      parent.replaceChild(box, slot);
      if (map._popup && map._popup.isOpen() && map._popup.getElement().contains(box)) map._popup.update();  // re-fit the popup
    });
  }
  function quotesInto(parent, evidence) {
    evidence.forEach(function (e) {
      var a = DATA.articles[e[0]] || [String(e[0]), String(e[0]), null, null];
      var box = el("div", null, "gm-ev");
      box.appendChild(el("q", e[1]));
      var src = el("div", null, "gm-src");
      src.appendChild(articleLink(a));
      src.appendChild(el("span", " · " + a[0] + " [" + e[2] + "–" + e[3] + "] · " + words(e[4]) +
        (e[5] ? " " + e[5] : "") + (e[6] ? " · speculative" : ""), "gm-muted"));
      box.appendChild(src);
      parent.appendChild(box);
    });
  }
  function notes(box, rec) {
    if (!isShown(rec)) box.appendChild(el("div", "Hidden by the current layer or year filter.", "gm-warn"));
    if (rec.speculative) box.appendChild(el("div", "Speculative: a forecast, scenario or possibility, not a reported fact.", "gm-warn"));
    if (rec.curated) box.appendChild(el("div", "Curated by an analyst.", "gm-warn"));
    if (rec.cls && statusAsOf(rec) !== rec.status) {
      box.appendChild(el("div", "Drawn as of " + state.to + ": " + words(statusAsOf(rec)) + ".", "gm-muted"));
    }
  }
  function historyRow(box, rec) {
    row(box, "History", historyOf(rec).map(function (h) { return (h[0] || "n.d.") + " " + words(h[1]); }).join("; "));
  }
  function facilityPopup(f) {
    var box = el("div", null, "gm-popup");
    box.appendChild(el("div", f.name, "gm-title"));
    row(box, "Kind", (GLYPHS[f.kind] || GLYPHS.other)[0]);
    row(box, "Supplier → host", cname(f.supplier) + " → " + cname(f.host));
    row(box, "Operators", f.operators);
    row(box, "Equipment", f.equipment);
    row(box, "Status", words(f.status) + (f.year ? " (" + f.year + ")" : ""));
    row(box, "Location", f.place + " — precision: " + f.precision);
    if (f.vague) {
      box.appendChild(el("div", "Location known only to " + (f.precision === "admin" ? "district" : f.precision) +
        " level: the dashed ring shows the uncertainty; the glyph is not a pinpoint.", "gm-warn"));
    }
    historyRow(box, f);
    notes(box, f);
    evidenceBlock(box, f);
    return box;
  }
  function linkTitle(r) { return cname(r.supplier) + " → " + cname(r.recipient) + ": " + words(r.kind); }
  function linkPopup(r) {
    var box = el("div", null, "gm-popup");
    box.appendChild(el("div", linkTitle(r), "gm-title"));
    row(box, "Status", words(r.status) + (r.year ? " (" + r.year + ")" : "") + (IN_FORCE[r.status] ? " — in force" : " — not in force"));
    row(box, "Equipment", r.equipment);
    row(box, "Organisations", r.organizations);
    historyRow(box, r);
    notes(box, r);
    evidenceBlock(box, r);
    return box;
  }
  function openPopup(latlng, content) {
    return L.popup({maxWidth: 420, autoPanPadding: [20, 20]}).setLatLng(latlng).setContent(content).openOn(map);
  }
  function arcMiddle(r) { var arc = linkShape(r).arc, i = 2 * Math.floor(arc.length / 4); return [arc[i], arc[i + 1]]; }

  // ---------------------------------------------------------------- hit testing (click, hover)
  function segmentDistance(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1);
    t = Math.max(0, Math.min(1, t));
    var x = ax + t * dx - px, y = ay + t * dy - py;
    return Math.sqrt(x * x + y * y);
  }
  function hitTest(p) {
    for (var i = drawnFacilities.length - 1; i >= 0; i--) {
      var d = drawnFacilities[i], dx = d.x - p.x, dy = d.y - p.y;
      if (dx * dx + dy * dy <= 12 * 12) return {facility: d.rec};
    }
    var best = null, bestDist = Infinity, bestXY = null;
    drawnLinks.forEach(function (d) {
      var tol = 7, xy = d.xy;
      for (var j = 2; j < xy.length; j += 2) {
        var dist = segmentDistance(p.x, p.y, xy[j - 2], xy[j - 1], xy[j], xy[j + 1]);
        if (dist <= tol && dist < bestDist) { bestDist = dist; best = d.rec; bestXY = d.xy; }
      }
    });
    if (!best) return null;
    var same = [];  // every shown link drawn on the same arc
    drawnLinks.forEach(function (d) { if (d.xy === bestXY) same.push(d.rec); });
    return {link: best, links: same};
  }
  function linksPopup(list) {
    if (list.length === 1) return linkPopup(list[0]);
    var box = el("div", null, "gm-popup");
    box.appendChild(el("div", list.length + " relationships on this arc", "gm-muted"));
    list.forEach(function (r) { var part = linkPopup(r); part.className = "gm-part"; box.appendChild(part); });
    return box;
  }
  map.on("click", function (e) {
    if (map._animatingZoom) return;
    var hit = hitTest(e.layerPoint);
    if (hit && hit.facility) openPopup([hit.facility.lat, hit.facility.lon], facilityPopup(hit.facility));
    else if (hit) openPopup(e.latlng, linksPopup(hit.links));
  });
  var hoverTip = L.tooltip({direction: "top", offset: [0, -10], opacity: 0.95}), hoverFrame = null;
  var countryTip = L.tooltip({direction: "right", offset: [12, 0], opacity: 0.9});  // follows the mouse over a shaded country
  map.on("mousemove", function (e) {
    if (hoverFrame) return;
    hoverFrame = requestAnimationFrame(function () {
      hoverFrame = null;
      var hit = map._animatingZoom ? null : hitTest(e.layerPoint), container = map.getContainer();
      container.classList.toggle("gm-hover", !!hit);
      var country = hit || map._animatingZoom ? null : shadedCountryTip(e.latlng);
      if (country) { countryTip.setContent(country); map.openTooltip(countryTip, e.latlng); } else map.closeTooltip(countryTip);
      if (!hit) { map.closeTooltip(hoverTip); return; }
      var text = hit.facility ? hit.facility.name + " (" + cname(hit.facility.supplier) + ", " + words(hit.facility.cls === "active" ? hit.facility.status : statusAsOf(hit.facility)) + ")"
        : linkTitle(hit.link) + " (" + hit.link.evidence.length + (hit.link.evidence.length === 1 ? " report)" : " reports)") +
          (hit.links.length > 1 ? " and " + (hit.links.length - 1) + " more" : "");
      hoverTip.setContent(el("span", text));
      map.openTooltip(hoverTip, hit.facility ? L.latLng(hit.facility.lat, hit.facility.lon) : e.latlng);
    });
  });
  map.on("mouseout", function () { map.closeTooltip(hoverTip); map.closeTooltip(countryTip); });

  // ---------------------------------------------------------------- base map and recipient shading
  // The base map, Natural Earth countries, is projected once and drawn as one path on a canvas of
  // its own, with the shading of recipient countries over it: a Leaflet layer per country costs
  // more to build (objects per point) than to draw.
  var baseRings = null, countryRings = [];  // [{pts: [x, y, …] at zoom 0, box: [x0, y0, x1, y1]}]; by DATA.base index
  function projectedRings() {
    if (baseRings) return baseRings;
    baseRings = [];
    DATA.base.forEach(function (geom, index) {
      var polygons = geom.type === "Polygon" ? [geom.coordinates] : geom.type === "MultiPolygon" ? geom.coordinates : [];
      countryRings[index] = [];
      polygons.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          var pts = [], box = [Infinity, Infinity, -Infinity, -Infinity];
          ring.forEach(function (c) { project(c[1], c[0], pts); });
          for (var i = 0; i < pts.length; i += 2) {
            box[0] = Math.min(box[0], pts[i]); box[1] = Math.min(box[1], pts[i + 1]);
            box[2] = Math.max(box[2], pts[i]); box[3] = Math.max(box[3], pts[i + 1]);
          }
          baseRings.push({pts: pts, box: box});
          countryRings[index].push(baseRings[baseRings.length - 1]);
        });
      });
    });
    return baseRings;
  }
  var countryPaths = {zoom: null, paths: null};  // each country's outline at the current zoom, in world pixels
  function countryOutlines(zoom) {
    if (countryPaths.zoom === zoom) return countryPaths.paths;
    var scale = Math.pow(2, zoom);
    projectedRings();
    countryPaths = {zoom: zoom, paths: countryRings.map(function (rings) {
      var path = new Path2D();
      rings.forEach(function (ring) {
        var pts = ring.pts, n = pts.length, lx = pts[0] * scale, ly = pts[1] * scale;
        path.moveTo(lx, ly);
        for (var i = 2; i < n; i += 2) {  // points closer than a pixel to the last one drawn are left out
          var x = pts[i] * scale, y = pts[i + 1] * scale;
          if (Math.abs(x - lx) + Math.abs(y - ly) < 1 && i < n - 2) continue;
          path.lineTo(x, y); lx = x; ly = y;
        }
        path.closePath();
      });
      return path;
    })};
    return countryPaths.paths;
  }
  function drawBase(ctx) {  // the countries, then the shading over them (darker with more suppliers: one path per shade)
    var outlines = countryOutlines(map.getZoom()), origin = map.getPixelOrigin(), world = new Path2D();
    outlines.forEach(function (path) { world.addPath(path); });
    ctx.save();
    ctx.translate(-origin.x, -origin.y);  // world pixels to layer points
    ctx.fillStyle = STYLE.base.fill; ctx.fill(world, "evenodd");
    ctx.strokeStyle = STYLE.base.edge; ctx.lineWidth = 0.6; ctx.lineJoin = "round"; ctx.stroke(world);
    if (map.hasLayer(window[DATA.recipient_layer])) {
      var shades = {}, o = STYLE.recipient.opacity;
      shownRecipients.forEach(function (cc) {
        var n = shading[cc].suppliers.length;
        (shades[n] || (shades[n] = new Path2D())).addPath(outlines[DATA.recipient_shapes[cc]]);
      });
      Object.keys(shades).forEach(function (n) {
        ctx.globalAlpha = Math.min(o[0] + o[1] * n, o[2]); ctx.fillStyle = STYLE.recipient.fill; ctx.fill(shades[n], "evenodd");
        ctx.globalAlpha = 1; ctx.strokeStyle = STYLE.recipient.edge; ctx.lineWidth = 0.8; ctx.stroke(shades[n]);
      });
    }
    ctx.restore();
  }
  map.createPane("gm-base").style.zIndex = 200;
  var BaseCanvas = L.Canvas.extend({
    _initContainer: function () {
      L.Canvas.prototype._initContainer.call(this);
      this._container.style.pointerEvents = "none";
    },
    _draw: function () { if (this._bounds) drawBase(this._ctx); }
  });
  var baseCanvas = new BaseCanvas({pane: "gm-base", padding: 0.1});  // added with the records, after the first refresh
  var shading = {};  // recipient code → {suppliers: [[supplier, [kinds]]], tip: its tooltip (made when first shown)}
  function updateShading() {
    var by = {};
    shownLinks.forEach(function (r) {
      if (r.kind === "sanctions" || DATA.recipient_shapes[r.recipient] === undefined) return;
      var s = by[r.recipient] = by[r.recipient] || {};
      (s[r.supplier] = s[r.supplier] || {})[words(r.kind)] = 1;
    });
    shading = {};
    shownRecipients = Object.keys(by).sort();
    shownRecipients.forEach(function (cc) {
      shading[cc] = {suppliers: Object.keys(by[cc]).sort().map(function (s) { return [s, Object.keys(by[cc][s]).sort()]; })};
    });
    if (baseCanvas._map) baseCanvas._redraw();
  }
  var ShadingSwitch = L.Layer.extend({  // the "Recipient countries" layer shows and hides the shading
    onAdd: function () { if (baseCanvas._map) baseCanvas._redraw(); },
    onRemove: function () { if (baseCanvas._map) baseCanvas._redraw(); }
  });
  new ShadingSwitch().addTo(window[DATA.recipient_layer]);
  function insideRings(rings, x, y) {  // even-odd, like the fill
    var inside = false;
    rings.forEach(function (ring) {
      var pts = ring.pts, box = ring.box;
      if (x < box[0] || x > box[2] || y < box[1] || y > box[3]) return;
      for (var i = 0, j = pts.length - 2; i < pts.length; j = i, i += 2) {
        if ((pts[i + 1] > y) !== (pts[j + 1] > y) && x < (pts[j] - pts[i]) * (y - pts[i + 1]) / (pts[j + 1] - pts[i + 1]) + pts[i]) inside = !inside;
      }
    });
    return inside;
  }
  function shadedCountryTip(latlng) {  // the tooltip of the shaded country there, if any
    if (!map.hasLayer(window[DATA.recipient_layer])) return null;
    var p = [];
    project(latlng.lat, latlng.lng, p);
    for (var i = 0; i < shownRecipients.length; i++) {
      var cc = shownRecipients[i], entry = shading[cc];
      if (!insideRings(countryRings[DATA.recipient_shapes[cc]], p[0], p[1])) continue;
      if (!entry.tip) {
        entry.tip = el("div", null, "gm-tip");
        entry.tip.appendChild(el("b", cname(cc)));
        entry.suppliers.forEach(function (s) { entry.tip.appendChild(el("div", cname(s[0]) + ": " + s[1].join(", "))); });
      }
      return entry.tip;
    }
    return null;
  }

  // ---------------------------------------------------------------- all places (off by default, drawn when shown)
  var placesGroup = window[DATA.places_layer], placesDrawn = false;
  var PlacesSwitch = L.Layer.extend({
    onAdd: function () {
      if (placesDrawn) return;
      placesDrawn = true;
      var canvas = L.canvas({padding: 0.5});
      DATA.places.forEach(function (p) {
        L.circleMarker([p[2], p[3]], {radius: 3, color: "#333333", weight: 1, fillOpacity: 0.6, renderer: canvas})
          .bindTooltip(el("span", p[0] + " (" + p[1] + ", " + p[4] + " mention" + (p[4] === 1 ? "" : "s") + ")"))
          .addTo(placesGroup);
      });
    }
  });
  new PlacesSwitch().addTo(placesGroup);

  // ---------------------------------------------------------------- controls
  function panel(position, cls, build) {
    var c = L.control({position: position});
    c.onAdd = function () {
      var box = el("div", null, "gm-panel " + cls);
      build(box);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    c.addTo(map);
    return c;
  }
  function svg(pathData) {
    var ns = "http://www.w3.org/2000/svg", s = document.createElementNS(ns, "svg"), p = document.createElementNS(ns, "path");
    s.setAttribute("viewBox", "0 0 16 16"); s.setAttribute("width", "16"); s.setAttribute("height", "16");
    p.setAttribute("d", pathData); p.setAttribute("fill", "none"); p.setAttribute("stroke", "#222"); p.setAttribute("stroke-width", "2");
    s.appendChild(p);
    return s;
  }

  // Fullscreen: the Fullscreen API where the page may use it, else the map fills the window.
  var fullscreen = L.control({position: "topleft"});
  fullscreen.onAdd = function () {
    var bar = el("div", null, "leaflet-bar gm-fullscreen"), a = el("a");
    a.href = "#"; a.title = "Full screen"; a.setAttribute("role", "button"); a.setAttribute("aria-label", "Full screen");
    a.appendChild(svg("M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4"));
    L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); toggleFullscreen(); });
    L.DomEvent.disableClickPropagation(bar);
    bar.appendChild(a);
    return bar;
  };
  fullscreen.addTo(map);
  function isFullscreen() {
    var c = map.getContainer();
    return document.fullscreenElement === c || c.classList.contains("gm-pseudo-fullscreen");
  }
  function toggleFullscreen() {
    var c = map.getContainer();
    if (document.fullscreenElement) { document.exitFullscreen(); return; }
    if (c.classList.contains("gm-pseudo-fullscreen")) { c.classList.remove("gm-pseudo-fullscreen"); map.invalidateSize(); return; }
    var pseudo = function () { c.classList.add("gm-pseudo-fullscreen"); map.invalidateSize(); };
    if (c.requestFullscreen) c.requestFullscreen().then(function () { map.invalidateSize(); }, pseudo);
    else pseudo();
  }
  document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });

  // Title, counts, sources; then search. The sources list (thousands of articles at scale) is
  // filled after the first draw, in idle time, or at once when it is opened before that.
  var subtitle, listSources;
  var whenIdle = window.requestIdleCallback || function (work) { setTimeout(function () { work({timeRemaining: function () { return 10; }}); }, 1); };
  panel("topleft", "gm-titlebox", function (box) {
    box.appendChild(el("div", DATA.title, "gm-maptitle"));
    subtitle = box.appendChild(el("div", "", "gm-muted gm-counts"));
    var src = el("details", null, "gm-sources"), sorted = null, listed = 0;
    src.appendChild(el("summary", "Sources (" + DATA.articles.length + " articles)"));
    listSources = function (deadline) {  // deadline: an idle period, or none to finish now
      sorted = sorted || DATA.articles.slice().sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
      for (; listed < sorted.length && (!deadline || deadline.timeRemaining() > 1); listed++) {
        var item = el("div");
        item.appendChild(articleLink(sorted[listed]));
        item.appendChild(el("span", " — " + sorted[listed][0], "gm-muted"));
        src.appendChild(item);
      }
      if (deadline && listed < sorted.length) whenIdle(listSources);
    };
    src.addEventListener("toggle", function () { if (src.open) listSources(null); });
    box.appendChild(src);
  });

  var searchIndex = null;
  var TYPE_RANK = {facility: 0, organisation: 1, equipment: 2, place: 3};
  function buildSearchIndex() {
    searchIndex = [];
    function add(text, type, context, target) {
      if (text) searchIndex.push({key: String(text).toLowerCase(), text: String(text), type: type, context: context, target: target});
    }
    DATA.facilities.forEach(function (f) {
      var target = {facility: f}, context = (GLYPHS[f.kind] || GLYPHS.other)[0] + " · " + cname(f.supplier) + " in " + f.place;
      add(f.name, "facility", context, target);
      add(f.place, "place", f.name, target);
      f.operators.forEach(function (o) { add(o, "organisation", f.name, target); });
      f.equipment.forEach(function (q) { add(q, "equipment", f.name, target); });
    });
    DATA.links.forEach(function (r) {
      var target = {link: r};
      r.organizations.forEach(function (o) { add(o, "organisation", linkTitle(r), target); });
      r.equipment.forEach(function (q) { add(q, "equipment", linkTitle(r), target); });
    });
    DATA.places.forEach(function (p) { add(p[0], "place", p[1] + " · " + p[4] + " mention" + (p[4] === 1 ? "" : "s"), {place: p}); });
  }
  function search(query) {
    var q = query.trim().toLowerCase(), hits = [], seen = {};
    if (q.length < 2) return hits;
    if (!searchIndex) buildSearchIndex();
    searchIndex.forEach(function (entry) {
      var pos = entry.key.indexOf(q);
      if (pos < 0) return;
      var key = entry.type + "\u0000" + entry.text + "\u0000" + entry.context;
      if (seen[key]) return;
      seen[key] = 1;
      hits.push({entry: entry, rank: (pos === 0 ? 0 : 10) + TYPE_RANK[entry.type]});
    });
    hits.sort(function (a, b) { return a.rank - b.rank || (a.entry.text < b.entry.text ? -1 : a.entry.text > b.entry.text ? 1 : 0); });
    return hits.slice(0, 12).map(function (h) { return h.entry; });
  }
  function showTarget(target) {
    if (target.facility) {
      var f = target.facility;
      map.setView([f.lat, f.lon], Math.max(map.getZoom(), 7), {animate: false});
      openPopup([f.lat, f.lon], facilityPopup(f));
    } else if (target.link) {
      var r = target.link, lls = [];
      var arc = linkShape(r).arc;
      for (var i = 0; i < arc.length; i += 2) lls.push([arc[i], arc[i + 1]]);
      map.fitBounds(L.latLngBounds(lls), {animate: false, padding: [30, 30]});
      openPopup(arcMiddle(r), linkPopup(r));
    } else {
      var p = target.place, box = el("div", null, "gm-popup");
      box.appendChild(el("div", p[0], "gm-title"));
      row(box, "Kind", p[1]);
      row(box, "Mentions", p[4]);
      map.setView([p[2], p[3]], Math.max(map.getZoom(), 7), {animate: false});
      openPopup([p[2], p[3]], box);
    }
  }
  panel("topleft", "gm-search", function (box) {
    var input = el("input");
    input.type = "search"; input.placeholder = "Search facilities, places, organisations, equipment";
    input.setAttribute("aria-label", "Search the map");
    var list = el("ul", null, "gm-results"), current = [];
    function render() {
      current = search(input.value);
      list.textContent = "";
      current.forEach(function (entry, i) {
        var item = el("li"), button = el("button");
        button.type = "button";
        button.appendChild(el("b", entry.text));
        button.appendChild(el("span", " — " + entry.type + " · " + entry.context, "gm-muted"));
        button.addEventListener("click", function () { choose(current[i]); });
        item.appendChild(button);
        list.appendChild(item);
      });
      if (input.value.trim().length >= 2 && !current.length) list.appendChild(el("li", "No match", "gm-muted"));
    }
    function choose(entry) {  // open the record; the list closes until the query changes
      showTarget(entry.target);
      // Once the click is over: a button taken out of the page mid-click no longer stops the
      // click at this panel, and the map would take it for a click beside the popup and close it.
      setTimeout(function () { list.textContent = ""; }, 0);
    }
    input.addEventListener("input", render);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && current.length) { e.preventDefault(); choose(current[0]); }
      if (e.key === "Escape") { input.value = ""; render(); }
      if (e.key === "ArrowDown" && list.querySelector("button")) { e.preventDefault(); list.querySelector("button").focus(); }
    });
    list.addEventListener("keydown", function (e) {  // arrows move between results, Enter opens one
      var item = e.target.closest("li");
      if (!item || (e.key !== "ArrowDown" && e.key !== "ArrowUp")) return;
      e.preventDefault();
      var next = e.key === "ArrowDown" ? item.nextElementSibling : item.previousElementSibling;
      if (next && next.querySelector("button")) next.querySelector("button").focus();
      else if (!next && e.key === "ArrowUp") input.focus();
    });
    box.appendChild(input);
    box.appendChild(list);
  });

  // Year filter (from–to): hides facilities, links and shading outside the range.
  var yearInputs = {}, yearTimer = null;
  panel("topright", "gm-years", function (box) {
    box.appendChild(el("div", "Years reported", "gm-head"));
    box.appendChild(el("div", "a report's own year, else its article's date", "gm-muted"));
    var line = el("div", null, "gm-year-row");
    ["from", "to"].forEach(function (which, i) {
      var input = el("input");
      input.type = "number"; input.name = "gm-year-" + which; input.setAttribute("aria-label", "Year " + which);
      if (YEARS.lo !== null) { input.min = YEARS.lo; input.max = YEARS.hi; input.value = i ? YEARS.hi : YEARS.lo; } else input.disabled = true;
      input.addEventListener("change", applyYears);
      input.addEventListener("input", function () {  // while typing: once the digits settle
        clearTimeout(yearTimer);
        yearTimer = setTimeout(applyYears, 300);
      });
      yearInputs[which] = input;
      if (i) line.appendChild(document.createTextNode(" – "));
      line.appendChild(input);
    });
    box.appendChild(line);
    var undated = el("label", null, "gm-undated"), check = el("input");
    check.type = "checkbox"; check.checked = true; check.name = "gm-undated";
    check.addEventListener("change", function () { state.undated = check.checked; refresh(); });
    yearInputs.undated = check;
    undated.appendChild(check); undated.appendChild(document.createTextNode(" records without a year"));
    box.appendChild(undated);
    var reset = el("button", "All years", "gm-reset");
    reset.type = "button";
    reset.addEventListener("click", function () {
      yearInputs.from.value = YEARS.lo === null ? "" : YEARS.lo; yearInputs.to.value = YEARS.hi === null ? "" : YEARS.hi;
      check.checked = true; state.undated = true; applyYears();
    });
    box.appendChild(reset);
  });
  function applyYears() {
    clearTimeout(yearTimer);
    var a = parseInt(yearInputs.from.value, 10), b = parseInt(yearInputs.to.value, 10);
    state.from = isNaN(a) ? YEARS.lo : a;
    state.to = isNaN(b) ? YEARS.hi : b;
    refresh();
  }

  // Legend: what is drawn now (it follows the layers and the year filter), drawn by the same code.
  function legendIcon(draw) {
    var ratio = window.devicePixelRatio || 1, c = el("canvas", null, "gm-icon");
    c.width = 30 * ratio; c.height = 22 * ratio; c.style.width = "30px"; c.style.height = "22px";
    var ctx = c.getContext("2d");
    ctx.scale(ratio, ratio);
    draw(ctx);
    return c;
  }
  function legendItem(box, icon, text, key) {
    var item = el("div", null, "gm-legend-item");
    if (key) item.setAttribute("data-key", key);
    item.appendChild(icon);
    item.appendChild(el("span", text));
    box.appendChild(item);
  }
  var legendBox;
  panel("bottomleft", "gm-legend", function (box) {  // folds away on small screens
    var fold = el("details");
    fold.open = true;
    fold.appendChild(el("summary", "Legend", "gm-summary"));
    legendBox = fold.appendChild(el("div"));
    box.appendChild(fold);
  });
  function updateLegend() {
    var box = legendBox, neutral = "#555555";
    box.textContent = "";
    var counts = {}, kinds = {}, classes = {}, vague = false, inForce = false, pending = false, speculative = false,
      speculativeFacility = false;
    shownFacilities.forEach(function (f) {
      counts[f.supplier] = (counts[f.supplier] || 0) + 1; kinds[f.kind] = 1; classes[f.cls] = 1; vague = vague || f.vague;
      speculativeFacility = speculativeFacility || !!f.speculative;
    });
    shownLinks.forEach(function (r) {
      counts[r.supplier] = (counts[r.supplier] || 0) + 1;
      if (r.speculative) speculative = true; else if (r.inForce) inForce = true; else pending = true;
    });
    box.appendChild(el("div", "Suppliers shown", "gm-head"));
    DATA.suppliers.forEach(function (s) {
      if (!state.suppliers[s.code]) return;
      var sw = el("span", null, "gm-swatch"); sw.style.background = s.color;
      legendItem(box, sw, s.name + " (" + (counts[s.code] || 0) + ")", "supplier:" + s.code);
    });
    if (shownFacilities.length) {
      box.appendChild(el("div", "Facilities", "gm-head"));
      Object.keys(GLYPHS).forEach(function (k) {
        if (kinds[k]) legendItem(box, legendIcon(function (ctx) { glyphs(ctx, k, "active", neutral, [15, 11], 0.8); }), GLYPHS[k][0], "kind:" + k);
      });
      box.appendChild(el("div", "Status", "gm-head"));
      CLASS_ORDER.forEach(function (c) {
        if (classes[c]) legendItem(box, legendIcon(function (ctx) { glyphs(ctx, "office", c, neutral, [15, 11], 0.8); }), CLASS_LABEL[c], "status:" + c);
      });
      if (vague) {
        legendItem(box, legendIcon(function (ctx) { rings(ctx, [15, 11, 9.5], neutral); }),
          "located only to district or country: not a pinpoint", "ring");
      }
      if (speculativeFacility) {
        legendItem(box, legendIcon(function (ctx) {
          ctx.globalAlpha = SPECULATIVE_ALPHA; glyphs(ctx, "office", "unknown", neutral, [15, 11], 0.8);
        }), "faded: speculative (forecast, scenario)", "status:speculative");
      }
    }
    if (shownLinks.length) {
      box.appendChild(el("div", "Links (supplier → recipient)", "gm-head"));
      var sample = function (dash, alpha, width) {
        return legendIcon(function (ctx) { lines(ctx, [[2, 11, 28, 11]], neutral, width, dash, alpha); });
      };
      if (inForce) legendItem(box, sample(STYLE.link_dash.in_force, STYLE.link_alpha.normal, 2), "in force (signed, building, operating)", "link:in-force");
      if (pending) legendItem(box, sample(STYLE.link_dash.pending, STYLE.link_alpha.normal, 2), "not (yet) in force", "link:pending");
      if (speculative) legendItem(box, sample(STYLE.link_dash.speculative, STYLE.link_alpha.speculative, 2), "speculative (forecast, scenario)", "link:speculative");
      var merged = linksMerged();
      if (merged) box.appendChild(el("div", "Zoomed out: one fine arc per supplier and recipient country, fainter for fewer reports; zoom in for each relationship.", "gm-muted"));
      [1, 3, 5].forEach(function (n) {  // the width scale (the reports of every relationship on an arc)
        legendItem(box, sample([], 0.85, (merged ? fineWidth : linkWidth)(n)), n === 5 ? "5 or more reports" : n + (n === 1 ? " report" : " reports"), "width:" + n);
      });
    }
    if (shownRecipients.length && map.hasLayer(window[DATA.recipient_layer])) {
      var sw = el("span", null, "gm-swatch"); sw.style.background = STYLE.recipient.fill; sw.style.opacity = 0.45;
      legendItem(box, sw, "recipient country (darker: more suppliers)", "recipients");
    }
    if (!shownFacilities.length && !shownLinks.length) box.appendChild(el("div", "Nothing to show with these layers and years.", "gm-muted"));
  }

  // ---------------------------------------------------------------- wiring: layers → state → drawing
  var booted = false;
  function refresh() {
    if (!booted) return;
    shownFacilities = DATA.facilities.filter(isShown);
    shownLinks = DATA.links.filter(isShown);
    shownFacilities.forEach(function (f) { f.cls = STATUS_CLASS[statusAsOf(f)] || "unknown"; });
    shownLinks.forEach(function (r) { r.inForce = !!IN_FORCE[statusAsOf(r)]; });
    if (recordsCanvas._map) recordsCanvas._redraw();
    updateShading();
    updateLegend();
    subtitle.textContent = DATA.articles.length + " articles · " + shownFacilities.length + " of " + DATA.facilities.length +
      " facilities · " + shownLinks.length + " of " + DATA.links.length + " links shown";
  }
  var SupplierSwitch = L.Layer.extend({
    initialize: function (code) { this.code = code; },
    onAdd: function () { state.suppliers[this.code] = true; refresh(); },
    onRemove: function () { state.suppliers[this.code] = false; refresh(); }
  });
  Object.keys(DATA.layers).forEach(function (cc) { new SupplierSwitch(cc).addTo(window[DATA.layers[cc]]); });
  map.on("overlayadd overlayremove", function () { if (booted) updateLegend(); });
  map.on("moveend", function () { if (booted && shownLinks.length > MERGE_ABOVE) updateLegend(); });
  booted = true;
  refresh();
  baseCanvas.addTo(map);
  recordsCanvas.addTo(map);

  window.geomap = {
    data: DATA, map: map, ready: false, readyAt: null,
    // What is drawn now: ids of the facilities and links on the canvas, and the shaded countries.
    shown: function () {
      return {facilities: shownFacilities.map(function (f) { return f.id; }), links: shownLinks.map(function (r) { return r.id; }),
        recipients: shownRecipients.slice()};
    },
    drawn: function () {
      return {facilities: drawnFacilities.map(function (d) { return d.rec.id; }), links: drawnLinks.map(function (d) { return d.rec.id; })};
    },
    // The container point where a facility is drawn (to click it like a user would).
    facilityPoint: function (id) {
      var f = DATA.facilities.filter(function (x) { return x.id === id; })[0];
      return f ? map.latLngToContainerPoint([f.lat, f.lon]) : null;
    },
    isFullscreen: isFullscreen,
    quotesUnpacked: function () { return passages !== null; }
  };
  requestAnimationFrame(function () {
    window.geomap.ready = true; window.geomap.readyAt = performance.now();
    whenIdle(listSources);
  });
})();
