"""Command-line entry point: parse arguments, dispatch to a command, map errors to exit codes.

Exit status (contract): 0 nothing at or above the fail threshold, 1 findings at or above it,
2 usage or internal error.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from typing import Sequence

from deploycheck import __version__
from deploycheck.cli.environment import Environment
from deploycheck.config import ConfigError

# name -> module; each module has `HELP`, `add_arguments(parser)` and `run(args, env) -> int`.
COMMANDS: dict[str, str] = {
    "scan": "deploycheck.cli.commands.scan",
    "env": "deploycheck.cli.commands.env",
    "diagnose": "deploycheck.cli.commands.diagnose",
    "probe": "deploycheck.cli.commands.probe",
    "routes": "deploycheck.cli.commands.routes",
    "rules": "deploycheck.cli.commands.rules",
}

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or input the user can fix (exit status 2, one clear line)."""


class _Parser(argparse.ArgumentParser):
    env: Environment | None = None   # where --help and --version print (argparse would use sys.stdout)

    def error(self, message: str):  # argparse exits with 2 too; keep its message, drop the traceback
        raise UsageError(f"{self.prog}: {message}")

    def _print_message(self, message: str, file=None) -> None:
        if message and self.env is not None:
            file = self.env.stderr if file is sys.stderr else self.env.stdout
        super()._print_message(message, file)


def build_parser(env: Environment | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="deploycheck", description="Catch, before deploy, what breaks web apps in production.")
    parser.env = env
    parser.add_argument("--version", action="version", version=f"deploycheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue   # a command not built yet
            raise
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        p.env = env
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> int:
    env = env or Environment()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(env)
        if not argv:
            parser.print_help(env.stdout)
            return EXIT_ERROR
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            parser.print_help(env.stdout)
            return EXIT_ERROR
        return args._run(args, env)
    except (UsageError, ConfigError) as exc:
        env.err(f"deploycheck: error: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        env.err("deploycheck: interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except SystemExit as exc:   # --help / --version
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_OK
    except Exception as exc:  # an internal error: say so, with the trace for a bug report
        env.err(f"deploycheck: internal error: {exc.__class__.__name__}: {exc}")
        env.err("".join(traceback.format_exception(exc)).rstrip())
        env.err("Please report this at https://github.com/deploycheck/deploycheck/issues with the trace above.")
        return EXIT_ERROR


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
