"""inventory.build over hand-made Projects: rows (need, default, secret, side, flag), columns (order,
hidden sources), cells (how each environment provides a variable), gaps, named sources. No files,
no extractors: the facts are written here, so these tests hold whatever the deploy extractors do."""
from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from deploycheck.core import Location, Severity
from deploycheck.inventory import (Cell, EnvReport, Need, State, build, environment_of, exit_status, named_source,
                                   parse_named)
from deploycheck.project.model import (EnvDeclaration, EnvRead, EnvSetting, EnvSource, FileFacts, Language,
                                       Project, Role, SourceFile)
from deploycheck.report import RenderOptions, env_json, env_text

# EnvSetting.build_only comes with the deploy extractors (a build-time-only setting, e.g. netlify.toml)
BUILD_ONLY = "build_only" in EnvSetting.__dataclass_fields__
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "env.schema.json").read_text("utf-8"))

ROLE_LANG = {Role.APP: Language.JAVASCRIPT, Role.TEST: Language.JAVASCRIPT, Role.SCRIPT: Language.JAVASCRIPT,
             Role.ENV_FILE: Language.DOTENV, Role.DEPLOY_CONFIG: Language.YAML, Role.CI: Language.YAML,
             Role.ENV_EXAMPLE: Language.DOTENV, Role.MIGRATION: Language.JAVASCRIPT}


def loc(path: str, line: int = 1) -> Location:
    return Location(path, line)


def read(name, path="src/app.js", line=1, **kw) -> EnvRead:
    return EnvRead(name, loc(path, line), kw.pop("how", "process.env"), **kw)


def setting(name, path, line=1, value="x", kind="value", **kw) -> EnvSetting:
    return EnvSetting(name, loc(path, line), value, kind, **kw)


def source(name, path, environment="production", kind="platform", settings=(), **kw) -> EnvSource:
    return EnvSource(name=name, kind=kind, environment=environment, path=path, settings=tuple(settings), **kw)


def make(reads=(), sources=(), declarations=(), roles=None, partial=None, extra=None) -> Project:
    """A Project whose files carry the given roles (default: src/ app, test/ tests, others by kind)."""
    roles = dict(roles or {})
    facts: dict[str, FileFacts] = {}

    def ff(path: str, role: Role) -> FileFacts:
        if path not in facts:
            role = roles.get(path, role)
            facts[path] = FileFacts(SourceFile(path, ROLE_LANG.get(role, Language.OTHER), role, 1, 1, "",
                                               (partial or {}).get(path)))
        return facts[path]

    for r in reads:
        path = r.location.path
        ff(path, Role.TEST if path.startswith("test") else Role.APP).env_reads.append(r)
    for s in sources:
        ff(s.path, Role.ENV_FILE if s.kind == "dotenv" else Role.DEPLOY_CONFIG).env_sources.append(s)
    for d in declarations:
        ff(d.location.path, Role.ENV_EXAMPLE).env_declarations.append(d)
    for path, reason in (partial or {}).items():
        ff(path, roles.get(path, Role.DEPLOY_CONFIG))
    p = Project(root=Path("/app"))
    for f in facts.values():
        p.add(f)
    p.extra.update(extra or {})
    return p


# ------------------------------------------------------------------------------------------ rows


def test_need_required_default_optional_runtime_injected_and_test_only():
    p = make(reads=[
        read("DATABASE_URL"),
        read("PORT", has_default=True, default="3000"),
        read("LOG_LEVEL", has_default=True, default="info"),
        read("SENTRY_DSN", conditional=True),
        read("CACHE_TTL", has_default=True, default=None),
        read("NODE_ENV"),
        read("TEST_TOKEN", path="test/app.test.js"),
        read("API_KEY", path="src/a.js", has_default=True, default="k"),
        read("API_KEY", path="src/b.js"),                      # required in one place: required
    ], sources=[source("render.yaml: web", "render.yaml", platform="render", injected=("PORT",))])
    inv = build(p)
    need = {v.name: v.need for v in inv.variables}
    assert need == {"DATABASE_URL": Need.REQUIRED, "PORT": Need.INJECTED, "LOG_LEVEL": Need.DEFAULT,
                    "SENTRY_DSN": Need.OPTIONAL, "CACHE_TTL": Need.OPTIONAL, "NODE_ENV": Need.RUNTIME,
                    "API_KEY": Need.REQUIRED}
    assert "TEST_TOKEN" not in need                           # tests only: shown with --all
    assert build(p, show_all=True).variable("TEST_TOKEN").need is Need.NOT_PRODUCTION
    assert {v.name for v in inv.required} == {"DATABASE_URL", "API_KEY"}
    assert inv.variable("PORT").injected_by == ("render",)


