// The command line: serve with no config, config check/print, version, help, exit codes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BIN } = require('../lib/server');

function tmpdir() { return fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-cli-')); }

test('`headroom serve` with no config creates ./headroom-data and a dev app, serves /healthz within a second', async () => {
  const cwd = tmpdir();
  const started = Date.now();
  const proc = spawn(BIN, ['serve', '--port', '0', '--host', '127.0.0.1'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  try {
    let port;
    while (!port) {
      const m = out.match(/listening on http:\/\/[^:]+:(\d+)/);
      if (m) port = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 5));
      assert.ok(Date.now() - started < 5000, out);
    }
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started < 1000, `healthz took ${Date.now() - started} ms`);
    assert.match(out, /development app created/);
    assert.ok(fs.existsSync(path.join(cwd, 'headroom-data', 'dev-app.env')));
    assert.equal(fs.statSync(path.join(cwd, 'headroom-data', 'dev-app.env')).mode & 0o777, 0o600);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.on('exit', r));
  }
  // Second start: the same app, secret not printed again.
  const again = spawnSync(BIN, ['config', 'print'], { cwd, encoding: 'utf8' });
  assert.equal(again.status, 0);
});

test('config check names the key, the bad value and what is allowed', () => {
  const dir = tmpdir();
  const file = path.join(dir, 'bad.toml');
  fs.writeFileSync(file, '[server]\nmax_concurrent_requests = 0\n');
  const r = spawnSync(BIN, ['config', 'check', file], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /server\.max_concurrent_requests = 0: must be between 1 and/);
  const good = path.join(dir, 'good.toml');
  fs.writeFileSync(good, '[server]\nport = 9000\n');
  const ok = spawnSync(BIN, ['config', 'check', good], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const missing = spawnSync(BIN, ['config', 'check', path.join(dir, 'nope.toml')], { encoding: 'utf8' });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /does not exist/);
});

test('config print shows the effective config with env overrides and secrets redacted', () => {
  const dir = tmpdir();
  const file = path.join(dir, 'h.toml');
  fs.writeFileSync(file, '[admin]\ntoken = "a-very-secret-admin-token"\n[[apps]]\nid = "a1"\nkey = "k1"\nsecret = "shh-secret-1"\n');
  const r = spawnSync(BIN, ['config', 'print', '--config', file], {
    encoding: 'utf8', env: { ...process.env, HEADROOM_SERVER_MAX_CONCURRENT_REQUESTS: '33', PORT: '8099' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /max_concurrent_requests = 33/);
  assert.match(r.stdout, /port = 8099/);
  assert.ok(!r.stdout.includes('shh-secret-1'));
  assert.ok(!r.stdout.includes('a-very-secret-admin-token'));
  assert.match(r.stdout, /<redacted>/);
});

test('version, --help on every command, and usage errors exit non-zero', () => {
  const v = spawnSync(BIN, ['version'], { encoding: 'utf8' });
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^headroom \d+\.\d+\.\d+/);
  for (const args of [['--help'], ['serve', '--help'], ['config', '--help'], ['config', 'check', '--help'],
    ['config', 'print', '--help'], ['version', '--help'], ['token', '--help']]) {
    const r = spawnSync(BIN, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /Usage|usage/);
  }
  const bad = spawnSync(BIN, ['serve', '--no-such-flag'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  const none = spawnSync(BIN, [], { encoding: 'utf8' });
  assert.notEqual(none.status, 0);
});

test('a port that is taken fails with one clear line', async () => {
  const net = require('node:net');
  const blocker = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.on('listening', r));
  const port = blocker.address().port;
  const dir = tmpdir();
  const r = spawnSync(BIN, ['serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', path.join(dir, 'd')],
    { encoding: 'utf8', timeout: 10000 });
  blocker.close();
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+/);
});
