// Hand-written SVG charts for RESULTS.md (no dependency: a chart is a string).
// The pieces every chart shares: the document head, axes with a grid, log and
// linear ticks, series, bars, reference lines and legend items. Each piece
// appends lines to an `out` array, so a chart reads top to bottom in drawing order.

export const COLORS = ['#111111', '#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The opening lines: the svg element, a white background and the bold title. */
export function svgHead(W, H, titleX, title) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${titleX}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
}

/** Whole powers of ten around `values`, at least one decade apart: [lowest exponent, highest]. */
export function decades(values) {
  const lo = Math.floor(Math.log10(Math.min(...values)));
  return [lo, Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))))];
}

/** 1, 2, 5 times each power of ten from 10^e0 to 10^e1. */
export function logTicks(e0, e1) {
  const ticks = [];
  for (let e = e0; e <= e1; e++)
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= 10 ** e0 && v <= 10 ** e1) ticks.push(v);
    }
  return ticks;
}

/** Round ticks from 0 to at least `max` (steps of 1, 2 or 5 times a power of ten), about `count` of them. */
export function linearTicks(max, count = 5) {
  const raw = max / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v < max + step; v += step) ticks.push(+v.toPrecision(6));
  return ticks;
}

/** Maps data to a box {x0, y0, x1, y1} (pixels; y0 is the top). */
export function scales(box, x, y) {
  const map = (a, lo, hi, log) => (log ? (Math.log10(a) - lo) / (hi - lo) : (a - lo) / (hi - lo));
  return {
    px: (v) => box.x0 + map(v, x.lo, x.hi, x.log) * (box.x1 - box.x0),
    py: (v) => box.y1 - map(v, y.lo, y.hi, y.log) * (box.y1 - box.y0),
  };
}

/**
 * A grid line and label at each tick (x ticks first, then y ticks; either may
 * be empty), the frame, and the axis titles below and left of the box.
 */
export function axes(out, box, { px, py, xTicks = [], yTicks = [], xFmt = String, yFmt = String, xTitle, yTitle }) {
  for (const v of xTicks)
    out.push(
      `<line x1="${px(v)}" y1="${box.y0}" x2="${px(v)}" y2="${box.y1}" stroke="#ddd"/>`,
      `<text x="${px(v)}" y="${box.y1 + 16}" text-anchor="middle">${xFmt(v)}</text>`,
    );
  for (const v of yTicks)
    out.push(
      `<line x1="${box.x0}" y1="${py(v)}" x2="${box.x1}" y2="${py(v)}" stroke="#ddd"/>`,
      `<text x="${box.x0 - 6}" y="${py(v) + 4}" text-anchor="end">${yFmt(v)}</text>`,
    );
  out.push(`<rect x="${box.x0}" y="${box.y0}" width="${box.x1 - box.x0}" height="${box.y1 - box.y0}" fill="none" stroke="#333"/>`);
  if (xTitle) out.push(`<text x="${(box.x0 + box.x1) / 2}" y="${box.y1 + 42}" text-anchor="middle">${esc(xTitle)}</text>`);
  if (yTitle) out.push(`<text transform="translate(${box.x0 - 52} ${(box.y0 + box.y1) / 2}) rotate(-90)" text-anchor="middle">${esc(yTitle)}</text>`);
}

/**
 * A line through `pts` ([x, y] in data units) with a dot at each, optionally
 * each labelled with `label(y)`, `dy` pixels below the dot (negative: above).
 */
export function series(out, pts, color, { px, py }, label, dy = -8) {
  out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
  for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
  if (label)
    for (const [x, y] of pts)
      out.push(`<text x="${px(x).toFixed(1)}" y="${(py(y) + dy).toFixed(1)}" text-anchor="middle" font-size="10" fill="${color}">${esc(label(y))}</text>`);
}

/** A horizontal reference line across the box at `y` (data units), its label at the right end above it. */
export function hline(out, box, py, y, color, text, dash = '6 4') {
  const at = py(y).toFixed(1);
  out.push(
    `<line x1="${box.x0}" y1="${at}" x2="${box.x1}" y2="${at}" stroke="${color}" stroke-width="1.5" stroke-dasharray="${dash}"/>`,
    `<text x="${box.x1 - 4}" y="${(py(y) - 5).toFixed(1)}" text-anchor="end" font-size="11" fill="${color}">${esc(text)}</text>`,
  );
}

/** One bar from the box's floor up to `y`, `w` wide centred on pixel `cx`, its value above it. */
export function bar(out, box, py, cx, w, y, color, label) {
  const top = Math.max(box.y0, py(y));
  out.push(`<rect x="${(cx - w / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${w}" height="${(box.y1 - top).toFixed(1)}" fill="${color}"/>`);
  if (label) out.push(`<text x="${cx.toFixed(1)}" y="${(top - 4).toFixed(1)}" text-anchor="middle" font-size="10">${esc(label)}</text>`);
}

/** A vertical range mark (min to max) at pixel `cx`, e.g. the spread over processes behind a mean's bar. */
export function whisker(out, py, cx, lo, hi) {
  const [a, b] = [py(lo).toFixed(1), py(hi).toFixed(1)];
  out.push(
    `<line x1="${cx.toFixed(1)}" y1="${a}" x2="${cx.toFixed(1)}" y2="${b}" stroke="#333"/>`,
    `<line x1="${(cx - 4).toFixed(1)}" y1="${a}" x2="${(cx + 4).toFixed(1)}" y2="${a}" stroke="#333"/>`,
    `<line x1="${(cx - 4).toFixed(1)}" y1="${b}" x2="${(cx + 4).toFixed(1)}" y2="${b}" stroke="#333"/>`,
  );
}

/** One legend entry: a short line (or a square for bars) then the name, `y` its middle. */
export function legendItem(out, x, y, color, name, { square = false, dash } = {}) {
  out.push(
    square
      ? `<rect x="${x + 4}" y="${y - 6}" width="12" height="12" fill="${color}"/>`
      : `<line x1="${x}" y1="${y}" x2="${x + 20}" y2="${y}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
    `<text x="${x + 25}" y="${y + 4}">${esc(name)}</text>`,
  );
}
