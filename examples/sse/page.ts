/** The example's page: both seed streams, live, each with a close button. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>streamnest SSE</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
  h1 { grid-column: 1 / -1; margin: 0; font-size: 1.4rem; }
  section { border: 1px solid #ccc; border-radius: 8px; padding: 1rem; }
  ol { height: 18rem; overflow: auto; font-family: ui-monospace, monospace; font-size: 12px; }
  .state { font-weight: bold; }
</style>
</head>
<body>
<h1>streamnest: Server-Sent Events</h1>
<section>
  <h2><code>/sse</code> with <code>onmessage</code></h2>
  <p>State: <span class="state" id="sse-state">connecting</span> <button id="sse-close">close</button></p>
  <ol id="sse-log"></ol>
</section>
<section>
  <h2><code>/sse2</code> with <code>addEventListener('myEvent')</code></h2>
  <p>State: <span class="state" id="sse2-state">connecting</span> <button id="sse2-close">close</button></p>
  <ol id="sse2-log"></ol>
</section>
<script>
  const STATES = ['connecting', 'open', 'closed'];
  function watch(name, source, listen) {
    const state = document.getElementById(name + '-state');
    const log = document.getElementById(name + '-log');
    const show = () => { state.textContent = STATES[source.readyState]; };
    const add = (text) => {
      const li = document.createElement('li');
      li.textContent = text;
      log.appendChild(li);
      li.scrollIntoView({ block: 'nearest' });
    };
    source.onopen = show;
    source.onerror = show;
    listen(add);
    document.getElementById(name + '-close').onclick = () => { source.close(); show(); };
    window[name.replace('-', '')] = source;
  }
  const sse = new EventSource('/sse');
  watch('sse', sse, (add) => { sse.onmessage = ({ data }) => add('message ' + data); });
  const sse2 = new EventSource('/sse2');
  watch('sse2', sse2, (add) => sse2.addEventListener('myEvent', (e) => add('myEvent id=' + e.lastEventId + ' ' + e.data)));
</script>
</body>
</html>
`;
