"""auth: Does every endpoint that reads or changes user data check who is asking, and that they may see *that* record?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Does every endpoint that reads or changes user data check who is asking, and that they may see *that* record?"

CHECK = Check("auth", QUESTION, rules=(), find=None, title="Authentication & authorization")
