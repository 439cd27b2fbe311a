#!/usr/bin/env node
// The webhook's sender for bench/sessions.sh: --connections concurrent requests spread over --sessions session ids
// for --seconds, every event a unique `message` in the stock server's shape (src/test/resources/samples/message.json),
// HMAC-signed. With at least as many sessions as connections, connection c owns the sessions c, c + C, c + 2C, ...
// and takes them in turn, so a session has one request in flight at most; with fewer, connections share a session.
// For every request it writes one line to --out (tab-separated), the times in ms since the sender started
// (fractional, monotonic), so the receiver's order can be checked against what was surely accepted first:
//   sessionId  messageId  status  sentMs  answeredMs
// Prints a JSON summary on stdout: sent, accepted (200s), seconds, rate (200s a second). No dependencies.
//   node bench/sessions-sender.js --url U --secret S --sessions 1000 --connections 64 --seconds 10 --run R --out F
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const url = new URL(args.url);
const secret = args.secret || process.env.BENCH_SECRET;
const sessions = Number(args.sessions || 8);
const connections = Number(args.connections || 64);
const seconds = Number(args.seconds || 10);
const run = args.run || String(Date.now());
const prefix = args.prefix || 'lane-';
const samples = args.samples || path.join(__dirname, '..', 'src', 'test', 'resources', 'samples');
const template = fs.readFileSync(path.join(samples, 'message.json'), 'utf8').trim();
const SAMPLE_ID = '3EB0C767D71D3A5F0A1B';
const SAMPLE_SESSION = 'toko-jakarta';
if (!secret || !template.includes(SAMPLE_ID) || !template.includes(SAMPLE_SESSION)) {
  console.error('--secret is required, and message.json must hold the sample id and session');
  process.exit(2);
}
const [head, tail] = template.split(SAMPLE_SESSION);
const lines = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const seq = new Map();
let sent = 0;
let accepted = 0;
const deadline = performance.now() + seconds * 1000;

function post(sessionId) {
  const n = (seq.get(sessionId) || 0) + 1;
  seq.set(sessionId, n);
  const messageId = `R${run}${sessionId.replace(/\W/g, '')}N${n}`;
  const body = (head + sessionId + tail).split(SAMPLE_ID).join(messageId);
  const headers = {
    'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body),
    'X-Webhook-Signature': 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex'),
  };
  const sentAt = performance.now();
  sent++;
  return new Promise((resolve) => {
    const done = (status) => {
      const answeredAt = performance.now();
      if (status === 200) accepted++;
      lines.push(`${sessionId}\t${messageId}\t${status}\t${sentAt.toFixed(3)}\t${answeredAt.toFixed(3)}`);
      resolve();
    };
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent },
      (res) => { res.resume(); res.on('end', () => done(res.statusCode)); res.on('error', () => done('error')); });
    req.setTimeout(60000, () => req.destroy(new Error('timeout')));
    req.on('error', () => done('error'));
    req.end(body);
  });
}

async function connection(c) {
  const mine = [];
  if (sessions >= connections) {
    for (let s = c; s < sessions; s += connections) mine.push(prefix + s);
  } else {
    mine.push(prefix + (c % sessions));
  }
  for (let k = 0; performance.now() < deadline; k++) await post(mine[k % mine.length]);
}

const started = performance.now();
Promise.all(Array.from({ length: connections }, (_, c) => connection(c))).then(() => {
  const took = (performance.now() - started) / 1000;
  fs.writeFileSync(args.out || 'sessions-sent.tsv', lines.join('\n') + (lines.length ? '\n' : ''));
  agent.destroy();
  process.stdout.write(JSON.stringify({ sent, accepted, seconds: took, rate: accepted / took }) + '\n');
});
