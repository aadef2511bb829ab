"""Text rendering of `deploycheck env`: the environments (a lettered legend), the variables × environments
table, the feature flags with their value per environment, what named environments lack, and the
env-vars check's findings.

Renders only: everything shown was decided in `inventory.py` and by the env-vars check. Text from
the scanned files goes through rich `Text` objects (never markup), lines carry no trailing
whitespace, and at 100 columns the table still fits: environments are one-letter columns whose
names are in the legend above it.
"""
from __future__ import annotations

import io
import re
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from deploycheck.core import Severity
from deploycheck.inventory import Cell, Column, EnvReport, Need, State, Variable
from deploycheck.report import RenderOptions

MARKS: dict[State, tuple[str, str]] = {
    State.SET: ("✓", "green"),
    State.REFERENCE: ("~", "green"),
    State.SECRET_REF: ("s", "green"),
    State.GENERATED: ("s", "green"),
    State.FROM_SERVICE: ("s", "green"),
    State.DECLARED: ("d", "cyan"),
    State.INJECTED: ("i", "green"),
    State.BUILD_ONLY: ("b", "yellow"),
    State.UNKNOWN: ("?", "yellow"),
}
LEGEND = ("✓ set", "~ set from another variable (${VAR})", "s secret store, generated or linked service",
          "i set by the platform", "d declared, value entered on the platform", "b build time only",
          "? not in the files: may be set outside the repo", "✗ required here and not set", "· not set")
SEV_STYLE = {Severity.ERROR: ("error", "bold red"), Severity.WARNING: ("warning", "yellow"),
             Severity.INFO: ("info", "blue")}


# spaces at the end of a line, before any closing colour codes
_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$")


def _console(out: TextIO, opts: RenderOptions) -> Console:
    return Console(file=out, force_terminal=opts.color, no_color=not opts.color, width=opts.width,
                   highlight=False, emoji=False, soft_wrap=False)


def render_env(report: EnvReport, out: TextIO, opts: RenderOptions | None = None) -> None:
    opts = opts or RenderOptions()
    buf = io.StringIO()
    _render(report, _console(buf, opts), opts)
    out.write("\n".join(_TRAILING.sub(r"\1", line.rstrip()) for line in buf.getvalue().splitlines()) + "\n")


