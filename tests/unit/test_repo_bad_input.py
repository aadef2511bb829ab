"""Odd and broken repository files never crash the repo extractors, the linker or the three checks."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploycheck import config, engine
from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source

ODD = {
    "package.json": ['{"dependencies": ["express"], "scripts": {"a": 1}, "engines": "node 20"}', '[]', '"x"',
                     '{"dependencies": {"": null, "a": {"version": 1}}, "workspaces": {"packages": 3}}', '{"volta": 1}'],
    "package-lock.json": ['{"packages": [], "dependencies": 3}', '{"packages": {"": 5, "node_modules/": {}}}', 'null'],
    "yarn.lock": ['@:\n', '"@scope@":\n  x\n', ':\n', '__metadata:\n'],
    "pnpm-lock.yaml": ['importers: [1, 2]\npackages: 3\n', 'importers:\n  .: 5\n', '- a\n- b\n', 'a: [\n'],
    "bun.lock": ['{"workspaces": [], "packages": 1}', '{', '{"workspaces": {"": 5}}'],
    "requirements.txt": ["-r\n--hash\n\\\n", "@ http://x\n", "===\n", "pkg[extra\n", "-e .\n./local\n"],
    "pyproject.toml": ['[project]\ndependencies = "x"\n', '[tool.poetry.dependencies]\npython = 3\nx = [1]\n',
                       '[project\n', 'project = 1\n'],
    "Pipfile": ['[packages]\nx = 1\n[requires]\npython_version = 3\n', '['],
    "poetry.lock": ['[[package]]\nname = 1\n', '[[package]\n'],
    "Pipfile.lock": ['{"default": []}', '{'],
    ".nvmrc": ["", "\n\n# only a comment\n", "v" * 500],
    ".tool-versions": ["nodejs\n", "python 3 extra words\n"],
    "migrations/001_x.js": ["exports.up = ", "module.exports = { up }", "export default { up() {}, down: 1 }",
                            "class M { up() { return } down() {} }"],
    "alembic/versions/x.py": ["def upgrade(:\n", "revision = 1\ndown_revision = [None, 2]\ndef upgrade(): pass\n",
                              "def upgrade():\n    op.drop_column()\n    op.execute(1)\n    op.alter_column(new_column_name='x')\n"],
    "app/migrations/0001_x.py": ["class Migration:\n    operations = 1\n",
                                 "class Migration(migrations.Migration):\n    dependencies = [1, ('app',)]\n"
                                 "    operations = [x, migrations.RunSQL(), migrations.RemoveField(1, 2, 3), f()()]\n"],
    "prisma/migrations/1_x/migration.sql": ["DROP", "-- migrate:up\n-- migrate:down\n", "\x00"],
    "tests/a.test.js": ["request(app).get(`/a/${", "it('", "page.goto(", "cy.request('GET', '"],
    "tests/test_a.py": ["def test_(:\n", "client.get(f'/x/{", "def test_a():\n    client.get('/')\n"],
    ".github/workflows/ci.yml": ["on: 5\njobs: [1]\n", "jobs:\n  a: 3\n", "- 1\n", "on: {push: {tags: 1}}\njobs: {a: {steps: 1}}\n",
                                 "jobs:\n  a:\n    steps:\n      - run: [1, {command: 2}]\n", "{"],
    ".gitlab-ci.yml": ["test: [1]\n", "script: 5\n"],
    "Jenkinsfile": ["sh '", "sh '''\nnpm test\n'''\n"],
    "deploy/deploy.sh": ["\\", "rsync -az --delete \\\n", "#!/bin/sh\n"],
    "Makefile": [":\n\t\n", "a:\n\tb\n\t\n c:\n"],
    "src/app.js": ["Sentry.init(", "import * as Sentry from '@sentry/node'; Sentry.init({ dsn: process.env[", "process.on('unhandledRejection'"],
    "app/main.py": ["import sentry_sdk\nsentry_sdk.init(dsn=", "from ldclient import", "sys.excepthook ="],
}


@pytest.mark.parametrize("rel,text", [(rel, text) for rel, texts in ODD.items() for text in texts])
def test_odd_files_do_not_break_extraction(rel, text):
    ff = extract_source(rel, Source(text, text.encode("utf-8", "surrogatepass"), text.count("\n") + 1, None))
    assert ff.error is None, ff.error


def test_odd_repository_scans_to_the_end(tmp_path: Path):
    for rel, texts in ODD.items():
        for i, text in enumerate(texts):
            p = tmp_path / f"v{i}" / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, errors="surrogatepass")
    for rel, texts in ODD.items():       # and one copy at the root, so the root-level rules see them
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(texts[0], errors="surrogatepass")
    cfg = config.load(tmp_path, overrides={"jobs": 1, "select": ["rollback", "monitoring", "tested-flow"]})
    result = engine.scan(cfg)
    assert {c.id for c in result.checks} == {"rollback", "monitoring", "tested-flow"}


NAMES = st.sampled_from(sorted(ODD))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rel=NAMES, text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_random_text_never_breaks_extraction(rel, text):
    ff = extract_source(rel, Source(text, text.encode(), text.count("\n") + 1, None))
    assert ff.error is None, ff.error
