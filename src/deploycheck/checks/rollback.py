"""rollback: Can this deploy be undone: pinned runtime and dependencies, reversible migrations, versioned artefacts, a documented revert path?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Can this deploy be undone: pinned runtime and dependencies, reversible migrations, versioned artefacts, a documented revert path?"

CHECK = Check("rollback", QUESTION, rules=(), find=None, title="Rollback")
