"""Repository extractors (project/extract/repo.py): one file in, typed facts out."""
from __future__ import annotations

import pytest

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source
from deploycheck.project.extract.repo import node_version_pinned, python_version_pinned
from deploycheck.project.model import (CiWorkflow, Instrumentation, Lockfile, Manifest, Migration, RuntimePin,
                                       Script, TestFile)


def facts(rel: str, text: str, kind=None) -> list:
    ff = extract_source(rel, Source(text, text.encode(), text.count("\n") + 1, None))
    assert ff.error is None, ff.error
    got = ff.extra.get("repo", [])
    return [f for f in got if kind is None or isinstance(f, kind)]


def one(rel: str, text: str, kind):
    got = facts(rel, text, kind)
    assert len(got) == 1, got
    return got[0]


# ------------------------------------------------------------------------------ versions

@pytest.mark.parametrize("spec,pinned", [
    ("20", True), ("20.x", True), ("20.18.1", True), ("^20.11", True), ("~20.11.0", True), ("lts/iron", True),
    (">=20 <21", True), ("18.x || 20.x", True), ("lts/*", False), ("node", False), ("latest", False), ("*", False),
    (">=18", False), ("", False), (">=18.0.0", False),
])
def test_node_version_pinned(spec, pinned):
    assert node_version_pinned(spec) is pinned


@pytest.mark.parametrize("spec,pinned", [
    ("3.12", True), ("3.12.7", True), ("python-3.12.7", True), ("pypy3.10", True), ("3", False),
    ("system", False), (">=3.10", False), ("^3.11", False), ("3.12.*", True),
])
def test_python_version_pinned(spec, pinned):
    assert python_version_pinned(spec) is pinned


# ------------------------------------------------------------------------------ package.json and lockfiles

PACKAGE_JSON = """{
  "name": "api",
  "engines": {
    "node": "20.x"
  },
  "scripts": {
    "start": "node src/server.js",
    "test": "jest"
  },
  "dependencies": {
    "express": "^4.21.1",
    "pg": "8.13.1"
  },
  "devDependencies": {
    "jest": "^29.7.0"
  }
}
"""


def test_package_json_dependencies_scripts_and_engines():
    m = one("package.json", PACKAGE_JSON, Manifest)
    assert m.ecosystem == "npm" and m.kind == "package.json"
    deps = {d.name: d for d in m.dependencies}
    assert deps["express"].spec == "^4.21.1" and deps["express"].location.line == 11 and not deps["express"].pinned
    assert deps["pg"].pinned and not deps["pg"].dev
    assert deps["jest"].dev and deps["jest"].location.line == 15
    assert dict(m.scripts)["test"] == "jest"
    assert dict(m.script_lines) == {"start": 7, "test": 8}
    pin = one("package.json", PACKAGE_JSON, RuntimePin)
    assert (pin.runtime, pin.version, pin.source, pin.pinned, pin.location.line) == ("node", "20.x", "engines", True, 4)


def test_package_json_floating_engine_and_volta():
    pins = facts("package.json", '{"engines": {"node": ">=18"}, "volta": {"node": "20.11.1"}}', RuntimePin)
    assert {(p.source, p.pinned) for p in pins} == {("engines", False), ("volta", True)}


def test_bad_package_json_is_skipped_without_crashing():
    assert facts("package.json", '{"dependencies": {', Manifest) == []


def test_package_lock_v3_records_the_manifest_specs():
    text = """{"lockfileVersion": 3, "packages": {
      "": {"name": "api", "dependencies": {"express": "^4.21.1"}, "devDependencies": {"jest": "^29.7.0"}},
      "node_modules/express": {"version": "4.21.1"},
      "node_modules/@types/node": {"version": "20.1.0"},
      "node_modules/express/node_modules/debug": {"version": "2.6.9"},
      "packages/web": {"dependencies": {"react": "18.3.1"}}
    }}"""
    lock = one("package-lock.json", text, Lockfile)
    assert lock.kind == "npm" and lock.parsed
    assert {"express", "@types/node", "debug"} <= lock.packages
    imp = dict(lock.importers)
    assert dict(imp[""]) == {"express": "^4.21.1", "jest": "^29.7.0"}
    assert dict(imp["packages/web"]) == {"react": "18.3.1"}


