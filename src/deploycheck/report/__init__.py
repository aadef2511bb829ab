"""Renderers only render: they get the finished, filtered, sorted, masked ScanResult, never the
engine or the config. They do not filter, decide severity, or read files.

    FORMATS[name].render_scan(result, out, opts)
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    verbose: bool = False             # list every skipped file, show suppressed findings
    show_suppressed: bool = False
    fail_on: str = "error"            # the run's --fail-on, so the verdict agrees with the exit status


def formats() -> dict[str, ModuleType]:
    from deploycheck.report import json, text
    found = {"text": text, "json": json}
    for name in ("sarif", "markdown", "html"):
        try:
            found[name] = __import__(f"deploycheck.report.{name}", fromlist=["render_scan"])
        except ImportError:
            pass
    return found
