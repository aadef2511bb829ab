"""error-handling: Is every external call (database, HTTP API, email, payment, file) guarded, logged, and answered with a useful error instead of a crash or a silent failure?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Is every external call (database, HTTP API, email, payment, file) guarded, logged, and answered with a useful error instead of a crash or a silent failure?"

CHECK = Check("error-handling", QUESTION, rules=(), find=None, title="Error handling")
