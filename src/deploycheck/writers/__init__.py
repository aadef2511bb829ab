"""Files `deploycheck env` writes for the user: `.env.example` (example.py) and a start-up guard that
fails fast when a required variable is missing (guard.py + templates/). Pure text in, text out:
the command does the reading and writing."""
