const express = require('express');
const { pool } = require('../db');
const { requireAuth } = require('../auth');
const email = require('../email');

const router = express.Router();

// Save a new intake form submission and email the client a confirmation.
router.post('/', requireAuth, async (req, res, next) => {
  const { name, company, message } = req.body ?? {};
  if (!name || !message) {
    return res.status(400).json({ error: 'Please fill in your name and what you need.' });
  }

  let submission;
  try {
    const { rows } = await pool.query(
      `INSERT INTO submissions (user_id, name, email, company, message)
       VALUES ($1, $2, $3, $4, $5)
       RETURNING id, name, email, company, message, created_at`,
      [req.user.id, name, req.user.email, company || null, message]
    );
    submission = rows[0];
  } catch (err) {
    return next(err);
  }

  // The request is saved: a failed email must not turn that into an error for the client.
  try {
    await email.sendConfirmation(submission);
    return res.status(201).json({ id: submission.id, emailSent: true });
  } catch (err) {
    console.error(`Confirmation email for submission ${submission.id} failed:`, err);
    return res.status(201).json({
      id: submission.id,
      emailSent: false,
      warning: 'Your request is saved, but we could not send the confirmation email.',
    });
  }
});

// A client can read back their own submissions, and nobody else's.
router.get('/:id', requireAuth, async (req, res, next) => {
  try {
    const { rows } = await pool.query(
      `SELECT id, name, email, company, message, created_at
         FROM submissions
        WHERE id = $1 AND user_id = $2`,
      [req.params.id, req.user.id]
    );
    if (rows.length === 0) {
      return res.status(404).json({ error: 'Submission not found' });
    }
    return res.json(rows[0]);
  } catch (err) {
    return next(err);
  }
});

module.exports = router;
