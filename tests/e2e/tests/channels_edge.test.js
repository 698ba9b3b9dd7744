// Protocol edge cases over raw WebSockets: limits, bad input, bad signatures, recovery, cache.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const crypto = require('node:crypto');
const { startServer } = require('../lib/server');
const { sleep, serverSdk, established, raw, metric } = require('./channels_util');

test('unknown app key closes 4001 after an error; malformed JSON is an error, not a crash', async () => {
  const s = await startServer();
  try {
    const bad = await raw(s, 'no-such-key');
    const err = await bad.event('pusher:error');
    assert.equal(err.data.code, 4001);
    assert.equal((await bad.closed).code, 4001);
    const r = await established(s);
    assert.equal(r.messages.length, 0);
    r.send('{not json');
    assert.equal((await r.event('pusher:error')).data.code, null);
    r.send({ event: 'pusher:ping', data: {} });
    await r.event('pusher:pong');
    r.close();
  } finally {
    await s.stop();
  }
});

test('disabled app closes 4003', async () => {
  const s = await startServer({ apps: [{ id: 'app1', key: 'key1', secret: 'secret1-very-secret', enabled: false }] });
  try {
    const r = await raw(s);
    assert.equal((await r.closed).code, 4003);
  } finally {
    await s.stop();
  }
});

test('instance connection limit closes 4100', async () => {
  const s = await startServer({ sections: { websocket: { max_connections: 2 } } });
  try {
    const a = await established(s);
    const b = await established(s);
    const c = await raw(s);
    assert.equal((await c.event('pusher:error')).data.code, 4100);
    assert.equal((await c.closed).code, 4100);
    a.close();
    await sleep(200);
    const d = await established(s);
    d.close();
    b.close();
    assert.ok((await metric(s, /headroom_ws_connections_refused_total\{reason="connection_limit"\} (\d+)/)) >= 1);
  } finally {
    await s.stop();
  }
});

test('11th channel is refused with status 429; client event flood gets 4301', async () => {
  const s = await startServer();
  try {
    const r = await established(s);
    for (let i = 0; i < 11; i++) r.send({ event: 'pusher:subscribe', data: { channel: 'c' + i } });
    const err = await r.event('pusher:subscription_error');
    assert.equal(err.channel, 'c10');
    assert.equal(err.data.status, 429);
    const sdk = serverSdk(s);
    r.send({ event: 'pusher:unsubscribe', data: { channel: 'c0' } });
    r.send({ event: 'pusher:subscribe', data: { channel: 'private-x', ...sdk.authorizeChannel(r.socketId, 'private-x') } });
    await r.next((m) => m.event === 'pusher_internal:subscription_succeeded' && m.channel === 'private-x');
    for (let i = 0; i < 150; i++) r.send({ event: 'client-x', channel: 'private-x', data: { i } });
    const limited = await r.next((m) => m.event === 'pusher:error' && m.data.code === 4301);
    assert.ok(limited);
    r.close();
    assert.ok((await metric(s, /headroom_ws_client_events_rejected_total\{reason="rate_limited"\} (\d+)/)) >= 1);
  } finally {
    await s.stop();
  }
});

