"""Helpers shared by the end-to-end tests: run the CLI as a user does, find lines by anchor, and
know which checks are built.

Tests that depend on a check assert its findings only when the check is built
(`Check.find is not None`), so they tighten by themselves when the check lands.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from deploycheck.cli import main
from deploycheck.cli.environment import Environment

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
BROKEN = EXAMPLES / "intake-form"
FIXED = EXAMPLES / "intake-form-fixed"
SCHEMA = Path(__file__).resolve().parent / "contract.schema.json"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)

    @property
    def flat(self) -> str:
        """stdout with all whitespace runs collapsed (rich wraps long lines)."""
        return " ".join(self.out.split())


def cli(*argv: str, cwd: Path | None = None, vars: dict[str, str] | None = None) -> Run:
    """`deploycheck ARGV` in-process, with fake streams (not a terminal, no colour)."""
    out, err = StringIO(), StringIO()
    env = Environment(stdout=out, stderr=err, stdin_isatty=False, stdout_isatty=False,
                      stderr_isatty=False, cwd=cwd or REPO,
                      vars={"NO_COLOR": "1", "COLUMNS": "160", **(vars or {})})
    code = main(list(argv), env=env)
    return Run(code, out.getvalue(), err.getvalue())


def subprocess_cli(*argv: str, cwd: Path | None = None) -> Run:
    """`python -m deploycheck ARGV` as a real process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORCE_COLOR", "DEPLOYCHECK_"))}
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["NO_COLOR"] = "1"
    proc = subprocess.run([sys.executable, "-m", "deploycheck", *argv], cwd=cwd or REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def built(check_id: str) -> bool:
    """Is the check implemented (not the `manual` placeholder)? Read at call time, never cached."""
    from deploycheck import checks
    return any(c.id == check_id and c.find is not None for c in checks.CHECKS)


def rule_exists(rule_id: str) -> bool:
    from deploycheck import checks
    return any(r.id == rule_id for c in checks.CHECKS if c.find is not None for r in c.rules)


def anchor_line(root: Path, path: str, anchor: str) -> int:
    """The 1-based line of `path` that contains `anchor`. The anchor must occur exactly once, so
    the tests never depend on line numbers and never silently pick the wrong line."""
    lines = (root / path).read_text("utf-8").splitlines()
    hits = [n for n, text in enumerate(lines, 1) if anchor in text]
    assert len(hits) == 1, f"anchor {anchor!r} occurs {len(hits)} times in {path} (want exactly once)"
    return hits[0]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, "utf-8")
    return root


# ------------------------------------------------------------------------------------------------
# A vehicle for the suppression / config / baseline tests: the real `localhost/hardcoded-url` rule
# once it is built, until then a throwaway stand-in with the same id registered by monkeypatching
# the registry. The stand-in reads files itself (a real check never does); it exists only so that
# the machinery around the checks can be tested before the first check lands.

import re

import pytest

HARDCODED = "localhost/hardcoded-url"
_URL = re.compile(r"""["'`]((?:https?|postgres(?:ql)?|mongodb|redis)://localhost:(\d+)[^"'`]*)["'`]""")


def _stand_in_check():
    from deploycheck.core import Check, Location, Rule, Severity
    from deploycheck.project.model import Role

    rule = Rule(HARDCODED, Severity.ERROR, "Hard-coded localhost URL",
                why="In production nothing listens on localhost; every call fails.",
                fix="Read the URL from an environment variable and fail at start-up when it is missing.")

    def find(project, ctx):
        for f in project.files:
            if f.role is not Role.APP:
                continue
            text = (project.root / f.path).read_text("utf-8", errors="replace")
            for n, line in enumerate(text.splitlines(), 1):
                m = _URL.search(line)
                if m and not line.lstrip().startswith(("//", "#")):
                    yield rule.at(Location(f.path, n, m.start() + 1), f"{m.group(1)} is hard-coded",
                                  subject=f"localhost:{m.group(2)}")

    return Check("localhost", "Is any development URL hard-coded where production code runs?",
                 rules=(rule,), find=find, title="No localhost URLs")


@pytest.fixture
def localhost_rule(monkeypatch) -> str:
    """Makes sure `localhost/hardcoded-url` exists; returns "real" or "stand-in"."""
    if rule_exists(HARDCODED):
        return "real"
    from deploycheck import checks, engine
    stand_in = _stand_in_check()
    registry = tuple(stand_in if c.id == "localhost" else c for c in checks.CHECKS)
    monkeypatch.setattr(checks, "CHECKS", registry)
    monkeypatch.setattr(engine, "CHECKS", registry)
    return "stand-in"


# A line every localhost/hardcoded-url implementation must flag, and one it must not.
LOCAL_URL_LINE = 'export const API_URL = "http://localhost:4000/api";'
LOCAL_URL_LINE_2 = 'export const CACHE_URL = "redis://localhost:6379";'
