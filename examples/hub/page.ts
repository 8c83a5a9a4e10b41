/** The hub example's page: a live log of the channel and a form that publishes to it. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>streamnest hub</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; max-width: 48rem; }
  ol { height: 22rem; overflow: auto; border: 1px solid #ccc; border-radius: 8px; padding: .5rem 2.5rem; font-family: ui-monospace, monospace; font-size: 12px; }
  .reset { color: #b00; }
  form { display: flex; gap: .5rem; } input { flex: 1; }
</style>
</head>
<body>
<h1>streamnest hub</h1>
<p>Instance <code>{{INSTANCE}}</code>. State: <b id="state">connecting</b>. Open this page in many tabs, or on another instance sharing Redis.</p>
<ol id="log"></ol>
<form id="form"><input id="text" name="text" autocomplete="off" placeholder="Say something" required maxlength="500"><button>Publish</button></form>
<script>
  const log = document.getElementById('log');
  const state = document.getElementById('state');
  const add = (text, cls) => {
    const li = document.createElement('li');
    li.textContent = text;
    if (cls) li.className = cls;
    log.appendChild(li);
    li.scrollIntoView({ block: 'nearest' });
  };
  const source = new EventSource('/events');
  const show = () => { state.textContent = ['connecting', 'open', 'closed'][source.readyState]; };
  source.onopen = show;
  source.onerror = show;
  source.onmessage = (e) => {
    const m = JSON.parse(e.data);
    add('#' + e.lastEventId + ' ' + m.text + '  (via ' + m.via + ')');
  };
  // The history no longer reaches back to our last event: a real app would refetch its state here.
  source.addEventListener('reset', () => add('history reset: some messages were missed', 'reset'));
  document.getElementById('form').onsubmit = async (e) => {
    e.preventDefault();
    const input = document.getElementById('text');
    const res = await fetch('/publish', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: input.value }) });
    if (!res.ok) add('publish failed: ' + (await res.json()).message, 'reset');
    input.value = '';
  };
</script>
</body>
</html>
`;