def test_reads_production_first_with_count():
    p = make(reads=[read("DATABASE_URL", "test/db.test.js", 3), read("DATABASE_URL", "src/db.js", 9),
                    read("DATABASE_URL", "src/a.js", 2)])
    v = build(p).variable("DATABASE_URL")
    assert v.reads == (loc("src/a.js", 2), loc("src/db.js", 9), loc("test/db.test.js", 3))
    assert v.read_count == 3


def test_secret_like_defaults_are_masked_and_url_credentials_redacted():
    p = make(reads=[read("SESSION_SECRET", has_default=True, default="keyboard-cat-but-longer"),
                    read("DATABASE_URL", has_default=True, default="postgres://app:hunter2pass@localhost/app"),
                    read("ACCESS_TOKEN_MINUTES", has_default=True, default="30")])
    inv = build(p)
    s = inv.variable("SESSION_SECRET")
    assert s.secret and "keyboard" not in s.default and s.default.startswith("keyb")
    assert "hunter2pass" not in inv.variable("DATABASE_URL").default
    t = inv.variable("ACCESS_TOKEN_MINUTES")                 # a setting about a token, not a token
    assert not t.secret and t.default == "30"


def test_side_server_client_both():
    p = make(reads=[read("NEXT_PUBLIC_URL", "src/page.tsx", side="client"), read("API_URL"),
                    read("SHARED", side="client"), read("SHARED", "src/x.js")])
    inv = build(p)
    assert inv.variable("NEXT_PUBLIC_URL").side == "client"
    assert inv.variable("API_URL").side == "server"
    assert inv.variable("SHARED").side == "both"


# ------------------------------------------------------------------------------------------ columns & cells


def test_cells_say_how_each_environment_provides_a_variable():
    render = source("render.yaml: web", "render.yaml", platform="render", injected=("PORT",), settings=[
        setting("A", "render.yaml", 3), setting("B", "render.yaml", 4, "${OTHER}", "interpolated"),
        setting("C", "render.yaml", 5, None, "generated"), setting("D", "render.yaml", 6, "db", "from-service"),
        setting("E", "render.yaml", 7, None, "declared"), setting("F", "render.yaml", 8, "${{ secrets.F }}", "secret-ref"),
        *([setting("G", "render.yaml", 9, "1", build_only=True)] if BUILD_ONLY else [])])
    fly = source("fly.toml", "fly.toml", platform="fly", opaque=True)
    names = "ABCDEFGHP" if BUILD_ONLY else "ABCDEFHP"
    p = make(reads=[read(n) for n in names], sources=[render, fly])
    inv = build(p)
    states = {n: inv.cell(n, "render.yaml: web").state for n in names}
    expected = {"A": State.SET, "B": State.REFERENCE, "C": State.GENERATED, "D": State.FROM_SERVICE,
                "E": State.DECLARED, "F": State.SECRET_REF, "G": State.BUILD_ONLY, "H": State.MISSING, "P": State.MISSING}
    assert states == {n: expected[n] for n in names}
    assert inv.cell("B", "render.yaml: web").refs == ("OTHER",)
    assert inv.cell("A", "render.yaml: web").location == loc("render.yaml", 3)
    assert inv.cell("H", "fly.toml").state is State.UNKNOWN        # opaque: may be set in the dashboard
    assert not State.BUILD_ONLY.provides and State.DECLARED.provides


def test_platform_injected_cell():
    p = make(reads=[read("PORT")], sources=[source("Procfile", "Procfile", platform="heroku", opaque=True,
                                                   injected=("PORT", "DYNO"))])
    assert build(p).cell("PORT", "Procfile").state is State.INJECTED