def _render(report: EnvReport, con: Console, opts: RenderOptions) -> None:
    inv = report.inventory
    head = Text("deploycheck env ", style="bold")
    head.append(Text(report.root))
    read = sum(1 for v in inv.variables if v.need is not Need.UNREAD)
    head.append(f"  ({_n(read, 'variable')} read by the code, {_n(len(inv.columns), 'environment')})", style="dim")
    con.print(head)
    con.print()

    if inv.columns:
        con.print(Text("Environments", style="bold underline"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column(no_wrap=True, overflow="ellipsis", max_width=44)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for c in inv.columns:
            grid.add_row(Text("  " + c.id, style="bold"), Text(c.name), Text(c.environment, style=_env_style(c)),
                         _column_note(c))
        con.print(grid)
        if inv.hidden:
            names = ", ".join(c.name for c in inv.hidden[:4]) + (" …" if len(inv.hidden) > 4 else "")
            con.print(Text(f"  (not shown: {len(inv.hidden)} source(s) that set none of the variables the code "
                           f"reads: {names}; --all shows them)", style="dim"))
        con.print()
    else:
        con.print(Text("No environment found in the repository (no .env files, platform manifests, compose, "
                       "Kubernetes, systemd, Dockerfile or CI env). Name one with --env-file NAME=FILE, or run "
                       "with --from-process on the server.", style="yellow"))
        con.print()

    if inv.variables:
        con.print(_table(report, opts.width))
        if inv.columns:
            for line in _packed(LEGEND, opts.width):
                con.print(Text(line, style="dim"))
        con.print()
    else:
        con.print(Text("The code reads no environment variables.", style="green"))
        con.print()

    if inv.flags and inv.columns:
        con.print(Text("Feature flags", style="bold underline"))
        con.print(_flags(report))
        con.print()

    if inv.gaps:
        grid = _hanging()
        for g in inv.gaps:
            col = inv.column(g.column)
            label, style = SEV_STYLE[g.severity]
            body = Text.assemble(Text(f"{col.id} {col.name}", style="bold"),
                                 Text(f" lacks {len(g.names)} required variable(s): " + ", ".join(g.names)))
            grid.add_row(Text("  " + ("note" if g.severity is Severity.INFO else label), style=style), body)
        con.print(grid)
        con.print()

    if report.findings or report.status:
        title = Text("env-vars check", style="bold")
        if report.status:
            title.append(f": {report.status.upper()}", style="bold")
            title.append(Text(f" ({report.summary})"))
        con.print(title)
        grid = _hanging()
        for f in report.findings:
            label, style = SEV_STYLE[f.severity]
            body = Text.assemble(Text(str(f.location), style="bold"), "  ", Text(f.message),
                                 (f"  [{f.rule.id}]", "dim"))
            grid.add_row(Text("  " + label, style=style), body)
        if report.findings:
            con.print(grid)
        if report.suppressed:
            con.print(Text(f"  ({report.suppressed} suppressed finding(s) not shown)", style="dim"))
        if report.findings:
            con.print(Text("  `deploycheck scan --select env-vars` explains each one, with the fix.", style="dim"))
        con.print()

    con.print(_verdict(report))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _hanging() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=10)
    grid.add_column()
    return grid


def _packed(entries: tuple[str, ...], width: int) -> list[str]:
    """Legend entries joined on lines no wider than `width`, never splitting an entry."""
    lines: list[str] = []
    line = ""
    for e in entries:
        if line and len(line) + 3 + len(e) > width:
            lines.append(line)
            line = e
        else:
            line = f"{line}   {e}" if line else e
    if line:
        lines.append(line)
    return lines


def _env_style(c: Column) -> str:
    return {"production": "bold", "staging": "", "preview": ""}.get(c.environment, "dim")


def _column_note(c: Column) -> Text:
    parts: list[str] = []
    if c.origin == "process":
        parts.append("the environment this command runs in")
    elif c.origin == "env-file":
        parts.append("a file you named")
    else:
        parts.append(c.platform or c.kind)
    if c.env_files:
        parts.append("loads " + ", ".join(c.env_files))
    if c.references:
        parts.append("envFrom " + ", ".join(c.references))
    if c.opaque:
        parts.append(_opaque_note(c))
    t = Text("; ".join(p for p in parts if p), style="dim")
    if c.problem:
        t.append(Text(f"  read in part: {c.problem}", style="yellow"))
    return t


def _opaque_note(c: Column) -> str:
    if c.kind == "systemd" and c.env_files:
        return "some files are outside the repo"
    if c.kind == "k8s" and c.references:
        return "some of them are not in the repo"
    if c.kind == "dockerfile":
        return "the rest comes from docker run / the platform"
    if c.kind == "platform":
        return "more may be set in the dashboard"
    return "more may be set outside the repo"


def _need_text(v: Variable) -> Text:
    if v.need is Need.REQUIRED:
        return Text("required", style="bold")
    if v.need is Need.DEFAULT:
        d = v.default if v.default is not None else ""
        return Text(f"default {d}" if d != "" else "default ''")
    if v.need is Need.INJECTED:
        return Text("platform (" + ", ".join(v.injected_by) + ")", style="dim")
    if v.need is Need.RUNTIME:
        return Text("runtime", style="dim")
    if v.need is Need.UNREAD:
        return Text("not read", style="yellow")
    if v.need is Need.NOT_PRODUCTION:
        return Text("tests/scripts", style="dim")
    return Text("optional")


def _kind_text(v: Variable) -> Text:
    t = Text()
    words = []
    if v.side:
        words.append((v.side, "magenta" if v.side != "server" else ""))
    if v.secret:
        words.append(("secret", "red"))
    if v.flag:
        words.append(("flag", "cyan"))
    for i, (w, style) in enumerate(words):
        if i:
            t.append(" ")
        t.append(w, style=style)
    return t


def _read_text(v: Variable) -> Text:
    if not v.reads:
        return Text("-", style="dim")
    t = Text(str(v.reads[0]))
    if v.read_count > 1:
        t.append(f" (+{v.read_count - 1})", style="dim")
    return t


def _mark(v: Variable, col: Column, cell: Cell) -> Text:
    if cell.state is State.MISSING:
        # red only where it matters: an environment that deploys, or one the user named / this process
        matters = v.required and (col.deploys or col.origin != "repo")
        return Text("✗", style="bold red") if matters else Text("·", style="dim")
    mark, style = MARKS[cell.state]
    if cell.state is State.BUILD_ONLY and v.required:
        style = "bold yellow"
    return Text(mark, style=style)


def _marks(v: Variable, columns: tuple[Column, ...], width: int) -> Text:
    t = Text()
    for i, (col, cell) in enumerate(zip(columns, v.cells)):
        if i:
            t.append(" ")
        t.append(_mark(v, col, cell))
        if width > 1:
            t.append(" " * (width - 1))
    return t


def _fit(wanted: list[int], floors: list[int], available: int) -> list[int]:
    """Shrink the widest columns first (never below their floor) until the widths fit `available`."""
    widths = list(wanted)
    while sum(widths) > available:
        i = max(range(len(widths)), key=lambda k: (widths[k] - floors[k] > 0, widths[k]))
        if widths[i] <= floors[i]:
            break
        widths[i] -= 1
    return widths


def _table(report: EnvReport, total: int) -> Table:
    inv = report.inventory
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", padding=(0, 1), pad_edge=False, show_edge=False)
    rows = [[Text(v.name, style="bold" if v.required else ""), _read_text(v), _need_text(v), _kind_text(v)]
            for v in inv.variables]
    heads = ["Variable", "Read at", "Need", "Kind"]
    caps, floors = [34, 32, 20, 18], [10, 8, 6, 4]
    wanted = [min(cap, max([len(h)] + [r[i].cell_len for r in rows])) for i, (h, cap) in enumerate(zip(heads, caps))]
    width = max((len(c.id) for c in inv.columns), default=1)
    header = " ".join(c.id.ljust(width) for c in inv.columns)
    fixed = len(header) + 3 if inv.columns else 0
    widths = _fit(wanted, floors, total - fixed - 3 * (len(heads) - 1))
    for h, w in zip(heads, widths):
        table.add_column(h, no_wrap=True, overflow="ellipsis", width=w)
    if inv.columns:
        table.add_column(Text(header), no_wrap=True, width=len(header))
    for v, row in zip(inv.variables, rows):
        if row[1].cell_len > widths[1]:       # keep the end of a long path: the file name and line
            row[1] = Text("…" + row[1].plain[-(widths[1] - 1):])
        if inv.columns:
            row.append(_marks(v, inv.columns, width))
        table.add_row(*row)
    return table


def _flags(report: EnvReport) -> Table:
    inv = report.inventory
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", padding=(0, 1), pad_edge=False, show_edge=False)
    table.add_column("Flag", no_wrap=True, overflow="ellipsis", max_width=34)
    table.add_column("Default", no_wrap=True, overflow="ellipsis", max_width=12)
    for c in inv.columns:
        table.add_column(Text(c.id), no_wrap=True, overflow="ellipsis", max_width=8)
    for v in inv.flags:
        default = v.default if v.default is not None and not v.secret else "-"
        row = [Text(v.name), Text(default if len(default) <= 12 else "…", style="dim")]
        for cell in v.cells:
            if cell.value is not None:
                row.append(Text(cell.value, style="bold"))
            elif cell.state is State.MISSING:
                row.append(Text("·", style="dim"))
            else:
                row.append(Text(MARKS[cell.state][0], style="dim"))
        table.add_row(*row)
    return table


def _verdict(report: EnvReport) -> Text:
    blockers = [f for f in report.findings if f.severity.rank >= report.fail_on.rank]
    gaps = [g for g in report.inventory.gaps if g.severity.rank >= report.fail_on.rank]
    if blockers or gaps:
        n = len(blockers) + sum(len(g.names) for g in gaps)
        why = "" if report.fail_on is Severity.ERROR else f" (--fail-on {report.fail_on.value})"
        return Text(f"NOT READY TO DEPLOY{why}: {n} problem(s) with environment variables.", style="bold red")
    required = len(report.inventory.required)
    if not report.status:
        return Text("The env-vars check is turned off in the config: the table is the inventory only.", style="bold")
    if report.status == "manual":
        return Text(f"No production config in the repo: set the {required} required variable(s) on the server, "
                    "then compare there with `deploycheck env --from-process`.", style="bold cyan")
    return Text(f"Every variable the code requires ({required}) is set or declared for production.",
                style="bold green")
