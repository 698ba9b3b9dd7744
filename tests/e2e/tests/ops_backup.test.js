// Backups end to end: online backup under write load (bounded write stall, consistent snapshot),
// the admin API and its token, retention, verify catching a flipped byte, NDJSON export → import
// of every JSON type, and SIGHUP reloads with a good and a bad file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('../lib/server');
const { NO_LIMITS } = require('./docs_util');
const { tmpdir, cli, admin, putDoc, getDoc, metric, until } = require('./ops_util');

// The documented bound (docs/operations.md): no write waits longer than this during a backup.
const MAX_WRITE_STALL_MS = 1000;

test('a backup during steady writes: writers never stall past the bound, the snapshot is consistent', async () => {
  const server = await startServer({ sections: { ...NO_LIMITS } });
  try {
    const pad = 'x'.repeat(2000);
    for (let i = 0; i < 600; i += 20) {
      const batch = [];
      for (let j = i; j < i + 20; j++) batch.push(putDoc(server, 'seed', `s${j}`, { pad, j }));
      for (const r of await Promise.all(batch)) assert.ok(r.ok, r.text);
    }
    let stop = false;
    let maxMs = 0;
    let writes = 0;
    const writer = async (w) => {
      for (let i = 0; !stop; i++) {
        const r = await putDoc(server, 'load', `w${w}-${i}`, { i, pad });
        assert.ok(r.ok, r.text);
        maxMs = Math.max(maxMs, r.ms);
        writes++;
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await until(() => writes > 20, 5000, 'writes');
    const backups = [];
    for (let k = 0; k < 3; k++) {
      const b = await admin(server, 'POST', '/v1/admin/backups');
      assert.equal(b.status, 201, JSON.stringify(b.json));
      backups.push(b.json.backup);
    }
    stop = true;
    await Promise.all(writers);
    assert.ok(maxMs < MAX_WRITE_STALL_MS, `a write took ${maxMs} ms during the backups (bound ${MAX_WRITE_STALL_MS} ms)`);
    for (const b of backups) {
      // Every write above adds a new document, so a consistent snapshot has count == seq.
      assert.equal(b.documents.app1, b.seqs.app1, JSON.stringify(b));
      const v = cli(['backup', 'verify', '--config', server.configPath, b.name]);
      assert.equal(v.code, 0, v.err);
    }
    assert.ok(backups[2].seqs.app1 > backups[0].seqs.app1, 'writes continued between backups');
    console.log(`# ${writes} writes during 3 backups; max write latency ${maxMs} ms; backup ${backups[0].duration_ms} ms for ${backups[0].db_bytes} bytes`);
  } finally {
    await server.stop();
  }
});

test('admin backup API needs the admin token; retention keeps backup.keep newest', async () => {
  const server = await startServer({ sections: { ...NO_LIMITS, backup: { keep: 2 } } });
  try {
    assert.equal((await fetch(server.url + '/v1/admin/backups', { method: 'POST' })).status, 401);
    const wrong = await fetch(server.url + '/v1/admin/backups', { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.ok((await putDoc(server, 'c', 'a', { v: 1 })).ok);
    const names = [];
    for (let i = 0; i < 4; i++) names.push((await admin(server, 'POST', '/v1/admin/backups')).json.backup.name);
    const list = await admin(server, 'GET', '/v1/admin/backups');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.backups.map((b) => b.name), [names[3], names[2]]);
    for (const old of names.slice(0, 2)) {
      assert.equal(fs.existsSync(path.join(server.dataDir, 'backups', old)), false, `${old} is still on disk`);
    }
    for (const kept of list.json.backups) assert.ok(fs.existsSync(path.join(kept.path, 'headroom.db')), kept.path);
    const last = Number((await metric(server, 'headroom_backup_last_success_timestamp_seconds '))[0].split(' ')[1]);
    assert.ok(Math.abs(last * 1000 - Date.now()) < 60000);
    const mode = fs.statSync(path.join(list.json.backups[0].path, 'config.toml')).mode & 0o777;
    assert.equal(mode, 0o600);
  } finally {
    await server.stop();
  }
});

test('verify catches a flipped byte in a backup', async () => {
  const server = await startServer({ sections: { ...NO_LIMITS } });
  try {
    for (let i = 0; i < 30; i++) assert.ok((await putDoc(server, 'c', `d${i}`, { i })).ok);
    const made = cli(['backup', 'create', '--config', server.configPath]);
    assert.equal(made.code, 0, made.err);
    const name = made.out.match(/backup (\S+) created/)[1];
    assert.equal(cli(['backup', 'verify', '--config', server.configPath, name]).code, 0);
    const dbPath = path.join(server.dataDir, 'backups', name, 'headroom.db');
    const bytes = fs.readFileSync(dbPath);
    bytes[bytes.length - 100] ^= 0x01;
    fs.writeFileSync(dbPath, bytes);
    const v = cli(['backup', 'verify', '--config', server.configPath, name]);
    assert.equal(v.code, 1);
    assert.match(v.err, /headroom\.db: sha256 .* does not match/);
  } finally {
    await server.stop();
  }
});

test('export → import round-trips every JSON type (unicode, large numbers, nested arrays)', async () => {
  const server = await startServer({ sections: { ...NO_LIMITS } });
  const docs = {
    str: '{"s":"héllo ☃ 𝄞 \\"quoted\\" \\\\ \\n tab\\t","empty":"","nul":null,"yes":true,"no":false}',
    num: '{"i64max":9223372036854775807,"i64min":-9223372036854775808,"u64max":18446744073709551615,"dbl":1.5e300,"small":-2.5e-308,"zero":0,"frac":0.1}',
    nest: '{"arr":[[1,[2,[3,{"deep":[]}]]],{},[]],"obj":{"a":{"b":{"c":["d",{"e":null}]}}}}',
  };
  try {
    for (const [id, body] of Object.entries(docs)) assert.ok((await putDoc(server, 'types', id, body)).ok);
    const out = path.join(tmpdir(), 'export.ndjson');
    const ex = cli(['export', '--config', server.configPath, '--app', 'app1', '--collection', 'types', '--out', out]);
    assert.equal(ex.code, 0, ex.err);
    const exported = fs.readFileSync(out, 'utf8');
    assert.equal(exported.trim().split('\n').length, 3);
    const fresh = path.join(tmpdir(), 'imported');
    const im = cli(['import', '--config', server.configPath, '--data-dir', fresh, out]);
    assert.equal(im.code, 0, im.err);
    const again = cli(['export', '--config', server.configPath, '--data-dir', fresh]);
    assert.equal(again.code, 0, again.err);
    assert.equal(again.out, exported);
    // The imported data directory serves the same bytes.
    const before = await getDoc(server, 'types', 'num');
    await server.stop();
    const second = await startServer({ sections: { ...NO_LIMITS }, dataDir: fresh });
    try {
      const after = await getDoc(second, 'types', 'num');
      assert.equal(after.text, before.text);
      assert.match(after.text, /18446744073709551615/);
    } finally {
      await second.stop();
    }
  } finally {
    await server.stop();
  }
});

test('import reports every bad line with its number and imports nothing', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'bad.ndjson');
  fs.writeFileSync(file, [
    '{"app":"app1","collection":"c","doc":{"_id":"ok","v":1}}',
    '{"app":"app1","collection":"c","doc":{"v":2}}',
    'not json',
    '{"app":"app1","collection":"c","doc":{"_id":"x","_version":"7"}}',
  ].join('\n') + '\n');
  const r = cli(['import', '--data-dir', path.join(dir, 'data'), file]);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad\.ndjson:2: .*_id/);
  assert.match(r.err, /bad\.ndjson:3: not JSON/);
  assert.match(r.err, /bad\.ndjson:4: .*_version/);
  assert.match(r.err, /3 bad lines; nothing was imported/);
  assert.equal(fs.existsSync(path.join(dir, 'data', 'headroom.db')), false);
});

