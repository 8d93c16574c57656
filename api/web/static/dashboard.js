/* Supervisors' dashboard: volume by category per day, department scorecards, district
 * hotspots, with CSV exports of each table. */
"use strict";

const $ = (id) => document.getElementById(id);
const Dash = { params: null, volume: null, depts: null, width: 0 };

/* Midnight (as a Date) of the local calendar day `daysBack` days before today. */
function localMidnight(daysBack) {
  const now = new Date();
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: MS.data.timezone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  }).formatToParts(now).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
  const offset = Math.round((asUtc - now.getTime()) / 60000) * 60000;
  return new Date(Date.UTC(+parts.year, +parts.month - 1, +parts.day - daysBack) - offset);
}

function period() {
  const days = Number($("dash-period").value);
  return { from: localMidnight(days - 1).toISOString(), to: new Date().toISOString() };
}

function pct(part, whole) {
  return whole ? Math.round((part / whole) * 1000) / 10 + "%" : "—";
}

function tile(label, value, id) {
  return MS.el("div", { class: "tile", id }, MS.el("div", { class: "tile-value" }, value), MS.el("div", { class: "tile-label" }, label));
}

function renderTiles(volume, depts) {
  const sum = (f) => depts.reduce((s, d) => s + d[f], 0);
  const sats = depts.filter((d) => d.mean_satisfaction !== null);
  const sat = sats.length ? (sats.reduce((s, d) => s + d.mean_satisfaction, 0) / sats.length).toFixed(2) : "—";
  MS.clear($("dash-tiles")).append(
    tile("工单总数", String(volume.total), "tile-total"),
    tile("派单数", String(sum("received")), "tile-received"),
    tile("按时办结率", pct(sum("on_time"), sum("resolved")), "tile-ontime"),
    tile("超时工单", String(sum("overdue")), "tile-overdue"),
    tile("满意度（部门均值）", sat, "tile-satisfaction"));
}

function renderVolume(volume) {
  Charts.stackedBars($("chart-volume"), {
    title: "各类工单量趋势",
    labels: volume.days,
    series: volume.series.map((s) => ({ key: s.code, label: s.label, values: s.counts, total: s.total })),
  });
}

function renderDepartments(depts) {
  const rows = depts.map((d) => ({
    key: d.department_key,
    label: d.department_name,
    value: d.resolved ? d.on_time / d.resolved : null,
    text: d.resolved ? pct(d.on_time, d.resolved) + "（" + d.on_time + "/" + d.resolved + "）" : "未办结",
  }));
  Charts.hbars($("chart-ontime"), rows, { max: 1, title: "部门按时办结率" });
  if (!rows.length) $("chart-ontime").append(MS.el("p", { class: "empty" }, "区间内没有派出的工单。"));
  const body = MS.clear($("score-rows"));
  for (const d of depts) {
    body.append(MS.el("tr", { dataset: { dept: d.department_key } },
      MS.el("td", {}, d.department_name),
      MS.el("td", { class: "num", dataset: { field: "received" } }, d.received),
      MS.el("td", { class: "num", dataset: { field: "resolved" } }, d.resolved),
      MS.el("td", { class: "num", dataset: { field: "on_time_rate" } }, pct(d.on_time, d.resolved)),
      MS.el("td", { class: "num" + (d.overdue ? " overdue" : ""), dataset: { field: "overdue" } }, d.overdue),
      MS.el("td", { class: "num" }, MS.fmtHours(d.mean_handling_hours)),
      MS.el("td", { class: "num" }, MS.fmtHours(d.p90_handling_hours)),
      MS.el("td", { class: "num", dataset: { field: "satisfaction" } }, d.mean_satisfaction === null ? "—" : d.mean_satisfaction.toFixed(1)),
      MS.el("td", { class: "num" }, d.reopen_rate === null ? "—" : pct(d.reopen_rate, 1))));
  }
  $("score-empty").hidden = depts.length > 0;
}

function renderHotspots(rows) {
  const body = MS.clear($("hotspot-rows"));
  const max = Math.max(1, ...rows.map((r) => r.count));
  for (const r of rows) {
    const bar = MS.el("span", { class: "inline-bar" });
    bar.style.width = Math.round((r.count / max) * 100) + "%";
    body.append(MS.el("tr", { dataset: { district: r.district, category: r.category_code || "" } },
      MS.el("td", {}, r.district),
      MS.el("td", {}, r.category_label || "未分类"),
      MS.el("td", { class: "num" }, r.count),
      MS.el("td", { class: "barcol" }, bar)));
  }
  $("hotspot-empty").hidden = rows.length > 0;
}

async function load() {
  const p = period();
  const level = $("dash-level").value;
  Dash.params = { ...p, level };
  $("dash-range").textContent = MS.fmtTime(p.from) + " 至 " + MS.fmtTime(p.to);
  $("dash-error").hidden = true;
  try {
    const [volume, depts, spots] = await Promise.all([
      MS.api("/stats/volume", { params: { ...p, level } }),
      MS.api("/stats/departments", { params: p }),
      MS.api("/stats/hotspots", { params: { ...p, limit: 20 } }),
    ]);
    Object.assign(Dash, { volume, depts, width: window.innerWidth });
    renderTiles(volume, depts);
    renderVolume(volume);
    renderDepartments(depts);
    renderHotspots(spots);
    document.body.dataset.loaded = "true";
  } catch (e) {
    $("dash-error").textContent = e.message;
    $("dash-error").hidden = false;
  }
}

MS.start(async () => {
  $("dash-period").addEventListener("change", load);
  $("dash-level").addEventListener("change", load);
  document.querySelectorAll("[data-export]").forEach((button) => {
    button.addEventListener("click", async () => {
      const report = button.dataset.export;
      try {
        await MS.download("/stats/export.csv", { report, ...Dash.params }, "minsheng-" + report + ".csv");
      } catch (e) {
        MS.flash(e.message, "error");
      }
    });
  });
  // Charts are drawn to the panel's width: redraw them (without refetching) when it changes.
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (!Dash.volume || window.innerWidth === Dash.width) return;
      Dash.width = window.innerWidth;
      renderVolume(Dash.volume);
      renderDepartments(Dash.depts);
    }, 300);
  });
  await load();
});
