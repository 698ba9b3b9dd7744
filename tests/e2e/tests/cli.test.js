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

// Starts `headroom serve` in `cwd` with no config file; resolves once it listens, with its output
// so far. stop() sends SIGTERM and waits for the exit.
async function serveWithoutConfig(cwd) {
  const started = Date.now();
  const proc = spawn(BIN, ['serve', '--port', '0', '--host', '127.0.0.1'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((r) => proc.on('exit', r));
  const stop = async () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM'); await exited; };
  try {
    let port;
    while (!port) {
      const m = out.match(/listening on http:\/\/[^:]+:(\d+)/);
      if (m) port = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 5));
      assert.ok(Date.now() - started < 60000, out);  // no hang; speed is measured by the coldstart bench
      assert.equal(proc.exitCode, null, out);
    }
    return { port, output: () => out, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

test('`headroom serve` with no config creates ./headroom-data and a dev app and serves /healthz', async () => {
  const cwd = tmpdir();
  const env = path.join(cwd, 'headroom-data', 'dev-app.env');
  const first = await serveWithoutConfig(cwd);
  let secret;
  let adminToken;
  try {
    const res = await fetch(`http://127.0.0.1:${first.port}/healthz`);
    assert.equal(res.status, 200);
    assert.ok(fs.existsSync(env));
    assert.equal(fs.statSync(env).mode & 0o777, 0o600);
    secret = fs.readFileSync(env, 'utf8').match(/^secret=(\S+)$/m)[1];
    adminToken = fs.readFileSync(path.join(cwd, 'headroom-data', 'admin-token'), 'utf8').trim();
    // The first start is the only time the secret and the admin token are shown.
    assert.match(first.output(), /development app created/);
    assert.ok(first.output().includes(`secret=${secret}`), first.output());
    assert.ok(first.output().includes(adminToken), first.output());
  } finally {
    await first.stop();
  }
  // Second start: the same app, its secret and the admin token not printed again.
  const second = await serveWithoutConfig(cwd);
  try {
    const key = fs.readFileSync(env, 'utf8').match(/^key=(\S+)$/m)[1];
    assert.match(second.output(), new RegExp(`development app: id=dev key=${key} \\(secret in `));
    assert.doesNotMatch(second.output(), /development app created|admin token created/);
    assert.ok(!second.output().includes(secret), `the secret was printed again:\n${second.output()}`);
    assert.ok(!second.output().includes(adminToken), `the admin token was printed again:\n${second.output()}`);
    assert.equal(fs.readFileSync(env, 'utf8').match(/^secret=(\S+)$/m)[1], secret, 'the same app');
  } finally {
    await second.stop();
  }
  const printed = spawnSync(BIN, ['config', 'print'], { cwd, encoding: 'utf8' });
  assert.equal(printed.status, 0, printed.stderr);
  assert.ok(!printed.stdout.includes(secret) && !printed.stdout.includes(adminToken), printed.stdout);
});

// Starts `headroom serve ARGS` in a fresh directory and waits for the line naming the bound endpoint.
async function serveUntilListening(args, env = {}) {
  const cwd = tmpdir();
  // Only the environment the case names decides the host: none inherited from the test runner.
  const inherited = Object.entries(process.env).filter(([k]) => k !== 'PORT' && !k.startsWith('HEADROOM_'));
  const childEnv = { ...Object.fromEntries(inherited), ...env };
  const proc = spawn(BIN, ['serve', ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const started = Date.now();
  for (;;) {
    const m = out.match(/listening on http:\/\/([^:]+):(\d+)/);
    if (m) return { proc, out: () => out, host: m[1], port: Number(m[2]) };
    assert.ok(Date.now() - started < 60000 && proc.exitCode === null, out);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function stopServe(s) {
  s.proc.kill('SIGTERM');
  await new Promise((r) => (s.proc.exitCode === null ? s.proc.on('exit', r) : r()));
}

test('serve listens on 127.0.0.1 unless server.host is set or PORT says container, and prints what it bound', async () => {
  const cases = [
    { args: ['--port', '0'], env: {}, host: '127.0.0.1' },
    { args: [], env: { PORT: '0' }, host: '0.0.0.0' },
    { args: [], env: { PORT: '0', HEADROOM_SERVER_HOST: '127.0.0.1' }, host: '127.0.0.1' },
    { args: ['--port', '0', '--set', 'server.host=0.0.0.0'], env: {}, host: '0.0.0.0' },
  ];
  for (const c of cases) {
    const s = await serveUntilListening(c.args, c.env);
    try {
      const what = `${JSON.stringify(c)}:\n${s.out()}`;
      assert.equal(s.host, c.host, what);
      assert.ok(s.port > 0, what);  // port 0 asked the kernel; the line has the port it gave
      assert.equal((await fetch(`http://127.0.0.1:${s.port}/healthz`)).status, 200, what);
      if (c.host === '0.0.0.0') assert.match(s.out(), /every interface/);
    } finally {
      await stopServe(s);
    }
  }
});

test('config check warns about short app secrets by app name, never printing them; --strict fails', () => {
  const dir = tmpdir();
  const file = path.join(dir, 'weak.toml');
  fs.writeFileSync(file, '[[apps]]\nid = "shop"\nkey = "k1"\nsecret = "weak-secret-1"\n'
    + '[[apps]]\nid = "blog"\nkey = "k2"\nsecret = "a-secret-of-32-characters-000000"\njwt_secret = "weak-jwt-1"\n');
  const r = spawnSync(BIN, ['config', 'check', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0], /warning: apps\[0\]\.secret \(app "shop"\): shorter than 20 characters/);
  assert.match(lines[1], /warning: apps\[1\]\.jwt_secret \(app "blog"\): shorter than 20 characters/);
  assert.ok(!r.stderr.includes('weak-secret-1') && !r.stderr.includes('weak-jwt-1'), r.stderr);
  assert.match(r.stdout, /ok \(2 apps, 2 warnings\)/);
  const strict = spawnSync(BIN, ['config', 'check', '--strict', file], { encoding: 'utf8' });
  assert.equal(strict.status, 1);
  const good = path.join(dir, 'good.toml');
  fs.writeFileSync(good, '[[apps]]\nid = "shop"\nkey = "k1"\nsecret = "twenty-characters-ok"\n');
  const ok = spawnSync(BIN, ['config', 'check', '--strict', good], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stderr, '');
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
  // Every command and subcommand the help lists, found by walking the help itself.
  const subcommands = (text) => {
    const at = text.indexOf('Subcommands:');
    if (at < 0) return [];
    return [...text.slice(at).matchAll(/^ {2}([a-z][\w-]*) {2,}/gm)].map((m) => m[1]);
  };
  const pending = [[]];
  const seen = [];
  while (pending.length) {
    const cmd = pending.shift();
    const r = spawnSync(BIN, [...cmd, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${cmd.join(' ')} --help: ${r.stderr}`);
    assert.match(r.stdout, /Usage|usage/, cmd.join(' '));
    seen.push(cmd.join(' '));
    for (const sub of subcommands(r.stdout)) pending.push([...cmd, sub]);
  }
  for (const cmd of ['serve', 'config check', 'config print', 'version', 'token', 'alerts rules', 'backup create',
    'backup restore', 'export', 'import', 'plan']) {
    assert.ok(seen.includes(cmd), `${cmd} missing from the help: ${JSON.stringify(seen)}`);
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
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('`headroom plan` sizes instances and cost for a user count, from built-in or measured capacity', () => {
  const small = spawnSync(BIN, ['plan', '800'], { encoding: 'utf8' });
  assert.equal(small.status, 0, small.stderr);
  assert.match(small.stdout, /Plan for 800 users/);
  assert.match(small.stdout, /seed plan, phase 1 \(1-1000 users\): up to 10 instances of 1 vCPU \/ 512 MiB/);
  assert.match(small.stdout, /headroom: 1 instance of 1 vCPU \/ 512 MiB/);
  assert.match(small.stdout, /cost: \$\d+\.\d\d\/month/);

  // Measured capacity from a headroom-bench `users` result: 1,000 users per core, 100 KB per user.
  const dir = tmpdir();
  const bench = path.join(dir, 'users.json');
  fs.writeFileSync(bench, JSON.stringify({
    scenario: 'users',
    results: {
      users_reached: 1000,
      steps: [{ users: 500, server_rss_bytes: 20 * 1048576 + 500 * 102400 },
        { users: 1000, server_rss_bytes: 20 * 1048576 + 1000 * 102400 }],
    },
  }));
  const big = spawnSync(BIN, ['plan', '20000', '--bench', bench, '--json'], { encoding: 'utf8' });
  assert.equal(big.status, 0, big.stderr);
  const plan = JSON.parse(big.stdout);
  assert.equal(plan.users, 20000);
  assert.equal(plan.capacity.users_per_core, 1000);
  assert.ok(Math.abs(plan.capacity.rss_kb_per_user - 100) < 0.01, JSON.stringify(plan.capacity));
  assert.equal(plan.vcpu, 4); // no seed shape holds 20,000 on one instance: the largest, several times
  assert.equal(plan.users_per_instance, 3200);
  assert.equal(plan.instances, 7);
  assert.equal(plan.needs_cluster, true);
  assert.equal(plan.seed.phase, 3);
  assert.ok(plan.monthly_usd > 0);

  const bad = spawnSync(BIN, ['plan', '10', '--vcpu', '2'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--vcpu and --memory-mb together/);
  const missing = spawnSync(BIN, ['plan', '10', '--bench', path.join(dir, 'nope.json')], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read/);
});