test('SIGHUP reloads a good file (logs what changed, new config version) and keeps serving on a bad one', async () => {
  const server = await startServer({ sections: { ...NO_LIMITS, backup: { keep: 3 } } });
  try {
    const version = async () => (await metric(server, 'headroom_config_version{')).filter((l) => l.endsWith(' 1'));
    const v1 = await version();
    assert.equal(v1.length, 1);
    const original = fs.readFileSync(server.configPath, 'utf8');
    fs.writeFileSync(server.configPath, original.replace('keep = 3', 'keep = 5'));
    server.proc.kill('SIGHUP');
    await until(() => /config reloaded from .*applied backup\.keep/.test(server.output()), 5000, 'reload log line');
    const v2 = await version();
    assert.equal(v2.length, 1);
    assert.notEqual(v2[0], v1[0]);
    fs.writeFileSync(server.configPath, original.replace('keep = 3', 'keep = "many"'));
    server.proc.kill('SIGHUP');
    await until(() => /config reload failed, keeping the running config: .*backup\.keep/.test(server.output()), 5000, 'failure log line');
    assert.equal((await fetch(server.url + '/healthz')).status, 200);
    assert.ok((await putDoc(server, 'c', 'after', { ok: true })).ok);
    assert.deepEqual(await version(), v2);
  } finally {
    await server.stop();
  }
});

test('a restore brings back the generated development app and admin token with the data', async () => {
  const server = await startServer({ sections: { ...NO_LIMITS, admin: { token: '' } }, apps: [] });
  try {
    const made = cli(['backup', 'create', '--config', server.configPath]);
    assert.equal(made.code, 0, made.err);
    const name = made.out.match(/backup (\S+) created/)[1];
    const to = path.join(path.dirname(server.dataDir), 'restored-dev');
    const r = cli(['backup', 'restore', name, '--to', to, '--config', server.configPath]);
    assert.equal(r.code, 0, r.err);
    for (const f of ['dev-app.env', 'admin-token']) {
      assert.equal(fs.readFileSync(path.join(to, f), 'utf8'), fs.readFileSync(path.join(server.dataDir, f), 'utf8'), f);
      assert.equal(fs.statSync(path.join(to, f)).mode & 0o777, 0o600);
    }
  } finally {
    await server.stop();
  }
});
