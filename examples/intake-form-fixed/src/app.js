const path = require('path');
const express = require('express');
const cors = require('cors');
const Sentry = require('@sentry/node');
const config = require('./config');
const { pool } = require('./db');
const submissionsRouter = require('./routes/submissions');

const app = express();

// The form is served from this app; the studio's website may embed it too.
app.use(cors({ origin: config.corsOrigins }));
app.use(express.json({ limit: '20kb' }));
app.use(express.static(path.join(__dirname, '..', 'public')));

// Render's health check (render.yaml healthCheckPath): up only when the database answers.
app.get('/healthz', async (req, res) => {
  try {
    await pool.query('SELECT 1');
    res.json({ status: 'ok' });
  } catch (err) {
    console.error('Health check: database unreachable:', err);
    res.status(503).json({ status: 'unavailable' });
  }
});

app.use('/api/submissions', submissionsRouter);

// Unexpected errors: reported to Sentry, logged, and answered with a message the page can show.
Sentry.setupExpressErrorHandler(app);
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  console.error(`${req.method} ${req.originalUrl} failed:`, err);
  res.status(500).json({ error: 'Something went wrong on our side. Please try again in a minute.' });
});

module.exports = app;
