"""The vocabulary every other module speaks: severities, statuses, rules, findings, checks, results.

Nothing here does I/O. A `Finding` can never hold a full secret: the only text it carries is the
message, the subject and the fix, and the engine masks secrets before a finding is created
(see `mask_secret`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from deploycheck.project.model import Project


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Status(StrEnum):
    FAIL = "fail"
    WARN = "warn"
    PASS = "pass"
    MANUAL = "manual"


# The contract's ten checks, in the contract's order. `checks/__init__.py` must match this.
CHECK_IDS: tuple[str, ...] = (
    "env-vars", "localhost", "error-handling", "auth", "db-connections",
    "secrets", "cors", "rollback", "monitoring", "tested-flow",
)


@dataclass(frozen=True, slots=True, order=True)
class Location:
    path: str | None            # relative to the scan root, "/" separators; None = repository-level
    line: int | None = None     # 1-based
    column: int | None = None   # 1-based
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return "(repository)"
        return f"{self.path}:{self.line}" if self.line else self.path


REPO = Location(None)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str             # "<check-id>/<bad-pattern>", never a number
    severity: Severity  # one severity per rule: error and warning variants are two rules
    title: str          # names the bad pattern
    why: str            # what breaks in production, for a beginner
    fix: str            # default remedy; a Finding may carry a more specific one
    docs: str = ""      # "Bad:", "Good:", "References:"; shown by `deploycheck rules explain ID`

    @property
    def check(self) -> str:
        return self.id.split("/", 1)[0]

    def at(self, where: Location, message: str, *, subject: str, fix: str | None = None,
           related: tuple[Location, ...] = (), snippet: str | None = None) -> "Finding":
        return Finding(self, self.severity, where, message, subject, fix or self.fix, related,
                       snippet=snippet)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    severity: Severity
    location: Location
    message: str
    subject: str                        # what it is about: a variable name, a host, a secret's hash
    fix: str
    related: tuple[Location, ...] = ()
    suppressed_by: str | None = None    # "inline" | "config" | "baseline"; set only by suppress.py
    snippet: str | None = None          # the source line, attached by the engine (secrets masked)

    @property
    def check(self) -> str:
        return self.rule.check

    @property
    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path is not None, loc.path or "", loc.line or 0, loc.column or 0, self.rule.id, self.subject)

    def with_(self, **changes: Any) -> "Finding":
        return replace(self, **changes)

    @property
    def prompt(self) -> str:
        """A one-line request a user can paste into an AI assistant."""
        where = f"In {self.location}" if self.location.path else "In my app"
        fix = self.fix.rstrip(".")
        return f"{where}: {self.message}. {fix}. Show me the exact code change and nothing else."


def default_verdict(project: "Project", findings: Sequence[Finding]) -> tuple[Status, str]:
    active = [f for f in findings if f.suppressed_by is None]
    errors = sum(1 for f in active if f.severity is Severity.ERROR)
    warnings = sum(1 for f in active if f.severity is Severity.WARNING)
    if errors:
        return Status.FAIL, _count(errors, "problem") + " that will break in production" + (
            f", {_count(warnings, 'warning')}" if warnings else "")
    if warnings:
        return Status.WARN, _count(warnings, "warning")
    return Status.PASS, "no problems found"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@dataclass(frozen=True, slots=True)
class Check:
    id: str                     # one of the ten contract ids
    question: str               # the contract's pre-deploy question
    rules: tuple[Rule, ...]
    find: Callable[["Project", Any], Iterable[Finding]] | None  # None: not built yet -> manual
    verdict: Callable[["Project", Sequence[Finding]], tuple[Status, str]] = default_verdict
    title: str = ""             # short human label for the checklist ("Environment variables")


@dataclass(frozen=True, slots=True)
class CheckResult:
    id: str
    status: Status
    summary: str
    title: str = ""
    confirmed: str | None = None  # text from [confirm] for a manual item


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(slots=True)
class ScanResult:
    root: str
    checks: list[CheckResult]
    findings: list[Finding]                     # sorted, unsuppressed and suppressed alike
    skipped: list[Skipped] = field(default_factory=list)
    partial: list[Skipped] = field(default_factory=list)   # analysed as far as possible
    files_scanned: int = 0
    duration_s: float = 0.0
    extras: dict[str, Any] = field(default_factory=dict)    # platform, routes count, safety nets…
    unused_suppressions: list[Finding] = field(default_factory=list)  # ignore comments / baseline entries matching nothing

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed_by is None]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed_by is not None]


def exit_status(result: ScanResult, fail_on: Severity) -> int:
    """0: nothing at or above the threshold, 1: something is. (2 is for usage/internal errors.)"""
    return 1 if any(f.severity.rank >= fail_on.rank for f in result.active) else 0


def fingerprint(finding: "Finding") -> tuple[str, str, str]:
    """Line-free identity of a finding: (rule, path, hash of the subject). It survives edits above the
    finding; baselines and SARIF partialFingerprints use it (detect-secrets' model, not gitleaks')."""
    digest = hashlib.sha256(finding.subject.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return (finding.rule.id, finding.location.path or "", digest)


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def mask_secret(value: str) -> str:
    """First 4 characters and the length: enough to find it, never enough to use it."""
    if len(value) <= 8:
        return f"{'*' * len(value)} ({len(value)} chars)"
    return f"{value[:4]}{'*' * 6} ({len(value)} chars)"
