"""deploycheck diagnose: production logs -> grouped incidents -> category, the code to blame, the
related pre-deploy findings, and a complete debug prompt.

    read.py       streaming lines -> events (stack traces assembled per process)
    signature.py  error line, normalised signature, frames mapped to repository files
    classify.py   which checklist item an error belongs to
    here          grouping, linking to the scan's findings, the prompt
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from deploycheck.core import Finding, ScanResult
from deploycheck.diagnose.classify import NOISE, classify
from deploycheck.diagnose.read import Event, open_log, read_events
from deploycheck.diagnose.signature import Frame, RepoMapper, error_line, is_error, normalise
from deploycheck.project.model import Project
from deploycheck.redact import redact_line

MAX_INCIDENTS = 50


@dataclass(slots=True)
class Incident:
    category: str
    signature: str               # the error line of the first occurrence (redacted)
    key: str                     # normalised signature used for grouping
    count: int
    first_seen_line: int
    last_seen_line: int
    first_ts: str
    summary: str
    frames: list[Frame]
    example: list[str]           # the first occurrence's lines (redacted, capped)
    related_findings: list[str] = field(default_factory=list)   # "check:path:line"
    subject: str | None = None
    prompt: str = ""


@dataclass(slots=True)
class DiagnoseResult:
    log: str
    repo: str | None
    lines: int
    events: int
    incidents: list[Incident]


def diagnose(log: Path | str, project: Project | None, scan: ScanResult | None,
             stream: IO[str] | None = None) -> DiagnoseResult:
    files = {f.path for f in project.files} if project else set()
    mapper = RepoMapper(project.root if project else None, files)
    groups: dict[tuple[str, str], Incident] = {}
    n_events = 0
    last_line = 0
    handle = stream if stream is not None else open_log(log)
    try:
        for ev in read_events(handle):
            n_events += 1
            last_line = max(last_line, ev.line_numbers[-1] if ev.line_numbers else ev.first_line)
            _add_event(ev, groups, mapper)
    finally:
        if stream is None:
            handle.close()
    incidents = sorted(groups.values(), key=lambda i: (i.category == "unknown", -i.count, i.first_seen_line))
    incidents = incidents[:MAX_INCIDENTS]
    for inc in incidents:
        inc.related_findings = _related(inc, project, scan)
        inc.summary = _summary(inc, project)
        inc.prompt = _prompt(inc, project, scan)
    incidents.sort(key=lambda i: i.first_seen_line)
    return DiagnoseResult(str(log), str(project.root) if project else None, last_line, n_events, incidents)


def _add_event(ev: Event, groups: dict[tuple[str, str], Incident], mapper: RepoMapper) -> None:
    line = error_line(ev)
    if not line or NOISE.search(ev.stream + " " + line):
        return
    if not is_error(ev, line):
        return
    text = ev.text
    category, explanation, subject = classify(text)
    if category == "unknown" and _router_line(line):
        key = "HTTP " + _router_key(line)
    else:
        key = normalise(line)
    gk = (category, key if category == "unknown" or not subject else f"{subject}|{key}")
    inc = groups.get(gk)
    if inc is None:
        inc = groups[gk] = Incident(
            category=category, signature=key if key.startswith("HTTP ") else redact_line(line)[:300], key=key, count=0, first_seen_line=ev.first_line,
            last_seen_line=ev.first_line, first_ts=ev.ts, summary=explanation, frames=mapper.app_frames(ev),
            example=[redact_line(l)[:300] for l in ev.lines[:40]], subject=subject)
    inc.count += 1
    if ev.first_line < inc.first_seen_line:   # events close out of order when processes interleave
        inc.first_seen_line, inc.first_ts = ev.first_line, ev.ts
        inc.example = [redact_line(l)[:300] for l in ev.lines[:40]]
        inc.frames = mapper.app_frames(ev) or inc.frames
    inc.last_seen_line = max(inc.last_seen_line, ev.first_line)
    if not inc.frames:
        inc.frames = mapper.app_frames(ev)


_ROUTER = re.compile(r"\bmethod=(\w+)\s+path=\"?([^\s\"]+)\"?.*\bstatus=(5\d\d)")


def _router_line(line: str) -> bool:
    return bool(_ROUTER.search(line))


def _router_key(line: str) -> str:
    m = _ROUTER.search(line)
    if not m:
        return line[:80]
    path = re.sub(r"/\d+(?=/|$)", "/:id", m.group(2).split("?")[0])
    return f"{m.group(3)} on {m.group(1)} {path}"


# ------------------------------------------------------------------------------------ linking


def _fid(f: Finding) -> str:
    return f"{f.check}:{f.location.path}:{f.location.line}" if f.location.path else f"{f.check}:(repository)"


def _related(inc: Incident, project: Project | None, scan: ScanResult | None) -> list[str]:
    if scan is None:
        return []
    findings = scan.active
    out: list[str] = []

    def add(f: Finding) -> None:
        fid = _fid(f)
        if fid not in out:
            out.append(fid)

    frame_files = {f.repo_path for f in inc.frames}
    if inc.category == "env-vars" and inc.subject:
        for f in findings:
            if f.check == "env-vars" and f.subject == inc.subject:
                add(f)
        if not out and project is not None:
            for r in project.env_reads:
                if r.name == inc.subject and project.role(r) is not None:
                    out.append(f"env-vars:{r.location.path}:{r.location.line}")
    elif inc.category == "localhost":
        port = inc.subject
        for f in findings:
            if f.check == "localhost" and (not port or f.subject.endswith(f":{port}") or port in f.message):
                add(f)
    elif inc.category == "db-connections":
        for f in sorted(findings, key=lambda f: f.location.path not in frame_files):
            if f.check == "db-connections":
                add(f)
    elif inc.category == "error-handling":
        db_files = {c.location.path for c in project.db_clients} if project else set()
        for f in findings:
            if f.check == "error-handling" and (f.location.path in frame_files or f.location.path in db_files):
                add(f)
        if "buffering" in inc.signature.lower() or "timed out" in inc.signature.lower():
            for f in findings:   # the queries wait on a connection that never came up
                if f.check == "localhost" and (f.location.path in db_files or _db_port(f.subject)):
                    add(f)
    elif inc.category in ("cors", "rollback", "secrets", "auth", "monitoring", "tested-flow"):
        for f in findings:
            if f.check == inc.category:
                add(f)
    # any finding sitting on a frame of the stack
    for fr in inc.frames:
        for f in findings:
            if f.location.path == fr.repo_path and f.location.line and abs(f.location.line - fr.line) <= 2:
                add(f)
    return out[:10]


_DB_PORTS = {"5432", "3306", "27017", "6379", "1433", "5984", "9042", "11211"}


def _db_port(subject: str) -> bool:
    return subject.rsplit(":", 1)[-1] in _DB_PORTS


def _summary(inc: Incident, project: Project | None) -> str:
    where = ""
    if inc.frames:
        fr = inc.frames[0]
        where = f" in {fr.function}() at {fr.repo_path}:{fr.line}" if fr.function and fr.function != "<module>" \
            else f" at {fr.repo_path}:{fr.line}"
    times = f"{inc.count} time{'s' if inc.count != 1 else ''}"
    if inc.category == "unknown":
        return f"{inc.signature[:160]} ({times}){where}"
    return f"{inc.summary[:1].upper()}{inc.summary[1:]}; failed {times}{where}"


def _excerpt(project: Project | None, path: str, line: int, context: int = 3) -> list[str]:
    if project is None:
        return []
    try:
        text = (project.root / path).read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    lo, hi = max(1, line - context), min(len(text), line + context)
    return [f"{'>' if n == line else ' '} {n:>4} | {redact_line(text[n - 1])}" for n in range(lo, hi + 1)]


def _prompt(inc: Incident, project: Project | None, scan: ScanResult | None) -> str:
    parts = [f"My app broke in production. This error appears {inc.count} time(s) in the logs"
             + (f", first at {inc.first_ts}" if inc.first_ts else "") + ":", "", "```"]
    parts += inc.example[:25]
    parts += ["```", ""]
    if inc.frames:
        parts.append("Where it fails in my code:")
        for fr in inc.frames[:3]:
            parts.append(f"- {fr.repo_path}:{fr.line}" + (f" in {fr.function}" if fr.function else ""))
            ex = _excerpt(project, fr.repo_path or "", fr.line)
            if ex:
                parts += ["```"] + ex + ["```"]
        parts.append("")
    if inc.category != "unknown":
        parts.append(f"What deploycheck concluded: {inc.summary}")
    if scan is not None and inc.related_findings:
        parts.append("Related problems a pre-deploy check found in the code:")
        by_id = {_fid(f): f for f in scan.active}
        for fid in inc.related_findings[:5]:
            f = by_id.get(fid)
            parts.append(f"- {fid}: {f.message}. Suggested fix: {f.fix}" if f else f"- {fid}")
        parts.append("")
    parts.append("Please: 1) explain the root cause in a short paragraph; 2) give the exact fix (code and "
                 "hosting-platform settings); 3) write a test or a start-up check that would have caught this "
                 "before deploy; 4) tell me how to confirm the fix in production.")
    return "\n".join(parts)