def test_package_lock_v1_lists_top_level_packages():
    lock = one("package-lock.json", '{"lockfileVersion": 1, "dependencies": {"express": {"version": "4.0.0"}}}', Lockfile)
    assert lock.packages == frozenset({"express"}) and lock.importers == ()


def test_unreadable_lockfile_is_kept_as_unparsed():
    lock = one("package-lock.json", '{"lockfileVersion": 3, ', Lockfile)
    assert not lock.parsed


def test_yarn_lock_classic_and_berry_entries():
    classic = '# yarn lockfile v1\n\n"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "7.2.0"\n\nlodash@^4.17.21:\n  version "4.17.21"\n'
    lock = one("yarn.lock", classic, Lockfile)
    assert lock.packages == frozenset({"@babel/core", "lodash"})
    assert "lodash@^4.17.21" in lock.entries and "@babel/core@^7.1.0" in lock.entries
    berry = '__metadata:\n  version: 6\n\n"express@npm:^4.18.2":\n  version: 4.18.2\n'
    lock = one("yarn.lock", berry, Lockfile)
    assert "express@^4.18.2" in lock.entries and lock.packages == frozenset({"express"})


def test_pnpm_lock_v9_and_v5():
    v9 = """lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      express:
        specifier: ^4.21.1
        version: 4.21.1
  packages/web:
    dependencies:
      react:
        specifier: 18.3.1
        version: 18.3.1
packages:
  express@4.21.1:
    resolution: {integrity: sha512-x}
  '@types/node@20.1.0':
    resolution: {integrity: sha512-y}
"""
    lock = one("pnpm-lock.yaml", v9, Lockfile)
    assert dict(dict(lock.importers)[""]) == {"express": "^4.21.1"}
    assert {"express", "@types/node", "react"} <= lock.packages
    v5 = "lockfileVersion: 5.4\nspecifiers:\n  express: ^4.18.0\ndependencies:\n  express: 4.18.2\npackages:\n  /express/4.18.2:\n    dev: false\n"
    lock = one("pnpm-lock.yaml", v5, Lockfile)
    assert dict(dict(lock.importers)[""]) == {"express": "^4.18.0"} and "express" in lock.packages


def test_bun_lock_text_format():
    text = '{\n  "lockfileVersion": 1,\n  "workspaces": {\n    "": {\n      "dependencies": {\n        "hono": "^4.6.0",\n      },\n    },\n  },\n  "packages": {\n    "hono": ["hono@4.6.0", "", {}, "sha512-x"],\n  }\n}\n'
    lock = one("bun.lock", text, Lockfile)
    assert lock.kind == "bun" and dict(dict(lock.importers)[""]) == {"hono": "^4.6.0"}


# ------------------------------------------------------------------------------ Python manifests

def test_requirements_pins_includes_and_dev_files():
    text = ("-r base.txt\n-c constraints.txt\n# comment\nflask\nrequests>=2.31  # later\nsqlalchemy==2.0.36\n"
            "uvicorn[standard]==0.34.0 ; python_version >= '3.9'\npkg @ git+https://github.com/a/b@4f2c1a9\n"
            "--index-url https://x\nlong==1.0 \\\n    --hash=sha256:abc\n")
    m = one("requirements.txt", text, Manifest)
    assert m.includes == ("base.txt", "constraints.txt") and not m.dev_only
    pins = {d.name: d.pinned for d in m.dependencies}
    assert pins == {"flask": False, "requests": False, "sqlalchemy": True, "uvicorn": True, "pkg": True, "long": True}
    assert next(d for d in m.dependencies if d.name == "flask").location.line == 4
    assert one("requirements-dev.txt", "pytest\n", Manifest).dev_only
    assert one("requirements/test.txt", "pytest\n", Manifest).dev_only
    assert one("requirements.in", "flask\n", Manifest).kind == "requirements-in"


