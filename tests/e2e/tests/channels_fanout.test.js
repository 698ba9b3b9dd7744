// Fan-out through the corked write path (src/pusher/ws_connection.cpp): concurrent batches of
// large events to many subscribers, one of which stops reading for a while so its socket fills
// (it also gets 9 MB on a channel of its own) and the server resumes frames it only partly wrote. Every subscriber must get every event
// exactly once, in the order it was published. No timing thresholds: the waits only bound a hang.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { sleep, serverSdk, established } = require('./channels_util');

const SUBSCRIBERS = 30;
const BATCHES = 16;
const BULK_BATCHES = 100;  // 9 MB to the paused reader alone: more than the kernel buffers for it
const PER_BATCH = 10;  // the HTTP API's batch limit

test('fan-out: every subscriber gets every event once and in published order, a paused reader too', async () => {
  // Everything published fits in the paused reader's send buffer: it must not be closed as slow.
  const s = await startServer({ sections: { websocket: { send_buffer_bytes: 64 * 1024 * 1024 } } });
  try {
    const subs = [];
    for (let i = 0; i < SUBSCRIBERS; i++) subs.push(await established(s));
    for (const r of subs) r.send({ event: 'pusher:subscribe', data: { channel: 'fanout' } });
    for (const r of subs) await r.event('pusher_internal:subscription_succeeded', 30000);
    const paused = subs[0];
    paused.send({ event: 'pusher:subscribe', data: { channel: 'bulk' } });
    await paused.event('pusher_internal:subscription_succeeded', 30000);
    paused.ws.pause();

    const sdk = serverSdk(s);
    const pad = 'x'.repeat(8000);
    const batch = (b) => Array.from({ length: PER_BATCH }, (_, j) => ({
      channel: 'fanout', name: 'n', data: JSON.stringify({ b, j, pad }),
    }));
    // Batches 0..7 one after another (a published order every connection must keep), then 8..15
    // at once (requests on different event loops race: only each batch's own order is defined).
    const sequential = BATCHES / 2;
    for (let b = 0; b < sequential; b++) assert.equal((await sdk.triggerBatch(batch(b))).status, 200);
    const bulkPad = 'y'.repeat(9000);
    for (let b = 0; b < BULK_BATCHES; b++) {
      const events = Array.from({ length: PER_BATCH }, (_, j) => ({
        channel: 'bulk', name: 'bulk', data: JSON.stringify({ i: b * PER_BATCH + j, pad: bulkPad }),
      }));
      assert.equal((await sdk.triggerBatch(events)).status, 200);
    }
    const responses = await Promise.all(
      Array.from({ length: BATCHES - sequential }, (_, i) => sdk.triggerBatch(batch(sequential + i))));
    for (const r of responses) assert.equal(r.status, 200);
    await sleep(300);
    paused.ws.resume();

    const total = BATCHES * PER_BATCH;
    const got = (r) => r.messages.filter((m) => m.event === 'n');
    const bulk = () => paused.messages.filter((m) => m.event === 'bulk');
    const deadline = Date.now() + 60000;
    while ((subs.some((r) => got(r).length < total) || bulk().length < BULK_BATCHES * PER_BATCH) &&
      Date.now() < deadline) await sleep(50);
    assert.deepEqual(bulk().map((m) => m.data.i), Array.from({ length: BULK_BATCHES * PER_BATCH }, (_, i) => i));
    for (const m of bulk()) assert.equal(m.data.pad, bulkPad);

    const published = [];
    for (let b = 0; b < sequential; b++) for (let j = 0; j < PER_BATCH; j++) published.push(`${b}.${j}`);
    for (const [i, r] of subs.entries()) {
      const order = got(r).map((m) => `${m.data.b}.${m.data.j}`);
      assert.equal(order.length, total, `subscriber ${i} got ${order.length} of ${total}`);
      assert.equal(new Set(order).size, total, `subscriber ${i} got duplicates`);
      assert.deepEqual(order.slice(0, published.length), published, `subscriber ${i}: sequential batches out of order`);
      const last = new Map();
      for (const key of order) {
        const [b, j] = key.split('.').map(Number);
        assert.ok(!last.has(b) || last.get(b) < j, `subscriber ${i}: batch ${b} out of order`);
        last.set(b, j);
      }
      for (const m of got(r)) assert.equal(m.data.pad, pad);
    }
    assert.equal(paused.ws.readyState, 1, 'the paused reader stays connected');
    for (const r of subs) r.close();
  } finally {
    await s.stop();
  }
});
