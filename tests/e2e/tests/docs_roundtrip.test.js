// Issue 12's round-trip guarantee over real HTTP, as a user sees it: whatever PUT, PATCH, POST, a
// batch or `headroom import` acknowledges reads back deep-equal (minus system fields) at 31, 32,
// 33, 63 and 64 levels of nesting; 65 levels is a clean 400 (import: a refused file) that stores
// nothing; a PATCH 40 levels deep leaves the server serving; numbers come back as sent.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('../lib/server');
const { client, NO_LIMITS } = require('./docs_util');
const { tmpdir, cli } = require('./ops_util');

const LIMIT = 64;  // levels of nesting a document may have (the document object is level 1)
const DEPTHS = [31, 32, 33, 63, 64, 65];
const APP = { id: 'app1', key: 'key1', secret: 'secret1-very-secret', collections: { pub: { read: 'public', write: 'public' } } };
const SECTIONS = { ...NO_LIMITS, quotas: { writes_per_day: 100000 } };

// A document nesting exactly `depth` levels: {"a":[{"b":[…1…]}]} (mixed), {"a":[[…1…]]} (arrays,
// issue 12's report) or {"a":{"b":{…1…}}} (objects, what a merge patch recurses into).
function nested(depth, shape = 'mixed') {
  let v = 1;
  for (let level = depth; level >= 2; level--) {
    const array = shape === 'arrays' || (shape === 'mixed' && level % 2 === 0);
    v = array ? [v] : { b: v };
  }
  return { a: v };
}

function userFields(doc) {
  const { _id, _version, _owner, _created, _updated, ...rest } = doc;
  return rest;
}

// RFC 7386, as its pseudocode says.
function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

let server;
let call;
test.before(async () => {
  server = await startServer({ sections: SECTIONS, apps: [APP] });
  const api = client(server);
  const token = api.serverToken();
  call = (method, p, body) => api.call(method, p, { body, token });
});
test.after(async () => { await server.stop(); });

async function expectStored(col, id, expected) {
  const got = await call('GET', `/collections/${col}/docs/${id}`);
  assert.equal(got.status, 200, got.text.slice(0, 200));
  assert.deepStrictEqual(userFields(got.json), expected);
}

function expectTooDeep(res) {
  assert.equal(res.status, 400, res.text.slice(0, 200));
  assert.equal(res.json.error.code, 'INVALID_ARGUMENT');
  assert.match(res.json.error.message, /nests deeper than/);
}

test('PUT at 31, 32, 33, 63, 64 levels reads back deep-equal; 65 levels is a 400 that stores nothing', async () => {
  for (const depth of DEPTHS) {
    for (const shape of ['mixed', 'arrays']) {
      const id = `put${depth}${shape}`;
      const doc = nested(depth, shape);
      const res = await call('PUT', `/collections/pub/docs/${id}`, doc);
      if (depth > LIMIT) {
        expectTooDeep(res);
        assert.equal((await call('GET', `/collections/pub/docs/${id}`)).status, 404);
        continue;
      }
      assert.equal(res.status, 201, `${depth} ${shape}: ${res.text.slice(0, 200)}`);
      assert.deepStrictEqual(userFields(res.json), doc);
      await expectStored('pub', id, doc);
    }
  }
});

test('POST at 31, 32, 33, 63, 64 levels reads back deep-equal; 65 levels is a 400 that stores nothing', async () => {
  const count = async () => (await call('POST', '/collections/posted/query', { count: true })).json.count;
  for (const depth of DEPTHS) {
    const before = await count();
    const doc = nested(depth);
    const res = await call('POST', '/collections/posted/docs', doc);
    if (depth > LIMIT) {
      expectTooDeep(res);
      assert.equal(await count(), before);
      continue;
    }
    assert.equal(res.status, 201, `${depth}: ${res.text.slice(0, 200)}`);
    assert.deepStrictEqual(userFields(res.json), doc);
    await expectStored('posted', res.json._id, doc);
    assert.equal(await count(), before + 1);
  }
});

