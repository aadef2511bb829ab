"""secrets: Are there API keys, passwords, tokens or private keys in the source or in committed files?

Not built yet: the check reports `manual` ("not checked yet") until its rules land.
"""
from __future__ import annotations

from deploycheck.core import Check

QUESTION = "Are there API keys, passwords, tokens or private keys in the source or in committed files?"

CHECK = Check("secrets", QUESTION, rules=(), find=None, title="No secrets in code")
