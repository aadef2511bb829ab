"""The command line as users meet it: arguments, exit codes, messages, files written, the text
report, suppressions, configuration and baselines. Runs `deploycheck.cli.main` in-process with
fake streams (and once as a real process, in test_examples.py).

Exit status (contract): 0 nothing at or above --fail-on, 1 something is, 2 usage or internal error.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from deploycheck import __version__
from deploycheck.core import CHECK_IDS
from cli_support import (BROKEN, FIXED, HARDCODED, LOCAL_URL_LINE, LOCAL_URL_LINE_2, cli, localhost_rule,  # noqa: F401
                         subprocess_cli, write_tree)


# ------------------------------------------------------------------------------------ basics


def test_version_in_process_and_as_a_process():
    run = cli("--version")
    assert run.code == 0
    assert run.out.strip() == f"deploycheck {__version__}"
    proc = subprocess_cli("--version")
    assert proc.code == 0 and proc.out.strip() == f"deploycheck {__version__}"


def test_help_goes_to_stdout_and_lists_the_commands():
    run = cli("--help")
    assert run.code == 0
    for command in ("scan", "rules"):
        assert command in run.out
    assert cli("scan", "--help").out.count("--fail-on") >= 1


def test_no_arguments_prints_help_and_exits_2():
    run = cli()
    assert run.code == 2
    assert "usage: deploycheck" in run.out


def test_missing_path_is_one_clear_line(tmp_path):
    run = cli("scan", str(tmp_path / "no-such-app"))
    assert run.code == 2
    assert run.out == ""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert "no-such-app" in lines[0] and "no such directory" in lines[0]
    assert "Traceback" not in run.err


def test_a_file_instead_of_a_folder_is_a_usage_error(tmp_path):
    f = tmp_path / "app.js"
    f.write_text("console.log(1)\n")
    run = cli("scan", str(f))
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert "not a directory" in run.err


def test_unknown_option_is_a_usage_error_without_traceback():
    run = cli("scan", "--no-such-option", str(FIXED))
    assert run.code == 2
    assert "--no-such-option" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize("flag,typo,meant", [
    ("--select", "localhots", "localhost"),
    ("--ignore", "env-var", "env-vars"),
    ("--select", "cors/*,secret", "secrets"),
])
def test_unknown_check_id_exits_2_with_did_you_mean(flag, typo, meant):
    run = cli("scan", str(FIXED), flag, typo)
    assert run.code == 2
    assert f"did you mean '{meant}'" in run.err
    assert len(run.err.strip().splitlines()) == 1, run.err


def test_an_empty_app_passes_with_every_check_listed(tmp_path):
    run = cli("scan", str(tmp_path), "-f", "json")
    assert run.code == 0
    data = run.json()
    assert [c["id"] for c in data["checks"]] == list(CHECK_IDS)
    assert data["findings"] == []


# ------------------------------------------------------------------------------------ select / ignore / output


def test_select_and_ignore_narrow_the_checklist():
    selected = cli("scan", str(BROKEN), "-f", "json", "--select", "cors", "--select", "secrets")
    data = selected.json()
    assert [c["id"] for c in data["checks"]] == ["secrets", "cors"]   # contract order, not argument order
    assert {f["check"] for f in data["findings"]} <= {"secrets", "cors"}

    ignored = cli("scan", str(BROKEN), "-f", "json", "--ignore", "localhost,env-vars").json()
    assert [c["id"] for c in ignored["checks"]] == [c for c in CHECK_IDS if c not in ("localhost", "env-vars")]
    assert not {f["check"] for f in ignored["findings"]} & {"localhost", "env-vars"}


def test_select_a_single_rule(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": LOCAL_URL_LINE + "\n"})
    data = cli("scan", str(tmp_path), "-f", "json", "--select", HARDCODED).json()
    assert [c["id"] for c in data["checks"]] == ["localhost"]
    assert [f["rule"] for f in data["findings"]] == [HARDCODED]
    none = cli("scan", str(tmp_path), "-f", "json", "--select", "localhost", "--ignore", HARDCODED).json()
    assert none["findings"] == []


def test_output_file_gets_the_report_and_stdout_stays_empty(tmp_path):
    target = tmp_path / "report.json"
    run = cli("scan", str(FIXED), "-f", "json", "-o", str(target))
    assert run.out == ""
    assert str(target) in run.err
    data = json.loads(target.read_text("utf-8"))
    assert data["version"] == 1 and len(data["checks"]) == len(CHECK_IDS)


def test_output_file_relative_to_the_working_directory(tmp_path):
    # a missing parent folder is the user's mistake: a clear error, not a traceback
    run = cli("scan", str(FIXED), "-o", "no-such-dir/report.txt", cwd=tmp_path)
    assert run.code == 2 and "Traceback" not in run.err and "no-such-dir" in run.err
    run = cli("scan", str(FIXED), "-o", "report.txt", cwd=tmp_path)
    assert (tmp_path / "report.txt").read_text("utf-8").startswith("deploycheck ")
    assert "\x1b[" not in (tmp_path / "report.txt").read_text("utf-8"), "no colour codes in a file"


def test_path_is_reported_as_given(tmp_path):
    (tmp_path / "app").mkdir()
    data = cli("scan", "app", "-f", "json", cwd=tmp_path).json()
    assert data["root"] == "app"


# ------------------------------------------------------------------------------------ fail-on


def test_fail_on_decides_the_exit_status(tmp_path, localhost_rule):
    write_tree(tmp_path, {
        "src/config.js": LOCAL_URL_LINE + "\n",
        "deploycheck.toml": f'[severity]\n"{HARDCODED}" = "warning"\n',
    })
    base = ("scan", str(tmp_path), "--select", "localhost")
    assert cli(*base).code == 0                      # a warning does not fail by default
    assert verdict(cli(*base)).startswith("Ready to deploy, with 1 warning(s)")
    failing = cli(*base, "--fail-on", "warning")
    assert failing.code == 1
    assert verdict(failing).startswith("NOT READY TO DEPLOY (--fail-on warning): 1 blocker(s). Fix first: src/config.js:1")
    assert cli(*base, "--fail-on", "info").code == 1
    data = cli(*base, "-f", "json").json()
    assert [f["severity"] for f in data["findings"]] == ["warning"]
    assert data["checks"][0]["status"] == "warn"


def test_fail_on_in_the_config_file_and_the_flag_wins(tmp_path, localhost_rule):
    write_tree(tmp_path, {
        "src/config.js": LOCAL_URL_LINE + "\n",
        "deploycheck.toml": f'fail-on = "warning"\n[severity]\n"{HARDCODED}" = "warning"\n',
    })
    assert cli("scan", str(tmp_path), "--select", "localhost").code == 1
    assert cli("scan", str(tmp_path), "--select", "localhost", "--fail-on", "error").code == 0


def test_fail_on_rejects_unknown_severity():
    run = cli("scan", str(FIXED), "--fail-on", "critical")
    assert run.code == 2 and "critical" in run.err


# ------------------------------------------------------------------------------------ rules


def test_rules_lists_every_check_in_contract_order():
    run = cli("rules")
    assert run.code == 0
    positions = [run.out.index(f"{cid}:") for cid in CHECK_IDS]
    assert positions == sorted(positions)


def test_rules_json_marks_what_is_built():
    from deploycheck import checks
    data = json.loads(cli("rules", "-f", "json").out)
    assert [c["id"] for c in data["checks"]] == list(CHECK_IDS)
    for c, check in zip(data["checks"], checks.CHECKS):
        assert c["built"] is (check.find is not None)
        assert [r["id"] for r in c["rules"]] == [r.id for r in check.rules]


def test_rules_explain_shows_why_and_fix(localhost_rule):
    from deploycheck.checks import rule_by_id
    rule = rule_by_id(HARDCODED)
    run = cli("rules", "explain", HARDCODED)
    assert run.code == 0
    assert run.out.startswith(f"{HARDCODED}  ({rule.severity.value})")
    flat = " ".join(run.out.split())
    assert " ".join(rule.why.split()) in flat and " ".join(rule.fix.split()) in flat
    assert json.loads(cli("rules", "explain", HARDCODED, "-f", "json").out)["id"] == HARDCODED


def test_rules_explain_unknown_rule_suggests_the_closest(localhost_rule):
    run = cli("rules", "explain", "localhost/hardcoded-urls")
    assert run.code == 2
    assert f"did you mean '{HARDCODED}'" in run.err
    assert cli("rules", "explain").code == 2


# ------------------------------------------------------------------------------------ text report


def test_text_report_has_checklist_finding_details_and_verdict(tmp_path, localhost_rule):
    from deploycheck.checks import rule_by_id
    write_tree(tmp_path, {"src/config.js": "// the API\n" + LOCAL_URL_LINE + "\n"})
    run = cli("scan", str(tmp_path))
    assert run.code == 1
    out, flat = run.out, run.flat
    assert "Pre-deploy checklist" in out
    for cid in CHECK_IDS:
        assert cid in out
    rule = rule_by_id(HARDCODED)
    assert "src/config.js:2" in out
    assert HARDCODED in flat
    assert "Why " + " ".join(rule.why.split()) in flat.replace("Why: ", "Why ")
    assert "Fix " in flat.replace("Fix: ", "Fix ")
    assert "Ask an AI" in flat
    assert 'http://localhost:4000/api' in flat                       # the snippet / message
    last = verdict(run)
    assert last.startswith("NOT READY TO DEPLOY: 1 blocker(s)"), last
    assert "src/config.js:2" in last
    assert "\x1b[" not in out


def verdict(run) -> str:
    """The report's last paragraph, unwrapped."""
    return " ".join(run.out.strip().split("\n\n")[-1].split())


