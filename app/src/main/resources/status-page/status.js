// The status page: reads the JSON status API every 2 seconds and redraws its charts (inline SVG) and tables, for the
// chain chosen in the filter (kept in the address as ?chain=ID) or every chain. No framework, no build step.
"use strict";

const REFRESH_MILLIS = 2000;
const CHARTS_EVERY = 5; // the charts read the whole history: redrawn every 5th refresh (10 s) and when the filter changes
const FALLBACK_ROWS = 20;
const SVG = "http://www.w3.org/2000/svg";
const STATUS_COLOURS = {
  ready_to_be_proven: "#9aa5b1", request_sent_to_l1: "#5b8def", acknowledged: "#8e6bd8",
  received_proof: "#f0a830", validation_result_sent_to_l1: "#2e9e5b", fallen_back: "#d64545",
};
const OUTCOME_COLOURS = { validated: "#2e9e5b", failed: "#f0a830", fallen_back: "#d64545" };
const OUTCOME_LABELS = { validated: "validated (valid proof)", failed: "validated (invalid proof)", fallen_back: "fallen back" };

function selectedChain() {
  return new URLSearchParams(window.location.search).get("chain") || "";
}

function withChain(path) {
  const chain = selectedChain();
  return chain === "" ? path : path + (path.includes("?") ? "&" : "?") + "chain=" + encodeURIComponent(chain);
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(path + ": " + (body.error || response.status));
  }
  return body;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  return td;
}

function replaceRows(tableId, rows) {
  document.querySelector("#" + tableId + " tbody").replaceChildren(...rows);
  const empty = document.getElementById(tableId + "-empty");
  if (empty) {
    empty.hidden = rows.length > 0;
  }
}

function seconds(value) {
  return value === null || value === undefined ? "\u2013" : value.toFixed(1);
}

function usdc(microUsdc) {
  return (microUsdc / 1e6).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 });
}

function drawCounts(body) {
  const rows = Object.entries(body.counts).map(([status, count]) => {
    const tr = document.createElement("tr");
    tr.dataset.status = status;
    const th = document.createElement("th");
    th.textContent = status;
    tr.append(th, cell(String(count), "num count"));
    return tr;
  });
  replaceRows("counts", rows);
  document.getElementById("counts-total").textContent = String(body.total);
}

function drawNetworks(body) {
  const rows = body.networks.map((n) => {
    const tr = document.createElement("tr");
    tr.dataset.network = n.network;
    tr.append(cell(n.network),
      cell(String(n.requestsAssigned), "num"), cell(String(n.accepted), "num"), cell(String(n.refused), "num"),
      cell(String(n.proven), "num"), cell(String(n.validated), "num"), cell(String(n.validationFailed), "num"),
      cell(String(n.unacknowledged), "num"), cell(String(n.timedOut), "num"),
      cell(seconds(n.acknowledgeSecondsP50), "num"), cell(seconds(n.acknowledgeSecondsP99), "num"),
      cell(seconds(n.proveSecondsP50), "num"), cell(seconds(n.proveSecondsP99), "num"),
      cell(usdc(n.rewardsOwedMicroUsdc), "num"), cell(usdc(n.rewardsClaimedMicroUsdc), "num"));
    return tr;
  });
  replaceRows("networks", rows);
}

function drawFallbacks(body) {
  const rows = body.fallbacks.map((b) => {
    const tr = document.createElement("tr");
    tr.dataset.batch = b.chainId + "/" + b.batchNumber;
    tr.append(cell(String(b.chainId)), cell(String(b.batchNumber), "num"), cell(b.assignedTo || "\u2013"),
      cell(b.fallbackReason || "\u2013", "reason"), cell(b.updatedAt));
    return tr;
  });
  replaceRows("fallbacks", rows);
}

