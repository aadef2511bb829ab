"""The text report a beginner can act on: the checklist, then each problem with where, why, the fix
and a prompt to paste into an AI assistant, then what was skipped, then one verdict line.

Everything that comes from the scanned code goes through rich `Text` objects (never markup
strings), so a file containing `[red]` cannot restyle the report.
"""
from __future__ import annotations

import io
from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from deploycheck.core import CHECK_IDS, Finding, ScanResult, Severity, Status
from deploycheck.report import RenderOptions

STATUS_STYLE = {
    Status.FAIL: ("✗ FAIL  ", "bold red"),
    Status.WARN: ("! WARN  ", "yellow"),
    Status.PASS: ("✓ PASS  ", "green"),
    Status.MANUAL: ("? MANUAL", "cyan"),
}
SEV_STYLE = {Severity.ERROR: ("error", "bold red"), Severity.WARNING: ("warning", "yellow"),
             Severity.INFO: ("info", "blue")}


def _console(out: TextIO, opts: RenderOptions) -> Console:
    return Console(file=out, force_terminal=opts.color, no_color=not opts.color, width=opts.width,
                   highlight=False, emoji=False, soft_wrap=False)


def render_scan(result: ScanResult, out: TextIO, opts: RenderOptions | None = None) -> None:
    opts = opts or RenderOptions()
    buf = io.StringIO()
    _render(result, _console(buf, opts), opts)
    out.write("\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n")


def _render(result: ScanResult, con: Console, opts: RenderOptions) -> None:
    head = Text("deploycheck ", style="bold")
    head.append(Text(result.root))
    head.append(f"  ({result.files_scanned} files in {result.duration_s:.2f} s)", style="dim")
    con.print(head)
    platform = result.extras.get("platform")
    if platform:
        con.print(Text(f"Deploy target: {_platform_text(platform)}", style="dim"))
    con.print()

    con.print(Text("Pre-deploy checklist", style="bold underline"))
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    for c in result.checks:
        label, style = STATUS_STYLE[c.status]
        table.add_row(Text("  " + label, style=style), Text(c.id, style="bold"), Text(c.summary))
    con.print(table)
    con.print()

    active = result.active
    if active:
        by_check: dict[str, list[Finding]] = {}
        for f in active:
            by_check.setdefault(f.check, []).append(f)
        order = {cid: i for i, cid in enumerate(CHECK_IDS)}
        for cid in sorted(by_check, key=lambda c: order.get(c, 99)):
            fs = by_check[cid]
            title = next((c.title for c in result.checks if c.id == cid), "") or cid
            con.rule(Text(f"{cid}: {title} ({len(fs)})", style="bold"), align="left")
            for f in fs:
                _finding(con, f)
    if opts.show_suppressed and result.suppressed:
        con.rule(Text(f"suppressed ({len(result.suppressed)})", style="dim"), align="left")
        for f in result.suppressed:
            con.print(Text(f"  {f.location}  {f.rule.id}  ({f.suppressed_by})", style="dim"))
        con.print()

    if result.unused_suppressions:
        con.print(Text(f"{len(result.unused_suppressions)} suppression(s) match nothing any more (remove them):",
                       style="dim"))
        for f in result.unused_suppressions:
            con.print(Text(f"  {f.location}  {f.message}", style="dim"))
        con.print()
    if result.skipped or result.partial:
        reasons = Counter(_reason_kind(s.reason) for s in result.skipped)
        if result.skipped:
            con.print(Text(f"Skipped {len(result.skipped)} file(s): " +
                           ", ".join(f"{n} {k}" for k, n in reasons.most_common()), style="dim"))
        if result.partial:
            con.print(Text(f"Analysed in part {len(result.partial)} file(s) (syntax errors or bad encoding)",
                           style="dim"))
        if opts.verbose:
            for s in result.skipped:
                con.print(Text(f"  skipped  {s.path}: {s.reason}", style="dim"))
            for s in result.partial:
                con.print(Text(f"  partial  {s.path}: {s.reason}", style="dim"))
        else:
            con.print(Text("  (--verbose lists them)", style="dim"))
        con.print()
    nets = result.extras.get("safety_nets")
    if nets:
        _safety_nets(con, nets)
    con.print(verdict_line(result, Severity(opts.fail_on)))


def _platform_text(platform: object) -> str:
    if not isinstance(platform, dict):
        return str(platform)
    text = str(platform.get("name", ""))
    evidence = platform.get("evidence") or []
    if evidence:
        text += f" (from {', '.join(str(e) for e in evidence[:2])})"
    also = platform.get("also") or []
    if also:
        text += f"; also found: {', '.join(str(a) for a in also)}"
    return text


NET_STYLE = {"present": ("✓", "green"), "partial": ("~", "yellow"), "missing": ("✗", "red")}


