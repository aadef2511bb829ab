// End-to-end: the real app and a real Postgres (CI starts one; locally see the README).
// Only the email provider is replaced, so no email leaves the test run.
process.env.DATABASE_URL ??= 'postgres://postgres:postgres@localhost:5432/intake_test';
process.env.RESEND_API_KEY ??= 'test-key-not-used';
process.env.JWT_SECRET ??= 'test-only-jwt-secret';
process.env.CORS_ORIGINS ??= 'https://studio.test';

const { test, before, after, beforeEach, mock } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const request = require('supertest');
const jwt = require('jsonwebtoken');

const app = require('../src/app');
const { pool } = require('../src/db');
const email = require('../src/email');

const signIn = (id, address) => `Bearer ${jwt.sign({ sub: id, email: address }, process.env.JWT_SECRET)}`;
const ada = signIn('user-ada', 'ada@example.com');
const bob = signIn('user-bob', 'bob@example.com');
const form = { name: 'Ada', company: 'Analytical Engines', message: 'A new website' };

before(async () => {
  await pool.query(fs.readFileSync(path.join(__dirname, '..', 'db', 'schema.sql'), 'utf8'));
});

beforeEach(async () => {
  await pool.query('TRUNCATE submissions RESTART IDENTITY');
  mock.restoreAll();
});

after(async () => {
  await pool.end();
});

test('a client submits the form, gets a confirmation email and reads the request back', async () => {
  const send = mock.method(email.resend.emails, 'send', async () => ({ data: { id: 'email-1' }, error: null }));

  const created = await request(app).post('/api/submissions').set('Authorization', ada).send(form);
  assert.equal(created.status, 201);
  assert.equal(created.body.emailSent, true);
  assert.equal(send.mock.callCount(), 1);
  assert.equal(send.mock.calls[0].arguments[0].to, 'ada@example.com');

  const read = await request(app).get(`/api/submissions/${created.body.id}`).set('Authorization', ada);
  assert.equal(read.status, 200);
  assert.equal(read.body.message, 'A new website');
});

test('another client cannot read it, and nobody can without signing in', async () => {
  mock.method(email.resend.emails, 'send', async () => ({ data: { id: 'email-2' }, error: null }));
  const created = await request(app).post('/api/submissions').set('Authorization', ada).send(form);

  const asBob = await request(app).get(`/api/submissions/${created.body.id}`).set('Authorization', bob);
  assert.equal(asBob.status, 404);

  const anonymous = await request(app).get(`/api/submissions/${created.body.id}`);
  assert.equal(anonymous.status, 401);
});

test('when the email provider refuses, the request is still saved and the client is told', async () => {
  mock.method(email.resend.emails, 'send', async () => ({
    data: null,
    error: { name: 'validation_error', message: 'domain not verified' },
  }));

  const created = await request(app).post('/api/submissions').set('Authorization', ada).send(form);
  assert.equal(created.status, 201);
  assert.equal(created.body.emailSent, false);
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM submissions');
  assert.equal(rows[0].n, 1);
});

test('an incomplete form is answered with 400 and a reason', async () => {
  const res = await request(app).post('/api/submissions').set('Authorization', ada).send({ name: 'Ada' });
  assert.equal(res.status, 400);
  assert.match(res.body.error, /what you need/);
});

test('the health check answers when the database does', async () => {
  const res = await request(app).get('/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'ok');
});
