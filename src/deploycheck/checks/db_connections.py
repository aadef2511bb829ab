"""db-connections: Are database connections pooled, bounded and released, never opened per request?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Are database connections pooled, bounded and released, never opened per request?"

CHECK = Check("db-connections", QUESTION, rules=(), find=None, title="Database connections")
