// Webhooks received by a local HTTP server, signatures verified; slow consumers closed 4100.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
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
    const sock = net.connect(s.port, '127.0.0.1');
    sock.write(`GET /app/${s.app.key}?protocol=7 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await sleep(100);
    const payload = JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'firehose' } });
    const mask = Buffer.from([1, 2, 3, 4]);
    const body = Buffer.from(payload).map((b, i) => b ^ mask[i % 4]);
    sock.write(Buffer.concat([Buffer.from([0x81, 0x80 | body.length]), mask, body]));
    sock.pause();  // never read again
    await sleep(100);
    const sdk = serverSdk(s);
    const big = 'x'.repeat(9000);
    const batch = Array.from({ length: 10 }, () => ({ channel: 'firehose', name: 'e', data: big }));
    for (let i = 0; i < 300; i++) {
      await sdk.triggerBatch(batch);
      if (i % 10 === 0 && (await metric(s, /headroom_ws_slow_consumers_closed_total (\d+)/)) >= 1) break;
    }
    assert.ok((await metric(s, /headroom_ws_slow_consumers_closed_total (\d+)/)) >= 1);
    sock.destroy();
  } finally {
    await s.stop();
  }
});
