// Starts the real headroom binary on a free loopback port with its own data directory and config,
// and stops it again. Every end-to-end test uses this; nothing here is mocked.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const BIN = process.env.HEADROOM_BIN || path.resolve(__dirname, '../../../build/src/app/headroom');

const DEFAULT_APP = { id: 'app1', key: 'key1', secret: 'secret1-very-secret' };

function tomlValue(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(tomlValue).join(', ') + ']';
  return String(v);
}

// sections: { server: {max_concurrent_requests: 2}, ... }; apps: [{id, key, secret, ...}]
function renderToml({ sections = {}, apps = [DEFAULT_APP], extra = '' }) {
  const lines = [];
  const server = { host: '127.0.0.1', port: 0, ...(sections.server || {}) };
  for (const [name, values] of Object.entries({ ...sections, server })) {
    lines.push(`[${name}]`);
    for (const [k, v] of Object.entries(values)) lines.push(`${k} = ${tomlValue(v)}`);
  }
  for (const app of apps) {
    lines.push('[[apps]]');
    for (const [k, v] of Object.entries(app)) {
      if (k === 'webhooks' || k === 'collections') continue;
      lines.push(`${k} = ${tomlValue(v)}`);
    }
    for (const hook of app.webhooks || []) {
      lines.push('[[apps.webhooks]]');
      lines.push(`url = ${tomlValue(hook.url)}`);
      if (hook.event_types) lines.push(`event_types = ${tomlValue(hook.event_types)}`);
    }
    for (const [col, rules] of Object.entries(app.collections || {})) {
      lines.push(`[apps.collections.${JSON.stringify(col)}]`);
      for (const [k, v] of Object.entries(rules)) lines.push(`${k} = ${tomlValue(v)}`);
    }
  }
  return lines.join('\n') + '\n' + extra + '\n';
}

async function startServer(options = {}) {
  const dir = options.dataDir ? path.dirname(options.dataDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-e2e-'));
  const dataDir = options.dataDir || path.join(dir, 'data');
  const configPath = path.join(dir, 'headroom.toml');
  const sections = { ...(options.sections || {}) };
  sections.data = { dir: dataDir, ...(sections.data || {}) };
  sections.admin = { token: 'admin-token-for-tests-0123456789', ...(sections.admin || {}) };
  fs.writeFileSync(configPath, options.rawToml || renderToml({ sections, apps: options.apps || [DEFAULT_APP], extra: options.extra }));
  const args = options.args || ['serve', '--config', configPath];
  const proc = spawn(BIN, args, {
    env: { ...process.env, ...(options.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 30 s:\n' + output)), 30000);
    const check = () => {
      const m = output.match(/listening on http:\/\/[^:]+:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); return true; }
      return false;
    };
    proc.stdout.on('data', check);
    proc.stderr.on('data', check);
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${output}`)); });
  });
  const url = `http://127.0.0.1:${port}`;
  const server = {
    url, port, proc, dir, dataDir, configPath, exited,
    app: (options.apps || [DEFAULT_APP])[0],
    adminToken: sections.admin.token,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    kill() { return server.stop('SIGKILL'); },
  };
  await waitReady(url);
  return server;
}

async function waitReady(url, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url + '/readyz');
      if (res.status === 200) return;
    } catch (_) { /* not yet */ }
    if (Date.now() > deadline) throw new Error('not ready: ' + url);
    await new Promise((r) => setTimeout(r, 20));
  }
}

module.exports = { startServer, renderToml, waitReady, BIN, DEFAULT_APP };
