const { Resend } = require('resend');

const resend = new Resend(process.env.RESEND_API_KEY);

async function sendConfirmation(submission) {
  await resend.emails.send({
    from: 'Studio Intake <onboarding@resend.dev>',
    to: submission.email,
    subject: 'We got your project request',
    html: `<p>Hi ${submission.name},</p>
<p>Thanks for telling us about your project. We will reply within two working days.</p>
<p>Your reference number is <strong>#${submission.id}</strong>.</p>`,
  });
}

module.exports = { sendConfirmation };