def test_pyproject_project_and_poetry():
    text = '[project]\nname = "x"\nrequires-python = ">=3.11"\ndependencies = [\n  "fastapi>=0.110",\n  "httpx==0.27.0",\n]\n[tool.uv]\ndev-dependencies = []\n'
    m = one("pyproject.toml", text, Manifest)
    assert m.kind == "pyproject" and m.lock_tool == "uv"
    assert {d.name: d.pinned for d in m.dependencies} == {"fastapi": False, "httpx": True}
    pin = one("pyproject.toml", text, RuntimePin)
    assert pin.source == "requires-python" and not pin.pinned
    poetry = '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "3.12.*"\ndjango = "^5.0"\n'
    assert one("pyproject.toml", poetry, RuntimePin).pinned
    assert one("pyproject.toml", poetry, Manifest).lock_tool == "poetry"


def test_pipfile_and_python_lockfiles():
    m = one("Pipfile", '[packages]\nflask = "*"\n[dev-packages]\npytest = "==8.0"\n[requires]\npython_version = "3.11"\n', Manifest)
    assert [(d.name, d.dev) for d in m.dependencies] == [("flask", False), ("pytest", True)]
    assert facts("Pipfile", '[requires]\npython_version = "3.11"\n', RuntimePin)[0].pinned
    lock = one("poetry.lock", '[[package]]\nname = "Django"\nversion = "5.0"\n\n[[package]]\nname = "typing_extensions"\n', Lockfile)
    assert lock.packages == frozenset({"django", "typing-extensions"})
    lock = one("Pipfile.lock", '{"default": {"flask": {}}, "develop": {"pytest": {}}}', Lockfile)
    assert lock.kind == "pipenv" and lock.packages == frozenset({"flask", "pytest"})


def test_runtime_files():
    assert one(".nvmrc", "v20.11.1\n", RuntimePin).pinned
    assert not one(".nvmrc", "lts/*\n", RuntimePin).pinned
    assert one(".python-version", "3.12.7\n", RuntimePin).pinned
    assert not one(".python-version", "my-venv\n", RuntimePin).pinned
    assert one("runtime.txt", "python-3.11.9\n", RuntimePin).source == "runtime.txt"
    pins = facts(".tool-versions", "nodejs 20.11.0\npython 3.12.1\nruby 3.3.0\n", RuntimePin)
    assert {(p.runtime, p.pinned) for p in pins} == {("node", True), ("python", True)}


# ------------------------------------------------------------------------------ migrations

def test_node_pg_migrate_with_and_without_down():
    m = one("migrations/1_init.js", "exports.up = (pgm) => {\n  pgm.createTable('a', {id: 'id'});\n};\n\nexports.down = (pgm) => {\n  pgm.dropTable('a');\n};\n", Migration)
    assert m.tool == "node-pg-migrate" and m.reversible and m.destructive == () and m.down_location.line == 5
    # node-pg-migrate reverses createTable by itself
    assert one("migrations/2_b.js", "exports.up = (pgm) => { pgm.createTable('b', {id: 'id'}); };\n", Migration).reversible
    m = one("migrations/3_c.js", "exports.up = (pgm) => { pgm.sql('UPDATE a SET x = 1'); };\n", Migration)
    assert m.reversible is False and m.reason == "no down()"
    m = one("migrations/4_d.js", "exports.up = (pgm) => { pgm.dropColumn('a', 'x'); };\nexports.down = false;\n", Migration)
    assert m.reversible is False and m.destructive[0][0] == "drops column a.x" and m.down_location.line == 2


def test_knex_empty_down_and_destructive_up():
    text = ("exports.up = async function (knex) {\n  await knex.schema.alterTable('users', (t) => {\n"
            "    t.dropColumn('legacy');\n  });\n};\n\nexports.down = async function () {};\n")
    m = one("db/migrations/20240201_drop.js", text, Migration)
    assert m.tool == "knex" and m.reversible is False and m.reason == "down() does nothing"
    assert [(w, l.line) for w, l in m.destructive] == [("drops column legacy", 3)]
    assert m.down_location.line == 7


def test_typeorm_and_sequelize_classes():
    typeorm = ("import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class Init1 implements MigrationInterface {\n"
               "  public async up(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query(`DROP TABLE \"old\"`);\n  }\n"
               "  public async down(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query(`CREATE TABLE \"old\" (id int)`);\n  }\n}\n")
    m = one("src/migrations/1700-Init.ts", typeorm, Migration)
    assert m.tool == "typeorm" and m.reversible and [(w, l.line) for w, l in m.destructive] == [("drops table old", 4)]
    seq = "module.exports = {\n  up: async (queryInterface, Sequelize) => {\n    await queryInterface.removeColumn('Users', 'age');\n  },\n};\n"
    m = one("migrations/2024-remove-age.js", seq, Migration)
    assert m.tool == "sequelize" and m.reversible is False and m.destructive[0][0] == "drops column Users.age"


