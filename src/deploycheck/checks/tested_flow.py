"""tested-flow: Is the user flow tested end to end, and do the tests run in CI?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Is the user flow tested end to end, and do the tests run in CI?"

CHECK = Check("tested-flow", QUESTION, rules=(), find=None, title="Tested user flow")
