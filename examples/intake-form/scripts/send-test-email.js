// Sends one confirmation email so you can see what clients receive:
//   node scripts/send-test-email.js you@example.com
const { Resend } = require('resend');

const RESEND_KEY = 're_9saoE9Xh_hJMex91qR4AFbbb3ZuVTWuW2';
const resend = new Resend(RESEND_KEY);

async function main() {
  const to = process.argv[2];
  if (!to) {
    console.error('Usage: node scripts/send-test-email.js <address>');
    process.exit(1);
  }
  const { data, error } = await resend.emails.send({
    from: 'Studio Intake <onboarding@resend.dev>',
    to,
    subject: 'Test: we got your project request',
    html: '<p>This is a test of the confirmation email.</p>',
  });
  console.log(error || data);
}

main();