def test_alembic_revision_graph_empty_downgrade_and_drops():
    text = ('"""drop legacy"""\nfrom alembic import op\n\nrevision = "b2"\ndown_revision = "a1"\n\n\ndef upgrade():\n'
            '    op.drop_column("tasks", "legacy")\n    op.execute("DROP TABLE audit")\n\n\ndef downgrade():\n    pass\n')
    m = one("alembic/versions/b2_drop.py", text, Migration)
    assert m.tool == "alembic" and m.revision == "b2" and m.parents == ("a1",)
    assert m.reversible is False and m.reason == "downgrade() does nothing" and m.down_location.line == 13
    assert [(w, l.line) for w, l in m.destructive] == [("drops column tasks.legacy", 9), ("drops table audit", 10)]
    merge = 'revision = "c3"\ndown_revision = ("a1", "b2")\ndef upgrade():\n    pass\ndef downgrade():\n    pass\n'
    assert one("alembic/versions/c3_merge.py", merge, Migration).parents == ("a1", "b2")


def test_django_operations():
    text = ("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
            "    dependencies = [(\"shop\", \"0001_initial\"), (\"auth\", \"0012_x\")]\n\n    operations = [\n"
            "        migrations.RemoveField(model_name=\"order\", name=\"notes\"),\n"
            "        migrations.RunPython(fill_totals),\n"
            "        migrations.AddField(model_name=\"order\", name=\"total\", field=None),\n    ]\n")
    m = one("shop/migrations/0002_order_total.py", text, Migration)
    assert m.tool == "django" and m.revision == "0002_order_total" and m.parents == ("0001_initial",)
    assert [(w, l.line) for w, l in m.destructive] == [("drops field order.notes", 8)]
    assert m.reversible is False and m.reason == "RunPython without reverse_code" and m.down_location.line == 9
    ok = text.replace("RunPython(fill_totals)", "RunPython(fill_totals, migrations.RunPython.noop)")
    assert one("shop/migrations/0002_order_total.py", ok, Migration).reversible


def test_sql_migrations():
    m = one("prisma/migrations/20240301_drop_age/migration.sql",
            '-- AlterTable\nALTER TABLE "User" DROP COLUMN "age";\n', Migration)
    assert m.tool == "prisma" and m.reversible is None and [(w, l.line) for w, l in m.destructive] == [("drops column age", 2)]
    dbmate = "-- migrate:up\ncreate table a (id int);\n\n-- migrate:down\ndrop table a;\n"
    m = one("db/migrations/20240101_a.sql", dbmate, Migration)
    assert m.tool == "dbmate" and m.reversible and m.destructive == ()
    assert one("db/migrations/20240102_b.sql", "-- migrate:up\nselect 1;\n-- migrate:down\n", Migration).reversible is False
    assert one("migrations/000001_init.up.sql", "create table a (id int);\n", Migration).tool == "sql-pair"
    assert facts("migrations/000001_init.down.sql", "drop table a;\n", Migration) == []
    assert one("migrations/V2__drop.sql", "DROP TABLE x;\n", Migration).tool == "flyway"


def test_migration_helpers_are_not_migrations():
    assert facts("migrations/helpers.js", "module.exports = { table: 'x' };\n", Migration) == []
    assert facts("alembic/env.py", "def run_migrations_online():\n    pass\n", Migration) == []


# ------------------------------------------------------------------------------ tests

def test_supertest_requests_and_kind():
    text = ("const request = require('supertest');\nconst app = require('../src/app');\n"
            "test('creates', async () => {\n  await request(app).post('/api/notes').send({});\n"
            "  await request(app).get(`/api/notes/${id}`);\n  await agent.delete('/api/notes/1?x=2');\n});\n")
    t = one("tests/notes.test.js", text, TestFile)
    assert t.kind == "integration" and "supertest" in t.frameworks and t.cases == 1
    assert [(m, p, l.line) for m, p, l in t.requests] == [("POST", "/api/notes", 4), ("GET", "/api/notes/*", 5),
                                                          ("DELETE", "/api/notes/1", 6)]


