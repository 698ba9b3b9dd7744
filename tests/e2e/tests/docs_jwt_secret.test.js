// An app's `jwt_secret` (docs/operations.md, "Secrets"): once set, the document API's tokens are
// signed with it and Pusher signatures keep using `secret`, so the two rotate apart; a SIGHUP
// picks it up like the secret, and `headroom token` signs with it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { startServer, renderToml, DEFAULT_APP } = require('../lib/server');
const { mintToken, NO_LIMITS } = require('./docs_util');
const { serverSdk } = require('./channels_util');
const { cli, until } = require('./ops_util');

const JWT_SECRET = 'jwt-only-secret-0123456789abcdef';

function cliToken(server) {
  const r = cli(['token', '--config', server.configPath, '--app', server.app.id, '--sub', 'alice']);
  assert.equal(r.code, 0, r.err);
  return r.out.trim();
}

async function listDocs(server, token) {
  const res = await fetch(`${server.url}/v1/apps/${server.app.id}/collections/notes/docs?limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, json: await res.json() };
}

async function reload(server, pattern) {
  const before = server.output().length;
  server.proc.kill('SIGHUP');
  await until(() => pattern.test(server.output().slice(before)), 5000, `log line ${pattern}`);
}

test('jwt_secret set by SIGHUP: secret-signed tokens are refused, `headroom token` works, Pusher keeps `secret`',
  async () => {
    const server = await startServer({ sections: NO_LIMITS });
    try {
      const oldToken = cliToken(server);  // no jwt_secret yet: signed with the app secret
      assert.equal((await listDocs(server, oldToken)).status, 200);

      const app = { ...DEFAULT_APP, jwt_secret: JWT_SECRET };
      fs.writeFileSync(server.configPath, renderToml({
        sections: { ...NO_LIMITS, data: { dir: server.dataDir }, admin: { token: server.adminToken } }, apps: [app],
      }));
      await reload(server, /config reloaded from .*applied apps\[0\]\.jwt_secret/);

      for (const stale of [oldToken, mintToken(DEFAULT_APP.secret, { sub: 'alice' })]) {
        const refused = await listDocs(server, stale);
        assert.equal(refused.status, 401);
        assert.equal(refused.json.error.code, 'UNAUTHENTICATED');
      }
      assert.equal((await listDocs(server, cliToken(server))).status, 200);
      assert.equal((await listDocs(server, mintToken(JWT_SECRET, { sub: 'bob' }))).status, 200);

      // Pusher's HTTP API is still signed with `secret`, never with jwt_secret.
      assert.equal((await serverSdk(server).trigger('news', 'hello', { n: 1 })).status, 200);
      await assert.rejects(serverSdk(server, { ...DEFAULT_APP, secret: JWT_SECRET }).trigger('news', 'hello', {}),
        (e) => e.status === 401);

      const printed = cli(['config', 'print', '--config', server.configPath]);
      assert.equal(printed.code, 0, printed.err);
      assert.match(printed.out, /jwt_secret = '<redacted>'/);
      assert.ok(!printed.out.includes(JWT_SECRET));
      assert.ok(!server.output().includes(JWT_SECRET), 'jwt_secret is never logged');
    } finally {
      await server.stop();
    }
  });
