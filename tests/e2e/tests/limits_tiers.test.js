// Rate limits per tier end to end: JWT-identified callers (filled in by the documents module's
// identity filter) are limited by subject with their tier's burst; the app's server is not limited
// by caller tiers; rejected bearer tokens count as abuse signals and can lead to a ban.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer } = require('../lib/server');

const b64url = (s) => Buffer.from(s).toString('base64url');
function jwt(secret, claims) {
  const now = Math.floor(Date.now() / 1000);
  const body = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' +
    b64url(JSON.stringify({ iat: now, exp: now + 3600, ...claims }));
  return body + '.' + crypto.createHmac('sha256', secret).update(body).digest('base64url');
}

// A /v1/apps route that exists whatever other modules are built (answers 403 unless server tier).
const route = (s) => `${s.url}/v1/apps/${s.app.id}/cache/stats`;
const as = (s, token) => fetch(route(s), { headers: token ? { Authorization: 'Bearer ' + token } : {} });

function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(name + labels + ' '));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

// Spends `token`'s whole bucket: requests until the first 429, checking the headers on the way.
// The bucket refills while this runs (perMinute), so a slow machine may earn a few requests more
// than the burst, never fewer; RateLimit-Remaining counts down by one per request, give or take
// what refilled so far. Returns the refused response.
async function spendBurst(s, token, burst, perMinute) {
  const started = Date.now();
  const refilled = () => Math.ceil(((Date.now() - started) / 60000) * perMinute);
  let allowed = 0;
  for (;;) {
    const res = await as(s, token);
    await res.arrayBuffer();
    if (res.status === 429) {
      assert.ok(allowed >= burst && allowed <= burst + refilled() + 1,
        `${allowed} requests allowed (burst ${burst}, ${refilled()} refilled meanwhile)`);
      return res;
    }
    assert.equal(res.headers.get('ratelimit-limit'), String(burst));
    const remaining = Number(res.headers.get('ratelimit-remaining'));
    const expected = burst - 1 - allowed;
    assert.ok(remaining >= expected && remaining <= expected + refilled() + 1,
      `request ${allowed + 1}: RateLimit-Remaining ${remaining}, expected ${expected}`);
    allowed++;
    assert.ok(allowed <= 5 * burst, 'this caller is not limited at all');
  }
}

test('authenticated callers get a burst of 200 per subject; VIPs 2000', async () => {
  const s = await startServer();
  try {
    // A limit of 20 here would mean the token was not read and alice was limited as anonymous.
    const alice = jwt(s.app.secret, { sub: 'alice' });
    const refused = await spendBurst(s, alice, 200, 100);
    assert.equal(refused.headers.get('retry-after'), '1');
    // Another subject and the anonymous tier from the same IP have their own buckets.
    assert.notEqual((await as(s, jwt(s.app.secret, { sub: 'bob' }))).status, 429);
    assert.equal((await as(s)).headers.get('ratelimit-limit'), '20');
    const vipRefused = await spendBurst(s, jwt(s.app.secret, { sub: 'carol', tier: 'vip' }), 2000, 1000);
    assert.equal(vipRefused.headers.get('retry-after'), '1');
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.equal(metric(text, 'headroom_rate_limited_total', '{tier="authenticated",scope="subject"}'), 1);
    assert.equal(metric(text, 'headroom_rate_limited_total', '{tier="vip",scope="subject"}'), 1);
  } finally {
    await s.stop();
  }
});

test('the app server is never limited by the caller tiers', async () => {
  const s = await startServer();
  try {
    const server = jwt(s.app.secret, { sub: 'backend', role: 'server' });
    // More than the anonymous burst (20) and than any caller tier would allow without headers.
    for (let i = 0; i < 30; i++) {
      const res = await as(s, server);
      assert.equal(res.status, 200, `request ${i + 1}`);
      assert.equal(res.headers.get('ratelimit-limit'), null);
    }
  } finally {
    await s.stop();
  }
});

test('rejected bearer tokens are abuse signals; a ban answers 403', async () => {
  const s = await startServer({ sections: { rate_limits: { abuse_threshold_per_minute: 5, ban_seconds: 120 } } });
  try {
    const forged = jwt('not-the-secret', { sub: 'mallory' });
    for (let i = 0; i < 5; i++) await as(s, forged);
    const banned = await as(s, forged);
    assert.equal(banned.status, 403);
    assert.equal(banned.headers.get('retry-after'), '120');
    assert.equal((await banned.json()).error.code, 'PERMISSION_DENIED');
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.equal(metric(text, 'headroom_security_signals_total', '{signal="bad_token"}'), 5);
    assert.equal(metric(text, 'headroom_blocked_keys'), 1);
    assert.equal(metric(text, 'headroom_security_incident_keys'), 1);
  } finally {
    await s.stop();
  }
});
