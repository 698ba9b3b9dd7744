// headroom-bench end to end: bench/smoke.sh starts the real server and runs every scenario once
// with tiny counts; this checks the tool worked and reported what each scenario promises.
// Timings are never asserted. Every module is built into the binary, so every scenario must run:
// the script's "skipped" (a module that did not answer its probe) is a failure here.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { BIN } = require('../lib/server');

const ROOT = path.resolve(__dirname, '../../..');
const BENCH = process.env.HEADROOM_BENCH || path.resolve(path.dirname(BIN), '../../tools/bench/headroom-bench');

function assertHistogram(h, what) {
  assert.ok(h && typeof h === 'object', `${what}: histogram missing`);
  for (const k of ['count', 'p50_ms', 'p90_ms', 'p99_ms', 'p999_ms', 'max_ms']) {
    assert.equal(typeof h[k], 'number', `${what}.${k}`);
  }
  assert.ok(h.p50_ms <= h.p99_ms && h.p99_ms <= h.max_ms, `${what}: percentiles out of order`);
}

function scenario(report, name) {
  const s = report.scenarios[name];
  assert.ok(s, `scenario ${name} missing from the smoke report`);
  assert.equal(s.skipped, undefined, `scenario ${name} was skipped: ${s.skipped}`);
  assert.equal(s.tool, 'headroom-bench');
  assert.equal(s.scenario, name);
  assert.equal(s.ok, true, `${name}: ${JSON.stringify(s.errors)}`);
  assert.equal(typeof s.machine.cpus, 'number');
  return s.results;
}

test('bench/smoke.sh runs every scenario against Headroom and reports JSON', { timeout: 170000 }, () => {
  assert.ok(fs.existsSync(BENCH), `headroom-bench not built at ${BENCH} (make build builds it)`);
  const run = spawnSync(path.join(ROOT, 'bench/smoke.sh'), [BIN, BENCH], {
    encoding: 'utf8', timeout: 160000, maxBuffer: 64 << 20,
  });
  assert.equal(run.status, 0, `smoke.sh exited ${run.status}:\n${run.stderr}`);
  const report = JSON.parse(run.stdout);
  // The script probes each module; both answer in every build.
  assert.equal(report.channels, true, 'the WebSocket endpoint did not upgrade');
  assert.equal(report.documents, true, 'the document API did not answer');

  const fanout = scenario(report, 'fanout');
  assert.equal(fanout.subscribers_ready, 50);
  assert.ok(fanout.publishes_ok > 0, 'no publish succeeded');
  assert.ok(fanout.deliveries > 0, 'nothing delivered');
  assert.equal(typeof fanout.deliveries_per_s, 'number');
  assertHistogram(fanout.delivery_latency, 'fanout.delivery_latency');
  assertHistogram(fanout.publish_latency, 'fanout.publish_latency');

  const idle = scenario(report, 'idle');
  assert.equal(idle.connections_ready, 200);
  assert.ok(idle.server_rss_held_bytes > 0, 'server RSS not read');
  assert.equal(typeof idle.server_rss_per_connection_bytes, 'number');
  assertHistogram(idle.connect_latency, 'idle.connect_latency');

  const http = scenario(report, 'http');
  assert.ok(http.trigger.ok > 0, `no signed trigger accepted: ${JSON.stringify(http.trigger.statuses)}`);
  assert.equal(typeof http.trigger.requests_per_s, 'number');
  assertHistogram(http.trigger.latency, 'http.trigger.latency');
  assert.ok(http.get.ok > 0, `no document GET succeeded: ${JSON.stringify(http.get.statuses)}`);
  assertHistogram(http.get.latency, 'http.get.latency');

  const cold = scenario(report, 'coldstart');
  assert.equal(cold.ready_runs, 2);
  assert.ok(cold.ready_ms_median > 0);

  const users = scenario(report, 'users');
  assert.equal(typeof users.users_reached, 'number');
  assert.ok(users.steps.length >= 1);
  assert.ok(users.operations.client_event.count > 0, 'no client event delivered');
  assert.ok(users.operations.signed_in > 0, 'no pusher:signin succeeded');
  assert.ok(users.operations.doc_read.count > 0 && users.operations.doc_read.errors === 0,
    JSON.stringify(users.operations.doc_read));
  assert.ok(users.operations.doc_write.count > 0 && users.operations.doc_write.errors === 0,
    JSON.stringify(users.operations.doc_write));
});
