const { Resend } = require('resend');
const config = require('./config');

const resend = new Resend(config.resendApiKey);

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Resend does not throw when it refuses a message: it returns { error }. Turn that into an
// exception so the caller's try/catch sees every failure.
async function sendConfirmation(submission) {
  const { data, error } = await resend.emails.send({
    from: config.mailFrom,
    to: submission.email,
    subject: 'We got your project request',
    html: `<p>Hi ${escapeHtml(submission.name)},</p>
<p>Thanks for telling us about your project. We will reply within two working days.</p>
<p>Your reference number is <strong>#${submission.id}</strong>.</p>`,
  });
  if (error) {
    throw new Error(`Resend refused the confirmation email: ${error.name}: ${error.message}`);
  }
  return data.id;
}

module.exports = { resend, sendConfirmation };
