"""The JSON report: exactly the contract's shape (../shared/contract.md, version 1), plus added fields.

Added fields (the contract allows additions): per check `title`; per finding `end_line`,
`end_column`, `title`, `why`, `prompt`, `snippet`, `related`; top level `suppressed` (findings
silenced by an inline comment, config or baseline), `skipped` and `partial` (files not analysed,
or analysed in part, with the reason), and `stats`. Active findings only in `findings`.
"""
from __future__ import annotations

import json
from typing import Any, TextIO

from deploycheck.core import Finding, Location, ScanResult

VERSION = 1


def _loc(loc: Location) -> dict[str, Any]:
    return {"path": loc.path, "line": loc.line}


def finding_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    d: dict[str, Any] = {
        "check": f.check, "rule": f.rule.id, "severity": f.severity.value,
        "path": loc.path, "line": loc.line, "column": loc.column,
        "message": f.message, "fix": f.fix,
        "end_line": loc.end_line, "end_column": loc.end_column,
        "title": f.rule.title, "why": f.rule.why, "prompt": f.prompt,
    }
    if f.snippet:
        d["snippet"] = f.snippet
    if f.related:
        d["related"] = [_loc(r) for r in f.related]
    if f.suppressed_by:
        d["suppressed_by"] = f.suppressed_by
    return d


def scan_dict(result: ScanResult) -> dict[str, Any]:
    return {
        "version": VERSION,
        "root": result.root,
        "checks": [{"id": c.id, "status": c.status.value, "summary": c.summary, "title": c.title,
                    **({"confirmed": c.confirmed} if c.confirmed else {})} for c in result.checks],
        "findings": [finding_dict(f) for f in result.active],
        "suppressed": [finding_dict(f) for f in result.suppressed],
        "unused_suppressions": [{"path": f.location.path, "line": f.location.line, "message": f.message}
                                for f in result.unused_suppressions],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        "partial": [{"path": s.path, "reason": s.reason} for s in result.partial],
        "stats": {"files": result.files_scanned, "duration_ms": round(result.duration_s * 1000, 1)},
        **{k: v for k, v in result.extras.items() if _jsonable(v)},
    }


def _jsonable(v: Any) -> bool:
    try:
        json.dumps(v)
        return True
    except (TypeError, ValueError):
        return False


def render_scan(result: ScanResult, out: TextIO, opts: Any = None) -> None:
    json.dump(scan_dict(result), out, indent=2, ensure_ascii=False)
    out.write("\n")


def diagnose_dict(result: Any) -> dict[str, Any]:
    """The contract's `diagnose --format json` shape, plus `last_seen_line`, `first_seen_at`, `example`."""
    return {
        "version": VERSION,
        "log": result.log,
        "repo": result.repo,
        "lines": result.lines,
        "events": result.events,
        "incidents": [{
            "category": i.category, "count": i.count, "first_seen_line": i.first_seen_line,
            "last_seen_line": i.last_seen_line, "first_seen_at": i.first_ts or None,
            "signature": i.signature, "summary": i.summary,
            "frames": [{"path": f.repo_path, "line": f.line, "function": f.function, "log_path": f.path}
                       for f in i.frames],
            "related_findings": i.related_findings, "prompt": i.prompt, "example": i.example,
        } for i in result.incidents],
    }


def render_diagnose(result: Any, out: TextIO, opts: Any = None) -> None:
    json.dump(diagnose_dict(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
