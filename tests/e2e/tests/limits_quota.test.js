// Daily document quotas end to end: GET /v1/apps/{id}/usage (server token or admin token) reports
// today's counts, limits, ratios and the reset time; crossing 80 % and 100 % logs once and counts
// headroom_quota_warnings_total; enforce answers 429. Per-app caller tiers: an app with
// anonymous_per_minute = 3 refuses the 4th anonymous request while another app keeps the default.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { client, mintToken } = require('./docs_util');

function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(name + labels + ' '));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

test('usage reports counts, limits, ratio and reset; warnings at 80 % and 100 %; enforce gives 429', async () => {
  const s = await startServer({
    sections: { rate_limits: { enabled: false }, quotas: { writes_per_day: 5, reads_per_day: 100, enforce: true } },
  });
  try {
    const api = client(s);
    const server = api.serverToken();
    for (let i = 0; i < 4; i++) {
      assert.equal((await api.call('PUT', `/collections/c/docs/d${i}`, { body: { i }, token: server })).status, 201);
    }
    assert.equal((await api.call('GET', '/collections/c/docs/d0', { token: server })).status, 200);

    // Who may ask.
    assert.equal((await api.call('GET', '/usage')).status, 401);
    assert.equal((await api.call('GET', '/usage', { token: api.token('alice') })).status, 403);
    const byAdmin = await api.call('GET', '/usage', { headers: { authorization: `Bearer ${s.adminToken}` } });
    assert.equal(byAdmin.status, 200);

    const usage = await api.call('GET', '/usage', { token: server });
    assert.equal(usage.status, 200, usage.text);
    const u = usage.json;
    assert.equal(u.app, s.app.id);
    assert.equal(u.enforced, true);
    assert.deepEqual(u.writes, { used: 4, limit: 5, ratio: 0.8 });
    assert.equal(u.reads.used, 1);
    assert.equal(u.reads.limit, 100);
    assert.equal(u.deletes.used, 0);
    const now = new Date();
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) / 1000;
    assert.equal(u.reset_unix, midnight);
    assert.equal(u.reset_at, new Date(midnight * 1000).toISOString().replace('.000Z', 'Z'));
    assert.equal(u.day, now.toISOString().slice(0, 10));

    let text = await (await fetch(s.url + '/metrics')).text();
    const labels = `{app="${s.app.id}",kind="writes"`;
    assert.equal(metric(text, 'headroom_quota_warnings_total', `${labels},level="80"}`), 1);
    assert.equal(metric(text, 'headroom_quota_warnings_total', `${labels},level="100"}`), undefined);
    assert.equal(metric(text, 'headroom_quota_ratio', `${labels}}`), 0.8);
    assert.equal(metric(text, 'headroom_quota_used', `${labels}}`), 4);
    assert.equal(metric(text, 'headroom_quota_limit', `${labels}}`), 5);

    // The 5th write uses the quota up (100 %); the 6th is refused.
    assert.equal((await api.call('PUT', '/collections/c/docs/d4', { body: {}, token: server })).status, 201);
    const refused = await api.call('PUT', '/collections/c/docs/d5', { body: {}, token: server });
    assert.equal(refused.status, 429);
    assert.equal(refused.json.error.code, 'RESOURCE_EXHAUSTED');
    text = await (await fetch(s.url + '/metrics')).text();
    assert.equal(metric(text, 'headroom_quota_warnings_total', `${labels},level="80"}`), 1);
    assert.equal(metric(text, 'headroom_quota_warnings_total', `${labels},level="100"}`), 1);
    assert.equal(metric(text, 'headroom_quota_ratio', `${labels}}`), 1);
    const after = (await api.call('GET', '/usage', { token: server })).json;
    assert.deepEqual(after.writes, { used: 5, limit: 5, ratio: 1 });
    // One log line per level.
    const lines = s.output().split('\n').filter((l) => l.includes('quota: app') && l.includes('writes'));
    assert.equal(lines.length, 2, s.output());
  } finally {
    await s.stop();
  }
});

test('an app with anonymous_per_minute = 3 refuses the 4th anonymous request; another app keeps 20', async () => {
  const tight = { id: 'tight', key: 'tightkey', secret: 'tight-secret-123', anonymous_per_minute: 3 };
  const normal = { id: 'normal', key: 'normalkey', secret: 'normal-secret-123' };
  const s = await startServer({ apps: [tight, normal] });
  try {
    const get = (app) => fetch(`${s.url}/v1/apps/${app}/collections/c/docs/x`);
    for (let i = 0; i < 3; i++) {
      const res = await get('tight');
      assert.notEqual(res.status, 429, `request ${i + 1}`);
      assert.equal(res.headers.get('ratelimit-limit'), '3');
    }
    const refused = await get('tight');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '20');
    for (let i = 0; i < 10; i++) {
      const res = await get('normal');
      assert.notEqual(res.status, 429, `normal request ${i + 1}`);
      assert.equal(res.headers.get('ratelimit-limit'), '20');
    }
    // Signed-in callers of the tight app keep the authenticated default.
    const token = mintToken(tight.secret, { sub: 'u1' });
    const res = await fetch(`${s.url}/v1/apps/tight/collections/c/docs/x`, { headers: { authorization: `Bearer ${token}` } });
    assert.notEqual(res.status, 429);
    assert.equal(res.headers.get('ratelimit-limit'), '200');
  } finally {
    await s.stop();
  }
});