def test_text_report_verdict_when_nothing_blocks(tmp_path):
    run = cli("scan", str(tmp_path))
    last = verdict(run)
    assert run.code == 0
    assert last.startswith(("Ready to deploy", "Nothing blocks the deploy")), last


def test_text_report_does_not_interpret_markup_from_scanned_files(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/[bold]x[/bold].js": LOCAL_URL_LINE + "\n"})
    run = cli("scan", str(tmp_path), "--select", "localhost")
    assert "src/[bold]x[/bold].js:1" in run.out


# ------------------------------------------------------------------------------------ inline suppressions


def test_inline_ignore_trailing_and_on_the_line_above(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": "\n".join([
        LOCAL_URL_LINE + f"  // deploycheck: ignore[{HARDCODED}] only used by the seed script",
        f"// deploycheck: ignore[{HARDCODED}] the local cache in development",
        LOCAL_URL_LINE_2,
        "",
    ])})
    run = cli("scan", str(tmp_path), "--select", "localhost", "-f", "json")
    assert run.code == 0, run.out
    data = run.json()
    assert data["findings"] == []
    assert sorted((s["line"], s["suppressed_by"]) for s in data["suppressed"]) == [(1, "inline"), (3, "inline")]
    text = cli("scan", str(tmp_path), "--select", "localhost", "--show-suppressed")
    assert "src/config.js:1" in text.out and "(inline)" in text.out


