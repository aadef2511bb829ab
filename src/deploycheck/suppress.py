"""Suppressions, in order: inline comments -> config (per-path-ignore) -> baseline.

Suppressed findings are kept, marked with `suppressed_by`, so JSON and SARIF can show them.
Inline ignores and baseline entries that matched nothing come back as `info` findings, so stale
suppressions get cleaned up (ruff's unused-noqa).
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pathspec

from deploycheck.config import Config, ConfigError
from deploycheck.core import Finding, Location, Rule, Severity, fingerprint
from deploycheck.project.model import InlineSuppression, Project

UNUSED_SUPPRESSION = Rule(
    "unused-suppression", Severity.INFO, "Suppression that matches nothing",
    why="An ignore comment or baseline entry that no longer matches a finding hides nothing today, "
        "but it will silently hide the next real problem on that line.",
    fix="Remove the stale `deploycheck: ignore[...]` comment or regenerate the baseline.")

BASELINE_VERSION = 1


def _covers(ids: tuple[str, ...], finding: Finding) -> bool:
    return any(i == finding.rule.id or i == finding.check or
               (i.endswith("/*") and finding.rule.id.startswith(i[:-1])) for i in ids)


def apply(findings: list[Finding], project: Project, config: Config) -> tuple[list[Finding], list[Finding]]:
    out: list[Finding] = []
    by_line: dict[tuple[str, int], list[InlineSuppression]] = defaultdict(list)
    for s in project.suppressions:
        by_line[(s.location.path, s.location.line)].append(s)
    used: set[int] = set()
    path_specs = [(pathspec.GitIgnoreSpec.from_lines([pattern]), ids)
                  for pattern, ids in config.per_path_ignore.items()]
    baseline = _load_baseline(config)
    baseline_used: set[tuple] = set()
    occurrences: dict[tuple, int] = defaultdict(int)
    for f in findings:
        loc = f.location
        reason = None
        if loc.path and loc.line:
            for s in by_line.get((loc.path, loc.line), ()):
                if _covers(s.ids, f):
                    used.add(id(s))
                    reason = "inline"
        if reason is None and loc.path:
            for spec, ids in path_specs:
                if _covers(ids, f) and spec.match_file(loc.path):
                    reason = "config"
                    break
        if reason is None and baseline is not None:
            key = identity(f)
            n = occurrences[key]
            occurrences[key] += 1
            entry = (*key, n)
            if entry in baseline:
                baseline_used.add(entry)
                reason = "baseline"
        out.append(f.with_(suppressed_by=reason) if reason else f)
    unused = [UNUSED_SUPPRESSION.at(Location(s.location.path, s.comment_line),
                                    f"`deploycheck: ignore[{', '.join(s.ids)}]` matches no finding",
                                    subject=",".join(s.ids))
              for s in project.suppressions if id(s) not in used]
    if baseline is not None:
        for entry in sorted(baseline - baseline_used):
            unused.append(UNUSED_SUPPRESSION.at(
                Location(str(config.baseline.name) if config.baseline else None),
                f"baseline entry for {entry[0]} in {entry[1]} matches no finding", subject=entry[2]))
    return out, unused


identity = fingerprint


def baseline_entries(findings: list[Finding]) -> list[dict]:
    occurrences: dict[tuple, int] = defaultdict(int)
    entries = []
    for f in sorted(findings, key=lambda x: x.sort_key):
        key = identity(f)
        entries.append({"rule": key[0], "path": key[1], "subject_hash": key[2], "occurrence": occurrences[key]})
        occurrences[key] += 1
    return sorted(entries, key=lambda e: (e["path"], e["rule"], e["subject_hash"], e["occurrence"]))


def write_baseline(path: Path, findings: list[Finding]) -> int:
    entries = baseline_entries([f for f in findings if f.severity is not Severity.INFO])
    path.write_text(json.dumps({"version": BASELINE_VERSION, "entries": entries}, indent=2) + "\n", "utf-8")
    return len(entries)


def _load_baseline(config: Config) -> set[tuple] | None:
    if not config.use_baseline:
        return None
    if config.baseline is None:
        default = config.root / ".deploycheck-baseline.json"
        if not default.is_file():
            return None
        path = default
    else:
        path = config.baseline
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("version") != BASELINE_VERSION:
            raise ConfigError(f"{path}: baseline version {data.get('version')!r} is not {BASELINE_VERSION}")
        return {(e["rule"], e["path"], e["subject_hash"], int(e["occurrence"])) for e in data["entries"]}
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{path}: not a deploycheck baseline ({exc.__class__.__name__}: {exc})") from None
