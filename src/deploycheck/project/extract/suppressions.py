"""Inline suppressions: `deploycheck: ignore[rule-or-check, ...] reason`.

The comment either trails the line it silences or stands alone on the line above it (the second
form survives formatters). The ids are required (no blanket ignore) and matched by an exact regex,
never by substring.
"""
from __future__ import annotations

import re

from deploycheck.core import Location
from deploycheck.project.model import FileFacts, InlineSuppression
from deploycheck.project.parse import FileContext

from deploycheck.project.extract import Extractor

_ID = r"[a-z][a-z0-9-]*(?:/[a-z0-9*][a-z0-9-]*)?"
PATTERN = re.compile(
    r"(?:#|//|/\*|<!--|--|;)\s*deploycheck:\s*ignore\[\s*(" + _ID + r"(?:\s*,\s*" + _ID + r")*)\s*\]\s*([^\n]*?)\s*(?:\*/|-->)?\s*$")
_CODE_BEFORE = re.compile(r"\S")


def extract(ctx: FileContext, out: FileFacts) -> None:
    for lineno, line in ctx.iter_lines():
        if "deploycheck:" not in line:
            continue
        m = PATTERN.search(line)
        if not m:
            continue
        ids = tuple(i.strip() for i in m.group(1).split(","))
        before = line[:m.start()]
        target = lineno if _CODE_BEFORE.search(before) else _next_code_line(ctx, lineno)
        out.suppressions.append(InlineSuppression(Location(ctx.path, target), ids, m.group(2), lineno))


def _next_code_line(ctx: FileContext, lineno: int) -> int:
    for n in range(lineno + 1, len(ctx.lines) + 1):
        if ctx.line_text(n).strip():
            return n
    return lineno


EXTRACTORS = (Extractor("suppressions", extract, triggers=("deploycheck:",)),)
