// Helpers for the channels end-to-end tests: real pusher-js clients, the `pusher` server SDK and
// raw `ws` sockets against the real binary.
'use strict';
const PusherJS = require('pusher-js');
const Pusher = require('pusher');
const WebSocket = require('ws');

// pusher-js (faye-websocket) closes its socket twice after a user sign-in and leaks the first
// 30 s close-wait timer, which would keep the test process alive; long timers are unref'd.
const originalSetTimeout = global.setTimeout;
global.setTimeout = function setTimeoutUnrefLong(fn, ms, ...args) {
  const t = originalSetTimeout(fn, ms, ...args);
  if (ms >= 30000 && t && t.unref) t.unref();
  return t;
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function serverSdk(s, app = s.app) {
  return new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(s.port), useTLS: false });
}

// A pusher-js client whose channel and user auth are signed locally with the server SDK.
function client(s, { app = s.app, userData, ...options } = {}) {
  const sdk = serverSdk(s, app);
  return new PusherJS(app.key, {
    wsHost: '127.0.0.1', wsPort: s.port, forceTLS: false, enabledTransports: ['ws'], cluster: 'mt1',
    disableStats: true,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, cb) => {
        const data = channelName.startsWith('presence-') ? (userData || { user_id: 'u-' + socketId, user_info: {} }) : undefined;
        cb(null, sdk.authorizeChannel(socketId, channelName, data));
      },
    },
    userAuthentication: {
      customHandler: ({ socketId }, cb) => cb(null, sdk.authenticateUser(socketId, userData || { id: 'user-1' })),
    },
    ...options,
  });
}

function connected(p) {
  return new Promise((resolve, reject) => {
    if (p.connection.state === 'connected') return resolve(p.connection.socket_id);
    const t = setTimeout(() => reject(new Error('not connected: ' + p.connection.state)), 5000);
    p.connection.bind('connected', () => { clearTimeout(t); resolve(p.connection.socket_id); });
  });
}

function subscribed(p, name) {
  const ch = p.subscribe(name);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('not subscribed: ' + name)), 5000);
    ch.bind('pusher:subscription_succeeded', (data) => { clearTimeout(t); resolve({ ch, data }); });
    ch.bind('pusher:subscription_error', (err) => { clearTimeout(t); reject(Object.assign(new Error('subscription_error'), { err })); });
  });
}

function nextEvent(ch, name, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no event ' + name)), ms);
    const fn = (data, meta) => { clearTimeout(t); ch.unbind(name, fn); resolve({ data, meta }); };
    ch.bind(name, fn);
  });
}

// A raw WebSocket that collects parsed Pusher messages.
async function raw(s, key = s.app.key, query = '?protocol=7&client=js&version=8.4.0') {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/app/${key}${query}`);
  const messages = [];
  const waiters = [];
  ws.on('message', (buf) => {
    let m;
    try { m = JSON.parse(buf.toString()); } catch (_) { m = { raw: buf.toString() }; }
    if (typeof m.data === 'string') { try { m.data = JSON.parse(m.data); } catch (_) { /* keep */ } }
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', () => {});
  const api = {
    ws, messages, closed,
    send(obj) { ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)); },
    async next(pred, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = messages.findIndex(pred);
        if (i >= 0) return messages.splice(i, 1)[0];
        if (Date.now() > deadline) throw new Error('no matching message; got ' + JSON.stringify(messages));
        await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
      }
    },
    event(name, ms) { return api.next((m) => m.event === name, ms); },
    close() { try { ws.close(); } catch (_) { /* ignore */ } },
  };
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); ws.once('close', resolve); });
  return api;
}

async function established(s, key) {
  const r = await raw(s, key);
  const m = await r.event('pusher:connection_established');
  r.socketId = m.data.socket_id;
  return r;
}

async function metric(s, pattern) {
  const text = await (await fetch(s.url + '/metrics')).text();
  const m = text.match(pattern);
  return m ? Number(m[1]) : undefined;
}

module.exports = { sleep, serverSdk, client, connected, subscribed, nextEvent, raw, established, metric };
