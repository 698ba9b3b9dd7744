// Rate limits and cache end to end over HTTP: the 21st anonymous request in a burst is refused
// with 429, Retry-After and RateLimit-* headers; shadow mode lets it through; X-Forwarded-For only
// counts from trusted proxies; cache metrics and the stats route answer.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ROUTE = '/v1/test/slow?ms=0';

function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(name + labels + ' '));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

async function limited(options) {
  const sections = { server: { test_routes: true }, ...options };
  return startServer({ sections });
}

test('the 21st anonymous request in a minute gets 429 with Retry-After and RateLimit headers', async () => {
  const s = await limited({});
  try {
    for (let i = 0; i < 20; i++) {
      const res = await fetch(s.url + ROUTE);
      assert.equal(res.status, 200, `request ${i + 1}`);
      assert.equal(res.headers.get('ratelimit-limit'), '20');
      assert.equal(res.headers.get('ratelimit-remaining'), String(19 - i));
      assert.ok(Number(res.headers.get('ratelimit-reset')) > 0);
    }
    const res = await fetch(s.url + ROUTE);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '3');
    assert.equal(res.headers.get('ratelimit-limit'), '20');
    assert.equal(res.headers.get('ratelimit-remaining'), '0');
    assert.equal(res.headers.get('ratelimit-reset'), '60');
    const body = await res.json();
    assert.equal(body.error.code, 'RESOURCE_EXHAUSTED');
    // Routes outside /v1 and /apps are not limited.
    assert.equal((await fetch(s.url + '/healthz')).status, 200);
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.equal(metric(text, 'headroom_rate_limited_total', '{tier="anonymous",scope="ip"}'), 1);
    assert.equal(metric(text, 'headroom_ratelimit_decisions_total', '{policy="anonymous",result="allowed"}'), 20);
    assert.equal(metric(text, 'headroom_ratelimit_keys'), 1);
    assert.equal(metric(text, 'headroom_ratelimit_dynamic_factor'), 1);
  } finally {
    await s.stop();
  }
});

test('a request after Retry-After succeeds', async () => {
  const s = await limited({ rate_limits: { anonymous_per_minute: 60, anonymous_burst: 2 } });
  try {
    assert.equal((await fetch(s.url + ROUTE)).status, 200);
    assert.equal((await fetch(s.url + ROUTE)).status, 200);
    const refused = await fetch(s.url + ROUTE);
    assert.equal(refused.status, 429);
    const wait = Number(refused.headers.get('retry-after'));
    assert.equal(wait, 1);
    await sleep(wait * 1000 + 50);
    assert.equal((await fetch(s.url + ROUTE)).status, 200);
  } finally {
    await s.stop();
  }
});

test('shadow mode counts but lets every request through', async () => {
  const s = await limited({ rate_limits: { shadow: true } });
  try {
    for (let i = 0; i < 25; i++) assert.equal((await fetch(s.url + ROUTE)).status, 200, `request ${i + 1}`);
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.equal(metric(text, 'headroom_ratelimit_decisions_total', '{policy="anonymous",result="shadow_limited"}'), 5);
    assert.equal(metric(text, 'headroom_rate_limited_total', '{tier="anonymous",scope="ip"}'), 0);
  } finally {
    await s.stop();
  }
});

test('X-Forwarded-For names the client only when the peer is a trusted proxy', async () => {
  const trusted = await limited({ rate_limits: { trusted_proxies: ['127.0.0.1'] } });
  try {
    const as = (ip) => fetch(trusted.url + ROUTE, { headers: { 'X-Forwarded-For': ip } });
    for (let i = 0; i < 20; i++) assert.equal((await as('198.51.100.1')).status, 200);
    assert.equal((await as('198.51.100.1')).status, 429);
    assert.equal((await as('198.51.100.2')).status, 200);  // another client behind the proxy
  } finally {
    await trusted.stop();
  }
  const untrusted = await limited({});
  try {
    for (let i = 0; i < 20; i++) {
      const res = await fetch(untrusted.url + ROUTE, { headers: { 'X-Forwarded-For': `198.51.100.${i}` } });
      assert.equal(res.status, 200);
    }
    const spoofed = await fetch(untrusted.url + ROUTE, { headers: { 'X-Forwarded-For': '203.0.113.99' } });
    assert.equal(spoofed.status, 429);  // the header is ignored: it is still the same peer
  } finally {
    await untrusted.stop();
  }
});

test('cache metrics and the cache stats route answer', async () => {
  const s = await limited({ cache: { max_bytes: 1048576, ttl_s: 60 } });
  try {
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.equal(metric(text, 'headroom_cache_max_bytes'), 1048576);
    assert.equal(metric(text, 'headroom_cache_bytes'), 0);
    for (const name of ['headroom_cache_hits_total', 'headroom_cache_misses_total', 'headroom_cache_evictions_total',
      'headroom_cache_admissions_rejected_total', 'headroom_cache_entries', 'headroom_cache_hit_ratio']) {
      assert.notEqual(metric(text, name), undefined, `metrics lack ${name}`);
    }
    const anon = await fetch(s.url + '/v1/apps/app1/cache/stats');
    assert.equal(anon.status, 403);
    const res = await fetch(s.url + '/v1/apps/app1/cache/stats', { headers: { Authorization: 'Bearer ' + s.adminToken } });
    assert.equal(res.status, 200);
    const stats = await res.json();
    assert.equal(stats.enabled, true);
    assert.equal(stats.instance.max_bytes, 1048576);
    assert.deepEqual(stats.collections, {});
  } finally {
    await s.stop();
  }
});
