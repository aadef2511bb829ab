"""deploycheck scan [PATH]: the ten-item pre-deploy checklist."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deploycheck.cli.commands._common import add_project_arguments, load_config, progress_for
from deploycheck.cli.environment import Environment

HELP = "run the pre-deploy checklist over an app (exit 1 when something at --fail-on is found)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project_arguments(p)
    p.add_argument("--format", "-f", default="text", choices=["text", "json", "sarif", "markdown", "html"],
                   help="output format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--fail-on", choices=["error", "warning", "info"], help="lowest severity that fails the run (default: error)")
    p.add_argument("--select", action="append", default=[], metavar="ID", help="only these checks or rules (repeatable, comma lists)")
    p.add_argument("--ignore", action="append", default=[], metavar="ID", help="skip these checks or rules (repeatable, comma lists)")
    p.add_argument("--verbose", "-v", action="store_true", help="list every skipped file and why")
    p.add_argument("--show-suppressed", action="store_true", help="also show findings silenced by comments, config or baseline")
    p.add_argument("--baseline", metavar="FILE", help="ignore findings recorded in this baseline (default: .deploycheck-baseline.json if present)")
    p.add_argument("--write-baseline", nargs="?", const=".deploycheck-baseline.json", metavar="FILE",
                   help="record today's findings as accepted, so CI fails only on new ones")


def _ids(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def run(args: argparse.Namespace, env: Environment) -> int:
    from deploycheck import engine, suppress
    from deploycheck.core import exit_status
    from deploycheck.report import RenderOptions, formats

    config = load_config(args, env, **{
        "select": _ids(args.select) or None, "ignore": _ids(args.ignore) or None,
        "fail-on": args.fail_on, "baseline": args.baseline if args.baseline else None})
    if args.write_baseline:
        config = _without_baseline(config)
    result = engine.scan(config, progress=progress_for(env))
    if args.write_baseline:
        target = Path(args.write_baseline)
        if not target.is_absolute():
            target = config.root / target
        try:
            n = suppress.write_baseline(target, result.active)
        except OSError as exc:
            from deploycheck.cli import UsageError
            raise UsageError(f"cannot write the baseline to {target}: {exc.strerror or exc}") from None
        env.err(f"deploycheck: wrote {n} finding(s) to {target}; future scans report only new ones")
        return 0
    renderer = formats().get(args.format)
    if renderer is None:
        from deploycheck.cli import UsageError
        raise UsageError(f"the {args.format} format is not available in this build")
    to_file = bool(args.output)
    opts = RenderOptions(color=env.color and not to_file and args.format == "text", width=env.width,
                         verbose=args.verbose, show_suppressed=args.show_suppressed,
                         fail_on=config.fail_on.value)
    if to_file:
        out_path = Path(args.output)
        if not out_path.is_absolute():
            out_path = env.cwd / out_path
        try:
            fh = open(out_path, "w", encoding="utf-8")
        except OSError as exc:
            from deploycheck.cli import UsageError
            raise UsageError(f"cannot write the report to {args.output}: {exc.strerror or exc}") from None
        with fh:
            renderer.render_scan(result, fh, opts)
        env.err(f"deploycheck: wrote the {args.format} report to {out_path}")
    else:
        renderer.render_scan(result, env.stdout, opts)
    return exit_status(result, config.fail_on)


def _without_baseline(config):
    from dataclasses import replace
    return replace(config, baseline=None, use_baseline=False)
