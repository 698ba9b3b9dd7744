// Failed Pusher HTTP API signatures reach the abuse monitor: headroom_security_signals_total
// {signal="bad_signature"} counts them, and with ban_seconds the IP is refused with 403 once it
// crosses abuse_threshold_per_minute, even while naming the app's (public) key.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer } = require('../lib/server');

function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(name + labels + ' '));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

function signedQuery(app, method, path, body, { forge = false } = {}) {
  const ts = Math.floor(Date.now() / 1000);
  const md5 = crypto.createHash('md5').update(body).digest('hex');
  const q = `auth_key=${app.key}&auth_timestamp=${ts}&auth_version=1.0&body_md5=${md5}`;
  const sig = crypto.createHmac('sha256', app.secret).update(`${method}\n${path}\n${q}`).digest('hex');
  return `${q}&auth_signature=${forge ? sig.replace(/^./, (c) => (c === '0' ? '1' : '0')) : sig}`;
}

async function trigger(s, opts) {
  const path = `/apps/${s.app.id}/events`;
  const body = JSON.stringify({ name: 'e', channel: 'c', data: '{}' });
  return fetch(`${s.url}${path}?${signedQuery(s.app, 'POST', path, body, opts)}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body,
  });
}

test('a bad signature on POST /apps/{id}/events counts as a security signal; a good one does not', async () => {
  const s = await startServer({});
  try {
    assert.equal((await trigger(s)).status, 200);
    const bad = await trigger(s, { forge: true });
    assert.equal(bad.status, 401);
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.equal(metric(text, 'headroom_security_signals_total', '{signal="bad_signature"}'), 1);
    assert.equal(metric(text, 'headroom_security_incident_keys'), 0);
  } finally {
    await s.stop();
  }
});

test('repeated bad signatures put the IP in an incident and, with ban_seconds, block it with 403', async () => {
  const s = await startServer({ sections: { rate_limits: { abuse_threshold_per_minute: 3, ban_seconds: 60 } } });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await trigger(s, { forge: true })).status, 401);
    const blocked = await trigger(s);  // even a correctly signed call from this IP
    assert.equal(blocked.status, 403);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.equal((await blocked.json()).error.code, 'PERMISSION_DENIED');
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.equal(metric(text, 'headroom_security_signals_total', '{signal="bad_signature"}'), 3);
    assert.equal(metric(text, 'headroom_security_incident_keys'), 1);
    assert.equal(metric(text, 'headroom_blocked_keys'), 1);
  } finally {
    await s.stop();
  }
});

test('a forged channel-auth signature on the WebSocket counts as a security signal', async () => {
  const { established } = require('./channels_util');
  const s = await startServer({});
  try {
    const r = await established(s);
    r.send({ event: 'pusher:subscribe', data: { channel: 'private-x', auth: `${s.app.key}:${'0'.repeat(64)}` } });
    await r.event('pusher:subscription_error');
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.equal(metric(text, 'headroom_security_signals_total', '{signal="bad_signature"}'), 1);
    r.close();
  } finally {
    await s.stop();
  }
});
