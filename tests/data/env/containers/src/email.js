const apiKey = process.env.RESEND_API_KEY;
const from = process.env.EMAIL_FROM ?? 'Shop <shop@example.com>';

export async function sendReceipt(to) {
  const res = await fetch('https://api.resend.com/emails', {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ from, to, subject: 'Your order' }),
  });
  if (!res.ok) throw new Error('email failed');
}
