// Loaded before anything else (see server.js) so Sentry can instrument Express and pg.
const Sentry = require('@sentry/node');

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  environment: process.env.NODE_ENV,
  release: process.env.RENDER_GIT_COMMIT,
  tracesSampleRate: 0.1,
});
