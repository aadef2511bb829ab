"""Platform detection (project/platform.py) and the repo linker, over small projects on disk."""
from __future__ import annotations

from pathlib import Path

import pytest

from deploycheck import config, engine
from deploycheck.project.model import Project


def project(tmp_path: Path, files: dict[str, str]) -> Project:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return engine.build_project(config.load(tmp_path, overrides={"jobs": 1}))


APP = {"src/server.js": "require('express')().listen(3000);\n"}


@pytest.mark.parametrize("files,expected", [
    ({"fly.toml": "app = 'x'\n", "Dockerfile": "FROM node:20\n"}, "fly"),
    ({"render.yaml": "services: []\n"}, "render"),
    ({"railway.json": "{}"}, "railway"),
    ({"railway.toml": "[deploy]\n"}, "railway"),
    ({"vercel.json": "{}"}, "vercel"),
    ({"netlify.toml": "[build]\n"}, "netlify"),
    ({"Procfile": "web: node src/server.js\n"}, "heroku"),
    ({"heroku.yml": "build: {}\n"}, "heroku"),
    ({"app.yaml": "runtime: nodejs20\n"}, "app-engine"),
    ({"template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"}, "aws-sam"),
    ({"serverless.yml": "service: x\n"}, "serverless"),
    ({"amplify.yml": "version: 1\n"}, "amplify"),
    ({"k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"}, "k8s"),
    ({"Dockerfile": "FROM node:20\n", "docker-compose.yml": "services:\n  app:\n    image: app:1.0\n"}, "docker-vps"),
    ({"deploy/app.service": "[Service]\nExecStart=/usr/bin/node /srv/app/server.js\n"}, "systemd-vps"),
    ({"Dockerfile": "FROM node:20\n"}, "docker"),
    ({".github/workflows/deploy.yml": "on: push\njobs:\n  d:\n    steps:\n      - run: gcloud run deploy api --source .\n"}, "cloud-run"),
    ({".github/workflows/deploy.yml": "on: push\njobs:\n  d:\n    steps:\n      - run: kubectl apply -f k8s/\n"}, "k8s"),
    ({"scripts/deploy.sh": "rsync -az ./ app@example.com:/srv/app\nssh app@example.com pm2 reload app\n"}, "vps"),
    ({"package.json": '{"scripts": {"deploy": "vercel --prod"}, "dependencies": {"next": "14.2.0"}}'}, "vercel"),
    ({"package.json": '{"devDependencies": {"@netlify/plugin-nextjs": "5.0.0"}}'}, "netlify"),
])
def test_detects_platform(tmp_path, files, expected):
    p = project(tmp_path, {**APP, **files})
    assert p.repo.platform is not None and p.repo.platform.id == expected, p.repo.platform


def test_no_platform_for_a_plain_library(tmp_path):
    p = project(tmp_path, {"src/index.js": "module.exports = 1;\n", "package.json": '{"name": "lib"}'})
    assert p.repo.platform is None


def test_strongest_platform_wins_and_others_are_kept(tmp_path):
    p = project(tmp_path, {**APP, "fly.toml": "app = 'x'\n", "Procfile": "web: node a.js\n", "Dockerfile": "FROM node:20\n"})
    assert p.repo.platform.id == "fly" and "heroku" in p.repo.platform.also
    assert "fly.toml" in p.repo.platform.evidence


def test_dev_compose_is_not_a_deploy_target(tmp_path):
    p = project(tmp_path, {**APP, "docker-compose.yml": "services:\n  web:\n    command: npm run dev\n    volumes:\n      - ./:/app\n"})
    assert p.repo.platform is None


def test_linker_fills_repo_lists_and_pairs_sql_migrations(tmp_path):
    p = project(tmp_path, {
        **APP, "package.json": '{"dependencies": {"express": "4.0.0"}}', "package-lock.json": '{"lockfileVersion": 3, "packages": {}}',
        "migrations/001_a.up.sql": "create table a (id int);\n", "migrations/001_a.down.sql": "drop table a;\n",
        "migrations/002_b.up.sql": "create table b (id int);\n", ".nvmrc": "20\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: npm test\n",
    })
    r = p.repo
    assert r.manifests == ["package.json"] and r.lockfiles == ["package-lock.json"]
    assert r.ci_workflows == [".github/workflows/ci.yml"]
    assert [pin for pin, _ in r.runtime_pins] == ["node 20"]
    by_path = {m.path: m.reversible for m in r.migration_facts}
    assert by_path == {"migrations/001_a.up.sql": True, "migrations/002_b.up.sql": False}


def test_reusable_workflow_inherits_the_callers_triggers(tmp_path):
    p = project(tmp_path, {**APP,
        ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    uses: ./.github/workflows/tests.yml\n",
        ".github/workflows/tests.yml": "on: workflow_call\njobs:\n  t:\n    steps:\n      - run: npm test\n"})
    by_path = {w.path: w.on_push for w in p.repo.ci_facts}
    assert by_path[".github/workflows/tests.yml"] is True


def test_large_lockfile_is_still_a_lockfile(tmp_path):
    p = project(tmp_path, {**APP, "package.json": '{"dependencies": {"express": "4.0.0"}}',
                           "package-lock.json": '{"x": "' + "a" * 3_000_000 + '"}'})
    locks = p.repo.lockfile_facts
    assert [(l.path, l.parsed) for l in locks] == [("package-lock.json", False)]


def test_a_compose_file_that_only_starts_a_local_database_is_no_deploy_target(tmp_path):
    compose = "services:\n  db:\n    image: mysql:8.4\n    environment:\n      MYSQL_ROOT_PASSWORD: root\n"
    assert project(tmp_path, {**APP, "docker-compose.yml": compose}).repo.platform is None
