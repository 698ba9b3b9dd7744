// pusher-js and the `pusher` server SDK against the real binary, unchanged but for host and port.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { sleep, serverSdk, client, connected, subscribed, nextEvent, established } = require('./channels_util');

test('pusher-js connects, subscribes to a public channel and receives a triggered event', async () => {
  const s = await startServer();
  const p = client(s);
  try {
    const socketId = await connected(p);
    assert.match(socketId, /^\d+\.\d+$/);
    const { ch } = await subscribed(p, 'news');
    const got = nextEvent(ch, 'headline');
    await serverSdk(s).trigger('news', 'headline', { title: 'hello' });
    assert.deepEqual((await got).data, { title: 'hello' });
  } finally {
    p.disconnect();
    await s.stop();
  }
});

test('private channels need a valid signature; socket_id exclusion skips the sender', async () => {
  const s = await startServer();
  const a = client(s);
  const b = client(s);
  try {
    await Promise.all([connected(a), connected(b)]);
    const { ch: cha } = await subscribed(a, 'private-room');
    const { ch: chb } = await subscribed(b, 'private-room');
    let aGot = 0;
    cha.bind('ev', () => { aGot += 1; });
    const got = nextEvent(chb, 'ev');
    await serverSdk(s).trigger('private-room', 'ev', { n: 1 }, { socket_id: a.connection.socket_id });
    assert.deepEqual((await got).data, { n: 1 });
    await sleep(100);
    assert.equal(aGot, 0);
    const bad = client(s, { channelAuthorization: { customHandler: (_p, cb) => cb(null, { auth: s.app.key + ':' + 'f'.repeat(64) }) } });
    await connected(bad);
    await assert.rejects(subscribed(bad, 'private-other'), (e) => e.err && e.err.status === 401);
    bad.disconnect();
  } finally {
    a.disconnect();
    b.disconnect();
    await s.stop();
  }
});

