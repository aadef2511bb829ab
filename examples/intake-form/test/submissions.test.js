// Needs the local Postgres from the README running.
const { test } = require('node:test');
const assert = require('node:assert');
const request = require('supertest');
const app = require('../src/app');

test('the form page loads', async () => {
  const res = await request(app).get('/');
  assert.strictEqual(res.status, 200);
  assert.match(res.text, /Tell us about your project/);
});

test('a submission can be read back', async () => {
  const created = await request(app)
    .post('/api/submissions')
    .send({ name: 'Ada', email: 'ada@example.com', message: 'A new website' });
  assert.strictEqual(created.status, 201);

  const res = await request(app).get(`/api/submissions/${created.body.id}`);
  assert.strictEqual(res.body.name, 'Ada');
});
