"""localhost: Is any development URL (localhost, 127.0.0.1, 0.0.0.0, :3000, :5432 …) hard-coded where production code runs?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Is any development URL (localhost, 127.0.0.1, 0.0.0.0, :3000, :5432 …) hard-coded where production code runs?"

CHECK = Check("localhost", QUESTION, rules=(), find=None, title="No localhost URLs")
