// Webhooks and alert notifications over https://: a throwaway CA and server certificates made with
// the openssl CLI, a Node https receiver on 127.0.0.1, Headroom trusting the CA through
// server.outbound_ca_file. Without the CA (or with a certificate for another name) delivery fails,
// is logged with the host and counted, and the server keeps serving.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { startServer } = require('../lib/server');
const { sleep, serverSdk, established, metric } = require('./channels_util');

const APP = { id: 'app1', key: 'key1', secret: 'secret1-very-secret' };

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

// A CA, and leaf certificates signed by it for the given subjectAltNames.
function makeCerts() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Headroom Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const leaf = (name, san) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`),
      `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`], dir);
    return { key: fs.readFileSync(path.join(dir, `${name}.key`)), cert: fs.readFileSync(path.join(dir, `${name}.pem`)) };
  };
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    local: leaf('local', 'IP:127.0.0.1,DNS:localhost'),
    other: leaf('other', 'DNS:other.example'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

// An https receiver that records each request with its raw body, SNI name and TLS version.
async function httpsReceiver({ key, cert }) {
  const received = [];
  let handshakeErrors = 0;
  const server = https.createServer({ key, cert }, (req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body, json: JSON.parse(body),
        servername: req.socket.servername, protocol: req.socket.getProtocol() });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  server.on('tlsClientError', () => { handshakeErrors += 1; });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    received,
    handshakeErrors: () => handshakeErrors,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

async function waitFor(what, pred, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await sleep(100);
  }
}

async function occupy(s, channel) {
  const r = await established(s);
  r.send({ event: 'pusher:subscribe', data: { channel } });
  await r.event('pusher_internal:subscription_succeeded');
  return r;
}

async function failRequests(s, n) {
  for (let i = 0; i < n; i++) {
    const res = await fetch(s.url + '/v1/test/fail');
    await res.arrayBuffer();
  }
}

const sections = (extra) => ({
  server: { test_routes: true, ...extra },
  rate_limits: { enabled: false },
  channels: { webhook_batch_ms: 50 },
  alerts: { eval_interval_ms: 200, for_ms: 400 },
});

test('https webhooks and alerts are delivered, signed, to a receiver whose CA is configured', async () => {
  const certs = makeCerts();
  const rx = await httpsReceiver(certs.local);
  const app = { ...APP, webhooks: [{ url: `https://127.0.0.1:${rx.port}/hook?token=abc` }] };
  const sec = sections({ outbound_ca_file: certs.caFile });
  sec.alerts.webhook = `https://localhost:${rx.port}/alerts`;
  const s = await startServer({ apps: [app], sections: sec });
  try {
    const r = await occupy(s, 'room-tls');
    const hook = await waitFor('the channel_occupied webhook', () =>
      rx.received.find((h) => h.path.startsWith('/hook') && h.json.events.some((e) => e.name === 'channel_occupied')));
    assert.equal(hook.path, '/hook?token=abc');
    assert.equal(hook.headers['x-pusher-key'], APP.key);
    assert.equal(hook.headers['x-pusher-signature'],
      crypto.createHmac('sha256', APP.secret).update(hook.body).digest('hex'));
    assert.ok(serverSdk(s, APP).webhook({ headers: hook.headers, rawBody: hook.body }).isValid());
    assert.equal(hook.json.events.find((e) => e.name === 'channel_occupied').channel, 'room-tls');
    assert.equal(hook.headers.host, `127.0.0.1:${rx.port}`);
    assert.equal(hook.servername, false, 'no SNI for an IP address (RFC 6066)');
    assert.ok(['TLSv1.2', 'TLSv1.3'].includes(hook.protocol), hook.protocol);
    r.close();

    await failRequests(s, 20);
    const alert = await waitFor('the HighErrorRate alert', () => rx.received.find((h) => h.path === '/alerts' &&
      h.json.alerts && h.json.alerts[0].labels.alertname === 'HighErrorRate' && h.json.status === 'firing'));
    assert.equal(alert.servername, 'localhost', 'SNI carries the host name');
    assert.match(alert.json.text, /\[FIRING\] HighErrorRate/);

    assert.ok((await metric(s, /headroom_webhooks_sent_total (\d+)/)) >= 1);
    assert.ok((await metric(s, /headroom_alert_notifications_total\{result="sent"\} (\d+)/)) >= 1);
    assert.equal(rx.handshakeErrors(), 0);
    assert.doesNotMatch(s.output(), /TLS handshake/);
  } finally {
    await s.stop();
    await rx.close();
    certs.cleanup();
  }
});

