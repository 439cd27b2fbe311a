// A webhook receiver as a customer would write one: it trusts a request only when the published Standard Webhooks
// library (npm standardwebhooks) verifies it, and answers 2xx only then. StandardWebhooksReceiverIT starts it, points
// the gateway's outputs at it and reads back what it verified.
//
//   POST /hook/<name>           a delivery: verified with the secret <name> currently knows; 204, or 401 when it does
//                               not verify, or 500 when told to fail it (after verifying, to make the gateway retry)
//   PUT  /control/<name>        {"secret": "whsec_...", "fail": {"<session>": n}}: the secret <name> knows, and how many
//                               of a session's next deliveries to fail (by session, so that other tests' events
//                               arriving meanwhile do not use them up)
//   GET  /control/<name>        every delivery <name> got, in arrival order
//
// It listens on 127.0.0.1 only, on the port given as the first argument (0 = any free one) and prints
// "listening <port>" once it does.
'use strict';

const http = require('node:http');
const { Webhook } = require('standardwebhooks');

const receivers = new Map();

function receiver(name) {
  if (!receivers.has(name)) {
    receivers.set(name, { secret: null, fail: {}, deliveries: [] });
  }
  return receivers.get(name);
}

function read(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

const server = http.createServer(async (req, res) => {
  try {
    const [, area, name] = req.url.split('?')[0].split('/');
    if (!name) {
      return answer(res, 404, { error: 'no receiver named' });
    }
    const r = receiver(name);
    const body = await read(req);

    if (area === 'control' && req.method === 'PUT') {
      const settings = JSON.parse(body.toString('utf8'));
      if ('secret' in settings) r.secret = settings.secret;
      if ('fail' in settings) Object.assign(r.fail, settings.fail);
      return answer(res, 204);
    }
    if (area === 'control' && req.method === 'GET') {
      return answer(res, 200, r.deliveries);
    }
    if (area !== 'hook' || req.method !== 'POST') {
      return answer(res, 404, { error: 'unknown path' });
    }

    const seen = {
      webhookId: req.headers['webhook-id'] || null,
      timestamp: req.headers['webhook-timestamp'] || null,
      signatures: (req.headers['webhook-signature'] || '').split(' ').filter((s) => s).length,
      eventId: req.headers['x-webhook-event-id'] || null,
      session: req.headers['x-webhook-session'] || null,
      receivedAt: Math.floor(Date.now() / 1000),
    };
    try {
      // The raw bytes as received: the library signs them again and compares; it also checks the timestamp
      // against its tolerance (5 minutes).
      const payload = new Webhook(r.secret).verify(body, req.headers);
      seen.verified = true;
      seen.payloadEventId = Array.isArray(payload) ? payload.map((e) => e.eventId) : payload.eventId;
    } catch (e) {
      seen.verified = false;
      seen.error = String(e && e.message ? e.message : e);
      r.deliveries.push({ ...seen, status: 401 });
      return answer(res, 401, { error: seen.error });
    }
    if ((r.fail[seen.session] || 0) > 0) {
      r.fail[seen.session] -= 1;
      r.deliveries.push({ ...seen, status: 500 });
      return answer(res, 500, { error: 'told to fail' });
    }
    r.deliveries.push({ ...seen, status: 204 });
    return answer(res, 204);
  } catch (e) {
    return answer(res, 500, { error: String(e) });
  }
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
