"""`deploycheck env` as users meet it: the inventory over real projects (tests/data/env/*, the bundled
examples), agreement with `scan`'s env-vars check, --env-file, --from-process, exit codes, bad
input, --write-example. Runs the CLI in-process with fake streams and a fake process environment.

Tests that need the environment-source extractors (render.yaml, compose, k8s … as columns) run
once those extractors are registered, and are skipped until then.
"""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cli_support import BROKEN, FIXED, REPO, cli, write_tree

DATA = Path(__file__).resolve().parent / "data" / "env"
SCHEMA = json.loads((REPO / "schemas" / "env.schema.json").read_text("utf-8"))
PROJECTS = sorted(p for p in DATA.iterdir() if p.is_dir())


def deploy_extractors() -> bool:
    from deploycheck.project.extract import extractors
    return any(e.name.startswith("deploy.") for e in extractors())


needs_deploy = pytest.mark.skipif(not deploy_extractors(), reason="environment-source extractors not registered yet")


def env_json(*args: str, vars: dict[str, str] | None = None, cwd: Path | None = None):
    run = cli("env", *args, "--format", "json", vars=vars, cwd=cwd)
    assert run.code in (0, 1), run.err
    doc = run.json()
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    return run, doc


def cells(doc: dict, column_name: str) -> dict[str, str]:
    cid = next(e["id"] for e in doc["environments"] if e["name"] == column_name)
    return {v["name"]: v["environments"][cid]["state"] for v in doc["variables"]}


def key(f: dict) -> tuple:
    return (f["rule"], f["path"], f["line"], f["message"])


# ------------------------------------------------------------------------------------------ agreement with scan


@pytest.mark.parametrize("root", PROJECTS + [BROKEN, FIXED], ids=lambda p: p.name)
def test_env_findings_are_the_scan_env_vars_findings(root):
    _, doc = env_json(str(root))
    scan = cli("scan", str(root), "--format", "json")
    assert scan.code in (0, 1), scan.err
    scan_doc = scan.json()
    expected = sorted(key(f) for f in scan_doc["findings"] if f["check"] == "env-vars")
    assert sorted(key(f) for f in doc["findings"]) == expected
    status = next(c["status"] for c in scan_doc["checks"] if c["id"] == "env-vars")
    assert doc["check"]["status"] == status


@pytest.mark.parametrize("root", PROJECTS + [BROKEN], ids=lambda p: p.name)
def test_exit_status_follows_the_findings_and_fail_on(root):
    run, doc = env_json(str(root))
    severities = {f["severity"] for f in doc["findings"]}
    assert run.code == (1 if "error" in severities else 0)
    warn = cli("env", str(root), "--format", "json", "--fail-on", "warning")
    assert warn.code == (1 if severities & {"error", "warning"} else 0)


def test_config_severity_overrides_and_ignores_apply_as_in_scan(tmp_path):
    write_tree(tmp_path, {"src/app.js": "const k = process.env.RESEND_API_KEY;\nconst x = process.env[name];\n",
                          "deploycheck.toml": '[severity]\n"env-vars/dynamic-read" = "warning"\n'})
    _, doc = env_json(str(tmp_path))
    sev = {f["rule"]: f["severity"] for f in doc["findings"]}
    assert sev.get("env-vars/dynamic-read") == "warning"
    write_tree(tmp_path, {"deploycheck.toml": 'ignore = ["env-vars/dynamic-read"]\n'})
    _, doc = env_json(str(tmp_path))
    assert "env-vars/dynamic-read" not in {f["rule"] for f in doc["findings"]}


# ------------------------------------------------------------------------------------------ the inventory


def test_rows_say_where_each_variable_is_read_and_whether_it_is_required(tmp_path):
    write_tree(tmp_path, {
        "src/server.js": "const port = process.env.PORT || 3000;\nconst db = process.env.DATABASE_URL;\n"
                         "const s = process.env.SESSION_SECRET || 'keyboard-cat-secret-value';\n"
                         "if (process.env.FEATURE_BETA === 'true') { enable(); }\n",
        "src/db.js": "export const url = process.env.DATABASE_URL;\n",
        "test/app.test.js": "process.env.TEST_ONLY_KEY;\n",
    })
    _, doc = env_json(str(tmp_path))
    rows = {v["name"]: v for v in doc["variables"]}
    assert set(rows) == {"PORT", "DATABASE_URL", "SESSION_SECRET", "FEATURE_BETA"}
    db = rows["DATABASE_URL"]
    assert db["required"] and db["read_count"] == 2
    assert db["reads"] == [{"path": "src/db.js", "line": 1}, {"path": "src/server.js", "line": 2}]
    assert rows["PORT"]["need"] == "default" and rows["PORT"]["default"] == "3000"
    assert rows["SESSION_SECRET"]["secret"] and "keyboard-cat-secret-value" not in json.dumps(doc)
    assert rows["FEATURE_BETA"]["flag"] and doc["flags"] == ["FEATURE_BETA"]
    _, everything = env_json(str(tmp_path), "--all")
    assert "TEST_ONLY_KEY" in {v["name"] for v in everything["variables"]}


