/**
 * The dashboard: one self-contained page (no CDN, no framework, no network
 * but its own stream), with charts drawn as inline SVG by a few lines of
 * script. It opens an EventSource on `<page>/stream` and redraws at every
 * snapshot. Every name that comes from the app (channels, routes, addresses,
 * warnings) is set as text, never as HTML.
 */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SSE dashboard · streamnest</title>
<style>
  :root { --ink: #1d2330; --muted: #6b7385; --line: #e3e6ee; --card: #fff; --bg: #f4f6fa; --blue: #2f6fed; --green: #1a9e6a; --red: #d64545; --amber: #b7791f; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
  header { display: flex; align-items: center; gap: 12px; padding: 14px 24px; background: var(--card); border-bottom: 1px solid var(--line); }
  header h1 { font-size: 17px; margin: 0; font-weight: 600; }
  header .status { margin-left: auto; color: var(--muted); font-size: 13px; }
  .dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; background: var(--muted); margin-right: 6px; }
  .live .dot { background: var(--green); }
  .down .dot { background: var(--red); }
  main { padding: 18px 24px; display: grid; gap: 16px; max-width: 1280px; }
  .cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; }
  .card, .panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
  .card { padding: 12px 14px; }
  .card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
  .card .value { font-size: 24px; font-weight: 600; margin-top: 4px; font-variant-numeric: tabular-nums; }
  .charts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
  .panel { padding: 12px 14px; min-width: 0; }
  .panel h2 { font-size: 13px; margin: 0 0 8px; font-weight: 600; }
  .panel h2 span { color: var(--muted); font-weight: 400; }
  svg { width: 100%; height: 120px; display: block; }
  .axis { fill: var(--muted); font-size: 10px; }
  .tables { display: grid; grid-template-columns: 1fr 1.4fr 1.2fr; gap: 12px; }
  table { width: 100%; border-collapse: collapse; font-size: 13px; }
  th { text-align: left; color: var(--muted); font-weight: 500; font-size: 12px; padding: 4px 6px; border-bottom: 1px solid var(--line); }
  td { padding: 4px 6px; border-bottom: 1px solid var(--line); font-variant-numeric: tabular-nums; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 260px; }
  td.num, th.num { text-align: right; }
  .empty { color: var(--muted); font-style: italic; }
  .bar { height: 6px; background: var(--blue); border-radius: 3px; opacity: .75; }
  .warnings li { margin: 0 0 8px; list-style: none; }
  .warnings ul { padding: 0; margin: 0; }
  .code { display: inline-block; font: 600 11px ui-monospace, monospace; color: var(--amber); background: #fdf5e6; border: 1px solid #f3dfb8; border-radius: 4px; padding: 1px 6px; margin-right: 6px; }
  .ok { color: var(--green); }
</style>
</head>
<body>
<header>
  <h1>SSE dashboard</h1><span style="color:var(--muted)">streamnest</span>
  <span class="status" id="status"><span class="dot"></span><span id="status-text">connecting…</span></span>
</header>
<main>
  <section class="cards">
    <div class="card"><div class="label">Open streams</div><div class="value" id="open">–</div></div>
    <div class="card"><div class="label">Events / s</div><div class="value" id="eps">–</div></div>
    <div class="card"><div class="label">Bytes / s</div><div class="value" id="bps">–</div></div>
    <div class="card"><div class="label">Slow drops</div><div class="value" id="drops">–</div></div>
    <div class="card"><div class="label">Hub subscribers</div><div class="value" id="subscribers">–</div></div>
    <div class="card"><div class="label">Unsent bytes</div><div class="value" id="buffered">–</div></div>
  </section>
  <section class="charts">
    <div class="panel"><h2>Connections <span id="range-open"></span></h2><svg id="chart-open" viewBox="0 0 400 120" preserveAspectRatio="none"></svg></div>
    <div class="panel"><h2>Events per second <span id="range-eps"></span></h2><svg id="chart-eps" viewBox="0 0 400 120" preserveAspectRatio="none"></svg></div>
    <div class="panel"><h2>Slow clients dropped <span id="range-drops"></span></h2><svg id="chart-drops" viewBox="0 0 400 120" preserveAspectRatio="none"></svg></div>
  </section>
  <section class="tables">
    <div class="panel"><h2>Busiest channels</h2><table><thead><tr><th>Channel</th><th class="num">Subscribers</th><th style="width:30%"></th></tr></thead><tbody id="channels"></tbody></table></div>
    <div class="panel"><h2>Slowest clients <span>(most unsent bytes)</span></h2><table><thead><tr><th>Client</th><th>Route</th><th class="num">Unsent</th><th class="num">Open for</th></tr></thead><tbody id="slowest"></tbody></table></div>
    <div class="panel"><h2>Routes</h2><table><thead><tr><th>Route</th><th class="num">Open</th><th class="num">Events</th><th class="num">Bytes</th></tr></thead><tbody id="routes"></tbody></table></div>
  </section>
  <section class="panel warnings"><h2>SSE doctor</h2><ul id="warnings"></ul></section>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  let history = [];
  let keep = 300;
  const count = (n) => n >= 1e6 ? (n / 1e6).toFixed(1) + 'M' : n >= 1e4 ? (n / 1e3).toFixed(1) + 'k' : String(n);
  const bytes = (n) => n >= 1048576 ? (n / 1048576).toFixed(1) + ' MiB' : n >= 1024 ? (n / 1024).toFixed(1) + ' KiB' : n + ' B';
  const duration = (ms) => ms >= 3600000 ? Math.floor(ms / 3600000) + ' h' : ms >= 60000 ? Math.floor(ms / 60000) + ' min' : Math.floor(ms / 1000) + ' s';
  const cell = (text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; td.title = text; return td; };
  function rows(body, items, make, emptyText, columns) {
    body.replaceChildren();
    if (items.length === 0) { const tr = document.createElement('tr'); const td = cell(emptyText, 'empty'); td.colSpan = columns; tr.append(td); body.append(tr); return; }
    for (const item of items) { const tr = document.createElement('tr'); tr.append(...make(item)); body.append(tr); }
  }
  function chart(svg, values, color) {
    const w = 400, h = 120, top = 14, bottom = 16;
    const max = Math.max(1, ...values);
    const x = (i) => values.length < 2 ? w : (i / (keep - 1)) * w + (keep - values.length) / (keep - 1) * w;
    const y = (v) => top + (h - top - bottom) * (1 - v / max);
    const ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    for (const v of [0, max / 2, max]) {
      const line = document.createElementNS(ns, 'line');
      line.setAttribute('x1', 0); line.setAttribute('x2', w); line.setAttribute('y1', y(v)); line.setAttribute('y2', y(v));
      line.setAttribute('stroke', '#e3e6ee'); line.setAttribute('stroke-width', 1); svg.append(line);
    }
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', 2); label.setAttribute('y', 10); label.setAttribute('class', 'axis'); label.textContent = count(Math.round(max)); svg.append(label);
    const axis = document.createElementNS(ns, 'text');
    axis.setAttribute('x', 2); axis.setAttribute('y', h - 3); axis.setAttribute('class', 'axis'); axis.textContent = '−' + duration(keep * interval); svg.append(axis);
    if (values.length === 0) return;
    const points = values.map((v, i) => x(i).toFixed(1) + ',' + y(v).toFixed(1));
    const area = document.createElementNS(ns, 'polygon');
    area.setAttribute('points', x(0).toFixed(1) + ',' + y(0) + ' ' + points.join(' ') + ' ' + x(values.length - 1).toFixed(1) + ',' + y(0));
    area.setAttribute('fill', color); area.setAttribute('fill-opacity', '0.12'); svg.append(area);
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.join(' ')); line.setAttribute('fill', 'none'); line.setAttribute('stroke', color); line.setAttribute('stroke-width', 2);
    line.setAttribute('vector-effect', 'non-scaling-stroke'); svg.append(line);
  }
  let interval = 1000;
  function render(s) {
    const t = s.totals;
    $('open').textContent = count(t.open);
    $('eps').textContent = count(s.latest.eventsPerSecond);
    $('bps').textContent = bytes(s.latest.bytesPerSecond);
    $('drops').textContent = count(t.droppedSlow);
    $('subscribers').textContent = s.hub ? count(s.hub.subscribers) : '–';
    $('buffered').textContent = bytes(t.bufferedBytes);
    chart($('chart-open'), history.map((p) => p.open), '#2f6fed');
    chart($('chart-eps'), history.map((p) => p.eventsPerSecond), '#1a9e6a');
    chart($('chart-drops'), history.map((p) => p.drops), '#d64545');
    const top = Math.max(1, ...s.channels.map((c) => c.subscribers));
    rows($('channels'), s.channels, (c) => {
      const bar = document.createElement('td'); const fill = document.createElement('div'); fill.className = 'bar'; fill.style.width = (100 * c.subscribers / top) + '%'; bar.append(fill);
      return [cell(c.name), cell(count(c.subscribers), 'num'), bar];
    }, s.hub ? 'no channel has a subscriber' : 'no SseModule in this app', 3);
    rows($('slowest'), s.slowest, (c) => [cell(c.remoteAddress || '?'), cell(c.route), cell(bytes(c.unsentBytes), 'num'), cell(duration(c.openForMs), 'num')], 'every client is keeping up', 4);
    rows($('routes'), s.routes, (r) => [cell(r.route), cell(count(r.open), 'num'), cell(count(r.events), 'num'), cell(bytes(r.bytes), 'num')], 'no stream yet', 4);
    const list = $('warnings');
    list.replaceChildren();
    if (s.warnings.length === 0) { const li = document.createElement('li'); li.className = 'ok'; li.textContent = 'No warnings: nothing known to break SSE in production was found.'; list.append(li); }
    for (const w of s.warnings) {
      const li = document.createElement('li'); li.dataset.code = w.code;
      const code = document.createElement('span'); code.className = 'code'; code.textContent = w.code;
      li.append(code, document.createTextNode(w.message.slice(w.code.length + 2))); list.append(li);
    }
  }
  const stream = new EventSource(location.pathname.replace(/\\/$/, '') + '/stream');
  const status = (cls, text) => { $('status').className = 'status ' + cls; $('status-text').textContent = text; };
  stream.onopen = () => status('live', 'live');
  stream.onerror = () => status('down', 'reconnecting…');
  stream.addEventListener('snapshot', (e) => {
    const s = JSON.parse(e.data);
    interval = s.intervalMs;
    keep = s.historySize;
    if (s.history) history = s.history;
    else history.push(s.latest);
    if (history.length > keep) history.splice(0, history.length - keep);
    render(s);
    status('live', 'live · ' + new Date(s.latest.at).toLocaleTimeString());
  });
})();
</script>
</body>
</html>
`;
