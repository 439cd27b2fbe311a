#!/usr/bin/env node
// A sender that behaves like the stock WhatsApp server: one POST per event, never retried, whatever the answer.
// N concurrent senders, each its own sessionId, each posting its events one after the other (as one session's
// events come), every event unique (a `message` event in the stock server's shape, from
// src/test/resources/samples/message.json, with a fresh message id). No dependencies: http with a keep-alive agent.
//
// For every request it writes one line to --out (tab-separated):
//   sessionId  messageId  outcome  duplicate  startMs  endMs
// outcome: the HTTP status (200, 503, 404, ...), or "error:<code>" when no answer came (connection refused or
// reset, timeout). duplicate: 1 when a 200 said "duplicate": true. On SIGTERM/SIGINT it stops starting requests,
// waits for those in flight, prints a JSON summary on stdout and exits 0.
//
//   node bench/ha-sender.js --url http://127.0.0.1:18090/api/whatsapp/webhook --secret S --out sent.tsv
//   options: --senders 16, --pause-ms 5 (between one answer and a sender's next request), --timeout-ms 60000,
//            --run <id> (unique per run: ids never repeat in one database), --api-key K (x-api-key, as the stock
//            server authenticates, instead of the HMAC signature), --samples dir
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const url = new URL(args.url || 'http://127.0.0.1:18090/api/whatsapp/webhook');
const senders = Number(args.senders || 16);
const pauseMs = Number(args['pause-ms'] || 5);
const timeoutMs = Number(args['timeout-ms'] || 60000);
const run = args.run || String(Date.now());
const secret = args.secret || process.env.BENCH_SECRET;
const apiKey = args['api-key'];
if (!secret && !apiKey) {
  console.error('--secret (HMAC) or --api-key is required');
  process.exit(2);
}
const samples = args.samples || path.join(__dirname, '..', 'src', 'test', 'resources', 'samples');
const template = fs.readFileSync(path.join(samples, 'message.json'), 'utf8').trim();
const SAMPLE_ID = '3EB0C767D71D3A5F0A1B';
const SAMPLE_SESSION = 'toko-jakarta';
if (!template.includes(SAMPLE_ID) || !template.includes(SAMPLE_SESSION)) {
  console.error('message.json no longer holds the sample id or session');
  process.exit(2);
}

const out = fs.createWriteStream(args.out || 'ha-sent.tsv');
const agent = new http.Agent({ keepAlive: true, maxSockets: senders });
const counts = { sent: 0, acknowledged: 0, duplicates: 0, byStatus: {}, noAnswer: {} };
let stopping = false;

function post(sessionId, n) {
  // A fresh WhatsApp message id per event: upper-case hex like the real ones, unique per run, sender and count.
  const messageId = `HA${run}S${sessionId.replace(/\D/g, '')}N${n}`;
  const body = template.split(SAMPLE_ID).join(messageId).split(SAMPLE_SESSION).join(sessionId)
    .replace('"t":1764312000', `"t":${Math.floor(Date.now() / 1000)}`);
  const serialized = `false_6281234567890@c.us_${messageId}`;
  const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
  if (apiKey) {
    headers['x-api-key'] = apiKey;
  } else {
    headers['X-Webhook-Signature'] = 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
  }
  const start = Date.now();
  counts.sent++;
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome, duplicate) => {
      if (done) return;
      done = true;
      out.write(`${sessionId}\t${serialized}\t${outcome}\t${duplicate ? 1 : 0}\t${start}\t${Date.now()}\n`);
      resolve();
    };
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode;
        counts.byStatus[status] = (counts.byStatus[status] || 0) + 1;
        let duplicate = false;
        if (status === 200) {
          counts.acknowledged++;
          duplicate = text.includes('"duplicate":true');
          if (duplicate) counts.duplicates++;
        }
        finish(status, duplicate);
      });
      res.on('error', (e) => {
        counts.noAnswer[e.code || 'error'] = (counts.noAnswer[e.code || 'error'] || 0) + 1;
        finish(`error:${e.code || 'error'}`, false);
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => {
      if (done) return;
      counts.noAnswer[e.code || 'error'] = (counts.noAnswer[e.code || 'error'] || 0) + 1;
      finish(`error:${e.code || 'error'}`, false);
    });
    req.end(body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sender(i) {
  const sessionId = `ha-${i}`;
  for (let n = 1; !stopping; n++) {
    await post(sessionId, n); // never retried, whatever came back
    if (pauseMs > 0) await sleep(pauseMs);
  }
}

const stop = () => { stopping = true; };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

Promise.all(Array.from({ length: senders }, (_, i) => sender(i + 1))).then(() => {
  out.end(() => {
    agent.destroy();
    process.stdout.write(JSON.stringify(counts) + '\n');
  });
});
