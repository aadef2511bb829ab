require('./instrument'); // first, so Sentry sees everything that loads after it
const app = require('./app');
const config = require('./config');
const { pool } = require('./db');

const server = app.listen(config.port, () => {
  console.log(`Intake form listening on port ${config.port}`);
});

// Render sends SIGTERM before it replaces an instance: finish in-flight requests, then close the pool.
process.on('SIGTERM', () => {
  console.log('SIGTERM received, shutting down');
  server.close(async () => {
    try {
      await pool.end();
    } catch (err) {
      console.error('Closing the database pool failed:', err);
    }
    process.exit(0);
  });
});
