// kill -9 of `headroom backup create` and `headroom backup restore` at many points: the data
// directory still starts and serves every acknowledged write, every listed backup verifies, and a
// restore target is either untouched (a rerun succeeds) or complete — never a mix.
// Kill points are file-system states seen by polling (a staging directory appears, the copy
// reaches a size, a file appears) plus a few delays; nothing asserts on wall-clock time.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, BIN } = require('../lib/server');
const { client, NO_LIMITS } = require('./docs_util');
const { tmpdir, cli, serverToken } = require('./ops_util');

const PAD = 'x'.repeat(3000);

async function writeDocs(server, prefix, n) {
  const api = client(server);
  for (let i = 0; i < n; i += 250) {
    const ops = [];
    for (let j = i; j < Math.min(n, i + 250); j++) ops.push({ op: 'create', collection: 'c', id: `${prefix}${j}`, data: { j, pad: PAD } });
    const res = await api.call('POST', '/batch', { body: { ops }, token: serverToken(server) });
    assert.equal(res.status, 200, res.text);
  }
}

async function allIds(server) {
  const api = client(server);
  const ids = new Set();
  let after;
  for (;;) {
    const res = await api.call('GET', `/collections/c/docs?limit=1000${after ? `&after=${after}` : ''}`, { token: serverToken(server) });
    assert.equal(res.status, 200, res.text);
    for (const d of res.json.docs) ids.add(d._id);
    if (!res.json.next) return ids;
    after = res.json.next;
  }
}

function assertHasAll(ids, expected, where) {
  const missing = [...expected].filter((id) => !ids.has(id));
  assert.equal(missing.length, 0, `${where}: ${missing.length} acknowledged documents missing, e.g. ${missing.slice(0, 3)}`);
}

const size = (p) => { try { return fs.statSync(p).size; } catch (_) { return -1; } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs `headroom ARGS` and SIGKILLs it once `reached()` is true; resolves how it ended.
async function killWhen(args, reached) {
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal, err })));
  let done = false;
  exited.then(() => { done = true; });
  while (!done && !reached()) await sleep(1);
  if (!done) proc.kill('SIGKILL');
  return exited;
}

// Kill points for a process building `dir()` (a staging directory, or null while there is none).
function killPoints(dir, dbFile, laterFile) {
  const since = () => { const t0 = Date.now(); return () => Date.now() - t0; };
  return [
    ['staging directory created', () => () => dir() !== null],
    ['copy at 1 MiB', () => () => dir() !== null && size(path.join(dir(), dbFile)) >= 1 << 20],
    ['copy at 8 MiB', () => () => dir() !== null && size(path.join(dir(), dbFile)) >= 8 << 20],
    [`${laterFile} written`, () => () => dir() !== null && fs.existsSync(path.join(dir(), laterFile))],
    ...[0, 15, 40, 80, 160, 320, 640, 1280].map((ms) => [`after ${ms} ms`, () => { const t = since(); return () => t() >= ms; }]),
    ['never (runs to the end)', () => () => false],
  ];
}

