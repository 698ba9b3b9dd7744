// The exported rules in a real Prometheus: `headroom alerts rules` loaded by Prometheus scraping a
// running Headroom; forced 5xx make HighErrorRate go pending there too. Needs the Debian package
// prometheus (scripts/install-deps.sh test); fails without it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { startServer, BIN } = require('../lib/server');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function until(fn, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await sleep(250);
  }
}

test('Prometheus loads the rules and sees HighErrorRate go pending', { timeout: 60000 }, async () => {
  const version = spawnSync('prometheus', ['--version']);
  assert.ifError(version.error && new Error(`prometheus: ${version.error.message} ` +
    '(Debian package prometheus: scripts/install-deps.sh test installs it)'));
  const s = await startServer({ sections: { server: { test_routes: true }, rate_limits: { enabled: false } } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-prom-'));
  fs.writeFileSync(path.join(dir, 'rules.yml'), execFileSync(BIN, ['alerts', 'rules'], { encoding: 'utf8', cwd: dir }));
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    'rule_files: [rules.yml]',
    'scrape_configs:',
    '  - job_name: headroom',
    `    static_configs: [{ targets: ['127.0.0.1:${s.port}'] }]`,
  ].join('\n') + '\n');
  const port = await freePort();
  const prom = spawn('prometheus', [`--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  prom.stdout.on('data', (d) => { log += d; });
  prom.stderr.on('data', (d) => { log += d; });
  const promUrl = `http://127.0.0.1:${port}`;
  let running = true;
  try {
    await until(async () => (await fetch(promUrl + '/-/ready')).status === 200, 20000, 'Prometheus ready\n' + log);
    const rules = await (await fetch(promUrl + '/api/v1/rules')).json();
    const names = rules.data.groups.flatMap((g) => g.rules.map((r) => r.name));
    assert.ok(names.includes('HighErrorRate') && names.includes('ServiceDown'), JSON.stringify(names));
    const load = (async () => {
      while (running) {
        await fetch(s.url + '/v1/test/fail').then((r) => r.arrayBuffer()).catch(() => {});
        await sleep(20);
      }
    })();
    const alert = await until(async () => {
      const body = await (await fetch(promUrl + '/api/v1/alerts')).json();
      return body.data.alerts.find((a) => a.labels.alertname === 'HighErrorRate');
    }, 30000, 'HighErrorRate in Prometheus');
    running = false;
    await load;
    assert.equal(alert.state, 'pending');  // the rule's `for: 2m` has not passed
    assert.equal(alert.labels.severity, 'critical');
    // The scrape target is healthy, so ServiceDown stays quiet.
    const targets = await (await fetch(promUrl + '/api/v1/targets')).json();
    assert.equal(targets.data.activeTargets[0].health, 'up');
    const alerts = (await (await fetch(promUrl + '/api/v1/alerts')).json()).data.alerts;
    assert.deepEqual(alerts.filter((a) => a.labels.alertname === 'ServiceDown'), []);
  } finally {
    running = false;
    prom.kill('SIGTERM');
    await new Promise((r) => (prom.exitCode !== null ? r() : prom.on('exit', r)));
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
