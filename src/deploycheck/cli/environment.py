"""The world a command runs in: streams, terminal-ness, colour, working directory, variables.

Commands write only through this, so tests can run `main()` in-process with fake streams.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, TextIO


@dataclass
class Environment:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin_isatty: bool = field(default_factory=lambda: _isatty(sys.stdin))
    stdout_isatty: bool = field(default_factory=lambda: _isatty(sys.stdout))
    stderr_isatty: bool = field(default_factory=lambda: _isatty(sys.stderr))
    cwd: Path = field(default_factory=Path.cwd)
    vars: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def color(self) -> bool:
        if "NO_COLOR" in self.vars:
            return False
        if self.vars.get("FORCE_COLOR"):
            return True
        return self.stdout_isatty and self.vars.get("TERM") != "dumb"

    @property
    def width(self) -> int:
        try:
            return max(60, min(int(self.vars.get("COLUMNS", "")), 160))
        except ValueError:
            pass
        if self.stdout_isatty:
            try:
                return max(60, min(os.get_terminal_size().columns, 160))
            except OSError:
                pass
        return 100

    def err(self, message: str) -> None:
        print(message, file=self.stderr)


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False