function svg(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  Object.entries(attributes).forEach(([key, value]) => element.setAttribute(key, String(value)));
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

function titled(element, text) {
  element.append(svg("title", {}, text));
  return element;
}

function legendItems(listId, colours, labels) {
  const items = Object.entries(colours).map(([key, colour]) => {
    const li = document.createElement("li");
    li.dataset.key = key;
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colour;
    li.append(swatch, document.createTextNode(labels ? labels[key] : key));
    return li;
  });
  document.getElementById(listId).replaceChildren(...items);
}

function clock(iso) {
  return iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "");
}

function drawChains(body) {
  const select = document.getElementById("chain-filter");
  const chosen = selectedChain();
  const option = (text, value) => new Option(text, value, value === chosen, value === chosen);
  const options = [option("all chains", "")];
  const ids = body.chains.map((c) => String(c.chainId));
  body.chains.forEach((c) => options.push(option(c.chainId + " (" + c.batches + " batches)", String(c.chainId))));
  if (chosen !== "" && !ids.includes(chosen)) {
    options.push(option(chosen + " (no batches)", chosen));
  }
  select.replaceChildren(...options);
  select.value = chosen;
}

// Stacked areas, one per status, over evenly spaced sample times: the height at each time is how many batches were
// in that status then.
function drawTimeline(body) {
  const chart = document.getElementById("timeline-chart");
  const points = body.points;
  document.getElementById("timeline-empty").hidden = points.length > 0;
  if (points.length === 0) {
    chart.replaceChildren();
    return;
  }
  const width = 720, height = 240, left = 48, right = 12, top = 12, bottom = 28;
  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  const totals = points.map((p) => body.statuses.reduce((sum, s) => sum + p.counts[s], 0));
  const yMax = Math.max(1, ...totals);
  const x = (i) => left + (points.length === 1 ? plotWidth / 2 : (i * plotWidth) / (points.length - 1));
  const y = (value) => top + plotHeight - (value * plotHeight) / yMax;
  const children = [];
  [0, 0.5, 1].forEach((fraction) => {
    const value = Math.round(yMax * fraction);
    children.push(svg("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), class: "grid" }));
    children.push(svg("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end" }, String(value)));
  });
  const below = points.map(() => 0);
  body.statuses.forEach((status) => {
    const counts = points.map((p) => p.counts[status]);
    const above = below.map((b, i) => b + counts[i]);
    const upper = above.map((v, i) => x(i).toFixed(1) + "," + y(v).toFixed(1));
    const lower = below.map((v, i) => x(i).toFixed(1) + "," + y(v).toFixed(1)).reverse();
    const shape = points.length === 1
      ? svg("rect", { x: x(0) - 6, y: y(above[0]), width: 12, height: y(below[0]) - y(above[0]) })
      : svg("polygon", { points: upper.concat(lower).join(" ") });
    shape.setAttribute("fill", STATUS_COLOURS[status]);
    shape.dataset.status = status;
    shape.dataset.counts = counts.join(",");
    children.push(titled(shape, status + ": " + Math.max(...counts) + " at most"));
    above.forEach((v, i) => { below[i] = v; });
  });
  children.push(svg("line", { x1: left, x2: width - right, y1: top + plotHeight, y2: top + plotHeight, class: "axis" }));
  children.push(svg("text", { x: left, y: height - 8, "text-anchor": "start" }, clock(points[0].at)));
  children.push(svg("text", { x: width - right, y: height - 8, "text-anchor": "end" }, clock(points[points.length - 1].at)));
  chart.replaceChildren(...children);
  chart.dataset.points = String(points.length);
}

function secondsLabel(value) {
  return value === null ? "\u2013" : (value < 100 ? value.toFixed(1) : value.toFixed(0)) + " s";
}

// One small histogram per group: bars stacked by outcome, on the bins every group shares.
function histogramFigure(kind, group, histogram) {
  const figure = document.createElement("figure");
  figure.dataset.latencyGroup = kind + ":" + group.name;
  figure.dataset.batches = String(group.batches);
  const caption = document.createElement("figcaption");
  caption.textContent = (kind === "chain" ? "chain " : "") + group.name + ": " + group.batches + " batches, p50 "
    + secondsLabel(group.p50Seconds) + ", p90 " + secondsLabel(group.p90Seconds) + ", max " + secondsLabel(group.maxSeconds);
  const width = 340, height = 150, left = 36, right = 8, top = 8, bottom = 24;
  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  const yMax = Math.max(1, ...group.counts);
  const barWidth = plotWidth / histogram.bins;
  const chart = svg("svg", { viewBox: "0 0 " + width + " " + height, class: "chart histogram" });
  chart.append(svg("text", { x: left - 4, y: top + 10, "text-anchor": "end" }, String(yMax)));
  chart.append(svg("text", { x: left - 4, y: top + plotHeight, "text-anchor": "end" }, "0"));
  for (let bin = 0; bin < histogram.bins; bin++) {
    let stacked = 0;
    Object.keys(OUTCOME_COLOURS).forEach((outcome) => {
      const count = group.outcomes[outcome][bin];
      if (count === 0) {
        return;
      }
      const barHeight = (count * plotHeight) / yMax;
      const bar = svg("rect", {
        x: (left + bin * barWidth + 0.5).toFixed(1), y: (top + plotHeight - stacked - barHeight).toFixed(1),
        width: Math.max(1, barWidth - 1).toFixed(1), height: barHeight.toFixed(1), fill: OUTCOME_COLOURS[outcome],
      });
      bar.dataset.bin = String(bin);
      bar.dataset.outcome = outcome;
      bar.dataset.count = String(count);
      const from = bin * histogram.binSeconds;
      chart.append(titled(bar, count + " " + outcome + " in " + from + "\u2013" + (from + histogram.binSeconds) + " s"));
      stacked += barHeight;
    });
  }
  chart.append(svg("line", { x1: left, x2: width - right, y1: top + plotHeight, y2: top + plotHeight, class: "axis" }));
  chart.append(svg("text", { x: left, y: height - 6, "text-anchor": "start" }, "0 s"));
  chart.append(svg("text", { x: width - right, y: height - 6, "text-anchor": "end" },
    (histogram.bins * histogram.binSeconds) + " s"));
  figure.append(caption, chart);
  return figure;
}

function drawLatency(body) {
  const histogram = body.histogram;
  document.getElementById("latency-empty").hidden = histogram.batches > 0;
  document.getElementById("latency-by-network")
    .replaceChildren(...histogram.byNetwork.map((g) => histogramFigure("network", g, histogram)));
  document.getElementById("latency-by-chain")
    .replaceChildren(...histogram.byChain.map((g) => histogramFigure("chain", g, histogram)));
}

let refreshes = 0;

async function refresh(chartsNow) {
  const error = document.getElementById("error");
  const charts = chartsNow === true || refreshes % CHARTS_EVERY === 0;
  refreshes++;
  try {
    const [chains, timeline, latency, counts, networks, fallbacks] = await Promise.all([
      getJson("/api/chains"), charts ? getJson(withChain("/api/status-timeline")) : null,
      charts ? getJson(withChain("/api/latency")) : null,
      getJson(withChain("/api/status-counts")), getJson("/api/networks"),
      getJson(withChain("/api/fallbacks?limit=" + FALLBACK_ROWS))]);
    drawChains(chains);
    if (charts) {
      drawTimeline(timeline);
      drawLatency(latency);
    }
    drawCounts(counts);
    drawNetworks(networks);
    drawFallbacks(fallbacks);
    error.hidden = true;
    document.getElementById("updated").textContent = "updated " + new Date().toISOString();
  } catch (e) {
    error.textContent = "cannot refresh: " + e.message;
    error.hidden = false;
  }
}

document.getElementById("chain-filter").addEventListener("change", (event) => {
  const chain = event.target.value;
  window.history.replaceState(null, "", chain === "" ? window.location.pathname : "?chain=" + encodeURIComponent(chain));
  refresh(true);
});
legendItems("timeline-legend", STATUS_COLOURS);
legendItems("latency-legend", OUTCOME_COLOURS, OUTCOME_LABELS);
refresh();
setInterval(refresh, REFRESH_MILLIS);
