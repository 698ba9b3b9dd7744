#!/usr/bin/env node
// Turns one bench/run-all results file into the table of ratios in docs/benchmarks.md (between
// the run-all markers; other sections of that file are left alone) and an SVG chart beside the
// results. Usage: node bench/summarize.js bench/results/<date>.json docs/benchmarks.md
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [resultsPath, docPath] = process.argv.slice(2);
const data = JSON.parse(fs.readFileSync(resultsPath, 'utf8'));
const BEGIN = '<!-- bench:run-all:begin -->';
const END = '<!-- bench:run-all:end -->';

function find(server, scenario, variant) {
  const r = data.runs.find((x) => x.server === server && x.scenario === scenario && (!variant || x.variant === variant));
  return r && r.output && r.output.results ? r.output.results : null;
}
const num = (v, digits = 0) => (typeof v === 'number' && isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a');
const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null);
const fmtRatio = (r) => (r === null ? 'n/a' : `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`);
const verdict = (r, target, higherIsBetter = true) =>
  r === null ? '' : (higherIsBetter ? r >= target : r <= target) ? 'met' : '**not met**';

const rows = []; // [measure, headroom, peer label, peer value, ratio, target, verdict]
const chart = []; // {label, ratio, target}
function add(measure, hr, peerName, peer, r, target, targetText, higherIsBetter = true, unit = '') {
  rows.push([measure, hr + unit, peerName, peer + unit, fmtRatio(r), targetText, target === null ? '' : verdict(r, target, higherIsBetter)]);
  if (r !== null) chart.push({ label: `${measure} vs ${peerName}`, ratio: r, target, higherIsBetter });
}

for (const run of data.runs.filter((x) => x.server === 'headroom' && x.scenario === 'fanout')) {
  const v = run.variant;
  const hr = find('headroom', 'fanout', v);
  if (!hr) continue;
  const label = `fan-out ${v.replace('x', ' subs × ')}/s`;
  for (const [peer, target] of [['soketi', 10], ['nats', 1], ['redis', null]]) {
    const p = find(peer, 'fanout', v);
    if (!p) continue;
    add(`${label}: deliveries/s`, num(hr.deliveries_per_s), peer, num(p.deliveries_per_s),
      ratio(hr.deliveries_per_s, p.deliveries_per_s), target, target ? `≥ ${target}×` : 'reference');
  }
  const sk = find('soketi', 'fanout', v);
  if (sk) {
    add(`${label}: delivery p99`, num(hr.delivery_latency.p99_ms, 2), 'soketi', num(sk.delivery_latency.p99_ms, 2),
      ratio(hr.delivery_latency.p99_ms, sk.delivery_latency.p99_ms), 0.2, '≤ 0.2×', false, ' ms');
  }
}
const idleHr = find('headroom', 'idle');
for (const peer of ['soketi', 'nats', 'redis']) {
  const p = find(peer, 'idle');
  if (idleHr && p) {
    add(`idle RSS per connection (${num(idleHr.connections_ready)} conns)`, num(idleHr.server_rss_per_connection_bytes),
      peer, num(p.server_rss_per_connection_bytes), ratio(idleHr.server_rss_per_connection_bytes, p.server_rss_per_connection_bytes),
      null, 'Headroom ≤ 4096 B', false, ' B');
  }
}
const httpHr = find('headroom', 'http');
const httpSk = find('soketi', 'http');
const httpNg = find('nginx', 'http');
if (httpHr && httpSk && httpHr.trigger && httpSk.trigger) {
  add('signed triggers/s', num(httpHr.trigger.ok_per_s), 'soketi', num(httpSk.trigger.ok_per_s),
    ratio(httpHr.trigger.ok_per_s, httpSk.trigger.ok_per_s), 10, '≥ 10×');
}
if (httpHr && httpNg && httpHr.get && httpNg.get) {
  add('cached document GET/s', num(httpHr.get.ok_per_s), 'nginx return 200', num(httpNg.get.ok_per_s),
    ratio(httpHr.get.ok_per_s, httpNg.get.ok_per_s), 0.8, '≥ 0.8×');
}
const coldHr = find('headroom', 'coldstart');
const coldSk = find('soketi', 'coldstart');
if (coldHr) {
  add('cold start to ready', num(coldHr.ready_ms_median, 1), 'soketi', coldSk ? num(coldSk.ready_ms_median, 1) : 'n/a',
    coldSk ? ratio(coldHr.ready_ms_median, coldSk.ready_ms_median) : null, null, 'Headroom ≤ 50 ms', false, ' ms');
}
const usersHr = find('headroom', 'users');
const usersSk = find('soketi', 'users');
if (usersHr) {
  add('user model: users reached (one core)', num(usersHr.users_reached), 'soketi (channels only)',
    usersSk ? num(usersSk.users_reached) : 'n/a', usersSk ? ratio(usersHr.users_reached, usersSk.users_reached) : null,
    null, '50,000 users');
}

