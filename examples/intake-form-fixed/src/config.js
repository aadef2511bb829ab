// All configuration in one place. Fails at start-up, with the variable's name, when a required
// one is missing, instead of failing later on the first request that needs it.

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`Missing required environment variable ${name} (see .env.example)`);
  }
  return value;
}

module.exports = {
  port: Number(process.env.PORT) || 3000,
  databaseUrl: required('DATABASE_URL'),
  resendApiKey: required('RESEND_API_KEY'),
  mailFrom: process.env.MAIL_FROM || 'Studio Intake <onboarding@resend.dev>',
  jwtSecret: required('JWT_SECRET'),
  corsOrigins: required('CORS_ORIGINS')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
};
