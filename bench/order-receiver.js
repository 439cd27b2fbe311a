#!/usr/bin/env node
// The outputs' endpoint for bench/sessions.sh: answers every POST 200 at once and remembers, per output (the path:
// POST /a is output a), the order the deliveries came in: one line per event, "output sessionId messageId", from
// the envelope ({"sessionId", "data": {"message": {"id": {"_serialized": "..._<id>"}}}}, or an array of them).
// GET /count answers {"a": n, "b": m}; GET /dump?file=F writes the lines so far to F and answers the count.
//   PORT=18851 node bench/order-receiver.js
'use strict';
const http = require('http');
const fs = require('fs');

const lines = [];
const counts = {};
http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  if (req.method === 'GET') {
    if (u.pathname === '/dump') fs.writeFileSync(u.searchParams.get('file'), lines.join('\n') + (lines.length ? '\n' : ''));
    return res.end(JSON.stringify(counts));
  }
  const output = u.pathname.replace(/^\//, '');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const e of Array.isArray(parsed) ? parsed : [parsed]) {
        const serialized = e.data && e.data.message && e.data.message.id && e.data.message.id._serialized;
        lines.push(`${output}\t${e.sessionId}\t${String(serialized).split('_').pop()}`);
        counts[output] = (counts[output] || 0) + 1;
      }
    } catch (err) {
      lines.push(`${output}\tunparsable\t-`);
    }
    res.end('ok');
  });
}).listen(Number(process.env.PORT || 18851), '127.0.0.1');
