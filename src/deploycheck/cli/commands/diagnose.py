"""deploycheck diagnose LOG --repo PATH: production logs -> incidents -> cause, code to blame, prompt."""
from __future__ import annotations

import argparse
from pathlib import Path

from deploycheck.cli.environment import Environment

HELP = "group the errors in a production log into incidents, find the code to blame and write a debug prompt"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG", help="log file (plain or .gz; '-' reads stdin)")
    p.add_argument("--repo", default=".", metavar="PATH", help="the app's source, to map stack frames and link findings (default: .)")
    p.add_argument("--format", "-f", default="text", choices=["text", "json"], help="output format")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    p.add_argument("--verbose", "-v", action="store_true", help="print the debug prompt of every incident")
    p.add_argument("--no-scan", action="store_true", help="do not scan the repo (no related findings)")


def run(args: argparse.Namespace, env: Environment) -> int:
    from deploycheck import config as config_mod
    from deploycheck import engine
    from deploycheck.cli import UsageError
    from deploycheck.diagnose import diagnose
    from deploycheck.report import RenderOptions, formats

    log = Path(args.log)
    if args.log != "-":
        if not log.is_absolute():
            log = env.cwd / log
        if not log.is_file():
            raise UsageError(f"{args.log}: no such log file")
    repo = Path(args.repo)
    if not repo.is_absolute():
        repo = env.cwd / repo
    project = scan = None
    if repo.is_dir():
        cfg = config_mod.load(repo, overrides={"display-root": args.repo})
        project = engine.build_project(cfg)
        if not args.no_scan:
            scan = engine.scan(cfg, project=project)
    elif args.repo != ".":
        raise UsageError(f"{args.repo}: no such directory")
    try:
        result = diagnose(log if args.log != "-" else "-", project, scan)
    except OSError as exc:
        raise UsageError(f"{args.log}: cannot read: {exc.strerror or exc}") from None
    renderer = formats()[args.format]
    opts = RenderOptions(color=env.color and not args.output, width=env.width, verbose=args.verbose)
    if args.output:
        with open(Path(args.output) if Path(args.output).is_absolute() else env.cwd / args.output, "w", encoding="utf-8") as fh:
            renderer.render_diagnose(result, fh, opts)
    else:
        renderer.render_diagnose(result, env.stdout, opts)
    return 0
