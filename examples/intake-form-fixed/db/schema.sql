-- Idempotent: safe to run on every deploy and before the tests.
CREATE TABLE IF NOT EXISTS submissions (
  id         SERIAL PRIMARY KEY,
  user_id    TEXT NOT NULL,
  name       TEXT NOT NULL,
  email      TEXT NOT NULL,
  company    TEXT,
  message    TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS submissions_user_id_idx ON submissions (user_id);
