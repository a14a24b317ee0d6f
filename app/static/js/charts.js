// Bar charts as SVG, labelled for screen readers.
import { h } from "./ui.js";

const NS = "http://www.w3.org/2000/svg";
const svg = (tag, attrs = {}, text) => {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
};

export function barChart({ title, labels, values, max = 100, unit = "" }) {
  const width = 560, barHeight = 22, gap = 8, labelWidth = 190;
  const height = labels.length * (barHeight + gap) + 10;
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img" });
  chart.setAttribute("aria-label", `${title}: ` + labels.map((l, i) => `${l} ${values[i]}${unit}`).join(", "));
  chart.append(svg("title", {}, title));
  labels.forEach((label, i) => {
    const y = i * (barHeight + gap) + 5;
    const length = max ? Math.max(0, (values[i] / max) * (width - labelWidth - 60)) : 0;
    chart.append(svg("text", { x: 0, y: y + 15 }, String(label).slice(0, 30)));
    chart.append(svg("rect", { x: labelWidth, y, width: length, height: barHeight }));
    chart.append(svg("text", { x: labelWidth + length + 6, y: y + 15 }, `${values[i]}${unit}`));
  });
  return h("figure", {}, h("figcaption", {}, title), chart);
}
