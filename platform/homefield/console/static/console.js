// The console's behaviour: draw each chart with uPlot, and refresh the page in place every few
// seconds (keeping focus and scroll) until the reader pauses it.
"use strict";

window.homefieldCharts = {};

const UNITS = { percent: "%", reqps: " req/s", ops: " /s", s: " s" };

function aligned(series) {
  // uPlot wants one x array and one y array per series, null where a series has no sample.
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const ys = series.map((s) => {
    const y = new Array(times.length).fill(null);
    for (const [t, v] of s.points) y[index.get(t)] = v;
    return y;
  });
  return [times, ...ys];
}

function compact(value) {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}

const PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

function drawCharts(root) {
  for (const figure of root.querySelectorAll("figure.chart[data-chart]")) {
    const plot = figure.querySelector(".plot");
    const source = document.getElementById(figure.dataset.chart);
    if (!plot || !source) continue;
    const spec = JSON.parse(source.textContent);
    const suffix = UNITS[spec.unit] || "";
    const options = {
      width: Math.max(plot.clientWidth, 240),
      height: 180,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: [spec.start, spec.end] } },
      axes: [{}, { size: 76, values: (u, ticks) => ticks.map((v) => compact(v) + suffix) }],
      series: [{}, ...spec.series.map((s, i) => ({
        label: s.name, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false,
      }))],
    };
    window.homefieldCharts[figure.id] = new uPlot(options, aligned(spec.series), plot);
  }
}

function destroyCharts() {
  for (const chart of Object.values(window.homefieldCharts)) chart.destroy();
  window.homefieldCharts = {};
}

let paused = false;

async function refresh() {
  if (paused || document.hidden) return;
  let text;
  try {
    const response = await fetch(location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    text = await response.text();
  } catch (error) {
    setStatus("Not updated: the console does not answer");
    return;
  }
  const fresh = new DOMParser().parseFromString(text, "text/html");
  const main = document.getElementById("content");
  const next = fresh.getElementById("content");
  if (!main || !next) return;
  // Keep keyboard focus on the same control: by id, else by its place among the focusable ones.
  const focusable = () => [...main.querySelectorAll("a[href], button, summary, [tabindex]")];
  const focused = document.activeElement && document.activeElement.id;
  const place = focusable().indexOf(document.activeElement);
  const open = [...main.querySelectorAll("details[open]")].map((d) => d.closest("[id]")?.id);
  const scroll = window.scrollY;
  destroyCharts();
  main.replaceChildren(...next.childNodes);
  for (const id of open) main.querySelector(`#${CSS.escape(id)} details`)?.setAttribute("open", "");
  drawCharts(main);
  window.scrollTo(0, scroll);
  if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
  else if (place >= 0) focusable()[place]?.focus({ preventScroll: true });
  const updated = fresh.querySelector("#updated time");
  if (updated) setStatus("Updated " + updated.textContent);
}

function setStatus(text) {
  const status = document.getElementById("updated");
  if (status) status.textContent = text;
}

function start() {
  drawCharts(document);
  const seconds = Number(document.body.dataset.refresh || 0);
  const pause = document.getElementById("pause");
  if (pause) {
    pause.addEventListener("click", () => {
      paused = !paused;
      pause.setAttribute("aria-pressed", String(paused));
      pause.textContent = paused ? "Resume auto-refresh" : "Pause auto-refresh";
    });
  }
  if (seconds > 0) setInterval(refresh, seconds * 1000);
}

document.addEventListener("DOMContentLoaded", start);
