// Issue 12: WebSocket floods are bounded. Every inbound message (Pusher events, malformed text,
// binary, ping and pong frames) spends the connection's websocket.max_messages_per_second; over
// it the client gets pusher:error 4100 and close 4100, counted in
// headroom_ws_rate_limited_total{kind}. Pong replies go through the byte-bounded send queue, so a
// client that floods pings and never reads is closed as a slow consumer (4100) and the server's
// memory stays flat. No assert depends on how fast the machine is: floods run until the server
// closes (with a cap on the number of messages, not on time).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const WebSocket = require('ws');
const { startServer } = require('../lib/server');
const { serverSdk, established, metric } = require('./channels_util');

const RATE = 100;  // the seed's default websocket.max_messages_per_second; the burst is 2 × RATE
const rateLimited = (s, kind) => metric(s, new RegExp(`headroom_ws_rate_limited_total\\{kind="${kind}"\\} (\\d+)`));
const slowConsumers = (s) => metric(s, /headroom_ws_slow_consumers_closed_total (\d+)/);
const tick = () => new Promise((resolve) => setImmediate(resolve));

// Sends batches of messages until the server closes the connection (or `cap` messages went out,
// which fails the test). The client keeps reading, so the close frame reaches it.
async function floodUntilClosed(r, sendOne, cap = 100000) {
  let closed = null;
  r.closed.then((c) => { closed = c; });
  let sent = 0;
  while (!closed && sent < cap) {
    for (let i = 0; i < 50 && r.ws.readyState === WebSocket.OPEN; i++) sendOne(sent++);
    await tick();
  }
  return { sent, ...(await r.closed) };
}

async function assertFloodClosed(s, r, kind, sendOne) {
  const before = (await rateLimited(s, kind)) || 0;
  const { sent, code } = await floodUntilClosed(r, sendOne);
  assert.equal(code, 4100, `${kind} flood closes 4100`);
  assert.ok(sent > 2 * RATE, `the burst of ${2 * RATE} messages was allowed (${sent} sent)`);
  const err = r.messages.find((m) => m.event === 'pusher:error' && m.data.code === 4100);
  assert.ok(err, `${kind}: pusher:error 4100 before the close`);
  assert.match(err.data.message, /message rate limit \(100 per second\)/);
  assert.equal(await rateLimited(s, kind), before + 1, `headroom_ws_rate_limited_total{kind="${kind}"} + 1`);
}

test('every inbound message type over the message rate gets pusher:error 4100 and close 4100, counted by kind', async () => {
  const s = await startServer();  // the seed's defaults: 100 messages/s per connection
  try {
    const sdk = serverSdk(s);
    const payload = Buffer.alloc(125, 'p');
    const floods = [
      ['ping_frame', (r) => () => r.ws.ping(payload)],
      ['pong_frame', (r) => () => r.ws.pong(payload)],
      ['binary', (r) => () => r.ws.send(Buffer.from([1, 2, 3]), { binary: true })],
      ['malformed', (r) => () => r.send('{not json')],
      ['pusher_ping', (r) => () => r.send({ event: 'pusher:ping', data: {} })],
      ['subscribe', (r) => (i) => r.send({ event: 'pusher:subscribe', data: { channel: 'c' + (i % 30) } })],
      ['unsubscribe', (r) => () => r.send({ event: 'pusher:unsubscribe', data: { channel: 'c' } })],
      ['signin', (r) => () => r.send({ event: 'pusher:signin', data: sdk.authenticateUser(r.socketId, { id: 'u1' }) })],
    ];
    for (const [kind, make] of floods) {
      const r = await established(s);
      await assertFloodClosed(s, r, kind, make(r));
    }

    // Subscribe/unsubscribe churn: whichever of the two goes over is counted.
    const churn = await established(s);
    const churnBefore = ((await rateLimited(s, 'subscribe')) || 0) + ((await rateLimited(s, 'unsubscribe')) || 0);
    const event = (i) => (i % 2 ? 'pusher:unsubscribe' : 'pusher:subscribe');
    const { code: churnCode } = await floodUntilClosed(churn, (i) => churn.send({ event: event(i), data: { channel: 'x' } }));
    assert.equal(churnCode, 4100);
    const churnAfter = (await rateLimited(s, 'subscribe')) + (await rateLimited(s, 'unsubscribe'));
    assert.equal(churnAfter, churnBefore + 1);
  } finally {
    await s.stop();
  }
});

