/* Two small SVG charts drawn by hand (no charting library): stacked bars over time and
 * horizontal bars. Every mark carries data-* attributes and a <title> tooltip, so the
 * numbers can be read by people, screen readers and tests alike. */
"use strict";

const Charts = (() => {
  const PALETTE = ["#c0392b", "#2e86c1", "#27ae60", "#d68910", "#8e44ad", "#16a085",
    "#7f8c8d", "#e74c3c", "#1f618d", "#b7950b", "#6c3483", "#117a65"];
  const svg = (tag, attrs, ...children) => MS.el("svg:" + tag, attrs, ...children);

  function color(i) {
    return PALETTE[i % PALETTE.length];
  }

  /* A "nice" axis maximum and step for values up to `max`. */
  function niceScale(max, ticks = 4) {
    if (max <= 0) return { max: ticks, step: 1 };
    const raw = max / ticks;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
    const stepInt = Math.max(1, Math.round(step));
    return { max: Math.ceil(max / stepInt) * stepInt, step: stepInt };
  }

  function legend(series) {
    return MS.el("div", { class: "legend chart-legend" }, series.map((s, i) => {
      const swatch = MS.el("span", { class: "swatch" });
      swatch.style.background = color(i);
      return MS.el("span", { class: "legend-item", dataset: { series: s.key } }, swatch, s.label + "（" + s.total + "）");
    }));
  }

  /* labels: x categories (dates); series: [{key, label, values, total}]. */
  function stackedBars(container, { labels, series, title }) {
    MS.clear(container);
    const width = Math.max(container.clientWidth || 0, 480);
    const height = 260;
    const m = { top: 12, right: 12, bottom: 34, left: 40 };
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;
    const totals = labels.map((_, i) => series.reduce((sum, s) => sum + s.values[i], 0));
    const scale = niceScale(Math.max(0, ...totals));
    const y = (v) => m.top + plotH - (v / scale.max) * plotH;
    const band = plotW / Math.max(labels.length, 1);
    const barW = Math.max(2, Math.min(36, band * 0.7));
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": title, class: "chart-svg" });
    for (let v = 0; v <= scale.max; v += scale.step) {
      root.append(svg("line", { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v), class: "grid-line" }),
        svg("text", { x: m.left - 6, y: y(v) + 4, "text-anchor": "end", class: "axis-text" }, String(v)));
    }
    const every = Math.ceil(labels.length / Math.max(1, Math.floor(plotW / 56)));
    labels.forEach((label, i) => {
      const x = m.left + i * band + (band - barW) / 2;
      let base = 0;
      series.forEach((s, k) => {
        const v = s.values[i];
        if (!v) return;
        root.append(svg("rect", {
          x, width: barW, y: y(base + v), height: y(base) - y(base + v), fill: color(k),
          class: "bar", "data-series": s.key, "data-x": label, "data-value": v,
        }, svg("title", {}, `${label} ${s.label}：${v} 件`)));
        base += v;
      });
      if (i % every === 0 || i === labels.length - 1) {
        root.append(svg("text", { x: x + barW / 2, y: height - m.bottom + 16, "text-anchor": "middle", class: "axis-text" }, label.slice(5)));
      }
    });
    root.append(svg("line", { x1: m.left, x2: width - m.right, y1: y(0), y2: y(0), class: "axis-line" }));
    container.append(root, legend(series));
    if (!series.length) container.append(MS.el("p", { class: "empty" }, "区间内没有工单。"));
  }

  /* rows: [{key, label, value (0..max), text}]; value null draws no bar. */
  function hbars(container, rows, { max = 1, title = "" } = {}) {
    MS.clear(container);
    const width = Math.max(container.clientWidth || 0, 360);
    const rowH = 26;
    const m = { left: 190, right: 110, top: 6 };
    const height = m.top * 2 + rowH * Math.max(rows.length, 1);
    const plotW = width - m.left - m.right;
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": title, class: "chart-svg" });
    rows.forEach((r, i) => {
      const top = m.top + i * rowH;
      root.append(svg("text", { x: m.left - 8, y: top + 17, "text-anchor": "end", class: "axis-text label-text" }, r.label));
      root.append(svg("rect", { x: m.left, y: top + 5, width: plotW, height: rowH - 10, class: "bar-track" }));
      if (r.value !== null && r.value !== undefined) {
        root.append(svg("rect", {
          x: m.left, y: top + 5, width: Math.max(1, (Math.min(r.value, max) / max) * plotW), height: rowH - 10,
          fill: r.value >= 0.9 * max ? "#27ae60" : r.value >= 0.6 * max ? "#d68910" : "#c0392b",
          class: "bar", "data-key": r.key, "data-value": r.value,
        }, svg("title", {}, `${r.label}：${r.text}`)));
      }
      root.append(svg("text", { x: m.left + plotW + 8, y: top + 17, class: "axis-text" }, r.text));
    });
    container.append(root);
  }

  return { stackedBars, hbars, niceScale, color };
})();
