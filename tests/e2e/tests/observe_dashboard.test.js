// The dashboard in headless Chromium: served from the binary, login with the admin token, live
// charts with data from real traffic (HTTP, WebSockets, VIP sign-ins, events) and a firing alert.
// Saves tests/e2e/artifacts/dashboard.png.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startServer, DEFAULT_APP } = require('../lib/server');
const { client, connected, subscribed, serverSdk } = require('./channels_util');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Background traffic until stop(): fast and slow requests, some 5xx, events to subscribed clients.
function traffic(s) {
  let running = true;
  const sdk = serverSdk(s);
  const loops = [
    (async () => {
      for (let i = 0; running; i++) {
        const target = i % 5 === 0 ? '/v1/test/fail' : i % 3 === 0 ? `/v1/test/slow?ms=${20 + (i % 5) * 30}` : '/healthz';
        await fetch(s.url + target).then((r) => r.arrayBuffer()).catch(() => {});
        await sleep(15);
      }
    })(),
    (async () => {
      for (let i = 0; running; i++) {
        await sdk.trigger('room-1', 'message', { n: i }).catch(() => {});
        await sleep(60);
      }
    })(),
    (async () => {
      const docs = `${s.url}/v1/apps/${s.app.id}/collections/messages/docs`;
      for (let i = 0; running; i++) {
        const id = 'm' + (i % 8);
        if (i % 5 === 0) {
          await fetch(`${docs}/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text: 'hello ' + i }) }).then((r) => r.arrayBuffer()).catch(() => {});
        } else {
          await fetch(`${docs}/${id}`).then((r) => r.arrayBuffer()).catch(() => {});
        }
        await sleep(25);
      }
    })(),
  ];
  return async () => { running = false; await Promise.all(loops); };
}

// Runs in the page before its scripts: wraps the uPlot constructor so the test can read each
// chart's data and where uPlot put its points. Nothing in the dashboard itself is changed.
function recordCharts() {
  let real;
  window.__charts = [];
  Object.defineProperty(window, 'uPlot', {
    configurable: true,
    get: () => real,
    set: (v) => {
      real = new Proxy(v, {
        construct(target, args) {
          const u = Reflect.construct(target, args);
          window.__charts.push({ id: args[2] && args[2].id, u });
          return u;
        },
      });
    },
  });
}

// In the page: for one chart and one series, its data, and whether the canvas shows the series'
// stroke colour at the pixels uPlot computed for that series' points (so the line is drawn there).
function seriesOnCanvas([id, seriesIndex]) {
  const entry = window.__charts.find((c) => c.id === id);
  if (!entry) return { error: `no uPlot chart in #${id}` };
  const u = entry.u;
  const stroke = u.series[seriesIndex].stroke;
  const css = typeof stroke === 'function' ? stroke(u, seriesIndex) : stroke;
  const probe = document.createElement('canvas').getContext('2d');
  probe.fillStyle = css;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  const ctx = u.ctx;
  const xs = u.data[0];
  const ys = u.data[seriesIndex];
  let checked = 0;
  let drawn = 0;
  for (let i = 0; i < xs.length; i++) {
    if (ys[i] === null || ys[i] === undefined) continue;
    const cx = Math.round(u.valToPos(xs[i], 'x', true));
    const cy = Math.round(u.valToPos(ys[i], 'y', true));
    if (cx < 3 || cy < 3 || cx > ctx.canvas.width - 4 || cy > ctx.canvas.height - 4) continue;
    checked++;
    const px = ctx.getImageData(cx - 2, cy - 2, 5, 5).data;
    for (let k = 0; k < px.length; k += 4) {
      if (Math.abs(px[k] - r) + Math.abs(px[k + 1] - g) + Math.abs(px[k + 2] - b) < 90 && px[k + 3] > 128) { drawn++; break; }
    }
  }
  return { label: u.series[seriesIndex].label, xs: Array.from(xs), ys: Array.from(ys), checked, drawn,
    canvas: [ctx.canvas.width, ctx.canvas.height] };
}

test('dashboard: login, charts with data, a firing alert, screenshot', { timeout: 90000 }, async () => {
  assert.ok(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (Debian package chromium: scripts/install-deps.sh test)`);
  const s = await startServer({
    apps: [{ ...DEFAULT_APP, collections: { messages: { read: 'public', write: 'public' } } }],
    sections: { server: { test_routes: true }, rate_limits: { enabled: false },
      alerts: { eval_interval_ms: 500, for_ms: 1000, error_ratio: 0.02 } },
  });
  const clients = [];
  let browser;
  let stopTraffic = async () => {};
  try {
    for (let i = 0; i < 6; i++) {
      const vip = i < 2;
      const p = client(s, { userData: { id: `user-${i}`, user_info: vip ? { tier: 'vip' } : {} } });
      clients.push(p);
      await connected(p);
      await subscribed(p, 'room-1');
      if (vip) p.signin();
    }
    stopTraffic = traffic(s);
    await sleep(5000);  // a few sampling periods of history before the page opens

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(recordCharts);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(s.url + '/dashboard');
    await page.waitForSelector('#login-form', { state: 'visible' });

    // A wrong token is refused and the form comes back.
    await page.fill('#token', 'wrong-token-wrong-token-000');
    await page.click('#login-form button');
    await page.waitForFunction(() => document.getElementById('login-error').textContent.includes('not accepted'));

    await page.fill('#token', s.adminToken);
    await page.click('#login-form button');
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 10000 });
    await page.waitForSelector('.badge.firing.critical', { timeout: 15000 }).catch(async (e) => {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-failure.png'), fullPage: true });
      throw e;
    });
    await sleep(4500);  // two more polls: charts move

    const canvases = await page.$$eval('.chart canvas', (cs) => cs.length);
    assert.ok(canvases >= 6, `expected 6 charts, got ${canvases}`);
    const kpis = await page.$$eval('.kpi', (ks) => Object.fromEntries(ks.map((k) =>
      [k.querySelector('.label').textContent, k.querySelector('.value').textContent])));
    assert.ok(parseFloat(kpis.Requests) > 0, JSON.stringify(kpis));
    assert.equal(parseInt(kpis.WebSockets, 10), 6);
    assert.equal(parseInt(kpis['VIP sessions'], 10), 2);
    const alertText = await page.textContent('#alerts');
    assert.match(alertText, /HighErrorRate/);
    const sections = await page.textContent('#sections');
    assert.match(sections, /messages/);
    // The cost estimate (headroom plan) for the users active now and for each seed phase.
    assert.match(sections, /Cost/);
    assert.match(sections, /active now/);
    assert.match(sections, /1 × 1 vCPU \/ 512 MiB/);
    const apps = await page.textContent('#apps');
    assert.match(apps, new RegExp(s.app.id));
    // Charts hold real points, drawn on the canvas: the requests chart has several samples of the
    // background traffic (well above zero) and its line is painted where uPlot placed them.
    const requests = await page.evaluate(seriesOnCanvas, ['chart-requests', 1]);
    assert.equal(requests.label, 'requests/s', JSON.stringify(requests));
    assert.ok(requests.xs.length >= 3, `only ${requests.xs.length} samples in the requests chart`);
    assert.ok(requests.ys.filter((v) => v > 1).length >= 2, `requests/s: ${JSON.stringify(requests.ys)}`);
    assert.ok(requests.checked >= 2 && requests.drawn >= requests.checked - 1,
      `requests/s line drawn at ${requests.drawn} of ${requests.checked} points (canvas ${requests.canvas})`);
    const errorsPerS = await page.evaluate(seriesOnCanvas, ['chart-requests', 2]);
    assert.ok(errorsPerS.ys.some((v) => v > 0), `5xx/s: ${JSON.stringify(errorsPerS.ys)}`);
    // The connections chart shows what /metrics says: 6 WebSockets, 2 VIP sessions.
    const text = await (await fetch(s.url + '/metrics')).text();
    const gauge = (name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))[1]);
    assert.equal(gauge('headroom_ws_connections'), 6);
    assert.equal(gauge('headroom_vip_sessions'), 2);
    const ws = await page.evaluate(seriesOnCanvas, ['chart-connections', 1]);
    const vipSeries = await page.evaluate(seriesOnCanvas, ['chart-connections', 2]);
    assert.equal(ws.ys[ws.ys.length - 1], gauge('headroom_ws_connections'), JSON.stringify(ws.ys));
    assert.equal(vipSeries.ys[vipSeries.ys.length - 1], gauge('headroom_vip_sessions'), JSON.stringify(vipSeries.ys));
    assert.ok(ws.checked >= 2 && ws.drawn >= ws.checked - 1, `WebSockets line drawn at ${ws.drawn} of ${ws.checked} points`);
    // The triggered events reach six subscribers: messages flow; the slow test route shows in p95.
    const messages = await page.evaluate(seriesOnCanvas, ['chart-messages', 1]);
    assert.ok(messages.ys.some((v) => v > 1), `messages/s: ${JSON.stringify(messages.ys)}`);
    const p95 = await page.evaluate(seriesOnCanvas, ['chart-latency', 2]);
    assert.ok(p95.ys.some((v) => v > 1), `p95 ms: ${JSON.stringify(p95.ys)}`);
    assert.deepEqual(errors, []);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // Sign out clears the token.
    await page.click('#logout');
    await page.waitForSelector('#login-form', { state: 'visible' });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('headroom.adminToken')), null);
  } finally {
    await stopTraffic();
    for (const p of clients) p.disconnect();
    if (browser) await browser.close();
    await s.stop();
  }
});