test('a client event flood is answered 4301 (its own limit) and then closed 4100 (the message rate)', async () => {
  const s = await startServer();
  try {
    const r = await established(s);
    const auth = serverSdk(s).authorizeChannel(r.socketId, 'private-x');
    r.send({ event: 'pusher:subscribe', data: { channel: 'private-x', ...auth } });
    await r.next((m) => m.event === 'pusher_internal:subscription_succeeded');
    const before4301 = (await metric(s, /headroom_ws_client_events_rejected_total\{reason="rate_limited"\} (\d+)/)) || 0;
    await assertFloodClosed(s, r, 'client_event', (i) => r.send({ event: 'client-x', channel: 'private-x', data: { i } }));
    assert.ok(r.messages.some((m) => m.event === 'pusher:error' && m.data.code === 4301), 'a 4301 came first');
    assert.ok((await metric(s, /headroom_ws_client_events_rejected_total\{reason="rate_limited"\} (\d+)/)) > before4301);
  } finally {
    await s.stop();
  }
});

test('a client that spends exactly the burst stays open, beside a flooder that is closed', async () => {
  const s = await startServer();
  try {
    const calm = await established(s);
    const flooder = await established(s);
    assert.equal((await floodUntilClosed(flooder, () => flooder.send({ event: 'pusher:ping', data: {} }))).code, 4100);
    for (let i = 0; i < 2 * RATE - 1; i++) calm.send({ event: 'pusher:ping', data: {} });
    calm.send({ event: 'pusher:subscribe', data: { channel: 'after' } });  // message 2 × RATE: still inside
    await calm.next((m) => m.event === 'pusher_internal:subscription_succeeded' && m.channel === 'after');
    assert.equal(calm.messages.filter((m) => m.event === 'pusher:error').length, 0);
    assert.equal(calm.ws.readyState, WebSocket.OPEN);
    calm.close();
  } finally {
    await s.stop();
  }
});

function rssBytes(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(m[1]) * 1024;
}

test('a client that floods pings and never reads is closed as a slow consumer (4100); server memory stays bounded', async (t) => {
  // A rate high enough that only the send buffer can stop this flood.
  const sendBuffer = 64 * 1024;
  // Under AddressSanitizer freed memory sits in a quarantine (256 MB by default) and counts in RSS;
  // a small one keeps RSS a measure of what the server holds. No effect on other builds.
  const asan = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=1', 'thread_local_quarantine_size_kb=64']
    .filter(Boolean).join(':');
  const s = await startServer({ sections: { websocket: { max_messages_per_second: 1000000, send_buffer_bytes: sendBuffer } },
    env: { ASAN_OPTIONS: asan } });
  try {
    const r = await established(s);
    const rssBefore = rssBytes(s.proc.pid);
    const slowBefore = await slowConsumers(s);
    r.ws._socket.pause();  // never read: pongs pile up in the kernel, then in the server's queue
    const payload = Buffer.alloc(125, 'p');
    const cap = 64 * 1024 * 1024;  // bytes of pings; an unbounded pong queue would hold most of them
    let sentBytes = 0;
    let slow = slowBefore;
    while (slow === slowBefore && sentBytes < cap && r.ws.readyState === WebSocket.OPEN) {
      for (let i = 0; i < 2000; i++) r.ws.ping(payload);
      sentBytes += 2000 * (payload.length + 6);
      await tick();
      slow = await slowConsumers(s);
    }
    const rssAfter = rssBytes(s.proc.pid);
    t.diagnostic(`pings sent ${sentBytes} B, RSS ${rssBefore} -> ${rssAfter} B`);
    assert.equal(slow, slowBefore + 1, `closed as a slow consumer after ${sentBytes} bytes of pings`);
    const bound = 24 * 1024 * 1024;
    assert.ok(rssAfter - rssBefore < bound,
      `RSS grew ${rssAfter - rssBefore} bytes (bound ${bound}) while the client sent ${sentBytes} bytes of pings`);
    // Reading again, the client gets the pongs the kernel held, then the close frame: 4100. The
    // server drops the socket 2 s after closing, so a client that only reads later sees 1006.
    r.ws._socket.resume();
    const { code } = await r.closed;
    t.diagnostic(`close code ${code}`);
    assert.ok(code === 4100 || code === 1006, `close code ${code}`);
    assert.equal(await rateLimited(s, 'ping_frame'), 0, 'the rate did not close it');
  } finally {
    await s.stop();
  }
});