def test_fastify_inject_and_playwright():
    inj = "import { test } from 'node:test';\ntest('x', async () => {\n  await app.inject({ method: 'POST', url: '/products' });\n});\n"
    t = one("test/products.test.js", inj, TestFile)
    assert t.kind == "integration" and t.frameworks == ("node:test",) and t.requests[0][:2] == ("POST", "/products")
    pw = ("import { test, expect } from '@playwright/test';\ntest('reader', async ({ page, request }) => {\n"
          "  await page.goto('/');\n  await request.post('/api/comments', { data: {} });\n});\n")
    t = one("e2e/reader.spec.ts", pw, TestFile)
    assert t.kind == "e2e" and "playwright" in t.frameworks
    assert {(m, p) for m, p, _ in t.requests} == {("GET", "/"), ("POST", "/api/comments")}


def test_unit_test_of_a_helper():
    t = one("src/slug.test.ts", "import { slug } from './slug';\ndescribe('slug', () => {\n  it('lowercases', () => {\n    expect(slug('A')).toBe('a');\n  });\n});\n", TestFile)
    assert t.kind == "unit" and t.requests == () and t.cases == 1


def test_python_test_client_fstrings_and_unit():
    text = ('def test_flow(client):\n    r = client.post("/tasks", json={})\n    client.patch(f"/tasks/{r.json()[\'id\']}")\n')
    t = one("tests/test_flow.py", text, TestFile)
    assert t.kind == "integration" and t.frameworks == ("pytest",)
    assert [(m, p) for m, p, _ in t.requests] == [("POST", "/tasks"), ("PATCH", "/tasks/*")]
    t = one("tests/test_templates.py", "from app.templates import render\n\ndef test_render():\n    assert render('x')\n", TestFile)
    assert t.kind == "unit"
    dj = "from django.test import TestCase\n\nclass T(TestCase):\n    def test_home(self):\n        self.client.get('/')\n"
    t = one("shop/tests.py", dj, TestFile)
    assert t.kind == "integration" and "django" in t.frameworks and "unittest" not in t.frameworks


def test_files_without_tests_are_not_test_files():
    assert facts("tests/conftest.py", "import pytest\n\n@pytest.fixture\ndef client():\n    return 1\n", TestFile) == []


# ------------------------------------------------------------------------------ CI

GH = """name: ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    environment: staging
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: |
          npm run build
          npx playwright test \\
            --project chromium
"""


def test_github_workflow_commands_triggers_and_environments():
    w = one(".github/workflows/ci.yml", GH, CiWorkflow)
    assert w.system == "github" and w.on_push and w.on_pr and w.environments == ("staging",)
    assert [(c, l.line) for c, l in w.commands] == [("npm ci", 12), ("npm run build", 14),
                                                    ("npx playwright test --project chromium", 15)]
    assert w.uses[0][0] == "actions/checkout@v4"


@pytest.mark.parametrize("on,push,pr", [
    ("on: push", True, False), ("on: [pull_request]", True, True), ("on: workflow_dispatch", False, False),
    ("on:\n  push:\n    tags: ['v*']", False, False), ("on:\n  schedule:\n    - cron: '0 0 * * *'", False, False),
])
def test_github_triggers(on, push, pr):
    w = one(".github/workflows/x.yml", f"{on}\njobs:\n  a:\n    steps:\n      - run: npm test\n", CiWorkflow)
    assert (w.on_push, w.on_pr) == (push, pr)


def test_gitlab_circleci_bitbucket():
    gl = one(".gitlab-ci.yml", "stages: [test]\ntest:\n  image: node:20\n  script:\n    - npm ci\n    - npm test\n", CiWorkflow)
    assert gl.system == "gitlab" and [c for c, _ in gl.commands] == ["npm ci", "npm test"] and gl.on_push
    cc = one(".circleci/config.yml", "version: 2.1\njobs:\n  test:\n    steps:\n      - checkout\n      - run: pytest\n"
             "      - run:\n          name: e2e\n          command: npx cypress run\n", CiWorkflow)
    assert [c for c, _ in cc.commands] == ["pytest", "npx cypress run"]
    bb = one("bitbucket-pipelines.yml", "pipelines:\n  default:\n    - step:\n        deployment: staging\n        script:\n          - python -m pytest\n", CiWorkflow)
    assert [c for c, _ in bb.commands] == ["python -m pytest"] and bb.environments == ("staging",)


