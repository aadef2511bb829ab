"""scan(config) -> ScanResult. The only place that sequences the stages:

    discover -> extract (per file, in parallel) -> Project -> link (cross-file) -> checks
    -> severity overrides -> snippets (redacted) -> suppressions -> verdicts -> ScanResult
"""
from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Any

from deploycheck import suppress
from deploycheck.checks import CHECKS
from deploycheck.config import Config
from deploycheck.core import (CheckResult, Finding, ScanResult, Skipped, Status)
from deploycheck.project.discover import Candidate, discover
from deploycheck.project.extract import extract_file
from deploycheck.project.link import link
from deploycheck.project.model import FileFacts, Project
from deploycheck.redact import redact_line

# Below these, a process pool costs more than it saves.
PARALLEL_MIN_FILES = 400
PARALLEL_MIN_BYTES = 4 * 1024 * 1024

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Context:
    """What a check's find() gets besides the project: the config and its own options."""
    config: Config
    options: Mapping[str, Any]


def build_project(config: Config, progress: Progress | None = None) -> Project:
    root = config.root.resolve()
    found = discover(root, exclude=config.exclude, use_gitignore=config.use_gitignore)
    project = Project(root=root)
    project.skipped.extend(found.skipped)
    project.repo.gitignore_patterns = list(found.root_gitignore)
    for item in _extract_all(found.files, config, progress):
        if isinstance(item, Skipped):
            project.skipped.append(item)
        else:
            project.add(item)
    project.files.sort(key=lambda f: f.path)
    link(project)
    return project


def _jobs(config: Config) -> int:
    if config.jobs > 0:
        return config.jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _extract_all(files: list[Candidate], config: Config, progress: Progress | None) -> Iterable[FileFacts | Skipped]:
    total = len(files)
    jobs = _jobs(config)
    big = total >= PARALLEL_MIN_FILES or _total_bytes(files) >= PARALLEL_MIN_BYTES
    if jobs > 1 and big and "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            chunk = max(8, min(64, total // (jobs * 8) or 1))
            for i, item in enumerate(pool.map(_extract_one, files, [config.max_file_bytes] * total, chunksize=chunk), 1):
                if progress:
                    progress(i, total)
                yield item
        return
    for i, cand in enumerate(files, 1):
        yield _extract_one(cand, config.max_file_bytes)
        if progress:
            progress(i, total)


def _extract_one(cand: Candidate, max_bytes: int) -> FileFacts | Skipped:
    return extract_file(cand, max_bytes)


def _total_bytes(files: list[Candidate]) -> int:
    total = 0
    for c in files:
        try:
            total += os.stat(c.path).st_size
        except OSError:
            pass
        if total >= PARALLEL_MIN_BYTES:
            break
    return total


def scan(config: Config, progress: Progress | None = None, project: Project | None = None) -> ScanResult:
    started = time.perf_counter()
    project = project or build_project(config, progress)
    findings: list[Finding] = []
    results: list[CheckResult] = []
    per_check: dict[str, list[Finding]] = {}
    for check in CHECKS:
        if not config.check_selected(check.id):
            continue
        if check.find is None:
            per_check[check.id] = []
            continue
        got = [f for f in check.find(project, Context(config, config.options(check.id)))
               if config.selected(f.rule.id)]
        got = [f.with_(severity=config.severity[f.rule.id]) if f.rule.id in config.severity else f for f in got]
        per_check[check.id] = got
    all_findings = [f for fs in per_check.values() for f in fs]
    all_findings = _attach_snippets(project.root, all_findings)
    all_findings, unused = suppress.apply(all_findings, project, config)
    ran = {c.id for c in CHECKS if c.id in per_check and c.find is not None}
    unused = _judgeable(unused, project, config, ran)
    by_check: dict[str, list[Finding]] = {}
    for f in all_findings:
        by_check.setdefault(f.check, []).append(f)
    for check in CHECKS:
        if check.id not in per_check:
            continue
        if check.find is None:
            status, summary = Status.MANUAL, "not checked yet: confirm it by hand"
        else:
            status, summary = check.verdict(project, by_check.get(check.id, []))
        confirmed = config.confirm.get(check.id)
        if confirmed and status is Status.MANUAL:
            status, summary = Status.PASS, f"confirmed: {confirmed}"
        results.append(CheckResult(check.id, status, summary, check.title, confirmed))
    findings = sorted(all_findings, key=lambda f: f.sort_key)
    partial = [Skipped(f.path, f.partial) for f in project.files if f.partial]
    return ScanResult(
        root=config.display_root or str(config.root), checks=results, findings=findings, skipped=list(project.skipped),
        partial=partial, files_scanned=len(project.files), duration_s=time.perf_counter() - started,
        unused_suppressions=sorted(unused, key=lambda f: f.sort_key), extras=_extras(project),
    )


def _extras(project: Project) -> dict[str, Any]:
    """Facts the report shows besides the checklist: where it deploys, and the safety nets."""
    from deploycheck.checks import safety_nets
    extras: dict[str, Any] = {}
    p = project.repo.platform
    if p is not None:
        extras["platform"] = {"id": p.id, "name": p.name, "evidence": list(p.evidence), "also": list(p.also)}
    extras["safety_nets"] = safety_nets.collect(project)
    return extras


def _judgeable(unused: list[Finding], project: Project, config: Config, ran: set[str]) -> list[Finding]:
    """An ignore comment is stale only when every id it names was checked in this run: with
    `--select localhost` (or a check not built yet) an ignore[cors] comment may still match."""
    def judged(rule_or_check: str) -> bool:
        if rule_or_check.split("/", 1)[0] not in ran:
            return False
        return "/" not in rule_or_check or rule_or_check.endswith("/*") or config.selected(rule_or_check)

    def key(path, line, ids) -> tuple:
        return (path, line, ",".join(ids))

    inline = {key(s.location.path, s.comment_line, s.ids): s for s in project.suppressions}
    out = []
    for u in unused:
        s = inline.get(key(u.location.path, u.location.line, u.subject.split(",")))
        if s is None or all(judged(i) for i in s.ids):
            out.append(u)
    return out


def _attach_snippets(root: Path, findings: list[Finding]) -> list[Finding]:
    """The source line of each finding, with anything secret-shaped redacted. Read once per file."""
    cache: dict[str, list[str]] = {}
    out = []
    for f in findings:
        loc = f.location
        if loc.path is None or not loc.line or f.snippet is not None:
            out.append(f)
            continue
        if loc.path not in cache:
            try:
                cache[loc.path] = (root / loc.path).read_text("utf-8", errors="replace").splitlines()
            except OSError:
                cache[loc.path] = []
        lines = cache[loc.path]
        text = lines[loc.line - 1] if loc.line <= len(lines) else ""
        out.append(f.with_(snippet=redact_line(text.strip())[:240]) if text.strip() else f)
    return out