@needs_deploy
def test_containers_project_every_environment_and_how_it_sets_each_variable():
    _, doc = env_json(str(DATA / "containers"))
    names = [e["name"] for e in doc["environments"]]
    assert names[:2] == [".env", ".env.local"] and names[-1].startswith("k8s/deployment.yaml")
    envs = {e["name"]: e for e in doc["environments"]}
    assert envs[".env.production"]["environment"] == "production"
    assert envs[".env.staging"]["environment"] == "staging"
    assert envs["docker-compose.prod.yml: web"]["env_files"] == [".env.production"]
    assert envs["deploy/shop-api.service"]["env_files"] == ["/etc/shop-api/env"]
    assert envs["deploy/shop-api.service"]["opaque"]
    k8s = next(e for e in doc["environments"] if e["kind"] == "k8s")
    assert "Secret shop-secrets" in k8s["references"] and k8s["opaque"]
    # the database image's environment configures the database, not the app: no column, not even hidden
    assert "docker-compose.prod.yml: db" not in {e["name"] for e in doc["environments"] + doc["hidden_environments"]}
    prod = cells(doc, ".env.production")
    assert prod["DATABASE_URL"] == "reference"                     # DATABASE_URL=${PROD_DATABASE_URL}
    compose = cells(doc, "docker-compose.prod.yml: web")
    assert compose["REDIS_URL"] == "set"                           # through env_file: .env.production
    assert compose["SESSION_SECRET"] == "reference"                # ${SESSION_SECRET}
    assert compose["STRIPE_SECRET_KEY"] == "missing"
    assert cells(doc, k8s["name"])["DATABASE_URL"] == "secret-ref"
    assert cells(doc, k8s["name"])["EMAIL_FROM"] == "set"            # from the ConfigMap in the same file
    assert cells(doc, k8s["name"])["STRIPE_SECRET_KEY"] == "unknown"  # the Secret is not in the repo
    assert cells(doc, "Dockerfile")["LOG_LEVEL"] == "set"
    assert cells(doc, ".github/workflows/ci.yml: test")["STRIPE_SECRET_KEY"] == "secret-ref"
    flag = next(v for v in doc["variables"] if v["name"] == "FEATURE_NEW_CHECKOUT")
    values = {e["name"]: flag["environments"][e["id"]].get("value") for e in doc["environments"]}
    assert values[".env.staging"] == "true" and values[".env.production"] == "false"
    assert values["deploy/shop-api.service"] == "on"
    assert doc["dynamic_reads"] == [{"path": "src/server.js", "line": 17}]
    near = [f for f in doc["findings"] if f["rule"] == "env-vars/misspelled-name"]
    assert [(f["path"], f["line"]) for f in near] == [("src/payments.js", 2)]
    assert "STRIPE_WEBHOOK_SECRET" in near[0]["message"]
    unread = next(v for v in doc["variables"] if v["name"] == "STRIPE_WEBHOOK_SECRET")
    assert unread["need"] == "unread" and unread["reads"] == []


