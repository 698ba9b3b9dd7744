// Document change feeds (db-{collection}, private-db-{collection}) with pusher-js and raw ws:
// live headroom:added|modified|removed, and resume after a disconnect with `since` (docs/protocol.md).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { sleep, serverSdk, client, connected, subscribed, established } = require('./channels_util');
const docs = require('./docs_util');

const APP = {
  id: 'app1', key: 'key1', secret: 'secret1-very-secret',
  collections: {
    posts: { read: 'public', write: 'public' },
    notes: { read: 'authenticated', write: 'authenticated' },
    diary: { read: 'owner', write: 'owner' },
  },
};

let server;
let api;
test.before(async () => {
  server = await startServer({ sections: { ...docs.NO_LIMITS }, apps: [APP] });
  api = docs.client(server);
});
test.after(async () => { if (server) await server.stop(); });

// pusher-js sends only {channel, auth, channel_data} on subscribe. This shim makes one channel's
// subscribe (also the automatic re-subscribe after a reconnect) carry `since` = the last seq seen.
function resumableChannel(p, name) {
  const ch = p.channels.add(name, p);
  ch.lastSeq = undefined;
  ch.subscribe = function subscribeWithSince() {
    if (this.subscribed) return;
    this.subscriptionPending = true;
    this.subscriptionCancelled = false;
    const data = { channel: this.name };
    if (this.lastSeq !== undefined) data.since = this.lastSeq;
    this.pusher.send_event('pusher:subscribe', data);
  };
  ch.changes = [];
  for (const kind of ['added', 'modified', 'removed']) {
    ch.bind('headroom:' + kind, (data) => {
      ch.changes.push({ kind, ...data });
      ch.lastSeq = data.seq;
    });
  }
  return ch;
}

async function until(pred, what, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await sleep(20);
  }
}

function subscribedOnce(ch) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('not subscribed: ' + ch.name)), 5000);
    const ok = () => { clearTimeout(t); ch.unbind('pusher:subscription_succeeded', ok); resolve(); };
    ch.bind('pusher:subscription_succeeded', ok);
  });
}

test('pusher-js: live changes, then exactly the missed ones after a disconnect, in seq order, then live', async () => {
  const p = client(server);
  try {
    await connected(p);
    const ch = resumableChannel(p, 'db-posts');
    let ready = subscribedOnce(ch);
    p.subscribe('db-posts');
    await ready;
    let failed = null;
    ch.bind('headroom:recovery_failed', (d) => { failed = d; });

    assert.equal((await api.call('PUT', '/collections/posts/docs/a', { body: { title: 'first' } })).status, 201);
    await until(() => ch.changes.length === 1, 'the live headroom:added');
    const first = ch.changes[0];
    assert.equal(first.kind, 'added');
    assert.equal(first.id, 'a');
    assert.equal(first.doc.title, 'first');
    const seen = first.seq;

    p.disconnect();
    await until(() => p.connection.state === 'disconnected', 'the disconnect');
    assert.equal((await api.call('PUT', '/collections/posts/docs/b', { body: { title: 'second' } })).status, 201);
    assert.equal((await api.call('PATCH', '/collections/posts/docs/a', { body: { title: 'edited' } })).status, 200);
    assert.equal((await api.call('DELETE', '/collections/posts/docs/b')).status, 204);
    await sleep(100);
    assert.equal(ch.changes.length, 1, 'nothing arrives while disconnected');

    ready = subscribedOnce(ch);
    p.connect();  // pusher-js re-subscribes by itself, with since = the last seq seen
    await ready;
    await until(() => ch.changes.length === 4, 'the replayed changes');
    const missed = ch.changes.slice(1);
    assert.deepEqual(missed.map((c) => [c.kind, c.id, c.seq]),
      [['added', 'b', seen + 1], ['modified', 'a', seen + 2], ['removed', 'b', seen + 3]]);
    assert.equal(missed[1].doc.title, 'edited');

    assert.equal((await api.call('PUT', '/collections/posts/docs/c', { body: { title: 'live' } })).status, 201);
    await until(() => ch.changes.length === 5, 'the next live change');
    assert.deepEqual([ch.changes[4].kind, ch.changes[4].id, ch.changes[4].seq], ['added', 'c', seen + 4]);
    await sleep(150);
    assert.equal(ch.changes.length, 5, 'no duplicates');
    assert.equal(failed, null);
  } finally {
    p.disconnect();
  }
});

