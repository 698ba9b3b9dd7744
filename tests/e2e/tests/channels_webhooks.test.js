// Webhooks received by a local HTTP server, signatures verified; slow consumers closed 4100.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const crypto = require('node:crypto');
const { startServer } = require('../lib/server');
const { sleep, serverSdk, established, metric } = require('./channels_util');

async function hookServer() {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      received.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(200);
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { received, url: `http://127.0.0.1:${server.address().port}/hook`, close: () => server.close() };
}

test('webhooks: occupied, member events, client_event, cache_miss, vacated — signed and batched', async () => {
  const hooks = await hookServer();
  const app = { id: 'app1', key: 'key1', secret: 'secret1-very-secret', webhooks: [{ url: hooks.url }] };
  const s = await startServer({ apps: [app], sections: { channels: { webhook_batch_ms: 50, webhook_vacate_delay_ms: 300 } } });
  try {
    const sdk = serverSdk(s);
    const r = await established(s);
    const data = JSON.stringify({ user_id: 'u1', user_info: {} });
    r.send({ event: 'pusher:subscribe', data: { channel: 'presence-room', channel_data: data, ...sdk.authorizeChannel(r.socketId, 'presence-room', JSON.parse(data)) } });
    await r.event('pusher_internal:subscription_succeeded');
    r.send({ event: 'client-hi', channel: 'presence-room', data: { x: 1 } });
    r.send({ event: 'pusher:subscribe', data: { channel: 'cache-c' } });
    await r.event('pusher:cache_miss');
    await sleep(300);
    r.close();
    const wanted = ['channel_occupied', 'member_added', 'client_event', 'cache_miss', 'member_removed', 'channel_vacated'];
    const seen = () => hooks.received.flatMap((h) => h.json.events).map((e) => e.name);
    for (let i = 0; i < 100 && !wanted.every((n) => seen().includes(n)); i++) await sleep(50);
    const events = hooks.received.flatMap((h) => h.json.events);
    const names = events.map((e) => e.name);
    for (const n of ['channel_occupied', 'member_added', 'client_event', 'cache_miss', 'member_removed', 'channel_vacated']) {
      assert.ok(names.includes(n), `missing ${n} in ${JSON.stringify(names)}`);
    }
    const clientEvent = events.find((e) => e.name === 'client_event');
    assert.equal(clientEvent.event, 'client-hi');
    assert.equal(clientEvent.user_id, 'u1');
    assert.ok(hooks.received.length < names.length, 'events are batched');
    for (const h of hooks.received) {
      assert.equal(h.headers['x-pusher-key'], app.key);
      const expected = crypto.createHmac('sha256', app.secret).update(h.body).digest('hex');
      assert.equal(h.headers['x-pusher-signature'], expected);
      assert.ok(sdk.webhook({ headers: h.headers, rawBody: h.body }).isValid());
    }
  } finally {
    hooks.close();
    await s.stop();
  }
});

test('a quick reconnect does not flap channel_vacated/channel_occupied', async () => {
  const hooks = await hookServer();
  const app = { id: 'app1', key: 'key1', secret: 'secret1-very-secret', webhooks: [{ url: hooks.url }] };
  const s = await startServer({ apps: [app], sections: { channels: { webhook_batch_ms: 50, webhook_vacate_delay_ms: 1000 } } });
  try {
    const a = await established(s);
    a.send({ event: 'pusher:subscribe', data: { channel: 'room' } });
    await a.event('pusher_internal:subscription_succeeded');
    a.close();
    await sleep(200);
    const b = await established(s);
    b.send({ event: 'pusher:subscribe', data: { channel: 'room' } });
    await b.event('pusher_internal:subscription_succeeded');
    await sleep(1500);
    const names = hooks.received.flatMap((h) => h.json.events).map((e) => e.name);
    assert.deepEqual(names, ['channel_occupied']);
    b.close();
  } finally {
    hooks.close();
    await s.stop();
  }
});

test('a consumer that stops reading is closed with 4100 and counted', async () => {
  const s = await startServer({ sections: { websocket: { send_buffer_bytes: 65536 } } });
  try {
    const r = await established(s);
    r.send({ event: 'pusher:subscribe', data: { channel: 'firehose' } });
    await r.event('pusher_internal:subscription_succeeded');
    r.ws.pause();  // stop reading: the kernel buffers fill, then the server's send buffer
    const sdk = serverSdk(s);
    const big = 'x'.repeat(9000);
    const batch = Array.from({ length: 10 }, () => ({ channel: 'firehose', name: 'e', data: big }));
    const counted = async () => (await metric(s, /headroom_ws_slow_consumers_closed_total (\d+)/)) >= 1;
    for (let i = 0; i < 300 && !(await counted()); i++) await sdk.triggerBatch(batch);
    assert.ok(await counted(), 'headroom_ws_slow_consumers_closed_total never moved');
    // Reading again, the client gets the close frame the server queued behind what it had already
    // started to send: 4100 (back off, then reconnect), within the server's 2 s close linger.
    r.ws.resume();
    const closed = await r.closed;
    assert.equal(closed.code, 4100, JSON.stringify(closed));
    assert.match(closed.reason, /slow consumer/);
    assert.equal(await metric(s, /headroom_ws_slow_consumers_closed_total (\d+)/), 1);
  } finally {
    await s.stop();
  }
});
