"""deploycheck routes [PATH]: every endpoint found, with the guard that protects it, the reason it is
public by design, or "none" - the same judgement the `auth` check makes."""
from __future__ import annotations

import argparse
import json

from deploycheck.cli.commands._common import add_project_arguments, load_config, progress_for
from deploycheck.cli.environment import Environment

HELP = "list the app's endpoints, their handlers and the auth guard found for each"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project_arguments(p)
    p.add_argument("--format", "-f", default="text", choices=["text", "json"], help="output format")


def _loc(loc) -> dict | None:
    return {"path": loc.path, "line": loc.line} if loc is not None else None


def route_rows(project) -> list[dict]:
    from deploycheck.checks.auth import assess
    rows = []
    verdicts = sorted(assess(project), key=lambda v: (v.route.path, v.route.method, str(v.route.location)))
    for v in verdicts:
        r = v.route
        rows.append({
            "method": r.method, "path": r.path, "framework": r.framework,
            "location": _loc(r.location),
            "handler": _loc(r.handler_location),
            "handler_id": r.handler,
            "guards": [{"name": g.name, "kind": g.kind, "scope": g.scope, "role": g.role,
                        "path": g.location.path if g.location else None,
                        "line": g.location.line if g.location else None} for g in v.guards],
            "public": v.public,
            "public_reason": v.reason,
            "touches": v.touches,
            "findings": [{"rule": f.rule.id, "severity": f.severity.value, "path": f.location.path,
                          "line": f.location.line, "message": f.message} for f in v.findings],
        })
    return rows


def guard_text(row: dict) -> str:
    if row["guards"]:
        return ", ".join(g["name"] + (f" ({g['scope']})" if g["scope"] not in ("route",) else "") for g in row["guards"])
    if row["public_reason"]:
        return f"public: {row['public_reason']}"
    return "none"


def run(args: argparse.Namespace, env: Environment) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from deploycheck.engine import build_project

    config = load_config(args, env)
    project = build_project(config, progress=progress_for(env))
    rows = route_rows(project)
    if args.format == "json":
        json.dump({"version": 1, "root": str(args.path), "routes": rows}, env.stdout, indent=2)
        env.stdout.write("\n")
        return 0
    con = Console(file=env.stdout, force_terminal=env.color, no_color=not env.color, width=max(env.width, 120),
                  highlight=False)
    if not rows:
        con.print(Text("No routes found. Supported: Express, Fastify, Hono, NestJS, Next.js, Flask, FastAPI, Django."))
        return 0
    table = Table(show_lines=False, header_style="bold", expand=False)
    for col in ("method", "path", "handler", "guard"):
        table.add_column(col, overflow="fold")
    plain = len(rows) > 400      # a rich table of thousands of rows is slow: print aligned lines instead
    unguarded = 0
    problems = 0
    for r in rows:
        where = r["handler"] or r["location"]
        text = guard_text(r)
        style = None
        if not r["guards"] and not r["public_reason"]:
            unguarded += 1
            style = "red" if r["touches"] != "none" else "dim"
            if r["touches"] == "none":
                text = "none (touches no data)"
        elif r["public_reason"]:
            style = "cyan"
        if r["findings"]:
            problems += len(r["findings"])
            text += "  ⚠ " + "; ".join(f"{f['rule']} at {f['path']}:{f['line']}" for f in r["findings"])
            style = "red"
        handler = f"{where['path']}:{where['line']}" if where else "?"
        if plain:
            env.stdout.write(f"{r['method']:<7} {r['path']}  {handler}  {text}\n")
        else:
            table.add_row(Text(r["method"]), Text(r["path"]), Text(handler), Text(text, style=style) if style else Text(text))
    if not plain:
        con.print(table)
    public = sum(1 for r in rows if r["public_reason"])
    con.print(Text(f"{len(rows)} route(s): {len(rows) - unguarded - public} guarded, {public} public by design, "
                   f"{unguarded} without a guard; {problems} auth problem(s)"))
    return 0
