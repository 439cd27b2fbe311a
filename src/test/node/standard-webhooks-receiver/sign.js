// A Standard Webhooks sender as a customer's platform would sign: the published library (npm standardwebhooks) signs
// the body read from stdin, as raw bytes, and prints the webhook-signature header value. StandardWebhooksIntakeIT runs
// it once per request it sends to the gateway's webhook.
//
//   node sign.js <whsec_secret> <webhook-id> <webhook-timestamp in epoch seconds>  < body
'use strict';

const { Webhook } = require('standardwebhooks');

const [secret, msgId, timestamp] = process.argv.slice(2);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const body = Buffer.concat(chunks);
  process.stdout.write(new Webhook(secret).sign(msgId, new Date(Number(timestamp) * 1000), body) + '\n');
});
