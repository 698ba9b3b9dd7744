// Helpers for the backup/recovery end-to-end tests: the CLI, admin calls, document writes.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BIN } = require('../lib/server');
const { mintToken } = require('./docs_util');

function tmpdir(tag = 'ops') { return fs.mkdtempSync(path.join(os.tmpdir(), `headroom-${tag}-`)); }

// Runs `headroom ARGS...`; returns {code, out, err}.
function cli(args, opts = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 120000, ...opts });
  return { code: r.status, out: r.stdout || '', err: r.stderr || '' };
}

function admin(server, method, p) {
  return fetch(server.url + p, { method, headers: { authorization: `Bearer ${server.adminToken}` } })
    .then(async (res) => ({ status: res.status, json: await res.json().catch(() => null) }));
}

function serverToken(server) { return mintToken(server.app.secret, { sub: 'backend', role: 'server' }); }

// PUT a document (raw JSON text body); returns {status, ms, json}.
async function putDoc(server, col, id, body, token = serverToken(server)) {
  const t0 = Date.now();
  const res = await fetch(`${server.url}/v1/apps/${server.app.id}/collections/${col}/docs/${id}`, {
    method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, ok: res.status === 200 || res.status === 201, ms: Date.now() - t0, text };
}

async function getDoc(server, col, id, token = serverToken(server)) {
  const res = await fetch(`${server.url}/v1/apps/${server.app.id}/collections/${col}/docs/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, text: await res.text() };
}

async function metric(server, name) {
  const text = await (await fetch(server.url + '/metrics')).text();
  return text.split('\n').filter((l) => l.startsWith(name));
}

async function until(fn, ms = 5000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

module.exports = { tmpdir, cli, admin, serverToken, putDoc, getDoc, metric, until };