@needs_deploy
def test_platforms_project_one_column_per_manifest():
    _, doc = env_json(str(DATA / "platforms"))
    kinds = {e["name"]: (e["platform"], e["environment"]) for e in doc["environments"]}
    for name, platform in [("render.yaml: notes-api", "render"), ("fly.toml", "fly"), ("railway.json", "railway"),
                           ("vercel.json", "vercel"), ("app.json", "heroku"), ("app.yaml", "app-engine"),
                           ("serverless.yml", "serverless")]:
        assert kinds[name][0] == platform, name
    assert kinds["netlify.toml [context.deploy-preview]"][1] == "preview"
    render = cells(doc, "render.yaml: notes-api")
    assert (render["MONGODB_URI"], render["JWT_SECRET"], render["SENTRY_DSN"]) == ("from-service", "generated", "declared")
    assert render["PORT"] == "injected"
    assert cells(doc, "app.json")["MONGODB_URI"] == "injected"              # the mongolab add-on
    assert cells(doc, "serverless.yml")["JWT_SECRET"] == "secret-ref"
    assert cells(doc, "app.yaml")["MONGODB_URI"] == "reference"
    assert cells(doc, "fly.toml")["JWT_SECRET"] == "unknown"                # fly secrets: not in the file
    assert cells(doc, "template.yaml: NotesFunction")["JWT_SECRET"] == "secret-ref"   # {{resolve:secretsmanager…}}
    assert cells(doc, "vercel.json")["JWT_SECRET"] == "secret-ref"                    # "@jwt-secret"
    assert cells(doc, "netlify.toml [context.production]")["APP_URL"] == "build-only"
    assert "Procfile" in {e["name"] for e in doc["hidden_environments"]}            # app.json speaks for the app
    flag = next(v for v in doc["variables"] if v["name"] == "UPLOADS_ENABLED")
    values = {e["name"]: flag["environments"][e["id"]].get("value") for e in doc["environments"]}
    assert values["render.yaml: notes-api"] == "1" and values["app.json"] == "off" and values["app.yaml"] == "yes"


@needs_deploy
def test_pydantic_settings_prefix_and_staging_gap():
    run, doc = env_json(str(DATA / "python-settings"))
    rows = {v["name"]: v for v in doc["variables"]}
    assert {"TASKS_DATABASE_URL", "TASKS_JWT_SECRET", "TASKS_SIGNUP_ENABLED"} <= set(rows)
    assert rows["TASKS_SIGNUP_ENABLED"]["flag"] and rows["TASKS_SIGNUP_ENABLED"]["default"] == "True"
    assert rows["TASKS_SMTP_PASSWORD"]["default"].startswith("chan") and "changeme-smtp" not in json.dumps(doc)
    staging = next(e["id"] for e in doc["environments"] if e["name"] == ".env.staging")
    assert {"environment": staging, "severity": "info", "names": ["ADMIN_TOKEN", "SENTRY_DSN"]} in doc["missing"]


@needs_deploy
def test_client_side_reads():
    _, doc = env_json(str(DATA / "nextjs-client"))
    rows = {v["name"]: v for v in doc["variables"]}
    assert rows["NEXT_PUBLIC_STRIPE_SECRET_KEY"]["side"] == "client" and rows["NEXT_PUBLIC_STRIPE_SECRET_KEY"]["secret"]
    assert not rows["NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY"]["secret"]
    rules = {(f["rule"], f["line"]) for f in doc["findings"] if f["path"] == "components/CheckoutButton.tsx"}
    assert ("env-vars/secret-in-client-code", 5) in rules and ("env-vars/server-var-in-client-code", 6) in rules


@needs_deploy
def test_malformed_files_one_line_each_and_the_rest_still_prints():
    run = cli("env", str(DATA / "malformed"))
    assert run.code in (0, 1)
    lines = run.err.strip().splitlines()
    for name, where in [("render.yaml", "line 8"), ("fly.toml", "line 4"), ("vercel.json", "line 1"),
                        (".env.production", "lines 2, 3")]:
        hits = [ln for ln in lines if ln.startswith(f"deploycheck: warning: {name}:")]
        assert len(hits) == 1 and where in hits[0], run.err
    assert "Traceback" not in run.err
    assert "DATABASE_URL" in run.out and "MAILGUN_API_KEY" in run.out
    _, doc = env_json(str(DATA / "malformed"))
    assert {p["path"] for p in doc["problems"]} == {"render.yaml", "fly.toml", "vercel.json", ".env.production"}


def test_broken_code_is_reported_with_its_position(tmp_path):
    write_tree(tmp_path, {"src/a.js": "const a = process.env.API_URL;\n", "app.py": "import os\nx = os.environ['A'\n"})
    run = cli("env", str(tmp_path))
    assert run.code in (0, 1) and "API_URL" in run.out
    assert any(ln.startswith("deploycheck: warning: app.py:") and "line" in ln for ln in run.err.splitlines())


