"""`deploycheck env --format json`: the inventory as data. Documented by schemas/env.schema.json.

Renders only. No value is ever emitted except a feature flag's switch value (true/false/1/0/on/
off/yes/no/enabled/disabled) and a variable's default from the code (masked when the name is
secret-like, credentials in URLs redacted).
"""
from __future__ import annotations

import json
from typing import Any, TextIO

from deploycheck.core import Location
from deploycheck.inventory import Cell, Column, EnvReport, Variable
from deploycheck.report.json import finding_dict

VERSION = 1


def _loc(loc: Location | None) -> dict[str, Any] | None:
    if loc is None or loc.path is None:
        return None
    return {"path": loc.path, "line": loc.line}


def _column(c: Column) -> dict[str, Any]:
    return {
        "id": c.id or None, "name": c.name, "kind": c.kind, "environment": c.environment, "origin": c.origin,
        "deploys": c.deploys, "path": c.path, "platform": c.platform, "opaque": c.opaque,
        "env_files": list(c.env_files), "references": list(c.references), "problem": c.problem,
    }


def _cell(cell: Cell) -> dict[str, Any]:
    d: dict[str, Any] = {"state": cell.state.value, "provides": cell.state.provides}
    loc = _loc(cell.location)
    if loc:
        d["location"] = loc
    if cell.value is not None:
        d["value"] = cell.value
    if cell.refs:
        d["refs"] = list(cell.refs)
    return d


def _variable(v: Variable, columns: tuple[Column, ...]) -> dict[str, Any]:
    return {
        "name": v.name, "need": v.need.value, "required": v.required,
        "reads": [_loc(r) for r in v.reads], "read_count": v.read_count,
        "default": v.default, "secret": v.secret, "side": v.side or None, "flag": v.flag,
        "injected_by": list(v.injected_by), "declared_in": [_loc(d) for d in v.declared_in],
        "environments": {c.id: _cell(cell) for c, cell in zip(columns, v.cells)},
    }


def env_dict(report: EnvReport) -> dict[str, Any]:
    inv = report.inventory
    return {
        "version": VERSION,
        "root": report.root,
        "environments": [_column(c) for c in inv.columns],
        "hidden_environments": [_column(c) for c in inv.hidden],
        "variables": [_variable(v, inv.columns) for v in inv.variables],
        "flags": [v.name for v in inv.flags],
        "missing": [{"environment": g.column, "severity": g.severity.value, "names": list(g.names)}
                    for g in inv.gaps],
        "dynamic_reads": [_loc(r) for r in inv.dynamic_reads],
        "check": {"id": "env-vars", "status": report.status or None, "summary": report.summary or None},
        "findings": [finding_dict(f) for f in report.findings],
        "problems": [{"path": p.path, "reason": p.reason} for p in inv.problems],
        "stats": {"files": report.files, "suppressed": report.suppressed},
    }


def render_env(report: EnvReport, out: TextIO, opts: Any = None) -> None:
    json.dump(env_dict(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
