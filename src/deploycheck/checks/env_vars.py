"""env-vars: Is every environment variable the code reads set in production?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Is every environment variable the code reads set in production?"

CHECK = Check("env-vars", QUESTION, rules=(), find=None, title="Environment variables")