def test_inline_ignore_by_check_id_and_family_wildcard(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": "\n".join([
        LOCAL_URL_LINE + "  // deploycheck: ignore[localhost] demo",
        LOCAL_URL_LINE_2 + "  // deploycheck: ignore[localhost/*] demo",
        "",
    ])})
    assert cli("scan", str(tmp_path), "--select", "localhost").code == 0


def test_inline_ignore_needs_the_exact_id(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": "\n".join([
        LOCAL_URL_LINE + "  // deploycheck: ignore[localhost/hardcoded] prefix is not enough",
        LOCAL_URL_LINE_2 + "  // deploycheck: ignore[] no id",
        "",
    ])})
    data = cli("scan", str(tmp_path), "--select", "localhost", "-f", "json").json()
    assert sorted(f["line"] for f in data["findings"] if f["rule"] == HARDCODED) == [1, 2]


def test_unused_suppression_is_reported_beside_the_findings(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": "\n".join([
        f"const PORT = 3000; // deploycheck: ignore[{HARDCODED}] left over from an old version",
        "",
    ])})
    run = cli("scan", str(tmp_path), "--select", "localhost", "-f", "json")
    assert run.code == 0                                  # a stale comment never fails the run
    doc = run.json()
    assert doc["findings"] == []                          # findings belong to the contract's ten checks only
    unused = doc["unused_suppressions"]
    assert len(unused) == 1 and unused[0]["path"] == "src/config.js" and unused[0]["line"] == 1
    assert HARDCODED in unused[0]["message"]
    assert cli("scan", str(tmp_path), "--select", "localhost", "--fail-on", "info").code == 0
    assert "match nothing any more" in cli("scan", str(tmp_path), "--select", "localhost").out


