// Frontline insights dashboard: fetches /insights/api/report with the filters in the URL and
// draws the figures as hand-made SVG (no chart library, no CDN). Data only ever reaches the page
// through textContent and SVG attributes, never as HTML.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var OUTCOMES = [
    ["contained_resolved", "Contained: confirmed resolved", "var(--resolved)"],
    ["contained_left", "Contained: left without asking for more", "var(--left)"],
    ["escalated", "Escalated", "var(--escalated)"],
    ["abandoned", "Abandoned", "var(--abandoned)"]
  ];
  var CARDS = [
    ["conversations", "Conversations", "count", 0],
    ["containment", "Containment", "pct", 1],
    ["escalation", "Escalation rate", "pct", -1],
    ["abandonment", "Abandonment", "pct", -1],
    ["fallback_rate", "Fallback rate", "pct", -1],
    ["kb_answer_rate", "KB answer rate", "pct", 1],
    ["csat_mean", "CSAT (1–5)", "mean", 1]
  ];
  var RATE_COLUMNS = /(_rate|^rate)$/;
  var SECOND_COLUMNS = /_p(50|90|95)$/;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function pct(v) { return v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%"; }
  function secs(v) {
    if (v === null || v === undefined) return "–";
    return v < 7200 ? (v / 60).toFixed(1) + " min" : (v / 3600).toFixed(1) + " h";
  }
  function fmt(kind, v) {
    if (v === null || v === undefined) return "–";
    if (kind === "pct") return pct(v);
    if (kind === "mean") return Number(v).toFixed(2);
    return String(v);
  }
  function query() { return window.location.search.replace(/^\?/, ""); }

  function cards(report) {
    var box = document.getElementById("cards");
    box.textContent = "";
    CARDS.forEach(function (c) {
      var h = report.headline[c[0]];
      var card = el("div", { "class": "card", "data-figure": c[0] });
      card.appendChild(el("div", { "class": "name" }, c[1]));
      card.appendChild(el("div", { "class": "value" }, fmt(c[2], h.value)));
      var delta = "–";
      var mood = "";
      if (h.change !== null && h.change !== undefined) {
        delta = (h.change >= 0 ? "▲ " : "▼ ") + (c[2] === "pct" ? (Math.abs(h.change) * 100).toFixed(1) + " pts"
          : Math.abs(h.change).toFixed(c[2] === "mean" ? 2 : 0));
        if (h.change !== 0 && c[3] !== 0) mood = (h.change > 0) === (c[3] > 0) ? " good" : " bad";
      }
      card.appendChild(el("div", { "class": "delta" + mood }, delta + " vs previous period"));
      box.appendChild(card);
    });
  }

  function dayChart(report) {
    var days = report.trends.day;
    var keys = Object.keys(days);
    var box = document.getElementById("chart-days");
    box.textContent = "";
    var W = 900, H = 220, L = 36, B = 28, top = 10;
    var max = 1;
    keys.forEach(function (k) { max = Math.max(max, days[k].conversations); });
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Conversations per day by outcome" });
    var slot = (W - L - 10) / Math.max(keys.length, 1);
    var bw = Math.max(2, Math.min(28, slot * 0.7));
    [0, 0.5, 1].forEach(function (f) {
      var y = top + (H - top - B) * (1 - f);
      s.appendChild(svg("line", { x1: L, x2: W - 4, y1: y, y2: y, stroke: "#e5e9ef" }));
      s.appendChild(svg("text", { x: L - 6, y: y + 4, "text-anchor": "end" }, Math.round(max * f)));
    });
    keys.forEach(function (k, i) {
      var block = days[k];
      var x = L + i * slot + (slot - bw) / 2;
      var y = H - B;
      var parts = OUTCOMES.map(function (o) { return [o, block.outcomes[o[0]]]; });
      parts.push([["ongoing", "Ongoing", "#b8c2cc"], block.ongoing]);
      parts.forEach(function (p) {
        var h = (H - top - B) * p[1] / max;
        if (h <= 0) return;
        y -= h;
        var r = svg("rect", { x: x, y: y, width: bw, height: h, fill: p[0][2], "data-outcome": p[0][0] });
        r.appendChild(svg("title", {}, k + ": " + p[0][1] + " " + p[1]));
        s.appendChild(r);
      });
      if (keys.length <= 16 || i % Math.ceil(keys.length / 12) === 0) {
        s.appendChild(svg("text", { x: x + bw / 2, y: H - 10, "text-anchor": "middle" }, k.slice(5)));
      }
    });
    box.appendChild(s);
    var legend = document.getElementById("legend");
    legend.textContent = "";
    OUTCOMES.concat([["ongoing", "Ongoing", "#b8c2cc"]]).forEach(function (o) {
      var item = el("span");
      var swatch = el("i");
      swatch.style.background = o[2];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(o[1]));
      legend.appendChild(item);
    });
  }

  function splitChart(report) {
    var s0 = report.summary;
    var box = document.getElementById("chart-split");
    box.textContent = "";
    var W = 420, H = 120;
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Outcome split of ended conversations" });
    var x = 0;
    OUTCOMES.forEach(function (o, i) {
      var share = s0.ended ? s0.outcomes[o[0]] / s0.ended : 0;
      var w = W * share;
      if (w > 0) {
        var r = svg("rect", { x: x, y: 8, width: w, height: 34, fill: o[2] });
        r.appendChild(svg("title", {}, o[1] + ": " + pct(share)));
        s.appendChild(r);
      }
      x += w;
      s.appendChild(svg("text", { x: 4, y: 62 + i * 15 }, o[1] + ": " + s0.outcomes[o[0]] + " (" + pct(s0.ended ? share : null) + ")"));
    });
    box.appendChild(s);
  }

  function csatChart(report) {
    var c = report.csat;
    var box = document.getElementById("chart-csat");
    box.textContent = "";
    var W = 420, H = 120, max = 1;
    Object.keys(c.distribution).forEach(function (k) { max = Math.max(max, c.distribution[k]); });
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Ratings from 1 to 5" });
    ["1", "2", "3", "4", "5"].forEach(function (k, i) {
      var h = 80 * c.distribution[k] / max;
      s.appendChild(svg("rect", { x: 20 + i * 80, y: 90 - h, width: 50, height: h, fill: "var(--accent)" }));
      s.appendChild(svg("text", { x: 45 + i * 80, y: 106, "text-anchor": "middle" }, k + "★ (" + c.distribution[k] + ")"));
    });
    box.appendChild(s);
    document.getElementById("csat-note").textContent = "Mean " + fmt("mean", c.mean) + " from " + c.ratings +
      " ratings; " + pct(c.response_rate) + " of " + c.asked + " people asked answered.";
  }

  function funnels(report) {
    var box = document.getElementById("funnels");
    box.textContent = "";
    if (!report.funnels.length) { box.appendChild(el("p", { "class": "empty" }, "No flow ran in this period.")); return; }
    var worst = report.biggest_drop_off;
    if (worst) {
      box.appendChild(el("p", {}, "Biggest drop-off: " + worst.flow + " at “" + worst.step + "” — " +
        pct(worst.drop_off_rate) + " of " + worst.reached + " runs that reached it were left or escalated there."));
    }
    report.funnels.forEach(function (f) {
      var wrap = el("div", { "class": "funnel", "data-flow": f.flow });
      wrap.appendChild(el("h3", {}, f.flow + " — " + f.runs + " runs"));
      var W = 900, row = 22, L = 190;
      var s = svg("svg", { viewBox: "0 0 " + W + " " + (f.steps.length * row + 4), role: "img", "aria-label": "Funnel of " + f.flow });
      f.steps.forEach(function (st, i) {
        var y = i * row + 2;
        var scale = (W - L - 230) / Math.max(f.runs, 1);
        s.appendChild(svg("text", { x: L - 8, y: y + 14, "text-anchor": "end" }, st.step));
        s.appendChild(svg("rect", { x: L, y: y, width: Math.max(1, st.reached * scale), height: row - 6, fill: "#c7d7fe" }));
        s.appendChild(svg("rect", { x: L, y: y, width: st.left * scale, height: row - 6, fill: "var(--abandoned)" }));
        s.appendChild(svg("rect", { x: L + st.left * scale, y: y, width: st.escalated * scale, height: row - 6, fill: "var(--escalated)" }));
        s.appendChild(svg("text", { x: L + Math.max(1, st.reached * scale) + 6, y: y + 14 },
          st.reached + " reached · " + st.left + " left · " + st.escalated + " escalated"));
      });
      wrap.appendChild(s);
      box.appendChild(wrap);
    });
  }

  function kbNote(report) {
    var kb = report.kb;
    document.getElementById("kb-note").textContent = kb.questions + " questions; answered with confidence: " +
      pct(kb.answer_rate) + "; helpful: " + pct(kb.helpfulness) + " of " + (kb.yes + kb.no) +
      " rated answers (feedback on " + pct(kb.feedback_rate) + "). The unanswered questions are grouped below.";
  }

  function cell(column, value) {
    if (value === null || value === undefined) return "–";
    if (RATE_COLUMNS.test(column) || column === "containment_change" || column === "value" && value < 1 && value > 0) {
      return typeof value === "number" ? pct(value) : value;
    }
    if (SECOND_COLUMNS.test(column)) return secs(value);
    return value;
  }

  function tables(report) {
    var box = document.getElementById("tables");
    box.textContent = "";
    Object.keys(report.tables).forEach(function (name) {
      var t = report.tables[name];
      var panel = el("section", { "class": "table-panel", "data-table": name });
      var head = el("header");
      head.appendChild(el("h2", {}, t.title));
      var link = el("a", { "class": "csv", href: "/insights/export/" + name + ".csv?" + query(), download: "" }, "Export CSV");
      head.appendChild(link);
      panel.appendChild(head);
      if (!t.rows.length) { panel.appendChild(el("p", { "class": "empty" }, "Nothing in this period.")); box.appendChild(panel); return; }
      var table = el("table");
      var tr = el("tr");
      t.columns.forEach(function (c) { tr.appendChild(el("th", { scope: "col" }, c.replace(/_/g, " "))); });
      var thead = el("thead");
      thead.appendChild(tr);
      table.appendChild(thead);
      var tbody = el("tbody");
      t.rows.forEach(function (r) {
        var row = el("tr");
        r.forEach(function (v, i) {
          var shown = name === "headline" && i > 0 && r[0] !== "conversations" && r[0] !== "csat_mean" ? pct(v) : cell(t.columns[i], v);
          row.appendChild(el("td", typeof v === "number" ? { "class": "num" } : {}, shown));
        });
        tbody.appendChild(row);
      });
      table.appendChild(tbody);
      panel.appendChild(table);
      box.appendChild(panel);
    });
  }

  function fillFilters(report) {
    var p = report.period;
    document.getElementById("since").value = p.since.slice(0, 10);
    var until = new Date(p.until);
    until.setUTCDate(until.getUTCDate() - 1);
    document.getElementById("until").value = until.toISOString().slice(0, 10);
    document.getElementById("channel").value = p.channel || "";
    var flow = document.getElementById("flow");
    var keep = p.flow || "";
    flow.textContent = "";
    flow.appendChild(el("option", { value: "" }, "all"));
    report.filters_available.flows.forEach(function (f) { flow.appendChild(el("option", { value: f }, f)); });
    flow.value = keep;
  }

  function load() {
    var status = document.getElementById("status");
    status.className = "";
    status.textContent = "Loading…";
    fetch("/insights/api/report?" + query(), { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { window.location.href = "/insights/login"; return null; }
      return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || r.statusText); return body; });
    }).then(function (report) {
      if (!report) return;
      fillFilters(report);
      cards(report);
      dayChart(report);
      splitChart(report);
      csatChart(report);
      funnels(report);
      kbNote(report);
      tables(report);
      var s = report.summary;
      status.textContent = s.conversations + " conversations (" + s.ended + " ended) from " + report.period.since.slice(0, 10) +
        (report.period.channel ? " · channel " + report.period.channel : "") + (report.period.flow ? " · flow " + report.period.flow : "");
      document.body.setAttribute("data-loaded", "true");
    }).catch(function (e) {
      status.className = "error";
      status.textContent = "Could not load the figures: " + e.message;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("filters").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var params = new URLSearchParams();
      ["since", "until", "channel", "flow"].forEach(function (n) {
        var v = document.getElementById(n).value;
        if (v) params.set(n, v);
      });
      window.history.replaceState(null, "", "?" + params.toString());
      document.body.removeAttribute("data-loaded");
      load();
    });
    load();
  });
})();
