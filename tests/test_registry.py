"""The registry cannot forget anything: ids match the contract, every rule is listed, documented,
and has at least one positive and one negative fixture line; module dependencies point one way."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from deploycheck.checks import CHECKS, all_rules
from deploycheck.core import CHECK_IDS, Rule
from fixture_harness import collect

SRC = Path(__file__).parent.parent / "src" / "deploycheck"
CONTRACT_IDS = ("env-vars", "localhost", "error-handling", "auth", "db-connections",
                "secrets", "cors", "rollback", "monitoring", "tested-flow")


def test_ids_match_the_contract_in_order():
    assert tuple(c.id for c in CHECKS) == CONTRACT_IDS == CHECK_IDS


@pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])
def test_every_rule_in_the_module_is_registered(check):
    module = importlib.import_module(f"deploycheck.checks.{check.id.replace('-', '_')}")
    defined = {v.id for v in vars(module).values() if isinstance(v, Rule)}
    assert defined == {r.id for r in check.rules}


def test_rules_are_named_and_documented():
    seen = set()
    for check in CHECKS:
        for rule in check.rules:
            assert rule.id not in seen, f"duplicate rule id {rule.id}"
            seen.add(rule.id)
            assert re.fullmatch(r"[a-z-]+/[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
            assert rule.check == check.id, f"{rule.id} is listed under {check.id}"
            assert rule.title and rule.why and rule.fix, f"{rule.id} lacks title/why/fix"
            assert not rule.id.split("/")[1].startswith(("no-", "missing-fix")), rule.id


def test_every_rule_has_positive_and_negative_fixtures():
    cases = collect()
    positive = set().union(*(c.rules_in("expect") for c in cases)) if cases else set()
    negative = set().union(*(c.rules_in("ok") for c in cases)) if cases else set()
    missing = [f"{r.id}: no expect:" for r in all_rules() if r.id not in positive]
    missing += [f"{r.id}: no ok:" for r in all_rules() if r.id not in negative]
    assert not missing, "\n".join(missing)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize("package,forbidden", [
    ("checks", ("deploycheck.project.parse", "deploycheck.project.extract", "deploycheck.engine",
                "deploycheck.report", "deploycheck.cli", "tree_sitter")),
    ("report", ("deploycheck.engine", "deploycheck.config", "deploycheck.project", "deploycheck.cli")),
    ("project", ("deploycheck.checks", "deploycheck.engine", "deploycheck.report", "deploycheck.cli")),
])
def test_dependencies_point_one_way(package, forbidden):
    bad = []
    for path in (SRC / package).rglob("*.py"):
        for mod in _imports(path):
            if mod.startswith(forbidden):
                bad.append(f"{path.relative_to(SRC)} imports {mod}")
    assert not bad, "\n".join(bad)
