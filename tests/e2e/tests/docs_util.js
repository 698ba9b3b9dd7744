// Helpers for the document API end-to-end tests: JWTs signed like `headroom token`, JSON requests.
'use strict';
const crypto = require('node:crypto');

function b64url(s) { return Buffer.from(s).toString('base64url'); }

function mintToken(secret, claims) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iat: now, exp: now + 3600, tier: 'authenticated', ...claims };
  const signing = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64url(JSON.stringify(payload));
  return signing + '.' + crypto.createHmac('sha256', secret).update(signing).digest('base64url');
}

function client(server) {
  const base = `${server.url}/v1/apps/${server.app.id}`;
  async function call(method, path, { body, token, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(base + path, {
      method, headers: h, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
    return { status: res.status, headers: res.headers, json, text };
  }
  return {
    call,
    token: (sub, extra = {}) => mintToken(server.app.secret, { sub, ...extra }),
    serverToken: () => mintToken(server.app.secret, { sub: 'backend', role: 'server' }),
  };
}

// Rate limits would throttle a test's burst of requests; these tests are about documents.
const NO_LIMITS = { rate_limits: { enabled: false } };

module.exports = { mintToken, client, NO_LIMITS };