def _safety_nets(con: Console, nets: list) -> None:
    con.print(Text("Safety nets", style="bold underline"))
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    for item in nets:
        if not isinstance(item, dict):
            continue
        mark, style = NET_STYLE.get(str(item.get("status")), ("?", "cyan"))
        detail = Text(str(item.get("detail", "")))
        if item.get("how"):
            detail.append("\n")
            detail.append("How: ", style="bold")
            detail.append(Text(str(item["how"])))
        table.add_row(Text("  " + mark, style=style), Text(str(item.get("label", "")), style="bold"), detail)
    con.print(table)
    con.print()


def _finding(con: Console, f: Finding) -> None:
    sev, style = SEV_STYLE[f.severity]
    head = Text("  ")
    head.append(f"{sev:<8}", style=style)
    head.append(Text(str(f.location), style="bold"))
    head.append(f"  {f.rule.id}", style="dim")
    con.print(head)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=11, no_wrap=True)
    grid.add_column()
    grid.add_row("", Text(f.message))
    if f.snippet:
        line = f"{f.location.line} │ " if f.location.line else "│ "
        grid.add_row("", Text(line + f.snippet, style="dim", overflow="ellipsis", no_wrap=True))
    grid.add_row(Text("Why", style="bold", justify="right"), Text(f.rule.why))
    grid.add_row(Text("Fix", style="bold", justify="right"), Text(f.fix))
    if f.related:
        grid.add_row(Text("See also", style="bold", justify="right"), Text(", ".join(str(r) for r in f.related)))
    grid.add_row(Text("Ask an AI", style="bold", justify="right"), Text(f'"{f.prompt}"', style="italic"))
    con.print(grid)
    con.print()


def _reason_kind(reason: str) -> str:
    r = reason.lower()
    for key in ("binary", "too large", "minified", "utf-8", "loop", "outside", "broken", "directory", "unreadable"):
        if key in r:
            return {"utf-8": "not UTF-8", "outside": "links out of the root", "loop": "symlink loops",
                    "directory": "directory links", "broken": "broken links"}.get(key, key)
    return "other"


def verdict_line(result: ScanResult, fail_on: Severity = Severity.ERROR) -> Text:
    """One line that agrees with the exit status: anything at or above --fail-on blocks."""
    order = {cid: i for i, cid in enumerate(CHECK_IDS)}   # the checklist's order: most common failures first
    blockers = sorted((f for f in result.active if f.severity.rank >= fail_on.rank),
                      key=lambda f: (-f.severity.rank, order.get(f.check, 99)))
    manual = [c for c in result.checks if c.status is Status.MANUAL]
    warnings = [f for f in result.active if f.severity is Severity.WARNING]
    if blockers:
        first = blockers[0]
        why = "" if fail_on is Severity.ERROR else f" (--fail-on {fail_on.value})"
        t = Text(f"NOT READY TO DEPLOY{why}: {len(blockers)} blocker(s). Fix first: ", style="bold red")
        t.append(Text(f"{first.location} {first.message}"))
        return t
    if manual:
        return Text(f"Nothing blocks the deploy in the files, but {len(manual)} item(s) need a person to confirm: "
                    + ", ".join(c.id for c in manual), style="bold cyan")
    if warnings:
        return Text(f"Ready to deploy, with {len(warnings)} warning(s) worth a look.", style="bold yellow")
    return Text("Ready to deploy.", style="bold green")


def render_diagnose(result, out: TextIO, opts: RenderOptions | None = None) -> None:
    """Incidents, most important first, each with where it fails, related findings and the prompt."""
    opts = opts or RenderOptions()
    buf = io.StringIO()
    con = _console(buf, opts)
    con.print(Text.assemble(("deploycheck diagnose ", "bold"), Text(result.log),
                            (f"  ({result.lines} lines, {result.events} events, {len(result.incidents)} incidents)", "dim")))
    con.print()
    known = [i for i in result.incidents if i.category != "unknown"]
    other = [i for i in result.incidents if i.category == "unknown"]
    if not result.incidents:
        con.print(Text("No errors found in this log.", style="green"))
    for i in known + other:
        style = "dim" if i.category == "unknown" else "bold red"
        con.rule(Text(f"{i.category}: {i.count}x since line {i.first_seen_line}", style=style), align="left")
        con.print(Text(i.summary))
        con.print(Text(f"  {i.signature}", style="dim"))
        for fr in i.frames[:3]:
            con.print(Text(f"  at {fr.repo_path}:{fr.line}" + (f" in {fr.function}" if fr.function else "")))
        if i.related_findings:
            con.print(Text("  related findings: " + ", ".join(i.related_findings)))
        if opts.verbose or i is (known or other)[0]:
            con.print(Text("  Prompt for an AI assistant:", style="bold"))
            for line in i.prompt.splitlines():
                con.print(Text("    " + line, style="italic"))
        con.print()
    if len(known + other) > 1 and not opts.verbose:
        con.print(Text("(--verbose prints the debug prompt of every incident; --format json has them all)", style="dim"))
    out.write("\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n")