# ------------------------------------------------------------------------------------------ text output


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_text_output_fits_100_columns_without_trailing_whitespace(root):
    run = cli("env", str(root), vars={"COLUMNS": "100"})
    assert run.code in (0, 1), run.err
    lines = run.out.splitlines()
    assert all(len(ln) <= 100 for ln in lines), max(lines, key=len)
    assert all(ln == ln.rstrip() for ln in lines)
    verdict = " ".join(run.out.split("\n\n")[-1].split())
    assert verdict.startswith(("NOT READY", "Every variable", "No production config")), verdict


def test_colour_output_has_no_trailing_whitespace_either():
    import re
    from io import StringIO

    from deploycheck.cli import main
    from deploycheck.cli.environment import Environment
    out = StringIO()
    env = Environment(stdout=out, stderr=StringIO(), stdin_isatty=False, stdout_isatty=True, stderr_isatty=False,
                      cwd=REPO, vars={"FORCE_COLOR": "1", "COLUMNS": "100"})
    assert main(["env", str(DATA / "python-settings"), "--from-process"], env=env) in (0, 1)
    assert "\x1b[" in out.getvalue()
    assert not [ln for ln in out.getvalue().splitlines() if re.search(r"[ \t]+(\x1b\[[0-9;]*m)*$", ln)]


def test_with_the_check_ignored_the_verdict_claims_nothing(tmp_path):
    write_tree(tmp_path, {"src/a.js": "const k = process.env.POSTMARK_TOKEN;\n", "deploycheck.toml": 'ignore = ["env-vars"]\n'})
    run = cli("env", str(tmp_path))
    assert run.code == 0 and "turned off in the config" in run.out and "POSTMARK_TOKEN" in run.out


def test_a_file_name_with_markup_is_printed_literally(tmp_path):
    write_tree(tmp_path, {"pages/[red]x/[id].js": "export const u = process.env.API_URL;\n"})
    run = cli("env", str(tmp_path))
    assert "pages/[red]x/[id].js:1" in run.out


# ------------------------------------------------------------------------------------------ --env-file, --from-process

APP = {"src/server.js": "const db = process.env.DATABASE_URL;\nconst k = process.env.RESEND_API_KEY;\n"
                        "const p = process.env.PORT || 3000;\nif (process.env.BETA_ENABLED === 'true') {}\n",
       ".env.example": "DATABASE_URL=\nRESEND_API_KEY=\n"}
SECRET = "re_9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c"


def test_from_process_lists_what_is_missing_here_and_fails(tmp_path):
    write_tree(tmp_path, APP)
    run, doc = env_json(str(tmp_path), "--from-process", vars={"DATABASE_URL": "postgres://u:pw@db/app",
                                                                "BETA_ENABLED": "true"})
    proc = doc["environments"][-1]
    assert (proc["name"], proc["origin"]) == ("this process", "process")
    assert doc["missing"] == [{"environment": proc["id"], "severity": "error", "names": ["RESEND_API_KEY"]}]
    assert run.code == 1
    beta = next(v for v in doc["variables"] if v["name"] == "BETA_ENABLED")
    assert beta["environments"][proc["id"]]["value"] == "true"
    assert "postgres://u:pw@db/app" not in run.out
    text = cli("env", str(tmp_path), "--from-process", vars={"DATABASE_URL": "x"})
    assert "this process lacks 1 required variable(s): RESEND_API_KEY" in " ".join(text.out.split())
    ok = cli("env", str(tmp_path), "--from-process", vars={"DATABASE_URL": "x", "RESEND_API_KEY": SECRET})
    assert ok.code == 0 and SECRET not in ok.out, ok.out


def test_env_file_adds_an_environment_and_never_prints_values(tmp_path):
    write_tree(tmp_path, APP)
    write_tree(tmp_path, {"pulled/.env.vercel": f'DATABASE_URL="postgres://u:pw@db/app"\nRESEND_API_KEY="{SECRET}"\n',
                          "pulled/staging.json": json.dumps({"DATABASE_URL": "x"})})
    run, doc = env_json(str(tmp_path), "--env-file", "production=pulled/.env.vercel",
                        "--env-file", "staging=pulled/staging.json", cwd=tmp_path)
    named = [e for e in doc["environments"] if e["origin"] == "env-file"]
    assert [(e["name"], e["environment"]) for e in named] == [
        ("production (pulled/.env.vercel)", "production"), ("staging (pulled/staging.json)", "staging")]
    assert cells(doc, "production (pulled/.env.vercel)")["RESEND_API_KEY"] == "set"
    assert doc["missing"] == [{"environment": named[1]["id"], "severity": "error", "names": ["RESEND_API_KEY"]}]
    assert SECRET not in run.out and "pw@db" not in run.out
    text = cli("env", str(tmp_path), "--env-file", "production=pulled/.env.vercel", cwd=tmp_path)
    assert SECRET not in text.out and text.code == 0, text.out


