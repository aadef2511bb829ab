"""Arguments and helpers shared by the commands that scan a project."""
from __future__ import annotations

import argparse
from pathlib import Path

from deploycheck import cache as cache_mod
from deploycheck import config as config_mod
from deploycheck.cli.environment import Environment


def add_project_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", default=".", metavar="PATH", help="the app to check (default: .)")
    p.add_argument("--config", metavar="FILE", help="config file (default: deploycheck.toml or [tool.deploycheck] in pyproject.toml)")
    p.add_argument("--exclude", action="append", default=[], metavar="PATTERN", help="skip paths matching this gitignore-style pattern (repeatable)")
    p.add_argument("--no-gitignore", action="store_true", help="scan files that .gitignore excludes")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="worker processes (default: one per core)")
    p.add_argument("--max-file-size", metavar="SIZE", help="skip files larger than this (default 2MB)")
    p.add_argument("--no-cache", action="store_true",
                   help="do not read or write the facts cache ($XDG_CACHE_HOME/deploycheck or ~/.cache/deploycheck)")


def resolve_root(args: argparse.Namespace, env: Environment) -> Path:
    from deploycheck.cli import UsageError
    root = Path(args.path)
    if not root.is_absolute():
        root = env.cwd / root
    if not root.exists():
        raise UsageError(f"{args.path}: no such directory")
    if not root.is_dir():
        raise UsageError(f"{args.path}: not a directory (deploycheck checks a whole app: pass its folder)")
    return root


def load_config(args: argparse.Namespace, env: Environment, **extra) -> config_mod.Config:
    root = resolve_root(args, env)
    overrides = {
        "exclude": list(args.exclude or []) or None,
        "jobs": args.jobs,
        "gitignore": False if args.no_gitignore else None,
        "max-file-size": args.max_file_size,
        "display-root": args.path,
        **extra,
    }
    cfg_file = Path(args.config) if getattr(args, "config", None) else None
    if cfg_file is not None and not cfg_file.is_absolute():
        cfg_file = env.cwd / cfg_file
    config = config_mod.load(root, config_file=cfg_file, overrides=overrides)
    # Per-file facts are cached by content (see deploycheck/cache.py) unless --no-cache.
    cache_dir = None if getattr(args, "no_cache", False) else cache_mod.default_dir(env.vars)
    return config_mod.with_(config, cache_dir=cache_dir)


def progress_for(env: Environment, enabled: bool = True):
    """A rich progress bar on an interactive stderr, for scans big enough to wait for."""
    if not enabled or not env.stderr_isatty or env.vars.get("CI"):
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=env.stderr)
    bar = Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console, transient=True)
    state: dict = {}

    def update(done: int, total: int) -> None:
        if total < 200:
            return
        if "task" not in state:
            bar.start()
            state["task"] = bar.add_task("scan", total=total)
        bar.update(state["task"], completed=done)
        if done >= total:
            bar.stop()

    return update
