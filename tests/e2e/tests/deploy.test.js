// The deployment manifests in deploy/ describe a server that exists: the container arguments and
// environment they set start the real binary, their probe paths answer, and each phase's shape is the
// seed's and one `headroom plan` can size.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, BIN } = require('../lib/server');

const DEPLOY = path.resolve(__dirname, '../../../deploy');
const read = (f) => fs.readFileSync(path.join(DEPLOY, f), 'utf8');
const SEED = { 1: { cpu: 1, mem: '512Mi', mb: 512 }, 2: { cpu: 2, mem: '1Gi', mb: 1024 }, 3: { cpu: 4, mem: '2Gi', mb: 2048 } };

test('the Kubernetes StatefulSet starts Headroom as written and its probes answer', async () => {
  const sts = read('kubernetes/base/statefulset.yaml');
  const args = JSON.parse(sts.match(/args: (\[.*\])/)[1]);
  assert.deepEqual(args.slice(0, 2), ['serve', '--config']);
  const env = {};
  for (const m of sts.matchAll(/- name: (\w+)\n\s+value: "?([^"\n]+)"?/g)) env[m[1]] = m[2];
  assert.ok(env.HEADROOM_DATA_DIR && env.PORT, JSON.stringify(env));
  const probes = [...sts.matchAll(/path: (\/\w+)/g)].map((m) => m[1]);
  assert.deepEqual(probes.sort(), ['/healthz', '/readyz']);
  assert.match(sts, /terminationGracePeriodSeconds: (1[1-9]|[2-9]\d)/); // more than the 10 s drain

  // The same arguments (with a temp config file) and environment (a temp data dir; PORT 0 for a free port).
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-deploy-')), 'headroom-data');
  const k8s = await startServer({ env: { HEADROOM_DATA_DIR: dataDir, PORT: '0' } });
  try {
    assert.deepEqual(k8s.proc.spawnargs.slice(1, 3), args.slice(0, 2));
    for (const p of probes) assert.equal((await fetch(k8s.url + p)).status, 200, p);
    assert.ok(fs.existsSync(path.join(dataDir, 'headroom.db')), 'HEADROOM_DATA_DIR is where the data goes');
  } finally {
    await k8s.stop();
  }
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
