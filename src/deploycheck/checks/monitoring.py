"""monitoring: Will someone know when it breaks: a health endpoint, error tracking, logging of failures?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Will someone know when it breaks: a health endpoint, error tracking, logging of failures?"

CHECK = Check("monitoring", QUESTION, rules=(), find=None, title="Monitoring")