test('without the CA file the certificate is refused: logged with the host, counted, server keeps serving', async () => {
  const certs = makeCerts();
  const rx = await httpsReceiver(certs.local);
  const app = { ...APP, webhooks: [{ url: `https://127.0.0.1:${rx.port}/hook/secret-path` }] };
  const sec = sections({});
  sec.alerts.webhook = `https://localhost:${rx.port}/alerts`;
  const s = await startServer({ apps: [app], sections: sec });
  try {
    const r = await occupy(s, 'room-untrusted');
    // Four attempts (0.5, 1, 2, 4 s apart), then the batch is counted as failed.
    await waitFor('webhook failure counted', async () => (await metric(s, /headroom_webhook_failures_total (\d+)/)) >= 1);
    assert.equal(rx.received.length, 0, 'nothing was delivered over an unverified connection');
    assert.ok(rx.handshakeErrors() >= 1, 'the receiver saw the client abort the handshake');
    assert.ok((await metric(s, /headroom_webhook_retries_total (\d+)/)) >= 3);
    const log = s.output();
    assert.match(log, new RegExp(`outbound https to 127\\.0\\.0\\.1:${rx.port} failed in TLS handshake: ` +
      'certificate verify failed: unable to get local issuer certificate'));
    assert.doesNotMatch(log, /outbound https[^\n]*secret-path/, 'the URL path (often a secret) is not logged here');

    await failRequests(s, 20);
    await waitFor('alert delivery retried', async () =>
      (await metric(s, /headroom_alert_notification_retries_total (\d+)/)) >= 1);
    assert.match(s.output(), /outbound https to localhost:\d+ failed in TLS handshake: certificate verify failed/);

    // Still serving: health, the HTTP API and new WebSocket connections.
    assert.equal((await fetch(s.url + '/readyz')).status, 200);
    const sdk = serverSdk(s, APP);
    const res = await sdk.trigger('room-untrusted', 'still-here', { ok: true });
    assert.equal(res.status, 200);
    const ev = await r.event('still-here');
    assert.equal(ev.channel, 'room-untrusted');
    (await established(s)).close();
    r.close();
    assert.equal(s.proc.exitCode, null);
  } finally {
    await s.stop();
    await rx.close();
    certs.cleanup();
  }
});

test('a trusted certificate for another host name is refused as a name mismatch', async () => {
  const certs = makeCerts();
  const rx = await httpsReceiver(certs.other);
  const app = { ...APP, webhooks: [{ url: `https://127.0.0.1:${rx.port}/hook` }] };
  const s = await startServer({ apps: [app], sections: sections({ outbound_ca_file: certs.caFile }) });
  try {
    const r = await occupy(s, 'room-mismatch');
    await waitFor('mismatch logged', () => /certificate does not match host 127\.0\.0\.1/.test(s.output()));
    await waitFor('webhook failure counted', async () => (await metric(s, /headroom_webhook_failures_total (\d+)/)) >= 1);
    assert.equal(rx.received.length, 0);
    r.close();
    assert.equal((await fetch(s.url + '/readyz')).status, 200);
  } finally {
    await s.stop();
    await rx.close();
    certs.cleanup();
  }
});

test('config check names an unreadable server.outbound_ca_file', async () => {
  await assert.rejects(
    startServer({ sections: { server: { outbound_ca_file: '/nonexistent/headroom-ca.pem' } } }),
    /server\.outbound_ca_file = "\/nonexistent\/headroom-ca\.pem": cannot be read/);
});
