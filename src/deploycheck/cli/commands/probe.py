"""deploycheck probe URL: check a running staging deployment from outside (safe requests only)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from deploycheck.cli.environment import Environment

HELP = "check a running deployment from outside: health, CORS, auth, exposed files, error pages (GET/OPTIONS only)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("url", metavar="URL", help="base URL of the deployment, e.g. https://staging.example.com")
    p.add_argument("--repo", metavar="PATH", help="the app's source: its routes and health-check config guide the probe")
    p.add_argument("--format", "-f", default="text", choices=["text", "json"])
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    p.add_argument("--max-requests", type=int, default=60, help="upper bound on requests sent (default 60)")
    p.add_argument("--header", action="append", default=[], metavar="NAME:VALUE",
                   help="extra header for every request (e.g. a staging password); repeatable")
    p.add_argument("--fail-on", choices=["error", "warning"], default="error")


def _paths_from_repo(repo: Path) -> tuple[list[str], list[str], list[str]]:
    from deploycheck import config as config_mod
    from deploycheck.engine import build_project

    project = build_project(config_mod.load(repo))
    health = [d.health_path for d in project.deploy if d.health_path]
    private, api = [], []
    for r in project.routes:
        if r.method not in ("GET", "ANY") or r.params or any(c in r.path for c in ":{[<*"):
            continue
        if any(k in r.path for k in ("health", "status", "ready", "ping")):
            health.append(r.path)
        elif any(g.is_auth for g in r.guards):
            private.append(r.path)
        elif r.path.startswith("/api"):
            api.append(r.path)
    return health, private[:15], api[:5]


def run(args: argparse.Namespace, env: Environment) -> int:
    from deploycheck.cli import UsageError
    from deploycheck.core import Severity
    from deploycheck.probe import probe
    from deploycheck.report.json import finding_dict

    headers = {}
    for h in args.header:
        if ":" not in h:
            raise UsageError(f"--header {h!r}: use NAME:VALUE")
        k, v = h.split(":", 1)
        headers[k.strip()] = v.strip()
    health = private = api = []
    if args.repo:
        repo = Path(args.repo) if Path(args.repo).is_absolute() else env.cwd / args.repo
        if not repo.is_dir():
            raise UsageError(f"{args.repo}: no such directory")
        health, private, api = _paths_from_repo(repo)
    result = probe(args.url, health_paths=health, private_paths=private, api_paths=api, timeout=args.timeout,
                   max_requests=args.max_requests, headers=headers)
    if result.error:
        env.err(f"deploycheck: error: {result.error}")
        return 2
    if args.format == "json":
        json.dump({"version": 1, "url": result.url, "requests": result.requests,
                   "duration_ms": round(result.duration_s * 1000, 1),
                   "steps": [{"name": c.name, "path": c.path, "outcome": c.outcome, "detail": c.detail} for c in result.checks],
                   "findings": [finding_dict(f) for f in result.findings]}, env.stdout, indent=2)
        env.stdout.write("\n")
    else:
        out = env.stdout
        out.write(f"deploycheck probe {result.url}  ({result.requests} requests, {result.duration_s:.1f} s)\n\n")
        for c in result.checks:
            mark = {"ok": "✓", "problem": "✗"}.get(c.outcome, "-")
            out.write(f"  {mark} {c.name:<7} {c.path}: {c.detail}\n")
        if result.findings:
            out.write("\n")
        for f in result.findings:
            out.write(f"  {f.severity.value:<8} {f.rule.id}: {f.message}\n           Why: {f.rule.why}\n"
                      f"           Fix: {f.fix}\n")
    threshold = Severity(args.fail_on)
    return 1 if any(f.severity.rank >= threshold.rank for f in result.findings) else 0
