/**
 * The chat page: a prompt, Send and Stop. It imports streamnest/client (served
 * bundled at /streamnest-client.js), POSTs the prompt with the token in an
 * Authorization header, appends each `token` event, and Stop aborts the request,
 * which the server hears as the stream's cancel.
 */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>streamnest: streaming a chat answer</title>
<style>
  body { font: 15px system-ui, sans-serif; margin: 2rem auto; max-width: 44rem; padding: 0 1rem; }
  textarea, input { width: 100%; box-sizing: border-box; font: inherit; }
  #answer { white-space: pre-wrap; min-height: 6rem; border: 1px solid #ccc; border-radius: 8px; padding: .75rem; }
  #status { color: #555; }
  .row { display: flex; gap: .5rem; margin: .5rem 0; }
</style>
</head>
<body>
<h1>Streaming a chat answer</h1>
<form id="form">
  <label>Prompt <textarea id="prompt" rows="3" required>Tell me about server-sent events</textarea></label>
  <label>Token <input id="token" value="{{TOKEN}}" autocomplete="off"></label>
  <div class="row"><button id="send">Send</button><button id="stop" type="button" disabled>Stop</button></div>
</form>
<p id="answer"></p>
<p id="status">idle</p>
<script type="module">
  import { createClient } from '/streamnest-client.js';

  const $ = (id) => document.getElementById(id);
  let abort;

  $('form').onsubmit = (e) => {
    e.preventDefault();
    abort?.abort();
    abort = new AbortController();
    $('answer').textContent = '';
    $('status').textContent = 'streaming';
    $('stop').disabled = false;
    const client = createClient('/chat', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + $('token').value, 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: $('prompt').value }),
      signal: abort.signal,
      retry: false, // an answer is asked for once: its end is the end
    });
    client.on('token', (data) => { $('answer').textContent += data.text; });
    client.on('done', (data) => {
      $('status').textContent = 'done: ' + data.tokens + ' tokens';
      $('stop').disabled = true;
    });
    client.onError((error) => {
      $('status').textContent = error.status === 401 ? 'unauthorized: check the token' : 'failed: ' + error.message;
      $('stop').disabled = true;
    });
  };

  $('stop').onclick = () => {
    abort.abort();
    $('status').textContent = 'stopped';
    $('stop').disabled = true;
  };
</script>
</body>
</html>
`;
