// The cache in front of document GETs, end to end: a second GET is a hit, a write is visible to
// the next GET at once (invalidated before it was acknowledged), If-None-Match is answered from the
// cache, owner-only collections are not cached, and the stats route and metrics move.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('../lib/server');
const { client, NO_LIMITS } = require('./docs_util');

function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(name + labels + ' '));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}
const metrics = async (s) => (await fetch(s.url + '/metrics')).text();

test('document GETs are cached and writes invalidate before they return', async () => {
  const s = await startServer({ sections: NO_LIMITS });
  try {
    const c = client(s);
    const srv = c.serverToken();
    const alice = c.token('alice');
    assert.equal((await c.call('PUT', '/collections/notes/docs/n1', { body: { text: 'v1' }, token: srv })).status, 201);
    const first = await c.call('GET', '/collections/notes/docs/n1', { token: alice });
    assert.equal(first.status, 200);
    const second = await c.call('GET', '/collections/notes/docs/n1', { token: alice });
    assert.equal(second.status, 200);
    assert.equal(second.text, first.text);
    assert.equal(second.headers.get('etag'), first.headers.get('etag'));
    let m = await metrics(s);
    assert.equal(metric(m, 'headroom_cache_hits_total'), 1);
    assert.equal(metric(m, 'headroom_cache_misses_total'), 1);
    assert.equal(metric(m, 'headroom_cache_entries'), 1);
    assert.ok(metric(m, 'headroom_cache_bytes') > first.text.length);

    // Cached 304.
    const notModified = await c.call('GET', '/collections/notes/docs/n1', {
      token: alice, headers: { 'if-none-match': first.headers.get('etag') } });
    assert.equal(notModified.status, 304);

    // Each write is visible to the very next read.
    for (let v = 2; v <= 20; v++) {
      const put = await c.call('PUT', '/collections/notes/docs/n1', { body: { text: `v${v}` }, token: srv });
      assert.equal(put.status, 200);
      const got = await c.call('GET', '/collections/notes/docs/n1', { token: alice });
      assert.equal(got.json.text, `v${v}`);
      assert.equal(got.headers.get('etag'), put.headers.get('etag'));
      assert.equal((await c.call('GET', '/collections/notes/docs/n1', { token: alice })).json.text, `v${v}`);
    }
    // Deleting is seen at once too.
    assert.equal((await c.call('DELETE', '/collections/notes/docs/n1', { token: srv })).status, 204);
    assert.equal((await c.call('GET', '/collections/notes/docs/n1', { token: alice })).status, 404);
    // Batch writes invalidate as well.
    await c.call('PUT', '/collections/notes/docs/n2', { body: { text: 'a' }, token: srv });
    await c.call('GET', '/collections/notes/docs/n2', { token: alice });
    const batch = await c.call('POST', '/batch', { token: srv,
      body: { ops: [{ op: 'set', collection: 'notes', id: 'n2', data: { text: 'b' } }] } });
    assert.equal(batch.status, 200, batch.text);
    assert.equal((await c.call('GET', '/collections/notes/docs/n2', { token: alice })).json.text, 'b');

    m = await metrics(s);
    assert.ok(metric(m, 'headroom_cache_hits_total') >= 20);
    assert.ok(metric(m, 'headroom_cache_invalidations_total') >= 20);
    assert.ok(metric(m, 'headroom_cache_collection_hit_ratio', `{app="${s.app.id}",collection="notes"}`) > 0);
    const stats = await fetch(`${s.url}/v1/apps/${s.app.id}/cache/stats`, { headers: { authorization: `Bearer ${srv}` } });
    assert.equal(stats.status, 200);
    const body = await stats.json();
    assert.ok(body.collections.notes.hits >= 20);
  } finally {
    await s.stop();
  }
});

test('query results are cached and any write to the collection invalidates them', async () => {
  const s = await startServer({ sections: NO_LIMITS });
  try {
    const c = client(s);
    const srv = c.serverToken();
    const alice = c.token('alice');
    for (let i = 0; i < 3; i++) {
      await c.call('PUT', `/collections/items/docs/i${i}`, { body: { n: i }, token: srv });
    }
    const q = () => c.call('POST', '/collections/items/query', { body: { orderBy: [['n', 'asc']] }, token: alice });
    const first = await q();
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.json.docs.map((d) => d.n), [0, 1, 2]);
    const reads = (m) => metric(m, 'headroom_quota_used', `{app="${s.app.id}",kind="reads"}`);
    const m0 = await metrics(s);
    const before = metric(m0, 'headroom_cache_hits_total');
    const second = await q();
    assert.equal(second.text, first.text);
    const m1 = await metrics(s);
    assert.equal(metric(m1, 'headroom_cache_hits_total'), before + 1);
    // Quotas count cached reads too: one read per document the cached answer holds.
    assert.equal(reads(m1) - reads(m0), 3);
    // A write to another document of the collection changes the result: the next query sees it.
    await c.call('PUT', '/collections/items/docs/i9', { body: { n: -1 }, token: srv });
    assert.deepEqual((await q()).json.docs.map((d) => d.n), [-1, 0, 1, 2]);
    await c.call('DELETE', '/collections/items/docs/i0', { token: srv });
    assert.deepEqual((await q()).json.docs.map((d) => d.n), [-1, 1, 2]);
  } finally {
    await s.stop();
  }
});