test('PATCH at 31, 32, 33, 63, 64 levels reads back as the merge patch of the old value; 65 levels is a 400 that changes nothing', async () => {
  const base = { keep: 1, a: { old: true } };
  for (const depth of DEPTHS) {
    for (const shape of ['mixed', 'objects']) {
      const id = `patch${depth}${shape}`;
      assert.equal((await call('PUT', `/collections/pub/docs/${id}`, base)).status, 201);
      const patch = nested(depth, shape);
      const res = await call('PATCH', `/collections/pub/docs/${id}`, patch);
      if (depth > LIMIT) {
        expectTooDeep(res);
        const got = await call('GET', `/collections/pub/docs/${id}`);
        assert.deepStrictEqual(userFields(got.json), base);
        assert.equal(got.json._version, 1);
        continue;
      }
      assert.equal(res.status, 200, `${depth} ${shape}: ${res.text.slice(0, 200)}`);
      const expected = mergePatch(base, patch);
      assert.deepStrictEqual(userFields(res.json), expected);
      await expectStored('pub', id, expected);
      // A second patch re-reads the deep document from storage: nothing may be lost.
      assert.equal((await call('PATCH', `/collections/pub/docs/${id}`, { keep: 2 })).status, 200);
      await expectStored('pub', id, { ...expected, keep: 2 });
    }
  }
});

test('batch set and patch at 31, 32, 33, 63, 64 levels read back deep-equal; 65 levels is a 400 that stores nothing', async () => {
  for (const depth of DEPTHS) {
    const id = `batch${depth}`;
    assert.equal((await call('PUT', `/collections/pub/docs/${id}p`, { keep: 1 })).status, 201);
    const data = nested(depth);
    const res = await call('POST', '/batch', { ops: [
      { op: 'set', collection: 'pub', id, data },
      { op: 'patch', collection: 'pub', id: `${id}p`, data },
    ] });
    if (depth > LIMIT) {
      expectTooDeep(res);
      assert.equal((await call('GET', `/collections/pub/docs/${id}`)).status, 404);
      await expectStored('pub', `${id}p`, { keep: 1 });
      continue;
    }
    assert.equal(res.status, 200, `${depth}: ${res.text.slice(0, 200)}`);
    await expectStored('pub', id, data);
    await expectStored('pub', `${id}p`, mergePatch({ keep: 1 }, data));
  }
});

test('a PATCH nested 40 levels deep does not kill the server: it is applied and the next request succeeds', async () => {
  let expected = { b: 1 };
  assert.equal((await call('PUT', '/collections/pub/docs/p40', expected)).status, 201);
  for (const shape of ['mixed', 'arrays', 'objects']) {
    const patch = nested(40, shape);
    const res = await call('PATCH', '/collections/pub/docs/p40', patch);
    assert.equal(res.status, 200, `${shape}: ${res.text.slice(0, 200)}`);
    expected = mergePatch(expected, patch);
    await expectStored('pub', 'p40', expected);
  }
  assert.equal(server.proc.exitCode, null);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  assert.equal((await call('PUT', '/collections/pub/docs/after40', { ok: true })).status, 201);
});

// Doubles compare as JS reads them (the server writes 0.1 as 1E-1, the same double); integers past
// 2^53 are checked in the raw text, since JSON.parse rounds them.
const NUMBERS_TEXT = '{"tenth":0.1,"third":0.3333333333333333,"big":1e308,"max":1.7976931348623157e308,' +
  '"tiny":5e-324,"negzero":-0.0,"e124":5.409760742964738E124,"safe":9007199254740993,' +
  '"i64min":-9223372036854775808,"i64max":9223372036854775807,"u64max":18446744073709551615}';
const EXACT_INTEGERS = ['"safe":9007199254740993', '"i64min":-9223372036854775808',
  '"i64max":9223372036854775807', '"u64max":18446744073709551615'];

