// The deployment manifests in deploy/ describe a server that exists: the container arguments and
// environment they set start the real binary, their probe paths answer, their config (apps, admin
// token, trusted_proxies) comes from a Secret so no development app runs, and each phase's shape
// is the seed's and one `headroom plan` can size.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, BIN } = require('../lib/server');
const { serverSdk } = require('./channels_util');

const DEPLOY = path.resolve(__dirname, '../../../deploy');
const read = (f) => fs.readFileSync(path.join(DEPLOY, f), 'utf8');
const SEED = { 1: { cpu: 1, mem: '512Mi', mb: 512 }, 2: { cpu: 2, mem: '1Gi', mb: 1024 }, 3: { cpu: 4, mem: '2Gi', mb: 2048 } };

const EXAMPLE = read('headroom.example.toml');

// The config Secret every manifest mounts: its name, the file the container reads, and the mount.
function secretConfig(manifest, what) {
  const args = JSON.parse(manifest.match(/args: (\[.*\])/)[1]);
  assert.deepEqual(args, ['serve', '--config', '/etc/headroom/headroom.toml'], what);
  assert.match(manifest, /- \{name: config, mountPath: \/etc\/headroom, readOnly: true\}/, what);
  assert.match(manifest, /- name: config\n\s+secret:\n\s+secretName: headroom-config/, what);
  assert.doesNotMatch(manifest, /value: .*(secret|token)/i, `${what}: no secret in plain text`);
  return args;
}

// Starts the binary as a manifest does: its arguments (the config file is the example Secret's
// content), its environment, PORT 0 for a free port. Apps configured: no development app, and the
// bound address is every interface, where the platform sends traffic.
async function startAsDeployed(args, env, what) {
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-deploy-')), 'headroom-data');
  const s = await startServer({ rawToml: EXAMPLE, env: { ...env, HEADROOM_DATA_DIR: dataDir, PORT: '0' } });
  try {
    assert.deepEqual(s.proc.spawnargs.slice(1, 3), args.slice(0, 2), what);
    assert.match(s.output(), /listening on http:\/\/0\.0\.0\.0:\d+ \(every interface; data in /, what);
    assert.ok(fs.existsSync(path.join(dataDir, 'headroom.db')), `${what}: HEADROOM_DATA_DIR is where the data goes`);
    assert.ok(!fs.existsSync(path.join(dataDir, 'dev-app.env')), `${what}: no development app`);
    assert.doesNotMatch(s.output(), /development app|admin token created/, what);
    // The Secret's app answers (a signed Pusher API call), with the Secret's admin token.
    const app = { id: 'my-app', key: 'my-app-key', secret: EXAMPLE.match(/^secret = "([^"]+)"/m)[1] };
    assert.equal((await serverSdk(s, app).get({ path: '/channels' })).status, 200, what);
    const token = EXAMPLE.match(/^token = "([^"]+)"/m)[1];
    const alerts = await fetch(s.url + '/v1/admin/alerts', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(alerts.status, 200, what);
    return s;
  } catch (e) {
    await s.stop();
    throw e;
  }
}

test('the Kubernetes StatefulSet starts Headroom as written: config from a Secret, no dev app, probes answer', async () => {
  const sts = read('kubernetes/base/statefulset.yaml');
  const args = secretConfig(sts, 'kubernetes');
  const env = {};
  for (const m of sts.matchAll(/- name: (\w+)\n\s+value: "?([^"\n]+)"?/g)) env[m[1]] = m[2];
  assert.ok(env.HEADROOM_DATA_DIR && env.PORT, JSON.stringify(env));
  assert.match(sts, new RegExp(`containerPort: ${env.PORT}\\b`));
  assert.match(read('kubernetes/base/kustomization.yaml'), /kubectl create secret generic headroom-config/);
  const probes = [...sts.matchAll(/path: (\/\w+)/g)].map((m) => m[1]);
  assert.deepEqual(probes.sort(), ['/healthz', '/readyz']);
  assert.match(sts, /terminationGracePeriodSeconds: (1[1-9]|[2-9]\d)/); // more than the 10 s drain

  const k8s = await startAsDeployed(args, env, 'kubernetes');
  try {
    for (const p of probes) assert.equal((await fetch(k8s.url + p)).status, 200, p);
  } finally {
    await k8s.stop();
  }
});

test('every Cloud Run phase mounts its config from a Secret Manager secret and runs no dev app', async () => {
  const docker = read('Dockerfile');
  assert.match(docker, /^ENV PORT=8080$/m); // a container listens on 0.0.0.0 even without Cloud Run's PORT
  const env = { HEADROOM_DATA_DIR: docker.match(/^ENV HEADROOM_DATA_DIR=(\S+)$/m)[1] };
  let args;
  for (const n of Object.keys(SEED)) {
    const c = read(`cloudrun/phase${n}.yaml`);
    args = secretConfig(c, `cloud run phase ${n}`);
    assert.match(c, /items:\n\s+- \{key: latest, path: headroom\.toml\}/);
  }
  const run = await startAsDeployed(args, env, 'cloud run');
  await run.stop();
});

test('the example Secret config passes `config check --strict`: apps, admin token, trusted_proxies', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-deploy-'));
  const file = path.join(dir, 'headroom.toml');
  fs.writeFileSync(file, EXAMPLE);
  const r = spawnSync(BIN, ['config', 'check', '--strict', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /ok \(1 apps, 0 warnings\)/);
  assert.match(EXAMPLE, /^trusted_proxies = \[.+\]$/m);
  assert.match(EXAMPLE, /^jwt_secret = /m);
  assert.doesNotMatch(EXAMPLE, /^\s*host\s*=/m); // PORT decides: 0.0.0.0 in a container
});

test('every phase is the seed shape, on Kubernetes and Cloud Run, and `headroom plan` sizes it', () => {
  for (const [n, shape] of Object.entries(SEED)) {
    const k = read(`kubernetes/phase${n}/kustomization.yaml`);
    assert.match(k, new RegExp(`limits: \\{cpu: "${shape.cpu}", memory: ${shape.mem}\\}`), `k8s phase ${n}`);
    assert.match(k, /- \.\.\/base/);
    const c = read(`cloudrun/phase${n}.yaml`);
    assert.match(c, new RegExp(`limits: \\{cpu: "${shape.cpu}", memory: ${shape.mem}\\}`), `cloud run phase ${n}`);
    assert.match(c, /maxScale: "1"/);
    assert.match(c, /path: \/readyz/);
    const plan = spawnSync(BIN, ['plan', '1000', '--vcpu', String(shape.cpu), '--memory-mb', String(shape.mb), '--json'],
      { encoding: 'utf8' });
    assert.equal(plan.status, 0, plan.stderr);
    assert.ok(JSON.parse(plan.stdout).users_per_instance > 0);
  }
  assert.match(read('Dockerfile'), /ENTRYPOINT \["\/usr\/local\/bin\/headroom"\]/);
});
