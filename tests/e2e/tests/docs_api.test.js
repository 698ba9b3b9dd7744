// The document API over real HTTP: CRUD with ETags and preconditions, /v1 errors for bad input,
// queries with cursors and indexes, atomic batches, tokens and rules, quotas in /metrics.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { startServer, BIN } = require('../lib/server');
const { client, mintToken, NO_LIMITS } = require('./docs_util');

const APP = {
  id: 'app1', key: 'key1', secret: 'secret1-very-secret',
  collections: { pub: { read: 'public', write: 'public' }, mine: { read: 'owner', write: 'owner' }, srv: { read: 'public', write: 'server' } },
};

let server;
let api;
test.before(async () => {
  server = await startServer({ sections: { ...NO_LIMITS, quotas: { writes_per_day: 100000 } }, apps: [APP] });
  api = client(server);
});
test.after(async () => { await server.stop(); });

test('create, read, replace, patch and delete a document with ETags', async () => {
  const put = await api.call('PUT', '/collections/pub/docs/d1', { body: { title: 'hello', n: 1, nested: { a: 1 } } });
  assert.equal(put.status, 201, put.text);
  assert.equal(put.headers.get('etag'), '"1"');
  for (const f of ['_id', '_version', '_owner', '_created', '_updated']) assert.ok(f in put.json, f);
  const get = await api.call('GET', '/collections/pub/docs/d1');
  assert.equal(get.status, 200);
  assert.equal(get.json.title, 'hello');
  assert.equal((await api.call('GET', '/collections/pub/docs/d1', { headers: { 'if-none-match': '"1"' } })).status, 304);
  assert.equal((await api.call('PUT', '/collections/pub/docs/d1', { body: {}, headers: { 'if-none-match': '*' } })).status, 412);
  const stale = await api.call('PUT', '/collections/pub/docs/d1', { body: {}, headers: { 'if-match': '"9"' } });
  assert.equal(stale.status, 412);
  assert.equal(stale.json.error.code, 'FAILED_PRECONDITION');
  const patch = await api.call('PATCH', '/collections/pub/docs/d1', { body: { n: null, nested: { b: 2 } }, headers: { 'if-match': '"1"' } });
  assert.equal(patch.status, 200, patch.text);
  assert.deepEqual(patch.json.nested, { a: 1, b: 2 });
  assert.ok(!('n' in patch.json));
  assert.equal(patch.json._version, 2);
  const post = await api.call('POST', '/collections/pub/docs', { body: { auto: true } });
  assert.equal(post.status, 201);
  assert.match(post.headers.get('location'), /\/collections\/pub\/docs\/[0-9a-f]{20}$/);
  assert.equal((await api.call('DELETE', '/collections/pub/docs/d1')).status, 204);
  assert.equal((await api.call('GET', '/collections/pub/docs/d1')).status, 404);
  assert.equal((await api.call('DELETE', '/collections/pub/docs/d1')).status, 404);
});

test('bad input gets /v1 errors and never a crash', async () => {
  const cases = [
    ['PUT', '/collections/pub/docs/x', '{"a":', 400, 'INVALID_ARGUMENT'],
    ['PUT', '/collections/pub/docs/x', '"string"', 400, 'INVALID_ARGUMENT'],
    ['PUT', '/collections/pub/docs/x', '{"a":' + '['.repeat(100) + ']'.repeat(100) + '}', 400, 'INVALID_ARGUMENT'],
    ['PUT', '/collections/_hidden/docs/x', '{}', 400, 'INVALID_ARGUMENT'],
    ['PUT', '/collections/pub/docs/a%20b', '{}', 400, 'INVALID_ARGUMENT'],
    ['PUT', '/collections/pub/docs/x', JSON.stringify({ s: 'x'.repeat(1100000) }), 413, 'PAYLOAD_TOO_LARGE'],
    ['POST', '/collections/pub/query', '{"where":[["a","like",1]]}', 400, 'INVALID_ARGUMENT'],
    ['POST', '/collections/pub/query', '{"where":[["a","in",3]]}', 400, 'INVALID_ARGUMENT'],
    ['POST', '/collections/pub/query', '{"limit":-1}', 400, 'INVALID_ARGUMENT'],
    ['POST', '/collections/pub/query', '{"after":"bm90IGEgY3Vyc29y"}', 400, 'INVALID_ARGUMENT'],
    ['POST', '/batch', '{"ops":"no"}', 400, 'INVALID_ARGUMENT'],
  ];
  for (const [method, path, body, status, code] of cases) {
    const res = await api.call(method, path, { body });
    assert.equal(res.status, status, `${method} ${path}: ${res.text.slice(0, 200)}`);
    assert.equal(res.json.error.code, code);
    assert.equal(typeof res.json.error.message, 'string');
  }
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
});

