// The foundation end to end: health, metrics, errors, limits on bad input, admission, drain.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const net = require('node:net');
const { rawExchange } = require('../lib/raw_http');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('health, readiness and metrics answer', async () => {
  const s = await startServer();
  try {
    const h = await fetch(s.url + '/healthz');
    assert.equal(h.status, 200);
    assert.deepEqual(await h.json(), { status: 'ok' });
    assert.ok(h.headers.get('x-request-id'));
    const r = await fetch(s.url + '/readyz');
    assert.equal(r.status, 200);
    const m = await fetch(s.url + '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type'), /^text\/plain/);
    const text = await m.text();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'headroom_http_requests_total',
      'headroom_http_request_duration_seconds_bucket', 'headroom_http_in_flight', 'headroom_admission_rejected_total']) {
      assert.ok(text.includes(name), `metrics lack ${name}`);
    }
    assert.match(text, /headroom_http_requests_total\{route="\/healthz",code="200"\} 1/);
  } finally {
    await s.stop();
  }
});

test('unknown routes and methods get the /v1 error format (405 with Allow); request ids are echoed', async () => {
  const s = await startServer();
  try {
    const res = await fetch(s.url + '/v1/nothing-here', { headers: { 'X-Request-Id': 'my-id-1' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-request-id'), 'my-id-1');
    const body = await res.json();
    assert.equal(body.error.code, 'NOT_FOUND');
    assert.equal(typeof body.error.message, 'string');
    const wrong = await fetch(s.url + '/healthz', { method: 'DELETE', headers: { 'X-Request-Id': 'my-id-2' } });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET, HEAD');  // RFC 9110 §15.5.6: a 405 says what is allowed
    assert.equal(wrong.headers.get('x-request-id'), 'my-id-2');
    const wrongBody = await wrong.json();
    assert.equal(wrongBody.error.code, 'INVALID_ARGUMENT');
    assert.match(wrongBody.error.message, /DELETE/);
  } finally {
    await s.stop();
  }
});

test('malformed request line gets 400 and the connection closes', async () => {
  const s = await startServer();
  try {
    const { data, closed } = await rawExchange(s.port, 'GARBAGE\r\n\r\n');
    assert.match(data, /^HTTP\/1\.1 400 /);
    assert.ok(closed);
    const bad2 = await rawExchange(s.port, 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n');
    assert.match(bad2.data, /^HTTP\/1\.1 400 /);
    // The server is still fine.
    assert.equal((await fetch(s.url + '/healthz')).status, 200);
  } finally {
    await s.stop();
  }
});

test('HTTP/1.1 without exactly one valid Host gets 400 and the connection closes (RFC 9112 §3.2)', async () => {
  const s = await startServer();
  try {
    for (const [what, head] of [
      ['no Host', 'GET /healthz HTTP/1.1\r\n\r\n'],
      ['two Hosts', 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n'],
      ['an invalid Host', 'GET /healthz HTTP/1.1\r\nHost: a b/c\r\n\r\n'],
      ['an upgrade without Host', `GET /app/${s.app.key}?protocol=7 HTTP/1.1\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'],
    ]) {
      const { data, closed } = await rawExchange(s.port, head);
      assert.match(data, /^HTTP\/1\.1 400 /, `${what}: ${data.slice(0, 40)}`);
      assert.match(data, /"code":"INVALID_ARGUMENT"/, what);
      assert.match(data, /Host/, `${what}: the message names the Host header`);
      assert.ok(closed, `${what}: the connection closes`);
    }
    // HTTP/1.0 needs no Host; a valid one with a port or an IPv6 literal is fine.
    assert.match((await rawExchange(s.port, 'GET /healthz HTTP/1.0\r\n\r\n')).data, /^HTTP\/1\.1 200 /);
    for (const host of ['127.0.0.1:' + s.port, '[::1]:8080', 'example.com']) {
      const { data } = await rawExchange(s.port, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.match(data, /^HTTP\/1\.1 200 /, host);
    }
    const metrics = await (await fetch(s.url + '/metrics')).text();
    assert.match(metrics, /headroom_http_bad_requests_total 4/);
  } finally {
    await s.stop();
  }
});

test('a handler that does not answer within handler_timeout_ms gets 504 DEADLINE_EXCEEDED and its slot back', async () => {
  const s = await startServer({ sections: { server: { handler_timeout_ms: 300, max_concurrent_requests: 1,
    admission_queue: 0, test_routes: true } } });
  try {
    const t0 = Date.now();
    const res = await fetch(s.url + '/v1/test/slow?ms=2000');
    const ms = Date.now() - t0;
    assert.equal(res.status, 504);
    assert.equal(res.headers.get('connection'), 'close');
    const body = await res.json();
    assert.equal(body.error.code, 'DEADLINE_EXCEEDED');
    assert.match(body.error.message, /300 ms/);
    assert.ok(ms >= 250, `answered after ${ms} ms, before the 300 ms handler_timeout_ms`);
    // The only admission slot is free again while the slow handler still runs: the next request
    // is admitted (with no queue, a held slot would be an immediate 503).
    const next = await fetch(s.url + '/v1/test/slow?ms=1');
    assert.equal(next.status, 200);
    assert.deepEqual(await next.json(), { slept_ms: 1 });
    // The late answer (at 2 s) goes nowhere and harms nothing.
    await sleep(2000 - (Date.now() - t0) + 200);
    assert.equal((await fetch(s.url + '/v1/test/slow?ms=1')).status, 200);
    const metrics = await (await fetch(s.url + '/metrics')).text();
    assert.match(metrics, /headroom_http_handler_timeouts_total 1/);
    assert.match(metrics, /headroom_http_requests_total\{route="\/v1\/test\/slow",code="504"\} 1/);
    assert.match(metrics, /headroom_http_in_flight 0/);
  } finally {
    await s.stop();
  }
});

test('oversized headers get 431, oversized bodies 413, long targets 414', async () => {
  const s = await startServer({ sections: { server: { max_header_bytes: 4096, max_body_bytes: 2048,
    max_request_line_bytes: 1024, test_routes: true } } });
  try {
    const big = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(8000) + '\r\n\r\n';
    const h = await rawExchange(s.port, big);
    assert.match(h.data, /^HTTP\/1\.1 431 /);
    const body = await fetch(s.url + '/v1/test/echo', { method: 'POST', body: 'x'.repeat(5000) });
    assert.equal(body.status, 413);
    assert.equal((await body.json()).error.code, 'PAYLOAD_TOO_LARGE');
    const ok = await fetch(s.url + '/v1/test/echo', { method: 'POST', body: 'x'.repeat(1000) });
    assert.deepEqual(await ok.json(), { bytes: 1000 });
    const long = await fetch(s.url + '/healthz?' + 'q'.repeat(2000));
    assert.equal(long.status, 414);
  } finally {
    await s.stop();
  }
});

test('a client that never finishes its headers is cut after header_timeout', async () => {
  const s = await startServer({ sections: { server: { header_timeout_ms: 400 } } });
  try {
    const t0 = Date.now();
    const { closed } = await rawExchange(s.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1', { timeoutMs: 5000 });
    assert.ok(closed, 'connection should be closed by the server');
    assert.ok(Date.now() - t0 >= 350, `cut after ${Date.now() - t0} ms, before the 400 ms header_timeout`);
    const metrics = await (await fetch(s.url + '/metrics')).text();
    assert.match(metrics, /headroom_http_header_timeouts_total 1/);
  } finally {
    await s.stop();
  }
});

test('admission: past max_concurrent_requests requests queue, then get 503 with Retry-After', async () => {
  const s = await startServer({ sections: { server: { max_concurrent_requests: 2, admission_queue: 1,
    admission_queue_timeout_ms: 300, test_routes: true } } });
  try {
    const slow = [fetch(s.url + '/v1/test/slow?ms=1500'), fetch(s.url + '/v1/test/slow?ms=1500')];
    await sleep(150);
    const queuedAt = Date.now();
    const queued = fetch(s.url + '/v1/test/slow?ms=10').then((r) => ({ r, ms: Date.now() - queuedAt }));  // waits 300 ms, then 503
    await sleep(50);
    const rejected = await fetch(s.url + '/v1/test/slow?ms=10');  // queue full: 503 at once
    assert.equal(rejected.status, 503);
    assert.equal(rejected.headers.get('retry-after'), '1');
    assert.equal((await rejected.json()).error.code, 'UNAVAILABLE');
    // Health stays reachable at capacity: it is not subject to admission.
    assert.equal((await fetch(s.url + '/healthz')).status, 200);
    assert.equal((await fetch(s.url + '/readyz')).status, 200);
    const q = await queued;
    assert.equal(q.r.status, 503);
    assert.ok(q.ms >= 250, `the queued request was refused after ${q.ms} ms, not after waiting its 300 ms in the queue`);
    for (const r of await Promise.all(slow)) assert.equal(r.status, 200);
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.match(text, /headroom_admission_rejected_total\{tier="anonymous"\} 2/);
    // Once the slow ones are done there is room again.
    assert.equal((await fetch(s.url + '/v1/test/slow?ms=1')).status, 200);
  } finally {
    await s.stop();
  }
});

test('a queued request gets the slot when one frees up', async () => {
  const s = await startServer({ sections: { server: { max_concurrent_requests: 1, admission_queue: 4,
    admission_queue_timeout_ms: 3000, test_routes: true } } });
  try {
    const done = [];
    const first = fetch(s.url + '/v1/test/slow?ms=300').then((r) => { done.push('first'); return r; });
    await sleep(50);
    const second = await fetch(s.url + '/v1/test/slow?ms=1').then((r) => { done.push('second'); return r; });
    assert.equal(second.status, 200);
    assert.equal((await first).status, 200);
    // One slot: the 1 ms request waited for the 300 ms one instead of running beside it.
    assert.deepEqual(done, ['first', 'second']);
  } finally {
    await s.stop();
  }
});

// Resolves true once a new TCP connection to `port` is refused (the listener is closed).
async function refusesConnections(port, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const refused = await new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => { sock.destroy(); resolve(false); });
      sock.once('error', (e) => resolve(e.code === 'ECONNREFUSED'));
    });
    if (refused) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

test('SIGTERM drains: readiness fails, the in-flight request finishes, exit 0', async () => {
  const s = await startServer({ sections: { server: { test_routes: true } } });
  const inflight = fetch(s.url + '/v1/test/slow?ms=1500');
  // A load balancer's readiness probe, connected and half sent when the drain starts: it is
  // answered during the drain, so it shows what /readyz says then.
  const probe = net.connect(s.port, '127.0.0.1');
  await new Promise((resolve, reject) => { probe.once('connect', resolve); probe.once('error', reject); });
  let answer = '';
  probe.on('data', (d) => { answer += d; });
  const probeClosed = new Promise((resolve) => probe.on('close', resolve));
  probe.write('GET /readyz HTTP/1.1\r\nHost: x\r\n');
  await sleep(100);
  s.proc.kill('SIGTERM');
  // Stop accepting comes first: new connections are refused while the slow request still runs.
  assert.ok(await refusesConnections(s.port), 'the listener still accepts during the drain');
  probe.write('\r\n');
  await probeClosed;
  assert.match(answer, /^HTTP\/1\.1 503 /, answer);
  assert.match(answer, /"status":"not ready","reason":"draining"/);
  const res = await inflight;
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { slept_ms: 1500 });
  assert.equal(res.headers.get('connection'), 'close');
  const { code } = await s.exited;
  assert.equal(code, 0);
  assert.match(s.output(), /SIGTERM received: draining/);
});

test('a second signal exits at once', async () => {
  const s = await startServer({ sections: { server: { test_routes: true, shutdown_grace_ms: 30000 } } });
  const inflight = fetch(s.url + '/v1/test/slow?ms=20000').catch(() => null);
  await sleep(100);
  const started = Date.now();
  s.proc.kill('SIGTERM');
  await sleep(100);
  s.proc.kill('SIGTERM');
  const { code } = await s.exited;
  assert.notEqual(code, 0);
  // It did not wait for the 20 s request nor the 30 s grace period.
  assert.ok(Date.now() - started < 15000);
  await inflight;
});

test('keep-alive connections are reused and idle ones close on drain', async () => {
  const s = await startServer({ sections: { server: { test_routes: true } } });
  try {
    const { data } = await rawExchange(s.port,
      'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const answers = data.match(/HTTP\/1\.1 200 OK/g) || [];
    assert.equal(answers.length, 2, 'two pipelined requests, two answers in order');
    assert.ok(data.indexOf('"ok"') < data.indexOf('"ready"'));

    // An idle keep-alive connection is closed by the drain while a slow request keeps the
    // server alive, i.e. not merely because the process exited.
    const idle = net.connect(s.port, '127.0.0.1');
    let got = '';
    idle.on('data', (d) => { got += d; });
    const idleClosed = new Promise((resolve) => idle.on('close', () => resolve(Date.now())));
    idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    while (!got.includes('"ok"')) await sleep(10);
    assert.doesNotMatch(got, /connection: close/i);
    let slowDoneAt = 0;
    const slow = fetch(s.url + '/v1/test/slow?ms=1500').then((r) => { slowDoneAt = Date.now(); return r; });
    await sleep(100);
    s.proc.kill('SIGTERM');
    const closedAt = await idleClosed;
    assert.equal((await slow).status, 200);
    assert.ok(closedAt < slowDoneAt, 'the idle connection stayed open until the in-flight request finished');
    assert.equal((await s.exited).code, 0);
  } finally {
    await s.stop();
  }
});
