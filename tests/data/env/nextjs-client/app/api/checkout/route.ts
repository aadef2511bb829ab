export async function POST() {
  const key = process.env.STRIPE_SECRET_KEY;
  if (process.env.CHECKOUT_ENABLED !== 'true') {
    return Response.json({ error: 'disabled' }, { status: 503 });
  }
  return Response.json({ ok: Boolean(key) });
}
