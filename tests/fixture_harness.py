"""Reads the inline expectations of fixture projects and compares them with a real scan.

A case is a directory `tests/fixtures/<check-id>/<case>/` holding a mini project. Lines carry
annotations in any comment syntax:

    expect: rule-id[, rule-id]   this line must carry exactly these findings
    ok: rule-id                  this line must not carry that rule
    todo: rule-id                a known miss (xfail; fails loudly once it starts passing)
    todo-ok: rule-id             a known false alarm (xfail; likewise)

An optional EXPECT.toml holds what a line comment cannot: findings in JSON files or at repository
level (`path = ""`), the check's verdict, and which checks the case runs:

    checks = ["monitoring"]          # default: the folder's check id
    status = "fail"                  # or [status] table: {"env-vars" = "manual"}
    [[expect]] rule = "…" path = "" line = 3
    [[ok]]     rule = "…" path = "package.json"
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
_ID = r"[a-z][a-z0-9-]*/[a-z0-9][a-z0-9-]*"
ANNOTATION = re.compile(r"(?<![\w-])(expect|ok|todo|todo-ok):\s*(" + _ID + r"(?:\s*,\s*" + _ID + r")*)")
COMMENT = re.compile(r"(#|//|/\*|<!--|--|;|\{/\*)")

Key = tuple[str | None, int | None, str]   # (path, line, rule)


@dataclass
class Case:
    check: str
    name: str
    root: Path
    checks: list[str]
    expect: set[Key] = field(default_factory=set)
    ok: set[Key] = field(default_factory=set)
    todo: set[Key] = field(default_factory=set)
    todo_ok: set[Key] = field(default_factory=set)
    status: dict[str, str] = field(default_factory=dict)
    lines: dict[tuple[str, int], str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.check}/{self.name}"

    def rules_in(self, kind: str) -> set[str]:
        return {k[2] for k in getattr(self, kind)}


def collect() -> list[Case]:
    cases = []
    for check_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for case_dir in sorted(p for p in check_dir.iterdir() if p.is_dir()):
            cases.append(load_case(check_dir.name, case_dir))
    return cases


def load_case(check: str, root: Path) -> Case:
    meta = {}
    if (root / "EXPECT.toml").is_file():
        meta = tomllib.loads((root / "EXPECT.toml").read_text("utf-8"))
    checks = meta.get("checks", [check])
    status = meta.get("status", {})
    if isinstance(status, str):
        status = {check: status}
    case = Case(check, root.name, root, checks, status=status)
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name == "EXPECT.toml" or path.is_symlink():
            continue
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for lineno, line in enumerate(text.splitlines(), 1):
            c = COMMENT.search(line)
            if not c:
                continue
            for kind, ids in ANNOTATION.findall(line[c.start():]):
                for rule in (i.strip() for i in ids.split(",")):
                    getattr(case, kind.replace("-", "_")).add((rel, lineno, rule))
                    case.lines[(rel, lineno)] = line.strip()
    for kind in ("expect", "ok", "todo", "todo_ok"):
        for item in meta.get(kind.replace("_", "-"), meta.get(kind, [])):
            path = item.get("path") or None
            getattr(case, kind).add((path, item.get("line"), item["rule"]))
    return case


def compare(case: Case, findings: list[Key]) -> tuple[list[str], list[str], list[str]]:
    """(problems, xfails, xpasses) for one case and its actual findings."""
    actual = set(findings)

    def matches(key: Key, pool: set[Key]) -> bool:
        path, line, rule = key
        return any(p == path and r == rule and (line is None or ln == line) for p, ln, r in pool)

    def describe(key: Key) -> str:
        path, line, rule = key
        where = f"{path}:{line}" if path else "(repository)"
        text = case.lines.get((path, line)) if path and line else None
        return f"{rule} at {where}" + (f"    | {text}" if text else "")

    problems, xfails, xpasses = [], [], []
    for key in sorted(case.expect, key=str):
        if not matches(key, actual):
            problems.append("missing (false negative): " + describe(key))
    for key in sorted(case.ok, key=str):
        if matches(key, actual):
            problems.append("flagged an ok: line (false positive): " + describe(key))
    for key in sorted(actual, key=str):
        if not matches(key, case.expect) and not matches(key, case.todo) and not matches(key, case.todo_ok) \
                and not matches(key, case.ok):
            problems.append("unexpected (false positive): " + describe(key))
    for key in sorted(case.todo, key=str):
        (xpasses if matches(key, actual) else xfails).append("todo: " + describe(key))
    for key in sorted(case.todo_ok, key=str):
        (xfails if matches(key, actual) else xpasses).append("todo-ok: " + describe(key))
    return problems, xfails, xpasses
