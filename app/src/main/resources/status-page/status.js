// The status page: reads the JSON status API every 2 seconds and redraws three tables. No framework, no build step.
"use strict";

const REFRESH_MILLIS = 2000;
const FALLBACK_ROWS = 20;

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

async function refresh() {
  const error = document.getElementById("error");
  try {
    const [counts, networks, fallbacks] = await Promise.all([
      getJson("/api/status-counts"), getJson("/api/networks"), getJson("/api/fallbacks?limit=" + FALLBACK_ROWS)]);
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

refresh();
setInterval(refresh, REFRESH_MILLIS);