def test_columns_run_from_development_to_production_and_sidecars_are_hidden():
    db = source("compose.yml: db", "compose.yml", kind="compose", settings=[setting("POSTGRES_PASSWORD", "compose.yml")])
    web = source("compose.yml: web", "compose.yml", kind="compose", settings=[setting("DATABASE_URL", "compose.yml")])
    ci_svc = source("ci.yml: test/services/pg", ".github/workflows/ci.yml", environment="ci", kind="ci",
                    settings=[setting("POSTGRES_DB", ".github/workflows/ci.yml")])
    cm = source("k8s/app.yaml: ConfigMap cfg", "k8s/app.yaml", kind="k8s", settings=[setting("DATABASE_URL", "k8s/app.yaml")])
    p = make(reads=[read("DATABASE_URL")], sources=[
        source(".env.production", ".env.production", kind="dotenv"), db, web, ci_svc, cm,
        source(".env.staging", ".env.staging", "staging", kind="dotenv"),
        source(".env", ".env", "development", kind="dotenv")],
        extra={"deploy.k8s_objects": [("k8s/app.yaml", "k8s/app.yaml: ConfigMap cfg", "ConfigMap", "cfg", None)]})
    inv = build(p)
    assert [c.name for c in inv.columns] == [".env", ".env.staging", ".env.production", "compose.yml: web"]
    assert [c.id for c in inv.columns] == ["A", "B", "C", "D"]
    assert {c.name for c in inv.hidden} == {"compose.yml: db", "ci.yml: test/services/pg", "k8s/app.yaml: ConfigMap cfg"}
    assert len(build(p, show_all=True).columns) == 7


def test_an_empty_source_beside_a_richer_one_of_the_same_platform_is_one_column():
    procfile = source("Procfile", "Procfile", platform="heroku", opaque=True, injected=("PORT",))
    app_json = source("app.json", "app.json", platform="heroku", opaque=True, injected=("PORT", "DATABASE_URL"),
                      settings=[setting("SECRET_KEY", "app.json", 3, None, "generated")])
    worker = source("render.yaml: worker", "render.yaml", platform="render")
    web = source("render.yaml: web", "render.yaml", platform="render", settings=[setting("A", "render.yaml")])
    inv = build(make(reads=[read("A")], sources=[procfile, app_json, worker, web]))
    assert [c.name for c in inv.columns] == ["app.json", "render.yaml: web", "render.yaml: worker"]
    assert {c.name for c in inv.hidden} == {"Procfile"}


def test_many_columns_get_two_letter_labels():
    p = make(reads=[read("X")], sources=[source(f"s{i:02}", f"s{i:02}.yaml") for i in range(30)])
    ids = [c.id for c in build(p).columns]
    assert ids[:2] == ["A", "B"] and ids[25:28] == ["Z", "AA", "AB"] and len(set(ids)) == 30


def test_unread_variables_set_in_production_are_rows_but_tool_variables_are_not():
    p = make(reads=[read("DATABASE_URL")], sources=[source("render.yaml: web", "render.yaml", settings=[
        setting("DATABASE_URL", "render.yaml", 2), setting("OLD_API_KEY", "render.yaml", 3),
        setting("NODE_VERSION", "render.yaml", 4), setting("LISTED", "render.yaml", 5, None, "declared")])])
    inv = build(p)
    assert {v.name: v.need for v in inv.variables} == {"DATABASE_URL": Need.REQUIRED, "OLD_API_KEY": Need.UNREAD}
    assert "NODE_VERSION" in {v.name for v in build(p, show_all=True).variables}


def test_declarations_are_listed_per_variable_and_mark_dashboard_platforms():
    p = make(reads=[read("SENTRY_DSN"), read("JWT_SECRET")],
             declarations=[EnvDeclaration("SENTRY_DSN", loc(".env.example", 4), "env-example")],
             sources=[source("fly.toml", "fly.toml", platform="fly", opaque=True),
                      source("render.yaml: web", "render.yaml"),
                      source(".env", ".env", "development", kind="dotenv", opaque=True)])
    inv = build(p)
    assert inv.variable("SENTRY_DSN").declared_in == (loc(".env.example", 4),)
    assert inv.cell("SENTRY_DSN", "fly.toml") == Cell(State.DECLARED, loc(".env.example", 4))
    assert inv.cell("JWT_SECRET", "fly.toml").state is State.UNKNOWN          # listed nowhere
    assert inv.cell("SENTRY_DSN", "render.yaml: web").state is State.MISSING  # transparent: the file is the truth
    assert inv.cell("SENTRY_DSN", ".env").state is State.UNKNOWN              # not an environment that deploys


