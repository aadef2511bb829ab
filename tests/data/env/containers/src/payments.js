const stripeKey = process.env.STRIPE_SECRET_KEY;
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRT;

export async function charge(req, res) {
  res.json({ ok: Boolean(stripeKey && webhookSecret) });
}