test('frames over max_frame_bytes close 1009; unmasked frames close 1002', async () => {
  const s = await startServer({ sections: { websocket: { max_frame_bytes: 1024 } } });
  try {
    const r = await established(s);
    r.send('x'.repeat(2000));
    assert.equal((await r.closed).code, 1009);
    // A hand-made handshake, then an unmasked text frame.
    const sock = net.connect(s.port, '127.0.0.1');
    const key = crypto.randomBytes(16).toString('base64');
    sock.write(`GET /app/${s.app.key}?protocol=7 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    let data = Buffer.alloc(0);
    sock.on('data', (d) => { data = Buffer.concat([data, d]); });
    await sleep(200);
    const expected = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    assert.match(data.toString('latin1'), new RegExp('Sec-WebSocket-Accept: ' + expected.replace(/[+/=]/g, '\\$&')));
    data = Buffer.alloc(0);
    sock.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
    await new Promise((resolve) => sock.on('close', resolve));
    const closeAt = data.indexOf(0x88);
    assert.ok(closeAt >= 0, 'a close frame was sent');
    assert.equal(data.readUInt16BE(closeAt + 2), 1002);
  } finally {
    await s.stop();
  }
});

test('bad API signatures are 401, unknown app 404, oversize 413 — never 200', async () => {
  const s = await startServer();
  try {
    const wrong = serverSdk(s, { ...s.app, secret: 'not-the-secret' });
    await assert.rejects(wrong.trigger('a', 'e', {}), (e) => e.status === 401);
    const unknown = serverSdk(s, { ...s.app, id: 'nope' });
    await assert.rejects(unknown.trigger('a', 'e', {}), (e) => e.status === 404);
    await assert.rejects(serverSdk(s).trigger('a', 'e', 'x'.repeat(11 * 1024)), (e) => e.status === 413);
    const stale = await fetch(`${s.url}/apps/${s.app.id}/channels?auth_key=${s.app.key}&auth_timestamp=1&auth_version=1.0&auth_signature=00`);
    assert.equal(stale.status, 401);
    assert.ok((await metric(s, /headroom_pusher_api_requests_total\{outcome="unauthorized"\} (\d+)/)) >= 2);
  } finally {
    await s.stop();
  }
});

test('recovery: since=<offset> replays missed events, or headroom:recovery_failed', async () => {
  const s = await startServer({ extra: '[[channels.history]]\nprefix = "chat-"\nsize = 5\nttl_s = 60\n' });
  try {
    const sdk = serverSdk(s);
    for (let i = 1; i <= 7; i++) await sdk.trigger('chat-1', 'msg', { i });
    const r = await established(s);
    r.send({ event: 'pusher:subscribe', data: { channel: 'chat-1', since: 4 } });
    await r.event('pusher_internal:subscription_succeeded');
    const replayed = [await r.event('msg'), await r.event('msg'), await r.event('msg')];
    assert.deepEqual(replayed.map((m) => m.offset), [5, 6, 7]);
    await sdk.trigger('chat-1', 'msg', { i: 8 });
    assert.equal((await r.event('msg')).offset, 8);
    const late = await established(s);
    late.send({ event: 'pusher:subscribe', data: { channel: 'chat-1', since: 1 } });
    const failed = await late.event('headroom:recovery_failed');
    assert.equal(failed.channel, 'chat-1');
    r.close();
    late.close();
  } finally {
    await s.stop();
  }
});

test('cache channels: cache_miss first, then the last event on subscribe', async () => {
  const s = await startServer();
  try {
    const a = await established(s);
    a.send({ event: 'pusher:subscribe', data: { channel: 'cache-price' } });
    assert.equal((await a.event('pusher:cache_miss')).channel, 'cache-price');
    await serverSdk(s).trigger('cache-price', 'tick', { p: 1 });
    await serverSdk(s).trigger('cache-price', 'tick', { p: 2 });
    const b = await established(s);
    b.send({ event: 'pusher:subscribe', data: { channel: 'cache-price' } });
    await b.event('pusher_internal:subscription_succeeded');
    assert.deepEqual((await b.event('tick')).data, { p: 2 });
    a.close();
    b.close();
  } finally {
    await s.stop();
  }
});

test('idle connections get pusher:ping; no answer closes 4201; pong keeps it open', async () => {
  const s = await startServer({ sections: { websocket: { activity_timeout_s: 1, pong_timeout_s: 1 } } });
  try {
    const alive = await established(s);
    const dead = await established(s);
    assert.equal(alive.socketId.length > 0, true);
    await alive.event('pusher:ping', 3000);
    alive.send({ event: 'pusher:pong', data: {} });
    await dead.event('pusher:ping', 3000);
    assert.equal((await dead.closed).code, 4201);
    await alive.event('pusher:ping', 3000);  // still open, pinged again
    alive.close();
  } finally {
    await s.stop();
  }
});

test('draining closes WebSockets with 4200 so clients reconnect elsewhere', async () => {
  const s = await startServer();
  const r = await established(s);
  const stopped = s.stop();
  assert.equal((await r.closed).code, 4200);
  await stopped;
});

test('db-{collection} channels carry document changes, gated by the read rule', async () => {
  const app = { id: 'app1', key: 'key1', secret: 'secret1-very-secret',
    collections: { posts: { read: 'public', write: 'public' }, secrets: { read: 'owner', write: 'public' } } };
  const s = await startServer({ apps: [app] });
  try {
    const r = await established(s);
    r.send({ event: 'pusher:subscribe', data: { channel: 'db-posts' } });
    await r.event('pusher_internal:subscription_succeeded');
    r.send({ event: 'pusher:subscribe', data: { channel: 'db-secrets' } });
    assert.equal((await r.event('pusher:subscription_error')).data.status, 403);
    const res = await fetch(`${s.url}/v1/apps/${app.id}/collections/posts/docs`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'hi' }),
    });
    assert.equal(res.status, 201, await res.text());
    const added = await r.event('headroom:added');
    assert.equal(added.channel, 'db-posts');
    assert.equal(added.data.doc.title, 'hi');
    assert.ok(added.data.seq >= 1);
    r.close();
  } finally {
    await s.stop();
  }
});

test('the last connection slots are kept for VIP sign-ins', async () => {
  const s = await startServer({ sections: { websocket: { max_connections: 40, vip_reserved_connections: 2 } } });
  const open = [];
  try {
    for (let i = 0; i < 38; i++) open.push(await established(s));
    const sdk = serverSdk(s);
    const vip = await established(s);
    vip.send({ event: 'pusher:signin', data: sdk.authenticateUser(vip.socketId, { id: 'boss', user_info: { tier: 'vip' } }) });
    await vip.event('pusher:signin_success');
    const plain = await established(s);
    plain.send({ event: 'pusher:signin', data: sdk.authenticateUser(plain.socketId, { id: 'joe' }) });
    assert.equal((await plain.closed).code, 4100);
    await sleep(100);
    const last = await established(s);  // the slot plain left: VIP-only again, and nobody signs in
    assert.equal((await last.event('pusher:error', 8000)).data.code, 4100);
    assert.equal((await last.closed).code, 4100);
    vip.send({ event: 'pusher:ping', data: {} });
    await vip.event('pusher:pong');  // the VIP stays
    assert.equal(await metric(s, /headroom_vip_sessions (\d+)/), 1);
    open.push(vip);
  } finally {
    for (const r of open) r.close();
    await s.stop();
  }
});

test('users signed in over WebSocket count as active users, once each however many connections', async () => {
  const s = await startServer();
  const open = [];
  try {
    const before = await metric(s, /^headroom_active_users (\S+)/m);
    const sdk = serverSdk(s);
    for (const id of ['ann', 'bob', 'cy', 'ann']) {
      const c = await established(s);
      c.send({ event: 'pusher:signin', data: sdk.authenticateUser(c.socketId, { id }) });
      await c.event('pusher:signin_success');
      open.push(c);
    }
    // The sampler refreshes the gauge every second; three distinct users, not four connections.
    let now = before;
    for (let i = 0; i < 100 && now < before + 2.5; i++) {
      await sleep(100);
      now = await metric(s, /^headroom_active_users (\S+)/m);
    }
    assert.equal(Math.round(now - before), 3); // a HyperLogLog estimate: 3.004
  } finally {
    for (const c of open) c.close();
    await s.stop();
  }
});
