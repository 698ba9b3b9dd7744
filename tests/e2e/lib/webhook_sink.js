// A local HTTP server that records POSTed JSON bodies, for webhook and alert tests.
'use strict';
const http = require('node:http');

async function startWebhookSink({ status = () => 200 } = {}) {
  const bodies = [];
  const waiters = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (d) => { data += d; });
    req.on('end', () => {
      calls += 1;
      const code = status(calls);
      if (code >= 200 && code < 300) {
        let body;
        try { body = JSON.parse(data); } catch (_) { body = { raw: data }; }
        bodies.push({ headers: req.headers, body });
        for (const w of waiters.splice(0)) w();
      }
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  return {
    url,
    bodies,
    calls: () => calls,
    // Resolves with the first recorded body that `pred` accepts.
    async waitFor(pred, timeoutMs = 15000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = bodies.find((b) => pred(b.body));
        if (found) return found;
        if (Date.now() > deadline) throw new Error('webhook not received; got ' + JSON.stringify(bodies.map((b) => b.body.text)));
        await new Promise((r) => { waiters.push(r); setTimeout(r, 200); });
      }
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

module.exports = { startWebhookSink };