# ------------------------------------------------------------------------------------ configuration


def test_config_ignore_and_select_in_deploycheck_toml(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": LOCAL_URL_LINE + "\n", "deploycheck.toml": 'ignore = ["localhost"]\n'})
    data = cli("scan", str(tmp_path), "-f", "json").json()
    assert "localhost" not in [c["id"] for c in data["checks"]]
    assert not [f for f in data["findings"] if f["check"] == "localhost"]

    (tmp_path / "deploycheck.toml").write_text('select = ["localhost"]\n')
    data = cli("scan", str(tmp_path), "-f", "json").json()
    assert [c["id"] for c in data["checks"]] == ["localhost"]
    assert [f["rule"] for f in data["findings"]] == [HARDCODED]


def test_config_in_pyproject_tool_table(tmp_path, localhost_rule):
    write_tree(tmp_path, {
        "src/config.js": LOCAL_URL_LINE + "\n",
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.deploycheck]\nselect = ["localhost"]\n'
                          f'[tool.deploycheck.severity]\n"{HARDCODED}" = "info"\n',
    })
    run = cli("scan", str(tmp_path), "-f", "json")
    assert run.code == 0
    data = run.json()
    assert [c["id"] for c in data["checks"]] == ["localhost"]
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [(HARDCODED, "info")]