test('raw ws: since on a db channel replays the log; a seq beyond the log fails; a bad since is refused', async () => {
  const r = await established(server);
  try {
    r.send({ event: 'pusher:subscribe', data: { channel: 'db-posts', since: 0 } });
    await r.event('pusher_internal:subscription_succeeded');
    const got = [];
    for (;;) {
      const m = await r.next((x) => /^headroom:/.test(x.event));
      got.push(m);
      if (got.length >= 5) break;
    }
    assert.ok(got.every((m) => m.channel === 'db-posts'));
    const seqs = got.map((m) => m.data.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    assert.deepEqual(got.map((m) => m.event.slice(9)), ['added', 'added', 'modified', 'removed', 'added']);

    const r2 = await established(server);
    r2.send({ event: 'pusher:subscribe', data: { channel: 'db-posts', since: 1000000 } });
    await r2.event('pusher_internal:subscription_succeeded');
    const failed = await r2.event('headroom:recovery_failed');
    assert.equal(failed.channel, 'db-posts');
    assert.equal(failed.data.since, 1000000);
    assert.match(failed.data.reason, /beyond/);
    const last = seqs[seqs.length - 1];
    const r3 = await established(server);  // caught up: nothing to replay, no failure
    r3.send({ event: 'pusher:subscribe', data: { channel: 'db-posts', since: last } });
    await r3.event('pusher_internal:subscription_succeeded');
    await sleep(150);
    assert.equal(r3.messages.filter((m) => /^headroom:/.test(m.event)).length, 0);
    r3.close();
    r2.send({ event: 'pusher:subscribe', data: { channel: 'db-other', since: 'x' } });
    await r2.event('pusher:error');
    r2.close();
  } finally {
    r.close();
  }
});

test('private-db- on an authenticated collection needs sign-in; owner-read collections have no feed', async () => {
  const user = { id: 'u1', user_info: {} };
  const p = client(server, { userData: user });
  try {
    await connected(p);
    // Not signed in: refused, on the public and on the private channel.
    await assert.rejects(subscribed(p, 'db-notes'), (e) => e.err && e.err.status === 403);
    await assert.rejects(subscribed(p, 'private-db-notes'), (e) => e.err && e.err.status === 403);
    // pusher-js keeps a refused channel "pending" (a later subscribe would not be sent): drop it.
    p.channels.remove('db-notes');
    p.channels.remove('private-db-notes');
    p.signin();
    await until(() => p.user.user_data, 'sign-in');
    const { ch } = await subscribed(p, 'private-db-notes');
    const got = new Promise((resolve) => ch.bind('headroom:added', resolve));
    const token = api.token('u1');
    assert.equal((await api.call('PUT', '/collections/notes/docs/n1', { body: { text: 'hi' }, token })).status, 201);
    const ev = await got;
    assert.equal(ev.id, 'n1');
    assert.equal(ev.doc.text, 'hi');
    await assert.rejects(subscribed(p, 'private-db-diary'), (e) => e.err && e.err.status === 403);
    await assert.rejects(subscribed(p, 'db-diary'), (e) => e.err && e.err.status === 403);
  } finally {
    p.disconnect();
  }

  // Resume on the private channel with a raw socket: sign in, then subscribe with auth and since.
  const r = await established(server);
  try {
    const sdk = serverSdk(server);
    r.send({ event: 'pusher:signin', data: sdk.authenticateUser(r.socketId, user) });
    await r.event('pusher:signin_success');
    const { auth } = sdk.authorizeChannel(r.socketId, 'private-db-notes');
    r.send({ event: 'pusher:subscribe', data: { channel: 'private-db-notes', auth, since: 0 } });
    await r.event('pusher_internal:subscription_succeeded');
    const m = await r.event('headroom:added');
    assert.equal(m.data.id, 'n1');
  } finally {
    r.close();
  }
});
