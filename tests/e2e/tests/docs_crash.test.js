// Crash safety: concurrent writers over HTTP, kill -9 in mid-stream, restart on the same data
// directory. Every acknowledged write must be there; no batch may be partly there.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { client, NO_LIMITS } = require('./docs_util');

const APP = { id: 'app1', key: 'key1', secret: 'secret1-very-secret', collections: { c: { read: 'public', write: 'public' } } };
const SECTIONS = { ...NO_LIMITS, quotas: { writes_per_day: 0 } };

async function writer(api, k, acked, attempted, stop) {
  for (let i = 0; !stop.done; i++) {
    try {
      if (i % 2 === 0) {
        const id = `w${k}-${i}`;
        attempted.singles.add(id);
        const res = await api.call('PUT', `/collections/c/docs/${id}`, { body: { k, i, pad: 'x'.repeat(200) } });
        if (res.status === 201) acked.singles.add(id);
      } else {
        const id = `b${k}-${i}`;
        attempted.batches.add(id);
        const ops = [0, 1, 2].map((j) => ({ op: 'create', collection: 'c', id: `${id}-${j}`, data: { batch: id } }));
        const res = await api.call('POST', '/batch', { body: { ops } });
        if (res.status === 200) acked.batches.add(id);
      }
    } catch (_) {
      return;  // the server died under us: this write's fate is unknown
    }
  }
}

async function allDocs(api) {
  const ids = new Set();
  let after;
  for (;;) {
    const res = await api.call('GET', `/collections/c/docs?limit=1000${after ? `&after=${after}` : ''}`);
    assert.equal(res.status, 200, res.text);
    for (const d of res.json.docs) ids.add(d._id);
    if (!res.json.next) return ids;
    after = res.json.next;
  }
}

test('kill -9 under concurrent writes loses no acknowledged write and leaves no partial batch', async () => {
  const server = await startServer({ sections: SECTIONS, apps: [APP] });
  const api = client(server);
  const acked = { singles: new Set(), batches: new Set() };
  const attempted = { singles: new Set(), batches: new Set() };
  const stop = { done: false };
  const writers = Array.from({ length: 32 }, (_, k) => writer(api, k, acked, attempted, stop));
  while (acked.singles.size + acked.batches.size < 1500) await new Promise((r) => setTimeout(r, 5));
  await server.kill();
  stop.done = true;
  await Promise.all(writers);
  assert.ok(acked.singles.size > 100 && acked.batches.size > 100);

  const again = await startServer({ sections: SECTIONS, apps: [APP], dataDir: server.dataDir });
  try {
    const ids = await allDocs(client(again));
    for (const id of acked.singles) assert.ok(ids.has(id), `acknowledged write ${id} lost`);
    for (const b of acked.batches) {
      for (const j of [0, 1, 2]) assert.ok(ids.has(`${b}-${j}`), `acknowledged batch ${b} lost`);
    }
    for (const b of attempted.batches) {
      const present = [0, 1, 2].filter((j) => ids.has(`${b}-${j}`)).length;
      assert.ok(present === 0 || present === 3, `batch ${b} is partly there (${present}/3)`);
    }
    for (const id of ids) {
      if (id.startsWith('w')) assert.ok(attempted.singles.has(id), `never written: ${id}`);
    }
  } finally {
    await again.stop();
  }
});