test('presence: members, member_added/removed once per user, HTTP users and channel info', async () => {
  const s = await startServer();
  const alice = client(s, { userData: { user_id: 'alice', user_info: { name: 'Alice' } } });
  const alice2 = client(s, { userData: { user_id: 'alice', user_info: { name: 'Alice' } } });
  const bob = client(s, { userData: { user_id: 'bob', user_info: { name: 'Bob' } } });
  try {
    await Promise.all([connected(alice), connected(alice2), connected(bob)]);
    const { ch: cha } = await subscribed(alice, 'presence-room');
    assert.equal(cha.members.count, 1);
    const added = nextEvent(cha, 'pusher:member_added');
    const { ch: chb } = await subscribed(bob, 'presence-room');
    assert.equal(chb.members.count, 2);
    assert.equal(chb.members.get('alice').info.name, 'Alice');
    assert.equal((await added).data.id, 'bob');
    let extraAdds = 0;
    chb.bind('pusher:member_added', () => { extraAdds += 1; });
    await subscribed(alice2, 'presence-room');
    await sleep(150);
    assert.equal(extraAdds, 0, 'a second connection of alice is not a new member');
    const sdk = serverSdk(s);
    const users = await (await sdk.get({ path: '/channels/presence-room/users' })).json();
    assert.deepEqual(users.users.map((u) => u.id).sort(), ['alice', 'bob']);
    const info = await (await sdk.get({ path: '/channels/presence-room', params: { info: 'user_count,subscription_count' } })).json();
    assert.equal(info.occupied, true);
    assert.equal(info.user_count, 2);
    assert.equal(info.subscription_count, 3);
    const list = await (await sdk.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json();
    assert.deepEqual(list.channels, { 'presence-room': { user_count: 2 } });
    const removals = [];
    chb.bind('pusher:member_removed', (m) => removals.push(m.id));
    const removed = nextEvent(chb, 'pusher:member_removed');
    alice.disconnect();
    await sleep(150);
    assert.deepEqual(removals, [], 'alice still has a connection: not removed yet');
    alice2.disconnect();
    assert.equal((await removed).data.id, 'alice');
    await sleep(150);
    assert.deepEqual(removals, ['alice'], 'member_removed once, at the last connection');
  } finally {
    alice.disconnect();
    alice2.disconnect();
    bob.disconnect();
    await s.stop();
  }
});

test('client events reach other subscribers, not the sender, with user_id on presence', async () => {
  const s = await startServer();
  const a = client(s, { userData: { user_id: 'a', user_info: {} } });
  const b = client(s, { userData: { user_id: 'b', user_info: {} } });
  try {
    await Promise.all([connected(a), connected(b)]);
    const { ch: cha } = await subscribed(a, 'presence-chat');
    const { ch: chb } = await subscribed(b, 'presence-chat');
    let echoed = 0;
    cha.bind('client-typing', () => { echoed += 1; });
    const got = nextEvent(chb, 'client-typing');
    assert.ok(cha.trigger('client-typing', { on: true }));
    const ev = await got;
    assert.deepEqual(ev.data, { on: true });
    assert.equal(ev.meta.user_id, 'a');
    await sleep(100);
    assert.equal(echoed, 0);
  } finally {
    a.disconnect();
    b.disconnect();
    await s.stop();
  }
});

test('user sign-in, sendToUser and terminate_connections', async () => {
  const s = await startServer();
  const p = client(s, { userData: { id: 'user-42', user_info: { tier: 'vip' } } });
  try {
    await connected(p);
    p.signin();
    const got = new Promise((resolve) => p.user.bind('notice', resolve));
    for (let i = 0; i < 100 && !(p.user.serverToUserChannel && p.user.serverToUserChannel.subscribed); i++) await sleep(50);
    assert.ok(p.user.serverToUserChannel.subscribed, '#server-to-user channel subscribed');
    await serverSdk(s).sendToUser('user-42', 'notice', { hi: 1 });
    assert.deepEqual(await got, { hi: 1 });
    const metrics = await (await fetch(s.url + '/metrics')).text();
    assert.match(metrics, /headroom_vip_sessions 1/);
    // The server closes the socket with 4009 (a 40xx code: pusher-js must not reconnect).
    const closeCode = new Promise((resolve) => p.connection.bind('error', (e) => { if (e && e.data && e.data.code) resolve(e.data.code); }));
    const disconnected = new Promise((resolve) => p.connection.bind('state_change', (st) => { if (st.current === 'disconnected') resolve(); }));
    await serverSdk(s).terminateUserConnections('user-42');
    assert.equal(await closeCode, 4009);
    await disconnected;
    await sleep(300);
    assert.equal(p.connection.state, 'disconnected', 'pusher-js did not reconnect after terminate_connections');
  } finally {
    p.disconnect();
    await s.stop();
  }
});

test('private-encrypted channels: the SDK encrypts, pusher-js decrypts, the server only relays', async () => {
  const s = await startServer();
  const masterKey = require('node:crypto').randomBytes(32).toString('base64');
  const sdk = new (require('pusher'))({ appId: s.app.id, key: s.app.key, secret: s.app.secret, host: '127.0.0.1',
    port: String(s.port), useTLS: false, encryptionMasterKeyBase64: masterKey });
  const p = client(s, { channelAuthorization: { customHandler: ({ socketId, channelName }, cb) => cb(null, sdk.authorizeChannel(socketId, channelName)) } });
  // A raw socket on the same channel sees what the server relays: ciphertext only.
  const wire = await established(s);
  try {
    await connected(p);
    const { ch } = await subscribed(p, 'private-encrypted-vault');
    wire.send({ event: 'pusher:subscribe', data: { channel: 'private-encrypted-vault',
      ...sdk.authorizeChannel(wire.socketId, 'private-encrypted-vault') } });
    await wire.event('pusher_internal:subscription_succeeded');
    const got = nextEvent(ch, 'secret');
    await sdk.trigger('private-encrypted-vault', 'secret', { code: 1234 });
    assert.deepEqual((await got).data, { code: 1234 });
    const relayed = await wire.event('secret');
    assert.deepEqual(Object.keys(relayed.data).sort(), ['ciphertext', 'nonce'], JSON.stringify(relayed));
    assert.ok(!JSON.stringify(relayed).includes('1234'), 'the plaintext went over the wire');
  } finally {
    wire.close();
    p.disconnect();
    await s.stop();
  }
});
