'use client';

export function CheckoutButton() {
  const publishable = process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY;
  const secret = process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY;
  const apiBase = process.env.API_BASE_URL;
  return <button data-key={publishable} data-s={secret} data-api={apiBase}>Pay</button>;
}