test('queries: filters, type order, cursors, count, explain and composite indexes', async () => {
  const values = [1, 2, 3.5, '3', true, null];
  const ops = values.map((n, i) => ({ op: 'set', collection: 'items', id: `i${i}`, data: { n, g: i % 2 ? 'odd' : 'even', tags: [`t${i}`, 'all'] } }));
  const batch = await api.call('POST', '/batch', { body: { ops }, token: api.serverToken() });
  assert.equal(batch.status, 200, batch.text);
  const user = api.token('u1');
  const q = (body) => api.call('POST', '/collections/items/query', { body, token: user });
  const ordered = await q({ orderBy: [['n', 'asc']] });
  assert.deepEqual(ordered.json.docs.map((d) => d._id), ['i5', 'i4', 'i0', 'i1', 'i2', 'i3']);
  const range = await q({ where: [['n', '>', 1]], explain: true });
  assert.deepEqual(range.json.docs.map((d) => d._id), ['i1', 'i2']);
  assert.equal(range.json.explain.plan, 'index');
  assert.deepEqual((await q({ where: [['tags', 'array-contains', 't3']] })).json.docs.map((d) => d._id), ['i3']);
  assert.equal((await q({ where: [['tags', 'array-contains', 'all']], count: true })).json.count, 6);
  const seen = [];
  let after;
  for (let page = 0; page < 10; page++) {
    const res = await api.call('GET', `/collections/items/docs?limit=4${after ? `&after=${after}` : ''}`, { token: user });
    assert.equal(res.status, 200, res.text);
    seen.push(...res.json.docs.map((d) => d._id));
    if (!res.json.next) break;
    after = res.json.next;
  }
  assert.deepEqual(seen, ['i0', 'i1', 'i2', 'i3', 'i4', 'i5']);
  const needs = await q({ where: [['g', '==', 'even']], orderBy: [['n', 'desc']] });
  assert.equal(needs.status, 400);
  assert.equal(needs.json.error.code, 'FAILED_PRECONDITION');
  assert.deepEqual(needs.json.error.details.index, { collection: 'items', fields: [['g', 'asc'], ['n', 'desc']] });
  const created = await api.call('POST', '/indexes', { body: needs.json.error.details.index, headers: { authorization: `Bearer ${server.adminToken}` } });
  assert.ok([200, 202].includes(created.status), created.text);
  for (let i = 0; i < 100; i++) {
    const list = await api.call('GET', '/indexes', { token: api.serverToken() });
    if (list.json.indexes[0].state === 'ready') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const indexed = await q({ where: [['g', '==', 'even']], orderBy: [['n', 'desc']], explain: true });
  assert.equal(indexed.status, 200, indexed.text);
  assert.deepEqual(indexed.json.docs.map((d) => d._id), ['i2', 'i0', 'i4']);
  assert.equal(indexed.json.explain.index, 'items:g:asc:n:desc');
});

test('batches are atomic and report the failing operation', async () => {
  const ok = await api.call('POST', '/batch', { body: { ops: [
    { op: 'create', collection: 'pub', id: 'b1', data: { v: 1 } },
    { op: 'patch', collection: 'pub', id: 'b1', data: { w: 2 }, ifMatch: 1 },
  ] } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.results[1]._version, 2);
  const bad = await api.call('POST', '/batch', { body: { ops: [
    { op: 'set', collection: 'pub', id: 'b2', data: {} },
    { op: 'delete', collection: 'pub', id: 'b1', ifMatch: 1 },
  ] } });
  assert.equal(bad.status, 412);
  assert.equal(bad.json.error.details.index, 1);
  assert.equal((await api.call('GET', '/collections/pub/docs/b2')).status, 404);
  const tooMany = await api.call('POST', '/batch', { body: { ops: Array.from({ length: 501 }, (_, i) => ({ op: 'set', collection: 'pub', id: `x${i}`, data: {} })) } });
  assert.equal(tooMany.status, 400);
});

test('tokens and collection rules', async () => {
  assert.equal((await api.call('PUT', '/collections/mine/docs/a', { body: {} })).status, 401);
  const expired = await api.call('PUT', '/collections/mine/docs/a', { body: {}, token: mintToken(APP.secret, { sub: 'a', exp: 1000 }) });
  assert.equal(expired.status, 401);
  assert.equal(expired.json.error.code, 'UNAUTHENTICATED');
  assert.match(expired.json.error.message, /expired/);
  const forged = await api.call('PUT', '/collections/mine/docs/a', { body: {}, token: mintToken('wrong-secret', { sub: 'a' }) });
  assert.equal(forged.status, 401);
  assert.equal(forged.json.error.code, 'UNAUTHENTICATED');
  assert.match(forged.json.error.message, /signature/);
  assert.equal((await api.call('PUT', '/collections/mine/docs/a', { body: {}, token: 'not.a.jwt' })).status, 401);
  const alice = api.token('alice');
  const bob = api.token('bob', { tier: 'vip' });
  assert.equal((await api.call('PUT', '/collections/mine/docs/a', { body: { v: 1 }, token: alice })).status, 201);
  assert.equal((await api.call('PUT', '/collections/mine/docs/a', { body: {}, token: bob })).status, 403);
  assert.equal((await api.call('GET', '/collections/mine/docs/a', { token: bob })).status, 403);
  assert.equal((await api.call('GET', '/collections/mine/docs', { token: bob })).json.docs.length, 0);
  assert.equal((await api.call('GET', '/collections/mine/docs', { token: alice })).json.docs.length, 1);
  assert.equal((await api.call('PUT', '/collections/srv/docs/x', { body: {}, token: alice })).status, 403);
  assert.equal((await api.call('PUT', '/collections/srv/docs/x', { body: {}, token: api.serverToken() })).status, 201);
});

test('`headroom token` mints a token the server accepts', async () => {
  const out = spawnSync(BIN, ['token', '--config', server.configPath, '--app', 'app1', '--sub', 'cli-user', '--tier', 'vip', '--ttl', '1h'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const token = out.stdout.trim();
  const res = await api.call('PUT', '/collections/mine/docs/from-cli', { body: { ok: true }, token });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json._owner, 'cli-user');
});

test('quota use shows in /metrics', async () => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = text.match(/headroom_quota_used\{app="app1",kind="writes"\} (\d+)/);
  assert.ok(m, text.slice(0, 500));
  assert.ok(Number(m[1]) > 5);
  assert.match(text, /headroom_quota_limit\{app="app1",kind="writes"\} 100000/);
  assert.match(text, /headroom_db_commits_total \d+/);
});

test('quotas are enforced when asked, with 429 RESOURCE_EXHAUSTED', async () => {
  const s = await startServer({ sections: { ...NO_LIMITS, quotas: { writes_per_day: 2, enforce: true } }, apps: [APP] });
  try {
    const c = client(s);
    assert.equal((await c.call('PUT', '/collections/pub/docs/1', { body: {} })).status, 201);
    assert.equal((await c.call('PUT', '/collections/pub/docs/2', { body: {} })).status, 201);
    const over = await c.call('PUT', '/collections/pub/docs/3', { body: {} });
    assert.equal(over.status, 429);
    assert.equal(over.json.error.code, 'RESOURCE_EXHAUSTED');
  } finally {
    await s.stop();
  }
});