def test_broken_workflow_is_skipped():
    assert facts(".github/workflows/bad.yml", "on: [push\njobs: {", CiWorkflow) == []


# ------------------------------------------------------------------------------ scripts

def test_shell_script_and_makefile():
    s = one("deploy/deploy.sh", "#!/bin/sh\nset -e\nrsync -az --delete \\\n  ./ app@host:/srv/app\nssh app@host 'systemctl restart app'\n", Script)
    assert [(c, l.line) for c, l in s.commands] == [("set -e", 2), ("rsync -az --delete ./ app@host:/srv/app", 3),
                                                    ("ssh app@host 'systemctl restart app'", 5)]
    mk = one("Makefile", "test:\n\tpytest -q\n\ndeploy: test\n\t@fly deploy\n", Script)
    assert mk.targets == (("test", ("pytest -q",)), ("deploy", ("fly deploy",)))


# ------------------------------------------------------------------------------ instrumentation

def _kinds(items):
    return {(i.kind, i.name, i.detail) for i in items}


def test_sentry_node_init_with_env_dsn():
    text = "import * as Sentry from '@sentry/node';\n\nSentry.init({\n  dsn: process.env.MY_SENTRY_DSN,\n});\n"
    got = facts("src/instrument.js", text, Instrumentation)
    assert _kinds(got) == {("error-tracker", "sentry", "MY_SENTRY_DSN")}
    assert got[0].location.line == 3


def test_sentry_default_dsn_disabled_and_import_only():
    got = facts("src/a.js", "const Sentry = require('@sentry/node');\nSentry.init({ tracesSampleRate: 1 });\n", Instrumentation)
    assert _kinds(got) == {("error-tracker", "sentry", "SENTRY_DSN")}
    got = facts("src/b.js", "const Sentry = require('@sentry/node');\nSentry.init({ dsn: x, enabled: false });\n", Instrumentation)
    assert _kinds(got) == {("error-tracker", "sentry", "off")}
    got = facts("src/c.js", "import * as Sentry from '@sentry/node';\nSentry.captureException(e);\n", Instrumentation)
    assert _kinds(got) == {("tracker-import", "sentry", "")}


def test_python_trackers_handlers_logs_flags():
    text = ("import logging\nimport sentry_sdk\nfrom ldclient import get\n\nsentry_sdk.init(dsn=settings.sentry_dsn)\n"
            "log = logging.getLogger(__name__)\n\ndef f():\n    log.exception('boom')\n")
    got = facts("app/main.py", text, Instrumentation)
    assert ("error-tracker", "sentry", "SENTRY_DSN") in _kinds(got)
    assert ("flag-sdk", "ldclient", "") in _kinds(got)
    assert any(i.kind == "error-log" and i.location.line == 9 for i in got)


def test_node_process_handlers_logging_flags_and_health_libs():
    text = ("const { createTerminus } = require('@godaddy/terminus');\nconst { GrowthBook } = require('@growthbook/growthbook');\n"
            "process.on('unhandledRejection', (e) => { logger.error(e); process.exit(1); });\n")
    kinds = _kinds(facts("src/server.js", text, Instrumentation))
    assert {("process-handler", "unhandledRejection", ""), ("health-lib", "@godaddy/terminus", ""),
            ("flag-sdk", "@growthbook/growthbook", ""), ("error-log", "logger.error", "")} <= kinds


def test_instrumentation_ignores_tests():
    assert facts("tests/x.test.js", "import * as Sentry from '@sentry/node';\nSentry.init({});\ntest('a', () => {});\n",
                 Instrumentation) == []


def test_tests_that_build_urls_from_route_names():
    t = one("api/tests/test_auth.py", "from django.urls import reverse\n\ndef test_login(api):\n    api.post(reverse('api:login'), {})\n", TestFile)
    assert t.named_routes and t.kind == "integration"