test('warm restart: the hottest documents are cached again after a restart', async () => {
  const first = await startServer({ sections: NO_LIMITS });
  const dataDir = first.dataDir;
  try {
    const c = client(first);
    const srv = c.serverToken();
    for (let i = 0; i < 5; i++) {
      await c.call('PUT', `/collections/notes/docs/w${i}`, { body: { i }, token: srv });
      for (let j = 0; j < 3; j++) await c.call('GET', `/collections/notes/docs/w${i}`, { token: srv });
    }
  } finally {
    await first.stop();
  }
  const saved = fs.readFileSync(path.join(dataDir, 'cache-hot-keys.tsv'), 'utf8').trim().split('\n');
  assert.equal(saved.length, 5);
  assert.match(saved[0], /^doc\tapp1\tnotes\tw\d$/);
  const second = await startServer({ sections: NO_LIMITS, dataDir });
  try {
    for (let i = 0; i < 100 && metric(await metrics(second), 'headroom_cache_entries') < 5; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const c = client(second);
    const got = await c.call('GET', '/collections/notes/docs/w3', { token: c.serverToken() });
    assert.equal(got.json.i, 3);
    const m = await metrics(second);
    assert.equal(metric(m, 'headroom_cache_hits_total'), 1);
    assert.equal(metric(m, 'headroom_cache_misses_total'), 0);
  } finally {
    await second.stop();
  }
});

test('public collections send their configured Cache-Control, cached or not', async () => {
  const apps = [{ id: 'app1', key: 'key1', secret: 'secret1-very-secret',
    collections: { pub: { read: 'public', write: 'server', cache_control: 'public, max-age=30' } } }];
  const s = await startServer({ sections: NO_LIMITS, apps });
  try {
    const c = client(s);
    await c.call('PUT', '/collections/pub/docs/a', { body: { x: 1 }, token: c.serverToken() });
    const miss = await c.call('GET', '/collections/pub/docs/a');
    const hit = await c.call('GET', '/collections/pub/docs/a');
    const m = await metrics(s);
    assert.equal(metric(m, 'headroom_cache_misses_total'), 1);
    assert.equal(metric(m, 'headroom_cache_hits_total'), 1, 'the second GET came from the cache');
    assert.equal(miss.status, 200);
    assert.equal(miss.headers.get('cache-control'), 'public, max-age=30');
    assert.equal(hit.headers.get('cache-control'), 'public, max-age=30');
    assert.equal(hit.text, miss.text);
    const notModified = await c.call('GET', '/collections/pub/docs/a', { headers: { 'if-none-match': miss.headers.get('etag') } });
    assert.equal(notModified.status, 304);
    // Collections that need a token never say "public".
    await c.call('PUT', '/collections/notes/docs/n', { body: { x: 1 }, token: c.serverToken() });
    const priv = await c.call('GET', '/collections/notes/docs/n', { token: c.token('alice') });
    assert.equal(priv.headers.get('cache-control'), null);
  } finally {
    await s.stop();
  }
});

test('owner-only collections are not served from the cache', async () => {
  const apps = [{ id: 'app1', key: 'key1', secret: 'secret1-very-secret',
    collections: { private: { read: 'owner', write: 'owner' } } }];
  const s = await startServer({ sections: NO_LIMITS, apps });
  try {
    const c = client(s);
    const alice = c.token('alice');
    assert.equal((await c.call('PUT', '/collections/private/docs/p1', { body: { x: 1 }, token: alice })).status, 201);
    assert.equal((await c.call('GET', '/collections/private/docs/p1', { token: alice })).status, 200);
    assert.equal((await c.call('GET', '/collections/private/docs/p1', { token: alice })).status, 200);
    assert.equal((await c.call('GET', '/collections/private/docs/p1', { token: c.token('bob') })).status, 403);
    const m = await metrics(s);
    assert.equal(metric(m, 'headroom_cache_entries'), 0);
    assert.equal(metric(m, 'headroom_cache_hits_total'), 0, 'the second read by the owner was a cache hit');
  } finally {
    await s.stop();
  }
});
