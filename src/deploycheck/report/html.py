"""A self-contained HTML report (no scripts, no external resources), rendered with jinja2 with
autoescaping on: every string from the scanned code is escaped, so a finding cannot inject markup."""
from __future__ import annotations

from typing import Any, TextIO

import jinja2

from deploycheck import __version__
from deploycheck.core import CHECK_IDS, Finding, ScanResult, Severity

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("deploycheck.report", "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
)


def render_scan(result: ScanResult, out: TextIO, opts: Any = None) -> None:
    order = {cid: i for i, cid in enumerate(CHECK_IDS)}
    groups: dict[str, list[Finding]] = {}
    for f in result.active:
        groups.setdefault(f.check, []).append(f)
    titles = {c.id: c.title or c.id for c in result.checks}
    errors = sum(1 for f in result.active if f.severity is Severity.ERROR)
    out.write(_ENV.get_template("scan.html.j2").render(
        result=result, version=__version__, errors=errors,
        warnings=sum(1 for f in result.active if f.severity is Severity.WARNING),
        groups=[(cid, titles.get(cid, cid), groups[cid]) for cid in sorted(groups, key=lambda c: order.get(c, 99))],
        platform=result.extras.get("platform"), safety_nets=result.extras.get("safety_nets") or [],
    ))