def test_dynamic_reads_of_production_code_only():
    p = make(reads=[read(None, "src/cfg.js", 4), read(None, "test/x.test.js", 2)])
    inv = build(p)
    assert inv.dynamic_reads == (loc("src/cfg.js", 4),)
    assert inv.variables == ()


def test_partial_files_are_problems_with_their_position_and_mark_their_column():
    reason = "invalid YAML at line 8, column 8: did not find expected '-' indicator"
    p = make(reads=[read("DATABASE_URL")], sources=[source("render.yaml: api", "render.yaml",
                                                           settings=[setting("DATABASE_URL", "render.yaml")])],
             partial={"render.yaml": reason, "vercel.json": "invalid JSON at line 1, column 49: x"})
    inv = build(p)
    assert [(x.path, x.reason) for x in inv.problems] == [("render.yaml", reason), ("vercel.json", "invalid JSON at line 1, column 49: x")]
    assert inv.column("A").problem == reason


# ------------------------------------------------------------------------------------------ flags


def test_feature_flags_by_name_or_condition_with_switch_values_only():
    prod = source("render.yaml: web", "render.yaml", settings=[
        setting("FEATURE_NEW_CHECKOUT", "render.yaml", 2, "false"), setting("SIGNUP_ENABLED", "render.yaml", 3, "On"),
        setting("SENTRY_DSN", "render.yaml", 4, "https://abc@o1.ingest.sentry.io/1"),
        setting("ENABLE_SECRET_TOKEN", "render.yaml", 5, "true")])
    staging = source(".env.staging", ".env.staging", "staging", kind="dotenv",
                     settings=[setting("FEATURE_NEW_CHECKOUT", ".env.staging", 1, "true")])
    p = make(reads=[read("FEATURE_NEW_CHECKOUT", conditional=True), read("SIGNUP_ENABLED", has_default=True, default="true"),
                    read("SENTRY_DSN", conditional=True), read("NODE_ENV", conditional=True),
                    read("ENABLE_SECRET_TOKEN"), read("DATABASE_URL")], sources=[prod, staging])
    inv = build(p)
    assert {v.name for v in inv.flags} == {"FEATURE_NEW_CHECKOUT", "SIGNUP_ENABLED", "SENTRY_DSN", "ENABLE_SECRET_TOKEN"}
    assert inv.cell("FEATURE_NEW_CHECKOUT", ".env.staging").value == "true"
    assert inv.cell("FEATURE_NEW_CHECKOUT", "render.yaml: web").value == "false"
    assert inv.cell("SIGNUP_ENABLED", "render.yaml: web").value == "On"
    assert inv.cell("SENTRY_DSN", "render.yaml: web").value is None        # not a switch: presence only
    assert inv.cell("ENABLE_SECRET_TOKEN", "render.yaml: web").value is None  # secret-like: never a value
    assert inv.cell("DATABASE_URL", "render.yaml: web").value is None


# ------------------------------------------------------------------------------------------ named & process


def test_process_column_and_gaps_are_errors():
    p = make(reads=[read("DATABASE_URL"), read("RESEND_API_KEY"), read("PORT", has_default=True, default="3000"),
                    read("FEATURE_X", conditional=True)])
    inv = build(p, process={"DATABASE_URL": "postgres://secret@db/app", "FEATURE_X": "1", "RESEND_API_KEY": "  ",
                            "UNRELATED": "zzz"})
    col = inv.columns[-1]
    assert (col.name, col.origin, col.id) == ("this process", "process", "A")
    assert inv.cell("DATABASE_URL", "this process").state is State.SET
    assert inv.cell("DATABASE_URL", "this process").value is None
    assert inv.cell("RESEND_API_KEY", "this process").state is State.MISSING     # blank counts as missing
    assert inv.cell("FEATURE_X", "this process").value == "1"
    assert [(g.column, g.names, g.severity) for g in inv.gaps] == [("A", ("RESEND_API_KEY",), Severity.ERROR)]
    report = EnvReport("app", inv)
    assert exit_status(report) == 1
    ok = build(p, process={"DATABASE_URL": "x", "RESEND_API_KEY": "y"})
    assert ok.gaps == () and exit_status(EnvReport("app", ok)) == 0


