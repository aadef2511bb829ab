const express = require('express');
const { getClient } = require('../db');
const { sendConfirmation } = require('../email');

const router = express.Router();

// Save a new intake form submission and email the client a confirmation.
router.post('/', async (req, res) => {
  const { name, email, company, message } = req.body;

  const client = await getClient();
  const result = await client.query(
    'INSERT INTO submissions (name, email, company, message) VALUES ($1, $2, $3, $4) RETURNING *',
    [name, email, company, message]
  );
  await client.end();

  const submission = result.rows[0];
  await sendConfirmation(submission);

  res.status(201).json({ id: submission.id });
});

// Show a submission (used by the thank-you page).
router.get('/:id', async (req, res) => {
  const client = await getClient();
  const result = await client.query('SELECT * FROM submissions WHERE id = $1', [req.params.id]);
  await client.end();

  if (result.rows.length === 0) {
    return res.status(404).json({ error: 'Not found' });
  }
  res.json(result.rows[0]);
});

module.exports = router;
