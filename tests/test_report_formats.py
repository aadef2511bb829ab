"""The renderers: JSON/SARIF structure, Markdown and HTML escaping, and the HTML report as a real
headless Chromium renders it. Every test feeds hostile text through a finding."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from deploycheck.core import (CheckResult, Finding, Location, Rule, ScanResult, Severity, Skipped, Status,
                              fingerprint)
from deploycheck.report import RenderOptions, formats

HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> | `x` [red]bold[/red]"
RULE = Rule("localhost/hardcoded-url", Severity.ERROR, "Hard-coded localhost URL",
            why="Nothing listens on localhost in production.", fix="Read it from an environment variable.")
REPO_RULE = Rule("monitoring/no-error-tracking", Severity.WARNING, "No error tracking", why="w", fix="f")


def _result(tmp_path: Path) -> ScanResult:
    findings = [
        RULE.at(Location("src/db.js", 3, 17, 3, 40), f"hard-coded {HOSTILE}", subject="localhost:5432",
                snippet=f"const x = '{HOSTILE}';"),
        REPO_RULE.at(Location(None), "no error tracker is initialised", subject="tracker"),
        RULE.at(Location("src/old.js", 9), "suppressed one", subject="localhost:1").with_(suppressed_by="inline"),
    ]
    return ScanResult(
        root=str(tmp_path), findings=findings, files_scanned=3, duration_s=0.01,
        checks=[CheckResult("localhost", Status.FAIL, f"1 problem {HOSTILE}", "No localhost URLs"),
                CheckResult("monitoring", Status.WARN, "1 warning", "Monitoring")],
        skipped=[Skipped("big.min.js", "minified or generated code (very long lines)")],
        partial=[Skipped("broken.js", "syntax error at line 2:1; analysed as far as it parses")])


def _render(fmt: str, result: ScanResult) -> str:
    buf = io.StringIO()
    formats()[fmt].render_scan(result, buf, RenderOptions())
    return buf.getvalue()


def test_every_format_is_available():
    assert set(formats()) == {"text", "json", "sarif", "markdown", "html"}


def test_sarif_structure_rules_results_and_suppressions(tmp_path):
    doc = json.loads(_render("sarif", _result(tmp_path)))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["localhost/hardcoded-url", "monitoring/no-error-tracking"]
    assert rules[0]["shortDescription"]["text"] == RULE.title
    assert rules[0]["fullDescription"]["text"] == RULE.why
    assert rules[0]["defaultConfiguration"]["level"] == "error"
    results = run["results"]
    first = results[0]
    assert first["ruleId"] == "localhost/hardcoded-url" and first["ruleIndex"] == 0
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 17, "endLine": 3, "endColumn": 40}
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "src/db.js", "uriBaseId": "%SRCROOT%"}
    assert "locations" not in results[1]            # repository-level
    assert results[1]["level"] == "warning"
    assert results[2]["suppressions"][0]["kind"] == "inSource"
    # identity without line numbers
    assert first["partialFingerprints"]["deploycheck/v1"] == ":".join(fingerprint(_result(tmp_path).findings[0]))
    assert "3" not in first["partialFingerprints"]["deploycheck/v1"].split(":")[1]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("big.min.js" in n["message"]["text"] for n in notes)


def test_markdown_escapes_table_cells_and_code(tmp_path):
    md = _render("markdown", _result(tmp_path))
    row = next(line for line in md.splitlines() if "`localhost`" in line and line.startswith("|"))
    assert row.count("|") - row.count("\\|") == 4        # the hostile '|' cannot add a column
    prose = re.sub(r"(`+)(?:(?!\1).)*?\1", "", md)     # code spans render their content literally
    assert not re.search(r"(?<!\\)<(script|img)", prose)   # only escaped \<script\> in prose
    assert "\\<script\\>" in md
    assert "``const x = '<script>" in md                  # the snippet is a code span (backticks inside)
    assert "src/old.js" not in md                        # suppressed findings are not listed
    assert "1 finding(s) suppressed" in md


def test_html_escapes_everything(tmp_path):
    html = _render("html", _result(tmp_path))
    assert "<script>document" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "default-src 'none'" in html                  # no script could run even if something slipped


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", *args],
        capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium (Debian package 'chromium') is not installed")
def test_html_report_in_headless_chromium(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(_render("html", _result(tmp_path)), "utf-8")
    profile = tmp_path / "profile"
    done = _chromium(f"--user-data-dir={profile}", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<title>deploycheck:" in dom and "pwned" not in dom.split("<title>")[1].split("</title>")[0]
    assert dom.count('class="finding') == 2              # two active findings, the suppressed one hidden
    assert 'data-check="localhost"' in dom and "Not ready to deploy: 1 blocker(s)" in dom
    assert "&lt;script&gt;document.title" in dom          # shown as text, never parsed as markup
    assert "<script>" not in dom
    shot = tmp_path / "shot.png"
    done = _chromium(f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri())
    assert done.returncode == 0 and shot.stat().st_size > 10_000