def test_a_named_production_file_is_evidence_for_the_check(tmp_path):
    write_tree(tmp_path, {"app/src/a.js": "const k = process.env.POSTMARK_TOKEN;\n",
                          "pulled.env": "POSTMARK_TOKEN=abc\n"})
    _, without = env_json(str(tmp_path / "app"))
    _, with_file = env_json(str(tmp_path / "app"), "--env-file", f"production={tmp_path / 'pulled.env'}")
    assert without["findings"] and not [f for f in with_file["findings"] if f["severity"] != "info"]


@pytest.mark.parametrize("spec,message", [("production", "expected NAME=FILE"), ("=x.env", "expected NAME=FILE"),
                                          ("prod=does-not-exist.env", "cannot read does-not-exist.env")])
def test_bad_env_file_arguments_are_one_line_usage_errors(tmp_path, spec, message):
    write_tree(tmp_path, APP)
    run = cli("env", str(tmp_path), "--env-file", spec, cwd=tmp_path)
    assert run.code == 2 and run.out == ""
    assert len(run.err.strip().splitlines()) == 1 and message in run.err


def test_unreadable_lines_in_a_named_file_are_named(tmp_path):
    write_tree(tmp_path, {**APP, "x.env": "DATABASE_URL=1\nnot a setting\n"})
    run = cli("env", str(tmp_path), "--env-file", "prod=x.env", cwd=tmp_path)
    assert "x.env: line(s) 2 are not NAME=VALUE" in run.err


def test_no_environment_and_no_variables_are_said_plainly(tmp_path):
    write_tree(tmp_path, {"src/a.js": "console.log(1)\n"})
    run = cli("env", str(tmp_path))
    assert run.code == 0 and "reads no environment variables" in run.out


def test_output_without_emit_guard_is_a_usage_error(tmp_path):
    write_tree(tmp_path, APP)
    run = cli("env", str(tmp_path), "--output", "x.js")
    assert run.code == 2 and "--emit-guard" in run.err


# ------------------------------------------------------------------------------------------ --write-example


def test_write_example_creates_the_file_with_names_and_comments_only(tmp_path):
    write_tree(tmp_path, {"src/server.js": APP["src/server.js"] + f"const s = process.env.SESSION_SECRET || '{SECRET}';\n"})
    run = cli("env", str(tmp_path), "--write-example")
    assert run.code == 0 and "Created" in run.out
    assert "Listing a variable does not set it: set DATABASE_URL, RESEND_API_KEY where production runs" in run.out
    text = (tmp_path / ".env.example").read_text()
    assert SECRET not in text and "3000" not in text
    assert [ln for ln in text.splitlines() if ln and not ln.startswith("#")] == [
        "BETA_ENABLED=", "DATABASE_URL=", "PORT=", "RESEND_API_KEY=", "SESSION_SECRET="]
    assert "# Required; read at src/server.js:1\nDATABASE_URL=" in text
    assert "# Optional (the code has a fallback); secret; read at src/server.js:5\nSESSION_SECRET=" in text


def test_write_example_keeps_the_users_lines_and_appends_new_names_once(tmp_path):
    user = ("# My notes about the database\r\nDATABASE_URL=postgres://localhost/dev\r\n\r\n"
            "# RESEND_API_KEY=commented out on purpose\r\nEXTRA=keep-me")
    write_tree(tmp_path, {"src/server.js": APP["src/server.js"]})
    (tmp_path / ".env.example").write_bytes(user.encode())
    run = cli("env", str(tmp_path), "--write-example")
    assert run.code == 0 and "added 2 variable(s): BETA_ENABLED, PORT" in run.out
    data = (tmp_path / ".env.example").read_bytes().decode()
    assert data.startswith(user + "\r\n")                          # untouched, newline added
    added = data[len(user):]
    assert "\r\n" in added and "\n" not in added.replace("\r\n", "")
    assert "BETA_ENABLED=\r\n" in added and "PORT=\r\n" in added and "RESEND_API_KEY" not in added
    again = cli("env", str(tmp_path), "--write-example")
    assert again.code == 0 and "already names every variable" in again.out
    assert (tmp_path / ".env.example").read_bytes().decode() == data
