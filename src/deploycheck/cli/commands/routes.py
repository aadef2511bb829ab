"""deploycheck routes [PATH]: every endpoint found, with the guard that protects it (or its absence)."""
from __future__ import annotations

import argparse
import json

from deploycheck.cli.commands._common import add_project_arguments, load_config, progress_for
from deploycheck.cli.environment import Environment

HELP = "list the app's endpoints, their handlers and the auth guard found for each"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project_arguments(p)
    p.add_argument("--format", "-f", default="text", choices=["text", "json"], help="output format")


def route_rows(project) -> list[dict]:
    rows = []
    for r in sorted(project.routes, key=lambda r: (r.path, r.method, str(r.location))):
        guards = [g for g in r.guards if g.is_auth]
        rows.append({
            "method": r.method, "path": r.path, "framework": r.framework,
            "location": {"path": r.location.path, "line": r.location.line},
            "handler": ({"path": r.handler_location.path, "line": r.handler_location.line}
                        if r.handler_location else None),
            "guards": [{"name": g.name, "kind": g.kind, "scope": g.scope,
                        "path": g.location.path if g.location else None,
                        "line": g.location.line if g.location else None} for g in guards],
        })
    return rows


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
    for col in ("method", "path", "framework", "handler", "guard"):
        table.add_column(col)
    for r in rows:
        where = r["handler"] or r["location"]
        guard = ", ".join(g["name"] + (f" ({g['scope']})" if g["scope"] != "route" else "") for g in r["guards"])
        table.add_row(Text(r["method"]), Text(r["path"]), Text(r["framework"]),
                      Text(f"{where['path']}:{where['line']}"),
                      Text(guard) if guard else Text("none", style="red"))
    con.print(table)
    con.print(Text(f"{len(rows)} route(s); {sum(1 for r in rows if not r['guards'])} without an auth guard"))
    return 0