def test_cli_flags_override_the_config_file(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": LOCAL_URL_LINE + "\n", "deploycheck.toml": 'select = ["cors"]\n'})
    data = cli("scan", str(tmp_path), "-f", "json", "--select", "localhost").json()
    assert [c["id"] for c in data["checks"]] == ["localhost"]


def test_per_path_ignore(tmp_path, localhost_rule):
    write_tree(tmp_path, {
        "src/config.js": LOCAL_URL_LINE + "\n",
        "src/legacy/old-client.js": LOCAL_URL_LINE_2 + "\n",
        "deploycheck.toml": '[per-path-ignore]\n"src/legacy/**" = ["localhost/*"]\n',
    })
    data = cli("scan", str(tmp_path), "--select", "localhost", "-f", "json").json()
    assert [(f["path"], f["rule"]) for f in data["findings"]] == [("src/config.js", HARDCODED)]
    assert [(s["path"], s["suppressed_by"]) for s in data["suppressed"]] == [("src/legacy/old-client.js", "config")]


def test_explicit_config_file(tmp_path, localhost_rule):
    write_tree(tmp_path, {"app/src/config.js": LOCAL_URL_LINE + "\n", "ci/deploycheck.toml": 'ignore = ["localhost"]\n'})
    run = cli("scan", "app", "--config", "ci/deploycheck.toml", "-f", "json", cwd=tmp_path)
    assert run.code == 0
    assert "localhost" not in [c["id"] for c in run.json()["checks"]]


@pytest.mark.parametrize("content,needle", [
    ('selct = ["localhost"]\n', "did you mean 'select'"),
    ('ignore = ["localhots"]\n', "did you mean 'localhost'"),
    ('fail-on = "sometimes"\n', "fail-on"),
    ('[severity]\n"localhost/hardcoded-url" = "fatal"\n', "fatal"),
    ('select = ["localhost"]\nfail-on = \n', "line 2"),   # malformed TOML: says where
])
def test_bad_config_exits_2_with_one_clear_line(tmp_path, content, needle):
    write_tree(tmp_path, {"deploycheck.toml": content})
    run = cli("scan", str(tmp_path))
    assert run.code == 2
    assert needle in run.err, run.err
    assert "deploycheck.toml" in run.err
    assert "Traceback" not in run.err


def test_missing_explicit_config_file_is_a_usage_error(tmp_path):
    run = cli("scan", str(tmp_path), "--config", str(tmp_path / "nope.toml"))
    assert run.code == 2 and "nope.toml" in run.err and "Traceback" not in run.err


# ------------------------------------------------------------------------------------ baseline


def test_baseline_accepts_todays_findings_and_still_catches_new_ones(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": LOCAL_URL_LINE + "\n"})
    scan = ("scan", str(tmp_path), "--select", "localhost")
    assert cli(*scan).code == 1

    wrote = cli(*scan, "--write-baseline")
    assert wrote.code == 0
    baseline = tmp_path / ".deploycheck-baseline.json"
    data = json.loads(baseline.read_text("utf-8"))
    assert data["version"] == 1
    assert [(e["rule"], e["path"]) for e in data["entries"]] == [(HARDCODED, "src/config.js")]
    assert "line" not in data["entries"][0], "baseline identity must not depend on line numbers"

    again = cli(*scan, "-f", "json")
    assert again.code == 0
    assert again.json()["findings"] == []
    assert [s["suppressed_by"] for s in again.json()["suppressed"]] == ["baseline"]

    # moving the accepted line down does not resurrect it
    (tmp_path / "src/config.js").write_text("// config\n\n" + LOCAL_URL_LINE + "\n")
    assert cli(*scan).code == 0

    # a new problem still fails, and only the new one is reported
    (tmp_path / "src/cache.js").write_text(LOCAL_URL_LINE_2 + "\n")
    new = cli(*scan, "-f", "json")
    assert new.code == 1
    assert [(f["path"], f["rule"]) for f in new.json()["findings"]] == [("src/cache.js", HARDCODED)]


def test_baseline_entry_that_matches_nothing_is_reported(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": LOCAL_URL_LINE + "\n"})
    scan = ("scan", str(tmp_path), "--select", "localhost")
    cli(*scan, "--write-baseline")
    (tmp_path / "src/config.js").write_text("export const API_URL = process.env.API_URL;\n")
    data = cli(*scan, "-f", "json").json()
    unused = data["unused_suppressions"]
    assert len(unused) == 1 and "baseline entry" in unused[0]["message"]


def test_explicit_baseline_file_and_a_broken_one(tmp_path, localhost_rule):
    write_tree(tmp_path, {"src/config.js": LOCAL_URL_LINE + "\n"})
    scan = ("scan", str(tmp_path), "--select", "localhost")
    (tmp_path / "ci").mkdir()
    assert cli(*scan, "--write-baseline", "ci/accepted.json").code == 0
    assert (tmp_path / "ci/accepted.json").is_file()
    assert cli(*scan, "--baseline", str(tmp_path / "ci/accepted.json")).code == 0
    (tmp_path / "ci/accepted.json").write_text("{not json")
    run = cli(*scan, "--baseline", str(tmp_path / "ci/accepted.json"))
    assert run.code == 2 and "accepted.json" in run.err and "Traceback" not in run.err


def test_baseline_into_a_missing_folder_is_a_usage_error(tmp_path):
    run = cli("scan", str(tmp_path), "--write-baseline", "no-such-dir/b.json")
    assert run.code == 2 and "no-such-dir" in run.err and "Traceback" not in run.err


def test_ignores_for_checks_that_did_not_run_are_not_called_unused(tmp_path, localhost_rule):
    """`--select localhost` cannot know whether an ignore[cors] comment still matches something."""
    write_tree(tmp_path, {"src/config.js": "\n".join([
        LOCAL_URL_LINE,
        "app.use(cors()); // deploycheck: ignore[cors] the public widget API",
        "const a = 1; // deploycheck: ignore[localhost/hardcoded-url] really stale",
        "",
    ])})
    data = cli("scan", str(tmp_path), "--select", "localhost", "-f", "json").json()
    unused = [(f["line"], f["message"]) for f in data["unused_suppressions"]]
    assert [line for line, _ in unused] == [3], unused
    ignored = cli("scan", str(tmp_path), "--ignore", HARDCODED, "--select", "localhost", "-f", "json").json()
    assert not ignored["unused_suppressions"]


@pytest.mark.parametrize("root", [BROKEN, FIXED], ids=["broken", "fixed"])
def test_routes_command_runs_on_the_examples(root):
    text = cli("routes", str(root))
    assert text.code == 0, text.err
    data = json.loads(cli("routes", str(root), "-f", "json").out)
    assert data["version"] == 1 and isinstance(data["routes"], list)
    assert cli("routes", str(root / "nope")).code == 2
