// Alerts end to end: forced 5xx through the test route raise HighErrorRate, which goes pending,
// fires, is POSTed to alerts.webhook (Slack "text" + Alertmanager "alerts"), retried when the
// receiver fails, and listed by GET /v1/admin/alerts behind the admin token.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, BIN } = require('../lib/server');
const { startWebhookSink } = require('../lib/webhook_sink');

const alertSections = (webhook) => ({
  server: { test_routes: true },
  rate_limits: { enabled: false },
  alerts: { webhook, eval_interval_ms: 200, for_ms: 400 },
});

async function failRequests(s, n) {
  for (let i = 0; i < n; i++) {
    const res = await fetch(s.url + '/v1/test/fail');
    assert.equal(res.status, 500);
    await res.arrayBuffer();
  }
}

test('forced 5xx fire HighErrorRate to the webhook, retried after a receiver error', async () => {
  // The receiver refuses the first delivery: the notifier must retry.
  const sink = await startWebhookSink({ status: (n) => (n === 1 ? 503 : 200) });
  const s = await startServer({ sections: alertSections(sink.url) });
  try {
    await failRequests(s, 20);
    const got = await sink.waitFor((b) => b.alerts && b.alerts[0].labels.alertname === 'HighErrorRate' && b.status === 'firing');
    const body = got.body;
    assert.match(body.text, /\[FIRING\] HighErrorRate \(critical\)/);
    assert.equal(body.version, '4');
    const alert = body.alerts[0];
    assert.equal(alert.status, 'firing');
    assert.equal(alert.labels.severity, 'critical');
    assert.match(alert.startsAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Number(alert.annotations.value) > 0.05);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.ok(sink.calls() >= 2, 'the first (refused) delivery was retried');

    const metrics = await (await fetch(s.url + '/metrics')).text();
    assert.match(metrics, /headroom_alert_state\{alertname="HighErrorRate",severity="critical"\} 2/);
    assert.match(metrics, /headroom_alert_notifications_total\{result="sent"\} [1-9]/);
    assert.match(metrics, /headroom_alert_notification_retries_total [1-9]/);
    assert.match(metrics, /headroom_error_ratio (0\.\d+|1)/);
    const log = s.output();
    assert.match(log, /alert HighErrorRate inactive -> pending/);
    assert.match(log, /alert HighErrorRate pending -> firing/);
  } finally {
    await s.stop();
    await sink.close();
  }
});

test('GET /v1/admin/alerts needs the admin token and lists firing alerts', async () => {
  const s = await startServer({ sections: alertSections('') });
  try {
    const none = await fetch(s.url + '/v1/admin/alerts');
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error.code, 'UNAUTHENTICATED');
    const wrong = await fetch(s.url + '/v1/admin/alerts', { headers: { Authorization: 'Bearer not-the-token-at-all-0000' } });
    assert.equal(wrong.status, 401);
    await wrong.arrayBuffer();

    await failRequests(s, 10);
    const deadline = Date.now() + 10000;
    let body;
    for (;;) {
      const res = await fetch(s.url + '/v1/admin/alerts', { headers: { Authorization: 'Bearer ' + s.adminToken } });
      assert.equal(res.status, 200);
      body = await res.json();
      if (body.active.some((a) => a.name === 'HighErrorRate' && a.state === 'firing')) break;
      if (Date.now() > deadline) assert.fail('HighErrorRate never fired: ' + JSON.stringify(body.active));
      await new Promise((r) => setTimeout(r, 200));
    }
    const rules = body.rules.map((r) => r.name);
    for (const name of ['ServiceDown', 'HighErrorRate', 'DatabaseErrors', 'SecurityIncident', 'HighLatency', 'HighCpu',
      'HighMemory', 'HeavyRateLimiting', 'LowCacheHitRatio', 'QuotaNearLimit']) {
      assert.ok(rules.includes(name), `rule ${name} missing`);
    }
    assert.deepEqual(body.recent.slice(0, 2).map((t) => t.to).sort(), ['firing', 'pending']);

    const overview = await fetch(s.url + '/v1/admin/overview', { headers: { Authorization: 'Bearer ' + s.adminToken } });
    assert.equal(overview.status, 200);
    const o = await overview.json();
    assert.ok(o.history.length >= 1);
    assert.ok(o.current.error_ratio > 0);
    assert.equal(o.apps[0].id, s.app.id);
    assert.equal(o.apps[0].secret, undefined, 'secrets never leave the server');
    const cost = o.sections.cost;
    assert.equal(cost.length, 4, JSON.stringify(cost));
    assert.match(cost[0].users, /active now/);
    assert.deepEqual(cost.slice(1).map((r) => r['seed budget']), [100, 300, 1000]);
    assert.ok(cost.every((r) => r['USD / month'] > 0));
  } finally {
    await s.stop();
  }
});

test('system metrics are exported', async () => {
  const s = await startServer();
  try {
    const text = await (await fetch(s.url + '/metrics')).text();
    for (const name of ['headroom_cpu_utilization_ratio', 'headroom_cpu_limit_cores', 'headroom_memory_utilization_ratio',
      'headroom_memory_limit_bytes', 'headroom_error_ratio', 'headroom_http_latency_p95_seconds', 'headroom_active_users',
      'headroom_scale_pressure', 'headroom_alert_state']) {
      assert.match(text, new RegExp(`^${name}[ {]`, 'm'), `metrics lack ${name}`);
    }
  } finally {
    await s.stop();
  }
});

test('headroom alerts rules prints a rules file promtool accepts', () => {
  const rules = execFileSync(BIN, ['alerts', 'rules'], { encoding: 'utf8', cwd: os.tmpdir() });
  assert.match(rules, /- alert: HighErrorRate/);
  const promtool = spawnSync('promtool', ['--version']);
  assert.ifError(promtool.error && new Error(`promtool: ${promtool.error.message} ` +
    '(Debian package prometheus: scripts/install-deps.sh test installs it)'));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-rules-')), 'rules.yml');
  fs.writeFileSync(file, rules);
  const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /SUCCESS: 12 rules found/);
});

test('a burst of forged Pusher API signatures fires SecurityIncident', async () => {
  const sink = await startWebhookSink();
  const s = await startServer({ sections: { alerts: { webhook: sink.url, eval_interval_ms: 200, for_ms: 0,
    security_failures_per_minute: 20 } } });
  try {
    const ts = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${s.url}/apps/${s.app.id}/channels?auth_key=${s.app.key}&auth_timestamp=${ts}` +
        `&auth_version=1.0&auth_signature=${'0'.repeat(64)}`);
      assert.equal(res.status, 401);
      await res.arrayBuffer();
    }
    const got = await sink.waitFor((b) => b.alerts && b.alerts[0].labels.alertname === 'SecurityIncident');
    assert.equal(got.body.alerts[0].labels.severity, 'critical');
    assert.match(got.body.text, /\[FIRING\] SecurityIncident/);
  } finally {
    await s.stop();
    await sink.close();
  }
});
