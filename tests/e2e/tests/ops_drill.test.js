// The recovery drill of docs/recovery.md, end to end with the real binary:
//   write data → back up → write more (acknowledged) → a bad write after the chosen point →
//   stop → corrupt the database file → start is refused (clear message, non-zero exit) →
//   restore the backup into a new directory with --until the point → verify →
//   serve from the restored directory: every write acknowledged up to the point is there,
//   and nothing after it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('../lib/server');
const { NO_LIMITS } = require('./docs_util');
const { cli, putDoc, getDoc } = require('./ops_util');

// Overwrites the header of one page that belongs to the index table (it holds "f:zzmarker" keys
// but no document JSON), so PRAGMA quick_check fails while the change log stays readable.
function corruptIndexPage(dbPath) {
  const buf = fs.readFileSync(dbPath);
  const pageSize = buf.readUInt16BE(16) === 1 ? 65536 : buf.readUInt16BE(16);
  for (let p = 1; p * pageSize < buf.length; p++) {
    const page = buf.subarray(p * pageSize, (p + 1) * pageSize);
    if (page.includes('f:zzmarker') && !page.includes('"zzmarker"')) {
      page.fill(0xff, 0, 12);
      fs.writeFileSync(dbPath, buf);
      return p + 1;
    }
  }
  throw new Error('no index page found to corrupt');
}

test('recovery drill: corrupt database refused, restored from backup with point-in-time replay', async () => {
  let server = await startServer({ sections: { ...NO_LIMITS } });
  const { dataDir, configPath } = server;
  const expected = new Map();
  const write = async (id, body) => {
    const r = await putDoc(server, 'orders', id, body);
    assert.ok(r.ok, r.text);
    expected.set(id, JSON.parse(r.text));
  };
  // 1. Data before the backup.
  for (let i = 0; i < 120; i++) await write(`before-${i}`, { zzmarker: i, who: `user-${i % 7}`, pad: 'p'.repeat(200) });
  // 2. Back up while serving.
  const made = cli(['backup', 'create', '--config', configPath]);
  assert.equal(made.code, 0, made.err);
  const backup = made.out.match(/backup (\S+) created/)[1];
  // 3. More acknowledged writes (new documents and updates), then the chosen point.
  for (let i = 0; i < 60; i++) await write(`after-${i}`, { zzmarker: 1000 + i, pad: 'q'.repeat(200) });
  for (let i = 0; i < 10; i++) await write(`before-${i}`, { zzmarker: i, updated: true });
  await new Promise((r) => setTimeout(r, 30));
  const point = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 30));
  // A bad deploy after the point: overwrites and a delete that must NOT come back.
  for (let i = 0; i < 5; i++) assert.ok((await putDoc(server, 'orders', `before-${i}`, { zzmarker: -1, broken: true })).ok);
  const del = await fetch(`${server.url}/v1/apps/app1/collections/orders/docs/after-0`, {
    method: 'DELETE', headers: { authorization: `Bearer ${require('./ops_util').serverToken(server)}` },
  });
  assert.equal(del.status, 204);

  // 4. Stop, then the disk goes bad.
  const stopped = await server.stop();
  assert.equal(stopped.code, 0);
  const dbPath = path.join(dataDir, 'headroom.db');
  assert.equal(fs.existsSync(dbPath + '-wal') && fs.statSync(dbPath + '-wal').size > 0, false, 'WAL checkpointed at stop');
  corruptIndexPage(dbPath);

  // 5. Identify the failure: start refuses the corrupt database with a clear message.
  await assert.rejects(startServer({ dataDir, rawToml: fs.readFileSync(configPath, 'utf8') }),
    (e) => /exited with 3/.test(e.message) && /is corrupt.*refusing to start/.test(e.message));

  // 6. Switch to the backup: restore into a new directory, replaying the change log to the point.
  const restored = path.join(path.dirname(dataDir), 'restored');
  const res = cli(['backup', 'restore', backup, '--to', restored, '--until', point, '--config', configPath]);
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /70 changes replayed/);
  // It never overwrites a directory in use.
  const again = cli(['backup', 'restore', backup, '--to', restored, '--config', configPath]);
  assert.equal(again.code, 2);
  assert.match(again.err, /not empty/);

  // 7. Verify the backup and the restored data.
  assert.equal(cli(['backup', 'verify', backup, '--config', configPath]).code, 0);
  server = await startServer({ dataDir: restored, sections: { ...NO_LIMITS } });
  try {
    for (const [id, doc] of expected) {
      const got = await getDoc(server, 'orders', id);
      assert.equal(got.status, 200, `${id}: ${got.text}`);
      assert.deepEqual(JSON.parse(got.text), doc, id);
    }
    // 8. Resume: the restored node takes writes (seqs continue after the replayed ones).
    assert.ok((await putDoc(server, 'orders', 'resumed', { zzmarker: 9999 })).ok);
  } finally {
    await server.stop();
  }
});
