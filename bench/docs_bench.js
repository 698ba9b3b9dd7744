#!/usr/bin/env node
// HTTP benchmark of the document API against a running or freshly started headroom:
//   durable writes/s with 64 concurrent writers (PUT, each waits for its 201),
//   point reads/s (GET) with 64 concurrent readers,
//   a 2-field query (g == v ORDER BY n DESC LIMIT 10) by scanning (allow_scans) and with its index.
// Usage: HEADROOM_BIN=build-docs/src/app/headroom node bench/docs_bench.js [seconds-per-phase]
'use strict';
const path = require('node:path');
const { startServer } = require(path.join(__dirname, '../tests/e2e/lib/server'));
const { client } = require(path.join(__dirname, '../tests/e2e/tests/docs_util'));

const SECONDS = Number(process.argv[2] || 5);
const CONCURRENCY = 64;

async function phase(name, concurrency, op) {
  let done = 0, failed = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
    for (let i = 0; Date.now() < deadline; i++) {
      if (await op(w, i)) done++; else failed++;
    }
  }));
  const rate = done / ((Date.now() - started) / 1000);
  console.log(`${name}: ${rate.toFixed(0)}/s (${done} ok, ${failed} failed)`);
  return rate;
}

(async () => {
  const app = { id: 'bench', key: 'benchkey', secret: 'bench-secret-123', allow_scans: true,
    collections: { docs: { read: 'public', write: 'public' } } };
  const server = await startServer({
    apps: [app],
    sections: { rate_limits: { enabled: false }, quotas: { reads_per_day: 0, writes_per_day: 0, deletes_per_day: 0 },
      server: { max_concurrent_requests: 256 }, cache: { enabled: false } },
  });
  const api = client(server);
  try {
    const counts = new Array(CONCURRENCY).fill(0);
    await phase('durable writes (PUT, 64 writers)', CONCURRENCY, async (w, i) => {
      const res = await api.call('PUT', `/collections/docs/docs/${w}-${i}`, { body: { g: `g${(w * 7 + i) % 10}`, n: w * 100000 + i, title: `doc ${i}` } });
      counts[w] = i + 1;
      return res.status === 201;
    });
    await phase('point reads (GET, 64 readers)', CONCURRENCY, async (w, i) => {
      const res = await api.call('GET', `/collections/docs/docs/${w}-${i % Math.max(1, counts[w])}`);
      return res.status === 200;
    });
    const query = { where: [['g', '==', 'g3']], orderBy: [['n', 'desc']], limit: 10 };
    await phase('2-field query, no index (scan)', 4, async () =>
      (await api.call('POST', '/collections/docs/query', { body: query })).status === 200);
    const created = await api.call('POST', '/indexes', { body: { collection: 'docs', fields: [['g', 'asc'], ['n', 'desc']] }, token: api.serverToken() });
    if (created.status >= 300) throw new Error(created.text);
    for (;;) {
      const list = await api.call('GET', '/indexes', { token: api.serverToken() });
      if (list.json.indexes[0].state === 'ready') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await phase('2-field query, composite index', CONCURRENCY, async () =>
      (await api.call('POST', '/collections/docs/query', { body: query })).status === 200);
  } finally {
    await server.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
