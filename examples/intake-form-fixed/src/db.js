const { Pool } = require('pg');
const config = require('./config');

// One bounded pool for the whole process. pool.query() borrows a connection and gives it back,
// also when the query fails.
const pool = new Pool({
  connectionString: config.databaseUrl,
  max: 10,
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 5_000,
});

// An idle connection that dies (database restart, network blip) must not crash the process.
pool.on('error', (err) => {
  console.error('Postgres pool error:', err);
});

module.exports = { pool };
