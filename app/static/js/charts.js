// Bar charts drawn by Chart.js 4 (vendored in /static/vendor/chart.js, loaded on first use from
// this origin, as the page's CSP asks). Bars run across, so long labels stay readable on a
// phone; each chart has axis titles, its values at the bars' ends, an optional second colour
// for the bars that need attention (with a note that names them, not colour alone) and a text
// alternative: the canvas's accessible name lists every label and value.
import { h } from "./ui.js";

const LIBRARY = "/static/vendor/chart.js/chart.umd.min.js";
const FONT_PX = 13; // ticks and values: 12 px or more on every screen
const BAR_PX = 30; // height per bar; the chart grows with its bars, its width with the screen
const AXES_PX = 64; // the value axis and its title

let loading = null;

// The Chart constructor, loading the library once. A failed load is tried again next time.
export function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  loading ??= new Promise((resolve, reject) => {
    const script = h("script", { src: LIBRARY });
    script.addEventListener("load", () => resolve(window.Chart));
    script.addEventListener("error", () => {
      loading = null;
      script.remove();
      reject(new Error("The chart could not be drawn: its library did not load."));
    });
    document.head.append(script);
  });
  return loading;
}

// The design system's colours, read from its custom properties when the chart is drawn.
function colours() {
  const css = getComputedStyle(document.documentElement);
  const read = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return { bar: read("--accent", "#1d4ed8"), highlight: read("--chart-highlight", "#c2410c"),
    ink: read("--ink", "#16191f"), muted: read("--muted", "#4f5866"), grid: read("--line", "#d5dbe3") };
}

// Each bar's value written just past its end.
const valueLabels = (unit, ink) => ({
  id: "valueLabels",
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.font = `600 ${FONT_PX}px system-ui, sans-serif`;
    ctx.fillStyle = ink;
    ctx.textBaseline = "middle";
    for (const bar of chart.getDatasetMeta(0).data) {
      const value = chart.data.datasets[0].data[bar.$context.dataIndex];
      if (value === null || value === undefined) continue;
      ctx.fillText(`${value}${unit}`, bar.x + 6, bar.y);
    }
    ctx.restore();
  },
});

const spoken = (value, unit) => (value === null || value === undefined ? "no value" : `${value}${unit}`);

/**
 * A horizontal bar chart in a <figure>: returned at once, drawn when the library is loaded.
 * labels: bar names ("Q3"); values: numbers (null for none); max: the value axis's end;
 * unit: after each value (" %"); xLabel / yLabel: the value and category axes' titles;
 * details: a longer text per bar for its tooltip and accessible name (a question's prompt);
 * highlight: (value, index) => bool, bars drawn in the second colour; highlightNote: what
 * those bars are ("below 40 %"), said in the note under the chart with their labels.
 */
export function barChart({ title, labels, values, max = 100, unit = "", xLabel = "", yLabel = "", details = [],
  highlight = null, highlightNote = "" }) {
  const marked = labels.map((_, i) => Boolean(highlight?.(values[i], i)));
  const names = labels.map((label, i) => `${label}${details[i] ? ` (${details[i]})` : ""}`);
  const described = names.map((name, i) => `${name}: ${spoken(values[i], unit)}`);
  const canvas = h("canvas", { role: "img", "aria-label": `${title}. ${described.join("; ")}.` },
    `${title}: ${described.join("; ")}.`);
  const box = h("div", { class: "chart-box" }, canvas);
  // Sized through the CSSOM, which the CSP allows (a style attribute it would refuse).
  box.style.height = `${labels.length * BAR_PX + AXES_PX}px`;
  const flagged = labels.filter((_, i) => marked[i]);
  const note = highlight
    ? h("p", { class: "chart-legend", "data-chart-legend": "" },
      h("span", { class: "swatch highlight", "aria-hidden": "true" }),
      flagged.length
        ? `Bars in orange are ${highlightNote}: ${flagged.join(", ")}.`
        : `No bar is ${highlightNote}.`)
    : null;
  const figure = h("figure", { class: "chart", "data-chart": "" }, h("figcaption", {}, title), box, note);

  loadChartJs().then((Chart) => {
    const c = colours();
    const tick = { color: c.ink, font: { size: FONT_PX } };
    const axisTitle = (text) => ({ display: Boolean(text), text, color: c.muted, font: { size: FONT_PX, weight: "600" } });
    new Chart(canvas, {
      type: "bar",
      data: { labels, datasets: [{ label: title, data: values, borderRadius: 3, maxBarThickness: 22,
        minBarLength: highlight ? 4 : 0, // a highlighted bar of 0 still shows its colour
        backgroundColor: marked.map((m) => (m ? c.highlight : c.bar)) }] },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { right: 60 } }, // room for the longest bar's value
        scales: {
          x: { min: 0, max, beginAtZero: true, title: axisTitle(xLabel), grid: { color: c.grid },
            ticks: { ...tick, precision: 0, callback: (v) => `${v}${unit}` } },
          y: { title: axisTitle(yLabel), grid: { display: false }, ticks: tick },
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: {
            title: (items) => names[items[0].dataIndex],
            label: (item) => spoken(values[item.dataIndex], unit),
          } },
        },
      },
      plugins: [valueLabels(unit, c.ink)],
    });
    figure.dataset.drawn = "";
  }, (error) => {
    box.replaceWith(h("p", { class: "bad" }, error.message), h("ul", {}, described.map((line) => h("li", {}, line))));
  });
  return figure;
}