function listedBackups(configPath) {
  const r = cli(['backup', 'list', '--json', '--config', configPath]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

function assertEveryListedBackupVerifies(configPath) {
  for (const b of listedBackups(configPath)) {
    assert.ok(!b.name.endsWith('.tmp'), `a staging directory is listed: ${b.name}`);
    const v = cli(['backup', 'verify', b.name, '--config', configPath]);
    assert.equal(v.code, 0, `${b.name}: ${v.err}`);
  }
}

test('kill -9 during backup create: no partial backup is listed, the data directory starts with every write', async () => {
  let server = await startServer({ sections: { ...NO_LIMITS } });
  const { dataDir, configPath } = server;
  const backups = path.join(dataDir, 'backups');
  const tmpNames = () => (fs.existsSync(backups) ? fs.readdirSync(backups).filter((n) => n.endsWith('.tmp')) : []);
  // The staging directory of the backup being made (earlier kills leave theirs behind).
  const pointsFor = (leftovers) => killPoints(() => {
    const fresh = tmpNames().filter((n) => !leftovers.has(n));
    return fresh.length ? path.join(backups, fresh[0]) : null;
  }, 'headroom.db', 'manifest.json');
  const expected = new Set();
  try {
    await writeDocs(server, 'd', 4000);
    for (let i = 0; i < 4000; i++) expected.add(`d${i}`);
    const outcomes = [];
    for (let k = 0; k < pointsFor(new Set()).length; k++) {
      // Leftovers of the previous kills must not get in the way of the next backup.
      const [what, arm] = pointsFor(new Set(tmpNames()))[k];
      const end = await killWhen(['backup', 'create', '--config', configPath], arm());
      outcomes.push(`${what}: ${end.signal || `exit ${end.code}`}`);
      if (!end.signal) assert.equal(end.code, 0, end.err);
      assertEveryListedBackupVerifies(configPath);
      assert.equal((await fetch(server.url + '/readyz')).status, 200);
    }
    console.log(`# backup create: ${outcomes.join('; ')}`);
    assertHasAll(await allIds(server), expected, 'while serving');
    const made = cli(['backup', 'create', '--config', configPath]);
    assert.equal(made.code, 0, made.err);
    assertEveryListedBackupVerifies(configPath);
    await server.kill();
    server = await startServer({ dataDir, rawToml: fs.readFileSync(configPath, 'utf8') });
    assertHasAll(await allIds(server), expected, 'after restart');
  } finally {
    await server.stop();
  }
});

test('kill -9 during backup restore: the target is untouched or complete, never a mix', async () => {
  let server = await startServer({ sections: { ...NO_LIMITS } });
  const { dataDir, configPath } = server;
  const expected = new Set();
  await writeDocs(server, 'd', 3000);
  for (let i = 0; i < 3000; i++) expected.add(`d${i}`);
  const made = cli(['backup', 'create', '--config', configPath]);
  assert.equal(made.code, 0, made.err);
  const backup = made.out.match(/backup (\S+) created/)[1];
  await writeDocs(server, 'late', 1500);  // replayed from the change log by --until latest
  for (let i = 0; i < 1500; i++) expected.add(`late${i}`);
  await server.stop();

  const targets = tmpdir('restore-crash');
  const outcomes = [];
  try {
    const pointsFor = (stage) => killPoints(() => (fs.existsSync(stage) ? stage : null), 'headroom.db', 'restored-config.toml');
    for (let k = 0; k < pointsFor('').length; k++) {
      const to = path.join(targets, `r${k}`);
      const [what, arm] = pointsFor(path.join(targets, `.r${k}.restoring`))[k];
      const args = ['backup', 'restore', backup, '--to', to, '--until', 'latest', '--config', configPath];
      const end = await killWhen(args, arm());
      const complete = fs.existsSync(to) && fs.readdirSync(to).length > 0;
      outcomes.push(`${what}: ${end.signal || `exit ${end.code}`}, target ${complete ? 'complete' : 'untouched'}`);
      if (!end.signal) assert.equal(end.code, 0, end.err);
      if (!complete) {
        const again = cli(args);  // a rerun starts over from the backup
        assert.equal(again.code, 0, again.err);
      }
      assert.ok(fs.existsSync(path.join(to, 'headroom.db')) && fs.existsSync(path.join(to, 'restored-config.toml')),
        `${what}: the restored directory lacks files: ${fs.readdirSync(to)}`);
      const restored = await startServer({ dataDir: path.join(tmpdir('restore-serve'), 'data'), sections: { ...NO_LIMITS, data: { dir: to } } });
      try {
        assertHasAll(await allIds(restored), expected, `restored after a kill at "${what}"`);
      } finally {
        await restored.stop();
      }
      assert.equal(cli(['backup', 'verify', backup, '--config', configPath]).code, 0);
    }
    console.log(`# backup restore: ${outcomes.join('; ')}`);
    server = await startServer({ dataDir, rawToml: fs.readFileSync(configPath, 'utf8') });
    assertHasAll(await allIds(server), expected, 'the source data directory');
  } finally {
    await server.stop();
  }
});
