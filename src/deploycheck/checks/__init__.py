"""The registry: the ten checks of the contract, in the contract's order. The only list there is.

A check family is one module (`checks/<snake_id>.py`) exposing `CHECK`. Adding a rule touches that
module and its fixtures; adding a family (rare: it needs a contract bump) adds one line here.
"""
from __future__ import annotations

from deploycheck.checks import (env_vars, localhost, error_handling, auth, db_connections, secrets, cors, rollback, monitoring, tested_flow)
from deploycheck.core import Check, Rule

CHECKS: tuple[Check, ...] = (
    env_vars.CHECK,
    localhost.CHECK,
    error_handling.CHECK,
    auth.CHECK,
    db_connections.CHECK,
    secrets.CHECK,
    cors.CHECK,
    rollback.CHECK,
    monitoring.CHECK,
    tested_flow.CHECK,
)

# Rule ids are never reused. When one is renamed, map the old id to the new one here.
RENAMED: dict[str, str] = {}


def all_rules() -> list[Rule]:
    return [rule for check in CHECKS for rule in check.rules]


def rule_by_id(rule_id: str) -> Rule | None:
    rule_id = RENAMED.get(rule_id, rule_id)
    return next((r for r in all_rules() if r.id == rule_id), None)
