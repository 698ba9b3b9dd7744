// Headroom dashboard: polls /v1/admin/overview every 2 s with the admin token (kept in
// sessionStorage) and draws rolling charts with uPlot. No framework, no network beyond this host.
'use strict';
(function () {
  const POLL_MS = 2000;
  const WINDOW_POINTS = 300; // 10 minutes at the server's 2 s sampling
  const TOKEN_KEY = 'headroom.adminToken';
  const $ = (id) => document.getElementById(id);
  const colors = { blue: '#3b6ef5', violet: '#8b5cf6', green: '#16a34a', amber: '#d97706', red: '#dc2626',
    teal: '#0d9488', grey: '#9aa3b5' };

  let token = sessionStorage.getItem(TOKEN_KEY) || '';
  let since = 0;
  let timer = null;
  const points = [];
  const charts = {};
  let thresholds = { cpu_ratio: 0.8, memory_ratio: 0.8, latency_p95_s: 0.2, cache_hit_ratio: 0.5 };

  // ---- formatting ---------------------------------------------------------------------------
  const fmt = {
    num(v, d = 1) {
      if (v === null || v === undefined || Number.isNaN(v)) return '–';
      if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(1) + 'M';
      if (Math.abs(v) >= 1e4) return (v / 1e3).toFixed(1) + 'k';
      return Number.isInteger(v) ? String(v) : v.toFixed(d);
    },
    ms(s) { return s === null || s === undefined ? '–' : (s * 1000 < 10 ? (s * 1000).toFixed(2) : (s * 1000).toFixed(0)); },
    pct(r) { return r === null || r === undefined ? '–' : (r * 100).toFixed(r < 0.1 ? 1 : 0); },
    bytes(b) {
      const u = ['B', 'KB', 'MB', 'GB'];
      let i = 0;
      while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
      return b.toFixed(i ? 1 : 0) + ' ' + u[i];
    },
    duration(s) {
      if (!s || s < 0) return '';
      if (s < 60) return Math.floor(s) + ' s';
      if (s < 3600) return Math.floor(s / 60) + ' min';
      if (s < 86400) return (s / 3600).toFixed(1) + ' h';
      return (s / 86400).toFixed(1) + ' d';
    },
    time(ms) { return new Date(ms).toLocaleTimeString(); },
  };
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  // ---- charts -------------------------------------------------------------------------------
  function line(label, stroke, extra = {}) { return { label, stroke, width: 2, points: { show: false }, ...extra }; }
  function limitLine(label) { return { label, stroke: colors.red, width: 1, dash: [6, 4], points: { show: false } }; }

  const chartDefs = {
    latency: {
      el: 'chart-latency', unit: 'ms',
      series: [line('p50', colors.green), line('p95', colors.blue), line('p99', colors.violet), limitLine('200 ms trigger')],
      values: (p) => [p.p50 * 1000, p.p95 * 1000, p.p99 * 1000, thresholds.latency_p95_s * 1000],
    },
    requests: {
      el: 'chart-requests', unit: '/s',
      series: [line('requests/s', colors.blue, { fill: 'rgba(59,110,245,.08)' }), line('5xx/s', colors.red, { fill: 'rgba(220,38,38,.10)' })],
      values: (p) => [p.rps, p.eps],
    },
    resources: {
      el: 'chart-resources', unit: '%', max: 100,
      series: [line('CPU', colors.blue), line('memory', colors.violet), limitLine('80 % trigger')],
      values: (p) => [p.cpu * 100, p.mem * 100, thresholds.cpu_ratio * 100],
    },
    connections: {
      el: 'chart-connections', unit: '',
      series: [line('WebSockets', colors.blue), line('VIP sessions', colors.amber), line('active users (5 min)', colors.teal)],
      values: (p) => [p.ws, p.vip, p.users],
    },
    messages: {
      el: 'chart-messages', unit: '/s',
      series: [line('messages/s', colors.teal, { fill: 'rgba(13,148,136,.08)' }), line('rate limited/s', colors.amber)],
      values: (p) => [p.mps, p.rl],
    },
    cache: {
      el: 'chart-cache', unit: '%', max: 100,
      series: [line('hit ratio', colors.green, { spanGaps: true }), limitLine('alert below')],
      values: (p) => [p.cache_hit === null ? null : p.cache_hit * 100, thresholds.cache_hit_ratio * 100],
      emptyNote: 'No cache lookups in the last minute',
    },
  };

  function makeChart(name) {
    const def = chartDefs[name];
    const el = $(def.el);
    const opts = {
      width: Math.max(200, el.clientWidth),
      height: 170,
      legend: { live: false },
      cursor: { points: { size: 6 } },
      scales: { x: { time: true }, y: def.max ? { range: (u, min, max) => [0, Math.max(def.max, max)] } : { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
      axes: [
        { stroke: '#6b7385', grid: { stroke: '#eef1f7' }, ticks: { stroke: '#e4e8f0' }, space: 70,
          values: (u, vals) => vals.map((v) => new Date(v * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })) },
        { stroke: '#6b7385', grid: { stroke: '#eef1f7' }, ticks: { stroke: '#e4e8f0' }, size: 48,
          values: (u, vals) => vals.map((v) => fmt.num(v, v < 10 ? 1 : 0) + (def.unit === '%' ? '%' : '')) },
      ],
      series: [{}, ...def.series.map((s) => ({ ...s, value: (u, v) => (v === null || v === undefined ? '–' : fmt.num(v, 2) + ' ' + def.unit) }))],
    };
    charts[name] = new uPlot(opts, emptyData(def), el);
  }
  function emptyData(def) { return [[], ...def.series.map(() => [])]; }

  function redraw() {
    for (const [name, def] of Object.entries(chartDefs)) {
      const data = [points.map((p) => p.ts / 1000)];
      def.series.forEach((_, i) => data.push(points.map((p) => def.values(p)[i])));
      charts[name].setData(data);
      if (def.emptyNote) {
        const empty = data[1].every((v) => v === null || v === undefined);
        const el = $(def.el);
        el.classList.toggle('is-empty', empty);
        el.dataset.note = def.emptyNote;
      }
    }
  }
  function resize() {
    for (const [name, def] of Object.entries(chartDefs)) {
      const el = $(def.el);
      if (charts[name]) charts[name].setSize({ width: Math.max(200, el.clientWidth), height: 170 });
    }
  }

  // ---- panels -------------------------------------------------------------------------------
  function kpi(label, value, unit, level, title) {
    return `<div class="kpi ${level || ''}" title="${esc(title || label)}"><div class="label">${esc(label)}</div><div class="value">${esc(value)}<small>${esc(unit || '')}</small></div></div>`;
  }
  function level(v, warn, bad) { return v >= bad ? 'bad' : v >= warn ? 'warn' : ''; }

  function renderKpis(o) {
    const c = o.current;
    const t = o.thresholds;
    $('kpis').innerHTML = [
      kpi('Requests', fmt.num(c.rps, 1), '/s'),
      kpi('Error ratio', fmt.pct(c.error_ratio), '%', level(c.error_ratio, t.error_ratio / 2, t.error_ratio)),
      kpi('p95 latency', fmt.ms(c.p95), 'ms', level(c.p95, t.latency_p95_s * 0.75, t.latency_p95_s)),
      kpi('WebSockets', fmt.num(c.ws), ''),
      kpi('VIP sessions', fmt.num(c.vip), ''),
      kpi('Active users', fmt.num(Math.round(c.users)), '5 min'),
      kpi('Messages', fmt.num(c.mps, 1), '/s'),
      kpi('Cache hits', c.cache_hit === null ? '–' : fmt.pct(c.cache_hit), c.cache_hit === null ? 'no lookups' : '%'),
      kpi('CPU', fmt.pct(c.cpu), '%', level(c.cpu, t.cpu_ratio * 0.75, t.cpu_ratio)),
      kpi('Memory', fmt.pct(c.mem), '%', level(c.mem, t.memory_ratio * 0.75, t.memory_ratio),
        `${fmt.bytes(c.mem_bytes)} resident of a ${fmt.bytes(o.limits.memory_limit_bytes)} limit`),
      kpi('Pressure', fmt.num(c.pressure, 2), '×', level(c.pressure, 0.75, 1),
        'Scale pressure: largest of CPU/80 %, memory/80 %, p95/200 ms, concurrent requests/60; 1 = scale out'),
    ].join('');
  }

  function renderAlerts(a) {
    const active = a.active || [];
    $('alert-count').textContent = active.length ? `${active.length} active` : '';
    let html = '';
    if (!active.length) html += '<div class="ok-line">✓ All clear</div>';
    for (const s of active) {
      html += `<div class="alert"><span class="badge ${esc(s.state)} ${esc(s.severity)}">${esc(s.state)}</span>
        <div><div class="name">${esc(s.name)} <span class="muted">· ${esc(s.severity)}</span></div>
        <div class="desc">${esc(s.summary)} — value ${fmt.num(s.value, 3)} ${esc(s.comparison)} ${fmt.num(s.threshold, 3)}
        ${s.active_since ? ' · since ' + fmt.time(s.active_since) : ''}</div></div></div>`;
    }
    const recent = (a.recent || []).slice(0, 6);
    if (recent.length) {
      html += '<h3>Recent</h3>';
      for (const t of recent) {
        const label = t.to === 'inactive' ? 'cleared' : t.to; // pending that cleared before its `for`
        html += `<div class="alert"><span class="badge ${esc(t.to)} ${esc(t.severity)}">${esc(label)}</span>
          <div><div class="name">${esc(t.name)}</div><div class="desc">${fmt.time(t.at)} · value ${fmt.num(t.value, 3)}</div></div></div>`;
      }
    }
    html += `<h3>Rules</h3><div class="desc muted">${(a.rules || []).map((r) => esc(r.name)).join(' · ')}</div>`;
    $('alerts').innerHTML = html;
  }

  function bar(ratio, warnAt) {
    const r = Math.max(0, Math.min(1, ratio || 0));
    const cls = r >= 1 ? 'bad' : r >= warnAt ? 'warn' : '';
    return `<div class="bar"><span class="${cls}" style="width:${(r * 100).toFixed(1)}%"></span></div>`;
  }

  function renderQuota(o) {
    const rows = o.quota || [];
    if (!rows.length) { $('quota').innerHTML = '<div class="empty">No quota use reported yet.</div>'; return; }
    $('quota').innerHTML = '<table><tr><th>App</th><th>Operation</th><th>Used / limit</th></tr>' + rows.map((q) =>
      `<tr><td>${esc(q.app)}</td><td>${esc(q.op || q.kind || '')}</td><td>${fmt.num(q.used)} / ${q.limit ? fmt.num(q.limit) : '∞'}
        ${q.ratio === null ? '' : bar(q.ratio, o.thresholds.quota_ratio)}</td></tr>`).join('') + '</table>';
  }

  function renderApps(o) {
    const apps = o.apps || [];
    if (!apps.length) { $('apps').innerHTML = '<div class="empty">No apps configured.</div>'; return; }
    $('apps').innerHTML = '<table><tr><th>App</th><th>Key</th><th>Collections</th><th>State</th></tr>' + apps.map((a) =>
      `<tr><td><b>${esc(a.id)}</b> ${a.name ? '<span class="muted">' + esc(a.name) + '</span>' : ''}</td><td><code>${esc(a.key)}</code></td>
        <td>${a.collections}</td><td>${a.enabled ? 'enabled' : '<span class="muted">disabled</span>'}</td></tr>`).join('') +
      `</table><div class="desc muted" style="margin-top:8px">${fmt.num(o.current.channels)} occupied channels · ${fmt.num(o.current.subscriptions)} subscriptions</div>` +
      backupsLine(o.current.backups);
  }

  function backupsLine(b) {
    if (!b) return '';
    const last = b.last_success > 0 ? 'last ' + fmt.duration(Date.now() / 1000 - b.last_success) + ' ago' : 'none yet';
    return `<div class="desc muted" style="margin-top:4px">Backups: ${esc(last)} · ${fmt.num(b.total)} done` +
      (b.failures ? ` · <span style="color:var(--red)">${fmt.num(b.failures)} failed</span>` : '') + '</div>';
  }

  function table(rows) {
    if (!Array.isArray(rows) || !rows.length) return '<div class="empty">Nothing yet.</div>';
    const cols = Object.keys(rows[0]);
    return '<table><tr>' + cols.map((c) => `<th>${esc(c)}</th>`).join('') + '</tr>' +
      rows.slice(0, 50).map((r) => '<tr>' + cols.map((c) => `<td>${esc(typeof r[c] === 'number' ? fmt.num(r[c]) : r[c])}</td>`).join('') + '</tr>').join('') + '</table>';
  }

  function renderSections(o) {
    const s = o.sections || {};
    $('sections').innerHTML = Object.entries(s).map(([name, rows]) =>
      `<article class="card"><h2>${esc(name[0].toUpperCase() + name.slice(1))}</h2>${table(rows)}</article>`).join('');
  }

  function renderHeader(o) {
    $('instance').textContent = o.instance;
    const ready = o.current.ready >= 1;
    $('ready').textContent = ready ? 'ready' : 'not ready';
    $('ready').className = 'pill' + (ready ? '' : ' bad');
    $('uptime').textContent = o.current.uptime_s ? 'up ' + fmt.duration(o.current.uptime_s) : '';
    $('updated').textContent = 'updated ' + fmt.time(o.ts);
  }

  // ---- polling and login --------------------------------------------------------------------
  async function poll() {
    try {
      const res = await fetch('/v1/admin/overview?since=' + since, { headers: { Authorization: 'Bearer ' + token } });
      if (res.status === 401) { logout('That token was not accepted.'); return; }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const o = await res.json();
      thresholds = o.thresholds;
      for (const p of o.history) points.push(p);
      if (o.history.length) since = o.history[o.history.length - 1].ts;
      while (points.length > WINDOW_POINTS) points.shift();
      renderHeader(o);
      renderKpis(o);
      renderAlerts(o.alerts);
      renderQuota(o);
      renderApps(o);
      renderSections(o);
      redraw();
      document.body.dataset.loaded = 'true';
    } catch (e) {
      $('updated').textContent = 'connection lost — retrying';
    }
  }

  function start() {
    $('login').hidden = true;
    $('app').hidden = false;
    if (!Object.keys(charts).length) Object.keys(chartDefs).forEach(makeChart);
    poll();
    timer = setInterval(poll, POLL_MS);
  }

  function logout(message) {
    clearInterval(timer);
    token = '';
    sessionStorage.removeItem(TOKEN_KEY);
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('token').focus();
  }

  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    token = $('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    since = 0;
    points.length = 0;
    start();
  });
  $('logout').addEventListener('click', () => logout(''));
  window.addEventListener('resize', resize);

  if (token) start(); else logout('');
})();
