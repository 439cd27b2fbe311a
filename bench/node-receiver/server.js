// Benchmark baseline 3: the minimal Node.js receiver a gateway user runs today, measured in the same run as the
// gateway. Per request: raw-body HMAC-SHA256 check (X-Webhook-Signature, constant time), JSON parse, one archive
// insert into wa_events and, for message events, one message upsert into wa_messages (the gateway's own tables
// and statement), each through the pg pool with its own autocommit; then 200. Nothing else: no rate limit, no
// dedupe, no routing, no outputs.
//   env: PORT, DATABASE_URL (postgresql://...), WHATSAPP_WEBHOOK_SECRET, PG_POOL_SIZE (default 10, pg's default)
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Pool } = require('pg');

const secret = process.env.WHATSAPP_WEBHOOK_SECRET || '';
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.PG_POOL_SIZE || 10) });
const upsertSql = fs.readFileSync(path.join(__dirname, '../../src/main/resources/sql/postgresql/messages/upsert.sql'), 'utf8')
  .split('\n').filter((l) => !l.startsWith('--')).join('\n');
// The gateway's named parameters (:#name) in order, as $1..$n for pg.
const upsertNames = [];
const upsert = upsertSql.replace(/:#(\w+)/g, (_, name) => {
  let i = upsertNames.indexOf(name);
  if (i < 0) { upsertNames.push(name); i = upsertNames.length - 1; }
  return '$' + (i + 1);
});
const insertEvent = `INSERT INTO wa_events (event_id, session_id, event, format, source_ip, auth_method, received_at,
  data_json, body_sha256, delivery_id, status, processed_at) VALUES ($1, $2, $3, 'whatsapp-api', $4, 'hmac', now(), $5, $6, $7, 'processed', now())`;
const messageEvents = new Set(['message', 'message_create', 'message_ack']);

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function signatureValid(body, header) {
  if (!header || !header.toLowerCase().startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7), 'hex');
  const expected = crypto.createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

function columns(sessionId, event, data, eventId) {
  const m = data.message || {};
  const id = m.id || {};
  const ack = event === 'message_ack' && data.ack !== undefined ? data.ack : m.ack;
  const c = {
    session_id: sessionId, event_id: eventId, message_id: id._serialized, chat_id: id.remote, from_id: m.from,
    to_id: m.to, author: m.author ?? null, body: m.body ?? null, type: m.type ?? null, msg_timestamp: m.timestamp ?? null,
    from_me: m.fromMe ?? id.fromMe ?? null, has_media: m.hasMedia ?? null, has_quoted_msg: m.hasQuotedMsg ?? null,
    ack: ack ?? null, raw_json: JSON.stringify(m), received_at: new Date(),
  };
  return upsertNames.map((n) => c[n]);
}

async function handle(req, res, body) {
  if (!signatureValid(body, req.headers['x-webhook-signature'])) {
    return reply(res, 401, { success: false, error: 'invalid_signature' });
  }
  let payload;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return reply(res, 400, { success: false, error: 'invalid_json' });
  }
  const sessionId = payload.sessionId;
  const event = payload.dataType;
  if (typeof sessionId !== 'string' || typeof event !== 'string') {
    return reply(res, 400, { success: false, error: 'invalid_payload' });
  }
  const data = payload.data || {};
  const eventId = crypto.randomUUID();
  try {
    await pool.query(insertEvent, [eventId, sessionId, event, req.socket.remoteAddress, JSON.stringify(data),
      crypto.createHash('sha256').update(body).digest('hex'), req.headers['x-delivery-id'] || null]);
    if (messageEvents.has(event)) {
      await pool.query(upsert, columns(sessionId, event, data, eventId));
    }
  } catch (e) {
    return reply(res, 503, { success: false, error: 'storage_unavailable' });
  }
  reply(res, 200, { success: true, eventId });
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST') return reply(res, 200, { success: true });
    handle(req, res, Buffer.concat(chunks)).catch(() => reply(res, 500, { success: false, error: 'internal_error' }));
  });
}).listen(Number(process.env.PORT || 18081), '127.0.0.1');
