import express from 'express';
import { sendReceipt } from './email.js';
import { charge } from './payments.js';

const app = express();
const port = process.env.PORT || 3000;
const databaseUrl = process.env.DATABASE_URL;
const sessionSecret = process.env.SESSION_SECRET || 'dev-session-secret-do-not-use';
const { REDIS_URL, LOG_LEVEL = 'info' } = process.env;

if (process.env.FEATURE_NEW_CHECKOUT === 'true') {
  app.post('/checkout/v2', charge);
}

export function regionSetting(region) {
  const key = `SHOP_${region}_URL`;
  return process.env[key];
}

app.post('/orders', async (req, res) => {
  await sendReceipt(req.body.email);
  res.json({ ok: true, db: Boolean(databaseUrl), redis: Boolean(REDIS_URL), level: LOG_LEVEL, s: sessionSecret.length });
});

app.listen(port);