def test_staging_gap_is_a_note_and_opaque_or_unrelated_sources_have_none():
    staging = source("render.yaml: web-staging", "render.yaml", "staging", settings=[setting("DATABASE_URL", "render.yaml")])
    preview = source("netlify.toml [deploy-preview]", "netlify.toml", "preview", opaque=True)
    p = make(reads=[read("DATABASE_URL"), read("STRIPE_KEY")], sources=[staging, preview])
    inv = build(p)
    assert [(g.names, g.severity) for g in inv.gaps] == [(("STRIPE_KEY",), Severity.INFO)]
    assert exit_status(EnvReport("app", inv)) == 0


def test_named_source_from_vercel_env_pull_is_a_column_with_its_environment():
    src, bad = named_source("production", ".env.vercel", '# Created by Vercel CLI\nDATABASE_URL="postgres://x"\nVERCEL="1"\n')
    assert bad == [] and src.environment == "production" and src.kind == "named"
    p = make(reads=[read("DATABASE_URL"), read("JWT_SECRET")])
    inv = build(p, [src])
    assert inv.columns[-1].origin == "env-file" and inv.columns[-1].name == "production (.env.vercel)"
    assert inv.cell("DATABASE_URL", "production (.env.vercel)").state is State.SET
    assert [(g.names, g.severity) for g in inv.gaps] == [(("JWT_SECRET",), Severity.ERROR)]
    assert "VERCEL" not in {v.name for v in inv.variables}   # a named file adds columns, not rows


@pytest.mark.parametrize("name,env", [("production", "production"), ("vercel-prod", "production"),
                                      ("Staging", "staging"), ("preview", "preview"), ("laptop", "laptop"),
                                      ("dev", "development")])
def test_environment_of_a_name(name, env):
    assert environment_of(name) == env


RAILWAY_TABLE = """\
╔══════════════════════════ Variables for notes ══════════════════════════╗
║ DATABASE_URL        │ postgresql://postgres:pw@host:5432/railway        ║
║──────────────────────────────────────────────────────────────────────────║
║ JWT_SECRET          │ abc                                                ║
╚══════════════════════════════════════════════════════════════════════════╝
"""
HEROKU = """=== notes-app Config Vars
DATABASE_URL: postgres://u:p@host/db
PAPERTRAIL_API_TOKEN: abc
"""
FLY = """NAME            DIGEST                  CREATED AT
DATABASE_URL    a1b2c3d4e5f6            2024-01-01T00:00:00Z
JWT_SECRET      f6e5d4c3b2a1            2024-01-01T00:00:00Z
"""


@pytest.mark.parametrize("text,expected", [
    ("export A=1\nB='two'\n# C=3\n", {"A": "1", "B": "two"}),
    ('{"A": "1", "B": 2, "nested": {"x": 1}}', {"A": "1", "B": "2", "nested": None}),
    ('[{"name": "A", "value": "1"}, {"Name": "B", "Digest": "x"}]', {"A": "1", "B": None}),
    (RAILWAY_TABLE, {"DATABASE_URL": "postgresql://postgres:pw@host:5432/railway", "JWT_SECRET": "abc"}),
    (HEROKU, {"DATABASE_URL": "postgres://u:p@host/db", "PAPERTRAIL_API_TOKEN": "abc"}),
    (FLY, {"DATABASE_URL": None, "JWT_SECRET": None}),
])
def test_parse_named_formats(text, expected):
    values, bad = parse_named(text)
    assert values == expected and bad == []


def test_parse_named_reports_unreadable_lines():
    values, bad = parse_named("A=1\nthis is not a setting\nB=2\n")
    assert values == {"A": "1", "B": "2"} and bad == [2]


def test_names_only_listing_counts_as_set():
    src, _ = named_source("production", "fly-secrets.txt", FLY)
    p = make(reads=[read("DATABASE_URL")])
    assert build(p, [src]).cell("DATABASE_URL", "production (fly-secrets.txt)").state.provides


# ------------------------------------------------------------------------------------------ renderers


SECRET_VALUE = "sk_live_51HxQvT2eZvKYlo2CUnique0000"


def _rich_project() -> Project:
    return make(reads=[read("STRIPE_SECRET_KEY"), read("FEATURE_X", conditional=True),
                       read("SESSION_SECRET", has_default=True, default=SECRET_VALUE), read(None, "src/dyn.js", 3),
                       read("NEXT_PUBLIC_URL", "src/[slug].tsx", side="client")],
                sources=[source(".env", ".env", "development", kind="dotenv", settings=[
                    setting("STRIPE_SECRET_KEY", ".env", 1, SECRET_VALUE), setting("FEATURE_X", ".env", 2, "on")]),
                    source("render.yaml: [bold]web", "render.yaml", settings=[setting("STRIPE_SECRET_KEY", "render.yaml", 2, SECRET_VALUE)])],
                partial={"fly.toml": "invalid TOML: x (at line 4, column 36)"})


