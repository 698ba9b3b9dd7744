#!/usr/bin/env node
// Fan-out benchmark: N WebSocket subscribers on one public channel, events published through the
// signed Pusher HTTP API; reports deliveries/s and publish-to-delivery latency p50/p99.
// Works against Headroom (started here, or BENCH_URL=http://127.0.0.1:PORT with BENCH_APP_ID,
// BENCH_KEY, BENCH_SECRET for any Pusher-compatible server such as Soketi).
//   node bench/fanout.js [subscribers=1000] [latency_events=200] [burst_events=200]
// Prints one JSON object. Loopback only; every loop is bounded in count and time.
'use strict';
const path = require('node:path');
const e2e = path.resolve(__dirname, '../tests/e2e');
const WebSocket = require(path.join(e2e, 'node_modules/ws'));
const Pusher = require(path.join(e2e, 'node_modules/pusher'));
const { startServer } = require(path.join(e2e, 'lib/server'));

const SUBSCRIBERS = Number(process.argv[2] || 1000);
const LATENCY_EVENTS = Number(process.argv[3] || 200);
const BURST_EVENTS = Number(process.argv[4] || 200);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function target() {
  if (process.env.BENCH_URL) {
    const u = new URL(process.env.BENCH_URL);
    return { port: Number(u.port), app: { id: process.env.BENCH_APP_ID, key: process.env.BENCH_KEY, secret: process.env.BENCH_SECRET }, stop: async () => {} };
  }
  return startServer({ sections: { websocket: { max_connections: SUBSCRIBERS + 100, send_buffer_bytes: 8 << 20 },
    rate_limits: { enabled: false }, log: { access_log: false } } });
}

function subscribe(port, key, onEvent) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${key}?protocol=7&client=bench&version=1`);
    const timer = setTimeout(() => reject(new Error('subscribe timeout')), 20000);
    ws.on('error', reject);
    // Until subscribed, messages are parsed; after, a tick costs one string search (the client
    // must not be what is measured).
    const setup = (buf) => {
      const m = JSON.parse(buf.toString());
      if (m.event === 'pusher:connection_established') {
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'fanout' } }));
      } else if (m.event === 'pusher_internal:subscription_succeeded') {
        clearTimeout(timer);
        ws.off('message', setup);
        ws.on('message', (b) => onEvent(b.toString()));
        resolve(ws);
      }
    };
    ws.on('message', setup);
  });
}

function percentile(sorted, q) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
  const s = await target();
  const sdk = new Pusher({ appId: s.app.id, key: s.app.key, secret: s.app.secret, host: '127.0.0.1', port: String(s.port), useTLS: false });
  let delivered = 0;
  const latencies = [];
  const firstSeen = new Map();  // event → latency of its first delivery (server + HTTP, less client)
  const onEvent = (text) => {
    const now = process.hrtime.bigint();
    delivered += 1;
    const at = text.indexOf('\\"t\\":\\"');
    if (at < 0) return;
    const sent = text.slice(at + 8, text.indexOf('\\', at + 8));
    const ms = Number(now - BigInt(sent)) / 1e6;
    latencies.push(ms);
    if (!firstSeen.has(sent)) firstSeen.set(sent, ms);
  };
  const sockets = [];
  for (let i = 0; i < SUBSCRIBERS; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(SUBSCRIBERS, i + 50); j++) batch.push(subscribe(s.port, s.app.key, onEvent));
    sockets.push(...(await Promise.all(batch)));
  }
  // Latency: one event at a time, paced so the client is never the bottleneck.
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    await sdk.trigger('fanout', 'tick', JSON.stringify({ t: process.hrtime.bigint().toString() }));
    await sleep(20);
  }
  const latencyDeadline = Date.now() + 10000;
  while (delivered < LATENCY_EVENTS * SUBSCRIBERS && Date.now() < latencyDeadline) await sleep(10);
  latencies.sort((a, b) => a - b);
  // Throughput: a burst through batch_events (10 per call), timed until every delivery arrived.
  const before = delivered;
  const expected = BURST_EVENTS * SUBSCRIBERS;
  const started = process.hrtime.bigint();
  const calls = [];
  for (let i = 0; i < BURST_EVENTS; i += 10) {
    const batch = [];
    for (let j = i; j < Math.min(BURST_EVENTS, i + 10); j++) batch.push({ channel: 'fanout', name: 'tick', data: '{"n":' + j + '}' });
    calls.push(sdk.triggerBatch(batch));
  }
  await Promise.all(calls);
  const burstDeadline = Date.now() + 60000;
  while (delivered - before < expected && Date.now() < burstDeadline) await sleep(5);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const ws of sockets) ws.terminate();
  await s.stop();
  console.log(JSON.stringify({
    subscribers: SUBSCRIBERS,
    latency_events: LATENCY_EVENTS,
    first_delivery_ms: (() => { const f = [...firstSeen.values()].sort((a, b) => a - b); return { p50: percentile(f, 0.5), p99: percentile(f, 0.99) }; })(),
    latency_ms: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1], samples: latencies.length },
    burst_events: BURST_EVENTS,
    burst_deliveries: delivered - before,
    burst_expected: expected,
    deliveries_per_second: Math.round((delivered - before) / seconds),
    burst_seconds: seconds,
  }, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