function expectNumbers(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.text.slice(0, 200)}`);
  const d = res.json;
  assert.equal(d.tenth, 0.1, what);
  assert.equal(d.third, 0.3333333333333333, what);
  assert.equal(d.big, 1e308, what);
  assert.equal(d.max, Number.MAX_VALUE, what);
  assert.equal(d.tiny, Number.MIN_VALUE, what);
  assert.ok(Object.is(d.negzero, -0), `${what}: negzero is ${d.negzero}`);
  assert.equal(d.e124, 5.409760742964738e124, what);
  for (const text of EXACT_INTEGERS) assert.ok(res.text.includes(text), `${what}: ${text} not in ${res.text}`);
}

test('numbers come back as sent through PUT, POST, PATCH and batch (doubles exact, integers past 2^53 in the text)', async () => {
  assert.equal((await call('PUT', '/collections/pub/docs/nput', NUMBERS_TEXT)).status, 201);
  expectNumbers(await call('GET', '/collections/pub/docs/nput'), 'PUT');
  const post = await call('POST', '/collections/pub/docs', NUMBERS_TEXT);
  assert.equal(post.status, 201);
  expectNumbers(await call('GET', `/collections/pub/docs/${post.json._id}`), 'POST');
  assert.equal((await call('PUT', '/collections/pub/docs/npatch', {})).status, 201);
  assert.equal((await call('PATCH', '/collections/pub/docs/npatch', NUMBERS_TEXT)).status, 200);
  expectNumbers(await call('GET', '/collections/pub/docs/npatch'), 'PATCH');
  // Every later patch re-reads the stored text: the numbers must not drift.
  for (let i = 0; i < 3; i++) assert.equal((await call('PATCH', '/collections/pub/docs/nput', `{"i":${i}}`)).status, 200);
  expectNumbers(await call('GET', '/collections/pub/docs/nput'), 'PUT then 3 PATCHes');
  const batch = await call('POST', '/batch', `{"ops":[{"op":"set","collection":"pub","id":"nbatch","data":${NUMBERS_TEXT}}]}`);
  assert.equal(batch.status, 200, batch.text);
  expectNumbers(await call('GET', '/collections/pub/docs/nbatch'), 'batch');
});

test('import at 31, 32, 33, 63, 64 levels reads back deep-equal, numbers exact; a 65-level line imports nothing', async () => {
  const dir = tmpdir('roundtrip');
  const dataDir = path.join(dir, 'data');
  const line = (id, doc) => JSON.stringify({ app: 'app1', collection: 'imp', doc: { _id: id, ...doc } });
  const good = path.join(dir, 'good.ndjson');
  const docs = DEPTHS.filter((d) => d <= LIMIT).map((d) => [`i${d}`, nested(d)]);
  const numbers = `{"app":"app1","collection":"imp","doc":{"_id":"inum",${NUMBERS_TEXT.slice(1)}}`;
  fs.writeFileSync(good, docs.map(([id, doc]) => line(id, doc)).join('\n') + '\n' + numbers + '\n');
  const ok = cli(['import', '--data-dir', dataDir, good]);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, new RegExp(`imported ${docs.length + 1} documents`));

  const bad = path.join(dir, 'bad.ndjson');
  fs.writeFileSync(bad, line('fine', { x: 1 }) + '\n' + line('i65', nested(65)) + '\n');
  const refused = cli(['import', '--data-dir', dataDir, bad]);
  assert.equal(refused.code, 1, refused.out);
  assert.match(refused.err, /bad\.ndjson:2: .*nests deeper than/);
  assert.match(refused.err, /1 bad lines; nothing was imported/);

  const imported = await startServer({ sections: SECTIONS, apps: [APP], dataDir });
  try {
    const api = client(imported);
    const token = api.serverToken();
    for (const [id, doc] of docs) {
      const got = await api.call('GET', `/collections/imp/docs/${id}`, { token });
      assert.equal(got.status, 200, `${id}: ${got.text.slice(0, 200)}`);
      assert.deepStrictEqual(userFields(got.json), doc);
    }
    expectNumbers(await api.call('GET', '/collections/imp/docs/inum', { token }), 'import');
    for (const id of ['i65', 'fine']) assert.equal((await api.call('GET', `/collections/imp/docs/${id}`, { token })).status, 404, id);
  } finally {
    await imported.stop();
  }
});