// ---- SVG: ratios per measure (log scale), and p99 vs users for the user model ----
function svg() {
  const W = 900, rowH = 22, left = 360, top = 40;
  const lg = (x) => Math.log10(Math.max(x, 1e-3));
  const minL = -2, maxL = 2; // 0.01× .. 100×
  const xOf = (r) => left + ((Math.min(Math.max(lg(r), minL), maxL) - minL) / (maxL - minL)) * (W - left - 40);
  const H1 = top + chart.length * rowH + 30;
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  let s = `<text x="10" y="20" font-weight="bold">Headroom ÷ peer (log scale; 1× = equal; ${esc(data.date)})</text>`;
  for (const t of [0.01, 0.1, 1, 10, 100]) {
    s += `<line x1="${xOf(t)}" y1="${top - 8}" x2="${xOf(t)}" y2="${H1 - 24}" stroke="#ccc"/><text x="${xOf(t) - 10}" y="${H1 - 10}" font-size="11">${t}×</text>`;
  }
  chart.forEach((c, i) => {
    const y = top + i * rowH;
    const good = c.higherIsBetter ? c.ratio >= 1 : c.ratio <= 1;
    const x0 = xOf(1), x1 = xOf(c.ratio);
    s += `<text x="${left - 6}" y="${y + 14}" font-size="11" text-anchor="end">${esc(c.label)}</text>`;
    s += `<rect x="${Math.min(x0, x1)}" y="${y + 3}" width="${Math.max(Math.abs(x1 - x0), 1)}" height="${rowH - 8}" fill="${good ? '#2a9d8f' : '#e76f51'}"/>`;
    if (c.target) s += `<line x1="${xOf(c.target)}" y1="${y + 1}" x2="${xOf(c.target)}" y2="${y + rowH - 3}" stroke="#000" stroke-dasharray="2,2"/>`;
  });
  // p99 vs users
  const series = [['headroom', usersHr, '#2a9d8f'], ['soketi', usersSk, '#e76f51']].filter((x) => x[1] && x[1].steps.length);
  const pTop = H1 + 30, pH = 220, pLeft = 60, pW = W - 100;
  const maxUsers = Math.max(1, ...series.flatMap(([, u]) => u.steps.map((st) => st.users)));
  const worst = (st) => Math.max(st.client_event_p99_ms || 0, st.doc_read_p99_ms || 0, st.doc_write_p99_ms || 0);
  const maxP = Math.max(250, ...series.flatMap(([, u]) => u.steps.map(worst)));
  const px = (u) => pLeft + (u / maxUsers) * pW, py = (p) => pTop + pH - (Math.min(p, maxP) / maxP) * pH;
  s += `<text x="10" y="${pTop - 10}" font-weight="bold">User model: worst p99 per step (ms) vs users</text>`;
  s += `<line x1="${pLeft}" y1="${pTop + pH}" x2="${pLeft + pW}" y2="${pTop + pH}" stroke="#000"/><line x1="${pLeft}" y1="${pTop}" x2="${pLeft}" y2="${pTop + pH}" stroke="#000"/>`;
  s += `<line x1="${pLeft}" y1="${py(200)}" x2="${pLeft + pW}" y2="${py(200)}" stroke="#000" stroke-dasharray="4,3"/><text x="${pLeft + 4}" y="${py(200) - 4}" font-size="11">200 ms</text>`;
  s += `<text x="${pLeft + pW - 40}" y="${pTop + pH + 16}" font-size="11">${maxUsers} users</text>`;
  series.forEach(([name, u, color], i) => {
    const pts = u.steps.map((st) => `${px(st.users).toFixed(1)},${py(worst(st)).toFixed(1)}`).join(' ');
    s += `<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"/>`;
    s += `<text x="${pLeft + 10 + i * 120}" y="${pTop + 14}" fill="${color}" font-size="12">${name}</text>`;
  });
  const H = pTop + pH + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/>${s}</svg>\n`;
}
const svgPath = resultsPath.replace(/\.json$/, '.svg');
fs.writeFileSync(svgPath, svg());

// ---- markdown ----
const m = data.machine;
const rel = (p) => path.relative(path.dirname(docPath), p);
let md = `${BEGIN}\n## Side by side: latest \`bench/run-all\` (${data.date}${data.quick ? ', QUICK' : ''})\n\n`;
md += `Machine: ${m.cpu}, ${m.cores} cores, ${Math.round(m.memory_kb / 1048576)} GiB, Linux ${m.kernel}, file limit ${m.file_limit}. `;
md += `Every server pinned to CPU 1 with one thread/worker, headroom-bench pinned to CPU 0 with one loop. `;
md += `Versions: ${data.versions.headroom}, Soketi ${data.versions.soketi}, ${data.versions.nats}, Redis ${data.versions.redis}, nginx ${data.versions.nginx}.\n\n`;
md += `Raw results: [${path.basename(resultsPath)}](${rel(resultsPath)}); chart: [${path.basename(svgPath)}](${rel(svgPath)}).\n\n`;
md += '| measure | Headroom | peer | peer value | Headroom ÷ peer | target (issue 8) | |\n|---|---:|---|---:|---:|---|---|\n';
for (const r of rows) md += `| ${r.join(' | ')} |\n`;
if (usersHr) {
  md += `\nUser model (Headroom): stopped at ${num(usersHr.users_reached)} users (${usersHr.stop_reason}); steps:\n\n`;
  md += '| users | RSS MB | client event p99 ms | doc read p99 ms | doc write p99 ms | join p99 ms |\n|---:|---:|---:|---:|---:|---:|\n';
  for (const st of usersHr.steps) {
    md += `| ${st.users} | ${num(st.server_rss_bytes / 1048576, 1)} | ${num(st.client_event_p99_ms, 2)} | ${num(st.doc_read_p99_ms, 2)} | ${num(st.doc_write_p99_ms, 2)} | ${num(st.join_p99_ms, 2)} |\n`;
  }
}
const failed = data.runs.filter((x) => x.exit !== 0 || (x.output && x.output.error_count));
if (failed.length) {
  md += '\nRuns with errors: ' + failed.map((x) => `${x.server} ${x.scenario} ${x.variant} (exit ${x.exit}, ` +
    `${(x.output && x.output.error_count) || 0} errors: ${JSON.stringify(((x.output && x.output.errors) || []).slice(0, 2))})`).join('; ') + '\n';
}
md += `${END}\n`;

let doc = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '# Benchmarks\n\n';
if (doc.includes(BEGIN) && doc.includes(END)) {
  doc = doc.slice(0, doc.indexOf(BEGIN)) + md + doc.slice(doc.indexOf(END) + END.length + 1);
} else {
  doc = doc.replace(/\s*$/, '\n\n') + md;
}
fs.writeFileSync(docPath, doc);
process.stdout.write(md);
