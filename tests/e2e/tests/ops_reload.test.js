// SIGHUP reloads end to end (docs/operations.md): rate limits, apps (added, disabled, removed) and
// restart-only keys on a good file; a bad file is refused with one log line and the server keeps
// serving on the config it has.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { startServer, renderToml, DEFAULT_APP } = require('../lib/server');
const { serverSdk, established, raw } = require('./channels_util');
const { metric, until } = require('./ops_util');
const { startWebhookSink } = require('../lib/webhook_sink');

const APP2 = { id: 'app2', key: 'key2', secret: 'secret2-very-secret' };

// Rewrites the server's config file as startServer wrote it (same data dir and admin token).
function rewrite(server, { sections = {}, apps = [DEFAULT_APP] }) {
  const all = { ...sections, data: { dir: server.dataDir }, admin: { token: server.adminToken } };
  fs.writeFileSync(server.configPath, renderToml({ sections: all, apps }));
}

// Sends SIGHUP and waits for the log line that says what it did (the n-th reload line).
async function reload(server, pattern) {
  const before = server.output().length;
  server.proc.kill('SIGHUP');
  await until(() => pattern.test(server.output().slice(before)), 5000, `log line ${pattern}`);
  return server.output().slice(before);
}

async function configVersion(server) {
  return (await metric(server, 'headroom_config_version{')).filter((l) => l.endsWith(' 1'));
}

async function anonymousGet(server) {
  const res = await fetch(`${server.url}/v1/apps/app1/collections/pub/docs/x`);
  await res.text();
  return res;
}

test('a lower anonymous limit applies after SIGHUP; restart-only keys are reported and kept', async () => {
  const sections = { rate_limits: { anonymous_per_minute: 20, anonymous_burst: 20 } };
  const server = await startServer({ sections });
  try {
    for (let i = 0; i < 3; i++) assert.notEqual((await anonymousGet(server)).status, 429);
    const v1 = await configVersion(server);
    rewrite(server, {
      sections: { rate_limits: { anonymous_per_minute: 3, anonymous_burst: 3 }, websocket: { max_connections: 7 } },
    });
    const log = await reload(server, /config reloaded from/);
    assert.match(log, /applied rate_limits\.anonymous_burst, rate_limits\.anonymous_per_minute/);
    assert.match(log, /needs a restart \(running value kept\): websocket\.max_connections/);
    const v2 = await configVersion(server);
    assert.equal(v2.length, 1);
    assert.notEqual(v2[0], v1[0]);
    let allowed = 0;
    let res;
    while ((res = await anonymousGet(server)).status !== 429) {
      allowed++;
      assert.ok(allowed <= 3, 'the old limit (20) still applies');
    }
    assert.equal(res.headers.get('ratelimit-limit'), '3');
    // websocket.max_connections kept its running value (1000): more than 7 sockets connect.
    const sockets = [];
    for (let i = 0; i < 8; i++) sockets.push(await established(server));
    for (const s of sockets) s.close();
  } finally {
    await server.stop();
  }
});

test('an app added by SIGHUP takes connections and events; disabling and removing apps closes their sockets', async () => {
  const server = await startServer({ sections: { rate_limits: { enabled: false } } });
  try {
    const first = await established(server);
    assert.equal((await (await raw(server, APP2.key)).closed).code, 4001);  // not there yet

    rewrite(server, { sections: { rate_limits: { enabled: false } }, apps: [DEFAULT_APP, APP2] });
    await reload(server, /config reloaded from .*applied apps\[1\]/);
    const second = await established(server, APP2.key);
    second.send({ event: 'pusher:subscribe', data: { channel: 'news' } });
    await second.event('pusher_internal:subscription_succeeded');
    await serverSdk(server, APP2).trigger('news', 'hello', { n: 1 });
    assert.deepEqual((await second.event('hello')).data, { n: 1 });
    first.send({ event: 'pusher:ping', data: {} });
    await first.event('pusher:pong');  // the unchanged app's socket is untouched

    rewrite(server, { sections: { rate_limits: { enabled: false } }, apps: [{ ...DEFAULT_APP, enabled: false }] });
    await reload(server, /config reloaded from .*applied apps\[0\]\.enabled/);
    assert.equal((await first.closed).code, 4003);  // disabled
    assert.equal((await second.closed).code, 4001);  // removed
    assert.equal((await (await raw(server, APP2.key)).closed).code, 4001);
    assert.equal((await (await raw(server)).closed).code, 4003);
  } finally {
    await server.stop();
  }
});

test('a bad file on SIGHUP is refused with a clear log line; the server keeps serving on the old config', async () => {
  const sections = { rate_limits: { anonymous_per_minute: 20, anonymous_burst: 20 } };
  const server = await startServer({ sections });
  try {
    const v1 = await configVersion(server);
    const original = fs.readFileSync(server.configPath, 'utf8');
    fs.writeFileSync(server.configPath, original.replace('anonymous_per_minute = 20', 'anonymous_per_minute = "lots"'));
    const log = await reload(server, /config reload failed, keeping the running config: .*anonymous_per_minute/);
    assert.doesNotMatch(log, /config reloaded from/);
    fs.writeFileSync(server.configPath, original + '\n[[apps]\nid = ');  // not TOML at all
    await reload(server, /config reload failed, keeping the running config/);
    assert.equal((await fetch(server.url + '/healthz')).status, 200);
    const res = await anonymousGet(server);
    assert.equal(res.headers.get('ratelimit-limit'), '20');
    const ws = await established(server);
    ws.close();
    assert.deepEqual(await configVersion(server), v1);
  } finally {
    await server.stop();
  }
});

test('alert thresholds and alerts.webhook apply after SIGHUP', async () => {
  const sink = await startWebhookSink();
  const sections = (errorRatio, webhook) => ({
    server: { test_routes: true },
    rate_limits: { enabled: false },
    alerts: { webhook, error_ratio: errorRatio, eval_interval_ms: 200, for_ms: 0 },
  });
  const server = await startServer({ sections: sections(1, '') });  // never: the ratio must exceed 1
  try {
    const rule = async () => {
      const res = await fetch(server.url + '/v1/admin/alerts', { headers: { Authorization: 'Bearer ' + server.adminToken } });
      return (await res.json()).rules.find((a) => a.name === 'HighErrorRate');
    };
    const fail = async () => { for (let i = 0; i < 10; i++) await (await fetch(server.url + '/v1/test/fail')).arrayBuffer(); };
    assert.equal((await rule()).threshold, 1);
    rewrite(server, { sections: sections(0.05, sink.url) });
    await reload(server, /config reloaded from .*applied alerts\.error_ratio, alerts\.webhook/);
    assert.equal((await rule()).threshold, 0.05);
    await fail();
    const got = await sink.waitFor((b) => b.alerts && b.alerts[0].labels.alertname === 'HighErrorRate' && b.status === 'firing');
    assert.ok(Number(got.body.alerts[0].annotations.value) > 0.05);
  } finally {
    await server.stop();
    await sink.close();
  }
});
