"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

The `rules` array is built from the same Rule objects the text report uses (title ->
shortDescription, why -> fullDescription, fix -> help). Suppressed findings are emitted with
SARIF `suppressions` rather than dropped. Identity is line-free (`partialFingerprints`), so a
finding keeps its alert when lines move. Repository-level findings carry no physical location.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from deploycheck import __version__
from deploycheck.core import Finding, Rule, ScanResult, Severity, fingerprint

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SUPPRESSION_KIND = {"inline": "inSource", "config": "external", "baseline": "external"}


def _rule(rule: Rule) -> dict[str, Any]:
    help_md = f"**Why:** {rule.why}\n\n**Fix:** {rule.fix}"
    if rule.docs:
        help_md += f"\n\n```\n{rule.docs.strip()}\n```"
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.replace("/", "-").split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {"text": f"{rule.why}\n\nFix: {rule.fix}", "markdown": help_md},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["deploycheck", rule.check], "precision": "high"},
    }


def _location(path: str, line: int | None, column: int | None, end_line: int | None = None,
              end_column: int | None = None) -> dict[str, Any]:
    phys: dict[str, Any] = {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"}}
    if line:
        region: dict[str, Any] = {"startLine": line}
        if column:
            region["startColumn"] = column
        if end_line and end_line >= line:
            region["endLine"] = end_line
            if end_column and (end_line > line or not column or end_column > column):
                region["endColumn"] = end_column
        phys["region"] = region
    return {"physicalLocation": phys}


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    loc = f.location
    res: dict[str, Any] = {
        "ruleId": f.rule.id,
        "ruleIndex": index[f.rule.id],
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.message}. Fix: {f.fix}"},
        "partialFingerprints": {"deploycheck/v1": ":".join(fingerprint(f))},
        "properties": {"check": f.check, "subject": f.subject if f.check != "secrets" else "(masked)"},
    }
    if loc.path:
        res["locations"] = [_location(loc.path, loc.line, loc.column, loc.end_line, loc.end_column)]
    related = [r for r in f.related if r.path]
    if related:
        res["relatedLocations"] = [dict(_location(r.path, r.line, r.column), id=i) for i, r in enumerate(related)]
    if f.suppressed_by:
        res["suppressions"] = [{"kind": SUPPRESSION_KIND.get(f.suppressed_by, "external"),
                                "justification": f"suppressed by {f.suppressed_by}"}]
    return res


def sarif_dict(result: ScanResult) -> dict[str, Any]:
    rules: dict[str, Rule] = {}
    for f in result.findings:
        rules.setdefault(f.rule.id, f.rule)
    ordered = sorted(rules.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(ordered)}
    root_uri = Path(result.root).resolve().as_uri().rstrip("/") + "/"
    notifications = [{"level": "note", "message": {"text": f"skipped {s.path}: {s.reason}"},
                      "locations": [_location(s.path, None, None)]} for s in result.skipped]
    notifications += [{"level": "warning", "message": {"text": f"analysed in part {s.path}: {s.reason}"},
                       "locations": [_location(s.path, None, None)]} for s in result.partial]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "deploycheck", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/deploycheck/deploycheck",
                                "rules": [_rule(r) for r in ordered]}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "results": [_result(f, index) for f in result.findings],
            "properties": {"checks": [{"id": c.id, "status": c.status.value, "summary": c.summary}
                                      for c in result.checks]},
        }],
    }


def render_scan(result: ScanResult, out: TextIO, opts: Any = None) -> None:
    json.dump(sarif_dict(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
