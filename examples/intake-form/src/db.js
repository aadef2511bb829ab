const { Client } = require('pg');

const connectionString = 'postgres://postgres@localhost:5432/intake';

// Opens a connection to the database.
async function getClient() {
  const client = new Client({ connectionString });
  await client.connect();
  return client;
}

module.exports = { getClient };
