"""scan(config) -> ScanResult. The only place that sequences the stages:

    discover -> extract (per file, in parallel) -> Project -> link (cross-file) -> checks
    -> severity overrides -> snippets (redacted) -> suppressions -> verdicts -> ScanResult
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Callable, Iterable, Mapping, Any

from deploycheck import cache as cache_mod
from deploycheck import suppress
from deploycheck.checks import CHECKS
from deploycheck.config import Config
from deploycheck.core import (CheckResult, Finding, ScanResult, Skipped, Status)
from deploycheck.project import pickling
from deploycheck.project.discover import Candidate, discover, read_bytes
from deploycheck.project.extract import extract_data, extract_file
from deploycheck.project.link import link
from deploycheck.project.model import FileFacts, Project, SourceFile
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
    with _gc_paused():
        for item in _extract_all(found.files, config, progress):
            if isinstance(item, Skipped):
                project.skipped.append(item)
            else:
                project.add(item)
        project.files.sort(key=lambda f: f.path)
        link(project)
    return project


@contextmanager
def _gc_paused():
    """No cyclic garbage collection while facts pile up. Facts are acyclic (frozen dataclasses of
    strings, numbers and tuples) and each file's trees are freed by reference counting when its
    extraction ends (extract_source drops them), yet every collection of the older generations would
    walk the hundreds of thousands of facts gathered so far: a tenth of a cold scan and most of a warm
    one. The collector runs again, and catches up, when the project is built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _jobs(config: Config) -> int:
    if config.jobs > 0:
        return config.jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _open_cache(config: Config) -> cache_mod.Cache | None:
    if config.cache_dir is None:
        return None
    try:
        return cache_mod.Cache.at(config.cache_dir)
    except Exception:  # an unreadable package file, …: scan without a cache
        return None


def _extract_all(files: list[Candidate], config: Config, progress: Progress | None) -> Iterable[FileFacts | Skipped]:
    """Each file's facts, in `files` order: from the cache when it has them, else extracted (in a pool of
    worker processes for a big project). New results are written to the cache at the end."""
    total = len(files)
    jobs = _jobs(config)
    cache = _open_cache(config)
    new: list[tuple[bytes, bytes]] = []
    used: list[bytes] = []
    big = total >= PARALLEL_MIN_FILES or _total_bytes(files) >= PARALLEL_MIN_BYTES
    done = 0
    if jobs > 1 and big and "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        size = max(8, min(64, total // (jobs * 8) or 1))
        chunks = [files[i:i + size] for i in range(0, total, size)]
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_start) as pool:
            for chunk, results in zip(chunks, pool.map(_extract_chunk, chunks, repeat(config.max_file_bytes),
                                                       repeat(cache))):
                for cand, (key, blob, hit) in zip(chunk, results):
                    item = _loaded(cand, blob)
                    if item is None:       # a damaged cache entry: extract the file here
                        item = _extract_one(cand, config.max_file_bytes)
                        if key is not None and _cacheable(item):
                            new.append((key, pickling.dumps(item)))
                    elif key is not None:
                        if hit:
                            used.append(key)
                        else:
                            new.append((key, blob))
                    done += 1
                    if progress:
                        progress(done, total)
                    yield item
    else:
        reader = cache.reader() if cache is not None else None
        try:
            for start in range(0, total, 64):
                chunk = files[start:start + 64]
                for cand, (key, item, blob, hit) in zip(chunk, _extract_local(chunk, config.max_file_bytes, cache, reader)):
                    if key is not None:
                        if hit:
                            used.append(key)
                        elif blob is not None:
                            new.append((key, blob))
                    done += 1
                    if progress:
                        progress(done, total)
                    yield item
                gc.collect(0)      # young cyclic garbage only (see _gc_paused)
        finally:
            if reader is not None:
                reader.close()
    if cache is not None:
        cache.store(new, used)


def _worker_start() -> None:
    # The main process forked with its collector paused; a worker frees each file's objects as it goes,
    # so it collects as usual, except what it inherited: that stays put (gc.freeze), so the collector
    # neither walks it again nor dirties its copy-on-write pages.
    gc.enable()
    gc.freeze()


_READER: tuple[int, cache_mod.Reader] | None = None


def _worker_reader(cache: cache_mod.Cache) -> cache_mod.Reader:
    """One cache connection per worker process (never one inherited across fork)."""
    global _READER
    if _READER is None or _READER[0] != os.getpid() or _READER[1].where != cache:
        _READER = (os.getpid(), cache.reader())
    return _READER[1]


def _read_chunk(chunk: list[Candidate], max_bytes: int, cache: cache_mod.Cache | None,
                reader: cache_mod.Reader | None) -> tuple[list, list, dict[bytes, bytes]]:
    datas = [read_bytes(c.path, c.rel, max_bytes=max_bytes) for c in chunk]
    keys = [cache.key(c.rel, d) if cache is not None and not isinstance(d, Skipped) else None
            for c, d in zip(chunk, datas)]
    hits = reader.get_many([k for k in keys if k is not None]) if reader is not None else {}
    return datas, keys, hits


def _extract_chunk(chunk: list[Candidate], max_bytes: int, cache: cache_mod.Cache | None) -> list[tuple]:
    """In a worker: per file (cache key, pickled result, from the cache?)."""
    reader = _worker_reader(cache) if cache is not None else None
    datas, keys, hits = _read_chunk(chunk, max_bytes, cache, reader)
    out = []
    for cand, data, key in zip(chunk, datas, keys):
        blob = hits.get(key) if key is not None else None
        if blob is not None:
            out.append((key, blob, True))
            continue
        item = data if isinstance(data, Skipped) else extract_data(cand.rel, data)
        out.append((key if _cacheable(item) else None, pickling.dumps(item), False))
    return out


def _extract_local(chunk: list[Candidate], max_bytes: int, cache: cache_mod.Cache | None,
                   reader: cache_mod.Reader | None) -> list[tuple]:
    """In this process: per file (cache key, result, its pickle when it is new to the cache, from the cache?)."""
    datas, keys, hits = _read_chunk(chunk, max_bytes, cache, reader)
    out = []
    for cand, data, key in zip(chunk, datas, keys):
        blob = hits.get(key) if key is not None else None
        if blob is not None:
            item = _loaded(cand, blob)
            if item is not None:
                out.append((key, item, None, True))
                continue
        item = data if isinstance(data, Skipped) else extract_data(cand.rel, data)
        if key is not None and _cacheable(item):
            out.append((key, item, pickling.dumps(item), False))
        else:
            out.append((None, item, None, False))
    return out


def _cacheable(item: FileFacts | Skipped) -> bool:
    # Skips that depend on the file's bytes are facts too; an unreadable file is not.
    return not isinstance(item, Skipped) or not item.reason.startswith(("unreadable", "too large"))


def _loaded(cand: Candidate, blob: bytes) -> FileFacts | Skipped | None:
    """A pickled result back, or None when it is not this file's (a damaged cache entry)."""
    try:
        item = pickling.loads(blob)
    except Exception:
        return None
    if isinstance(item, FileFacts):
        return item if isinstance(item.file, SourceFile) and item.file.path == cand.rel else None
    if isinstance(item, Skipped):
        return item if item.path == cand.rel else None
    return None


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
