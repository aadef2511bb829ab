"""Every fixture case under tests/fixtures, scanned in-process and compared with its annotations."""
from __future__ import annotations

import pytest

from deploycheck import config as config_mod
from deploycheck import engine
from fixture_harness import collect, compare

CASES = collect()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    cfg = config_mod.load(case.root, overrides={"select": case.checks, "jobs": 1})
    result = engine.scan(cfg)
    keys = [(f.location.path, f.location.line, f.rule.id) for f in result.active
            if f.check in case.checks]
    problems, xfails, xpasses = compare(case, keys)
    # an extractor that crashed on a fixture is a bug even when the findings happen to match
    problems += [f"{s.path}: {s.reason}" for s in result.partial if "internal error" in s.reason]
    statuses = {c.id: c.status.value for c in result.checks}
    for check_id, want in case.status.items():
        if statuses.get(check_id) != want:
            problems.append(f"status of {check_id}: expected {want}, got {statuses.get(check_id)} "
                            f"({next((c.summary for c in result.checks if c.id == check_id), '')})")
    if problems:
        detail = "\n".join(f"  {p}" for p in problems)
        got = "\n".join(f"    {k[0]}:{k[1]} {k[2]}" for k in sorted(keys, key=str)) or "    (none)"
        pytest.fail(f"{case.id}:\n{detail}\n  all findings of {', '.join(case.checks)}:\n{got}", pytrace=False)
    if xpasses:
        pytest.fail(f"{case.id}: a todo now passes; turn it into expect:/ok:\n  " + "\n  ".join(xpasses),
                    pytrace=False)
    if xfails:
        pytest.xfail("; ".join(xfails))
