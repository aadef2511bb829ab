"""cors: Is CORS limited to the production origins (no `*`, no reflected origin with credentials)?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Is CORS limited to the production origins (no `*`, no reflected origin with credentials)?"

CHECK = Check("cors", QUESTION, rules=(), find=None, title="CORS")
