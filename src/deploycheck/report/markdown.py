"""Markdown for pull-request comments and job summaries (GitHub/GitLab flavoured).

Everything from the scanned code is escaped: table cells cannot break out of their column, and
inline code spans cannot be closed early by a backtick in a message.
"""
from __future__ import annotations

import re
from typing import Any, TextIO

from deploycheck.core import CHECK_IDS, Finding, ScanResult, Severity, Status

ICON = {Status.FAIL: "❌ fail", Status.WARN: "⚠️ warn", Status.PASS: "✅ pass", Status.MANUAL: "❔ manual"}
SEV = {Severity.ERROR: "🔴 error", Severity.WARNING: "🟡 warning", Severity.INFO: "🔵 info"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|<>~])")


def esc(text: str) -> str:
    """Escape Markdown (and the HTML GitHub would render inside it)."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def code(text: str) -> str:
    """An inline code span that no backtick in `text` can close."""
    text = text.replace("\n", " ")
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def prose_and_code(text: str) -> str:
    """A fix that carries a snippet (its lines after the first): prose escaped, snippet fenced."""
    first, _, rest = text.partition("\n")
    if not rest.strip():
        return esc(text)
    run = max((len(m) for m in re.findall(r"`+", rest)), default=0)
    fence = "`" * max(3, run + 1)
    body = "\n".join("  " + line for line in rest.splitlines())
    return f"{esc(first)}\n\n  {fence}\n{body}\n  {fence}"


def render_scan(result: ScanResult, out: TextIO, opts: Any = None) -> None:
    w = out.write
    errors = [f for f in result.active if f.severity is Severity.ERROR]
    warnings = [f for f in result.active if f.severity is Severity.WARNING]
    w("## deploycheck: " + (f"{len(errors)} blocker(s) before deploy" if errors else "ready to deploy") + "\n\n")
    platform = result.extras.get("platform")
    if platform:
        name = platform.get("name", "") if isinstance(platform, dict) else platform
        w(f"Deploy target: **{esc(str(name))}**\n\n")
    w("| | check | result |\n|---|---|---|\n")
    for c in result.checks:
        w(f"| {ICON[c.status]} | `{c.id}` | {esc(c.summary)} |\n")
    w("\n")
    order = {cid: i for i, cid in enumerate(CHECK_IDS)}
    by_check: dict[str, list[Finding]] = {}
    for f in result.active:
        by_check.setdefault(f.check, []).append(f)
    for cid in sorted(by_check, key=lambda c: order.get(c, 99)):
        fs = by_check[cid]
        w(f"### {esc(cid)} ({len(fs)})\n\n")
        for f in fs:
            where = code(str(f.location))
            w(f"- {SEV[f.severity]} {where}: {esc(f.message)} ({code(f.rule.id)})\n")
            w(f"  <details><summary>Why and how to fix</summary>\n\n")
            if f.snippet:
                w(f"  {code(f.snippet)}\n\n")
            w(f"  **Why:** {esc(f.rule.why)}\n\n  **Fix:** {prose_and_code(f.fix)}\n\n")
            w(f"  **Ask an AI:** {esc(f.prompt)}\n\n  </details>\n\n")
    nets = [n for n in result.extras.get("safety_nets") or [] if isinstance(n, dict)]
    if nets:
        w("### Safety nets\n\n")
        for n in nets:
            mark = {"present": "✅", "partial": "⚠️", "missing": "❌"}.get(str(n.get("status")), "❔")
            line = f"- {mark} **{esc(str(n.get('label', '')))}**: {esc(str(n.get('detail', '')))}"
            if n.get("how") and n.get("status") != "present":
                line += f" — {esc(str(n['how']))}"
            w(line + "\n")
        w("\n")
    if result.suppressed:
        w(f"_{len(result.suppressed)} finding(s) suppressed by comments, config or baseline._\n\n")
    if result.skipped or result.partial:
        w(f"_{len(result.skipped)} file(s) skipped, {len(result.partial)} analysed in part "
          f"(run with `--verbose` to list them)._\n\n")
    w(f"<sub>{result.files_scanned} files in {result.duration_s:.2f} s; {len(errors)} error(s), "
      f"{len(warnings)} warning(s).</sub>\n")
