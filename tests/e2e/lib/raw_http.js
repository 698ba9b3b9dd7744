// Raw TCP helpers for what a well-behaved HTTP client cannot send: broken request lines, huge
// headers, requests that never finish.
'use strict';
const net = require('node:net');

// Sends `bytes`, collects everything until the server closes or `timeoutMs` passes.
function rawExchange(port, bytes, { timeoutMs = 5000, keepOpen = false } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    const timer = setTimeout(() => { sock.destroy(); resolve({ data, closed }); }, timeoutMs);
    sock.on('data', (d) => { data += d; });
    sock.on('close', () => { closed = true; clearTimeout(timer); resolve({ data, closed }); });
    sock.on('error', () => {});
    sock.on('connect', () => { if (bytes) sock.write(bytes); if (!keepOpen) { /* leave open for reply */ } });
  });
}

module.exports = { rawExchange };