def test_json_matches_the_schema_and_never_holds_a_value():
    inv = build(_rich_project(), process={"STRIPE_SECRET_KEY": SECRET_VALUE})
    out = io.StringIO()
    env_json.render_env(EnvReport("app", inv, status="pass", summary="ok", files=3), out)
    doc = json.loads(out.getvalue())
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert SECRET_VALUE not in out.getvalue()
    assert "sk_l" in out.getvalue()                              # the masked default of SESSION_SECRET
    assert doc["variables"][0]["environments"]["A"]["state"] in {s.value for s in State}
    assert doc["dynamic_reads"] == [{"path": "src/dyn.js", "line": 3}]


def test_schema_rejects_an_undocumented_key():
    inv = build(_rich_project())
    out = io.StringIO()
    env_json.render_env(EnvReport("app", inv), out)
    doc = json.loads(out.getvalue())
    doc["variables"][0]["value"] = "leak"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(doc)


@pytest.mark.parametrize("width", [100, 80])
def test_text_fits_the_width_escapes_markup_and_never_prints_a_value(width):
    p = make(reads=[read(f"VERY_LONG_VARIABLE_NAME_NUMBER_{i:02}_FOR_WIDTH", f"src/some/deeply/nested/folder/file{i}.js", 100 + i)
                    for i in range(5)] + [read("STRIPE_SECRET_KEY"), read("FEATURE_X", conditional=True)],
             sources=[source(f"k8s/overlays/prod/deployment-{i}.yaml: Deployment api/web", f"k8s/d{i}.yaml",
                             settings=[setting("FEATURE_X", f"k8s/d{i}.yaml", 1, "on"),
                                       setting("STRIPE_SECRET_KEY", f"k8s/d{i}.yaml", 2, SECRET_VALUE)]) for i in range(14)]
             + list(_rich_project().env_sources))
    out = io.StringIO()
    env_text.render_env(EnvReport("app", build(p, process={"STRIPE_SECRET_KEY": SECRET_VALUE})), out,
                        RenderOptions(width=width))
    text = out.getvalue()
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    assert all(line == line.rstrip() for line in lines)
    assert SECRET_VALUE not in text
    assert "[bold]web" in text                                    # shown literally, not as markup
    header = next(line for line in lines if line.startswith("Variable"))
    assert header.rstrip().endswith("N O P Q")                    # every environment column is there
    assert "on" in text                                           # the flag's value per environment


def test_text_lists_gaps_and_findings_and_the_verdict_agrees_with_the_exit_status():
    p = make(reads=[read("DATABASE_URL")])
    inv = build(p, process={})
    out = io.StringIO()
    report = EnvReport("app", inv)
    env_text.render_env(report, out, RenderOptions(width=100))
    assert "this process lacks 1 required variable(s): DATABASE_URL" in out.getvalue()
    assert "NOT READY TO DEPLOY" in out.getvalue() and exit_status(report) == 1


# ------------------------------------------------------------------------------------------ robustness

from hypothesis import given, settings, strategies as st  # noqa: E402

from deploycheck.writers.example import ExampleEntry, names_in, update_example  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_named_never_raises(text):
    values, bad = parse_named(text)
    assert all(isinstance(k, str) for k in values) and all(isinstance(n, int) for n in bad)


ENTRIES = [ExampleEntry("DATABASE_URL", "src/db.js:4", 2, True, "secret"), ExampleEntry("PORT", "src/server.js:1", 1, False)]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text()))
def test_update_example_only_appends_and_is_idempotent(existing):
    text, added = update_example(existing, ENTRIES)
    if existing is not None:
        assert text.startswith(existing)
    assert {"DATABASE_URL", "PORT"} <= names_in(text)
    again, added_again = update_example(text, ENTRIES)
    assert (again, added_again) == (text, [])
    # nothing after `NAME=` on the lines it wrote: never a value
    for line in text[len(existing or ""):].splitlines():
        if not line.startswith("#") and "=" in line:
            assert line.endswith("=")
