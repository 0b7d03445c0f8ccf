// The dashboard's time chart: matched tweets per bucket as SVG lines with a time axis, a value axis
// and a hover tooltip. It only draws what dashboard.js hands it (a "view", below); it fetches nothing.
// Every text is set as text, never as HTML.
/* exported RateChart */
"use strict";

/**
 * What `draw` takes:
 *   from, to      the time axis, seconds since the epoch (to exclusive)
 *   size          seconds per bucket
 *   partialAt     the start of the bucket still filling, or null: drawn dashed, never as a drop
 *   lines         [{ key, label, colorClass, main, points: [{ at, iso, amount }] }], drawn in order;
 *                 the `main` line's points are also SVG circles carrying data-at and data-amount
 *   compare       null or { label, offset, points: [{ at, iso, amount }] }: another run, each point
 *                 drawn at `at + offset` (the two runs aligned by seconds since their starts)
 *   elapsedFrom   null for clock times on the axis, else the second the axis counts "+m:ss" from
 */
const RateChart = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const MARGIN = { top: 14, right: 16, bottom: 30, left: 52 };
  /** Pixels wanted between two time ticks, and between two value ticks. */
  const X_TICK_SPACING = 110;
  const Y_TICK_SPACING = 44;
  /** Time-axis steps in seconds, the first whose ticks are far enough apart wins. */
  const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  /** Above this many points the main line's dots are hidden (they still carry the data). */
  const DOTS_SHOWN_UP_TO = 60;
  const number = new Intl.NumberFormat("en");

  function svgNode(name, attributes, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (parent) parent.append(node);
    return node;
  }

  /** A round number above `max`, and the ticks from 0 to it, about `count` of them. */
  function valueTicks(max, count) {
    const rough = Math.max(max, 1) / Math.max(count, 1);
    const power = 10 ** Math.floor(Math.log10(rough));
    // Counts are whole: a step below 1 would label ticks 0.2, 0.4…
    const step = Math.max(
      1,
      [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough),
    );
    const top = Math.max(step, Math.ceil(max / step) * step);
    const ticks = [];
    for (let value = 0; value <= top; value += step) ticks.push(value);
    return { top, ticks };
  }

  function timeTicks(from, to, width) {
    const span = Math.max(1, to - from);
    const wanted = Math.max(2, Math.floor(width / X_TICK_SPACING));
    const step = TIME_STEPS.find((candidate) => span / candidate <= wanted) ?? Math.ceil(span / wanted / 86400) * 86400;
    const ticks = [];
    for (let at = Math.ceil(from / step) * step; at < to; at += step) ticks.push(at);
    return { step, ticks };
  }

  const pad = (value) => String(value).padStart(2, "0");

  function clockLabel(second, step) {
    const date = new Date(second * 1000);
    const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
    if (step >= 86400) return `${date.getMonth() + 1}/${date.getDate()}`;
    return step < 60 ? `${time}:${pad(date.getSeconds())}` : time;
  }

  function elapsedLabel(seconds) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = seconds % 60;
    return hours ? `+${hours}:${pad(minutes)}:${pad(rest)}` : `+${minutes}:${pad(rest)}`;
  }

  /** "10:23:50" for one second, "10:23:50–10:24:00" for a longer bucket. */
  function bucketLabel(at, size) {
    const time = (second) => clockLabel(second, 1);
    return size === 1 ? time(at) : `${time(at)}–${time(at + size)}`;
  }

  /** The path through `points`, split where the partial bucket starts: [complete, partial tail]. */
  function linePaths(points, toXY, partialAt) {
    const coords = points.map((point) => toXY(point));
    const partialIndex = partialAt === null ? -1 : points.findIndex((point) => point.at === partialAt);
    const d = (list) => list.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
    if (partialIndex < 0) return [d(coords), ""];
    return [d(coords.slice(0, partialIndex)), d(coords.slice(Math.max(0, partialIndex - 1)))];
  }

  class Chart {
    constructor(svg, tooltip) {
      this.svg = svg;
      this.tooltip = tooltip;
      this.view = null;
      /** Where the pointer rests over the chart, so that a redraw (every second, live) keeps its tooltip. */
      this.pointerX = null;
      new ResizeObserver(() => this.view && this.draw(this.view)).observe(svg);
      svg.addEventListener("pointermove", (event) => this.hover((this.pointerX = event.clientX)));
      svg.addEventListener("pointerleave", () => {
        this.pointerX = null;
        this.unhover();
      });
    }

    draw(view) {
      this.view = view;
      const width = Math.max(200, this.svg.clientWidth);
      const height = Math.max(120, this.svg.clientHeight);
      this.svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
      this.plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
      const shown = [...view.lines.flatMap((line) => line.points), ...(view.compare?.points ?? [])];
      const { top, ticks } = valueTicks(Math.max(0, ...shown.map((point) => point.amount)), this.valueTickCount());
      this.yTop = top;
      const root = svgNode("g", {});
      this.drawValueAxis(root, ticks);
      this.drawTimeAxis(root);
      if (view.compare) this.drawCompare(root, view.compare);
      for (const line of view.lines) this.drawLine(root, line);
      this.guide = svgNode("line", { class: "guide", y1: this.plot.top, y2: this.plot.bottom, x1: -10, x2: -10 }, root);
      this.svg.replaceChildren(root);
      this.svg.classList.toggle(
        "dotted",
        (view.lines.find((line) => line.main)?.points.length ?? 0) <= DOTS_SHOWN_UP_TO,
      );
      if (this.pointerX === null) this.unhover();
      else this.hover(this.pointerX);
    }

    clear() {
      this.view = null;
      this.svg.replaceChildren();
      this.tooltip.hidden = true;
    }

    valueTickCount() {
      return Math.max(2, Math.floor((this.plot.bottom - this.plot.top) / Y_TICK_SPACING));
    }

    /** The x of a bucket: its middle, so a bucket's dot sits over the time it covers. */
    x(at) {
      const { from, to, size } = this.view;
      const ratio = (at + size / 2 - from) / Math.max(1, to - from);
      return this.plot.left + ratio * (this.plot.right - this.plot.left);
    }

    y(amount) {
      return this.plot.bottom - (amount / this.yTop) * (this.plot.bottom - this.plot.top);
    }

    drawValueAxis(root, ticks) {
      const axis = svgNode("g", { class: "value-axis" }, root);
      for (const value of ticks) {
        const y = Math.round(this.y(value)) + 0.5;
        svgNode(
          "line",
          { class: value ? "grid" : "baseline", x1: this.plot.left, x2: this.plot.right, y1: y, y2: y },
          axis,
        );
        const label = svgNode("text", { x: this.plot.left - 8, y, dy: "0.32em", "text-anchor": "end" }, axis);
        label.textContent = number.format(value);
      }
    }

    drawTimeAxis(root) {
      const { from, to, elapsedFrom } = this.view;
      const axis = svgNode("g", { class: "time-axis" }, root);
      const origin = elapsedFrom ?? 0;
      const { step, ticks } = timeTicks(from - origin, to - origin, this.plot.right - this.plot.left);
      // Counted from a run's start, the axis has nothing before it (a first bucket may start earlier).
      for (const tick of elapsedFrom === null ? ticks : ticks.filter((elapsed) => elapsed >= 0)) {
        const second = tick + origin;
        const x = this.plot.left + ((second - from) / Math.max(1, to - from)) * (this.plot.right - this.plot.left);
        svgNode("line", { class: "tick", x1: x, x2: x, y1: this.plot.bottom, y2: this.plot.bottom + 5 }, axis);
        const label = svgNode("text", { x, y: this.plot.bottom + 19, "text-anchor": "middle" }, axis);
        label.textContent = elapsedFrom === null ? clockLabel(second, step) : elapsedLabel(tick);
      }
    }

    drawLine(root, line) {
      const group = svgNode("g", { class: `series ${line.colorClass}`, "data-series": line.key }, root);
      const toXY = (point) => [this.x(point.at), this.y(point.amount)];
      const [complete, partial] = linePaths(line.points, toXY, this.view.partialAt);
      if (line.main && line.points.length) {
        const first = this.x(line.points[0].at);
        const last = this.x(line.points[line.points.length - 1].at);
        const area = `${complete || partial}L${last.toFixed(1)},${this.plot.bottom}L${first.toFixed(1)},${this.plot.bottom}Z`;
        if (complete) svgNode("path", { class: "area", d: area }, group);
      }
      if (complete) svgNode("path", { class: "line", d: complete }, group);
      if (partial) svgNode("path", { class: "line partial", d: partial }, group);
      if (line.main) this.drawPoints(group, line.points);
    }

    drawPoints(group, points) {
      const dots = svgNode("g", { class: "points" }, group);
      for (const point of points) {
        const partial = point.at === this.view.partialAt;
        svgNode(
          "circle",
          {
            class: partial ? "point partial" : "point",
            cx: this.x(point.at).toFixed(1),
            cy: this.y(point.amount).toFixed(1),
            r: 3,
            "data-at": point.iso,
            "data-amount": point.amount,
            ...(partial ? { "data-partial": "true" } : {}),
          },
          dots,
        );
      }
    }

    drawCompare(root, compare) {
      const group = svgNode("g", { class: "series compare", "data-series": "compare" }, root);
      const toXY = (point) => [this.x(point.at + compare.offset), this.y(point.amount)];
      const [complete] = linePaths(compare.points, toXY, null);
      if (complete) svgNode("path", { class: "line", d: complete }, group);
      const dots = svgNode("g", { class: "points" }, group);
      for (const point of compare.points)
        svgNode("circle", { class: "compare-point", r: 0, "data-at": point.iso, "data-amount": point.amount }, dots);
    }

    /** The main line's bucket under the pointer, by its x; null off the plot. */
    bucketAt(clientX) {
      const main = this.view?.lines.find((line) => line.main);
      if (!main || !main.points.length) return null;
      const box = this.svg.getBoundingClientRect();
      const x = clientX - box.left;
      let best = null;
      for (const point of main.points)
        if (!best || Math.abs(this.x(point.at) - x) < Math.abs(this.x(best.at) - x)) best = point;
      return best;
    }

    hover(clientX) {
      const point = this.bucketAt(clientX);
      if (!point) return this.unhover();
      const x = this.x(point.at);
      this.guide.setAttribute("x1", x);
      this.guide.setAttribute("x2", x);
      for (const dot of this.svg.querySelectorAll("circle.hovered")) dot.classList.remove("hovered");
      this.svg.querySelector(`circle.point[data-at="${point.iso}"]`)?.classList.add("hovered");
      this.showTooltip(point, x);
    }

    unhover() {
      this.guide?.setAttribute("x1", -10);
      this.guide?.setAttribute("x2", -10);
      for (const dot of this.svg.querySelectorAll("circle.hovered")) dot.classList.remove("hovered");
      this.tooltip.hidden = true;
    }

    showTooltip(point, x) {
      const { size, partialAt, lines, compare } = this.view;
      const rows = [];
      for (const line of lines) {
        const match = line.points.find((candidate) => candidate.at === point.at);
        if (match) rows.push([line.label, match.amount, line.colorClass]);
      }
      if (compare) {
        const match = compare.points.find(
          (candidate) => Math.abs(candidate.at + compare.offset - point.at) < size / 2 + 0.5,
        );
        rows.push([compare.label, match ? match.amount : null, "compare"]);
      }
      const title = document.createElement("strong");
      const { elapsedFrom } = this.view;
      const since = elapsedFrom === null ? "" : `${elapsedLabel(Math.max(0, point.at - elapsedFrom))} · `;
      title.textContent = `${since}${bucketLabel(point.at, size)}`;
      const list = document.createElement("dl");
      for (const [label, amount, colorClass] of rows) {
        const name = document.createElement("dt");
        name.className = colorClass;
        name.textContent = label;
        const value = document.createElement("dd");
        value.textContent = amount === null ? "–" : number.format(amount);
        list.append(name, value);
      }
      const parts = [title, list];
      if (point.at === partialAt) {
        const note = document.createElement("em");
        note.textContent = "partial — still filling";
        parts.push(note);
      }
      this.tooltip.replaceChildren(...parts);
      this.tooltip.hidden = false;
      this.placeTooltip(x);
    }

    /** Beside the guide line, on whichever side has room. */
    placeTooltip(x) {
      const gap = 12;
      const width = this.tooltip.offsetWidth;
      const left = x + gap + width > this.svg.clientWidth ? x - gap - width : x + gap;
      this.tooltip.style.left = `${Math.max(0, left)}px`;
      this.tooltip.style.top = `${this.plot.top}px`;
    }
  }

  return Chart;
})();
