"""Helpers of the repository checks (checks/_repo.py): script resolution, runners, migrations, paths."""
from __future__ import annotations

import pytest

from deploycheck.checks import _repo
from deploycheck.core import Location
from deploycheck.project.model import Manifest, Project, Script
from pathlib import Path


def proj(scripts: dict[str, str], targets=()) -> Project:
    p = Project(root=Path("."))
    p.repo.manifest_facts.append(Manifest("package.json", "npm", "package.json", Location("package.json", 1),
                                          scripts=tuple(scripts.items())))
    if targets:
        p.repo.script_facts.append(Script("Makefile", "makefile", Location("Makefile", 1), targets=tuple(targets)))
    return p


def test_npm_scripts_and_make_targets_resolve():
    p = proj({"test": "run-s test:unit test:e2e", "test:unit": "vitest run", "test:e2e": "playwright test",
              "ci": "npm run lint && npm test", "lint": "eslint ."}, targets=[("check", ("npm run ci",))])
    assert _repo.test_runners("make check", p) == {"js", "playwright"}
    assert _repo.test_runners("npm test", p) == {"js", "playwright"}
    assert _repo.test_runners("npm run lint", p) == set()


def test_default_npm_test_script_runs_nothing():
    p = proj({"test": 'echo "Error: no test specified" && exit 1'})
    assert _repo.test_runners("npm test", p) == set()


@pytest.mark.parametrize("cmd,runners", [
    ("pytest -q", {"python"}), ("python -m pytest", {"python"}), ("python manage.py test", {"python"}),
    ("uv run pytest", {"python"}), ("npx playwright test", {"playwright"}), ("node --test test/", {"js"}),
    ("npx jest --ci", {"js"}), ("bun test", {"js"}), ("cypress-io/github-action@v6", {"cypress"}),
    ("turbo run test", {"js-any"}), ("npm run build", set()), ("docker build .", set()),
])
def test_runner_commands(cmd, runners):
    assert _repo.test_runners(cmd, proj({})) == runners


@pytest.mark.parametrize("cmd,migrates", [
    ("npm run migrate && npm run build", True), ("prisma migrate deploy && next build", True),
    ("npx knex migrate:latest", True), ("alembic upgrade head", True), ("python manage.py migrate --noinput", True),
    ("npm run build", False), ("next build", False), ("npx prisma generate && next build", False),
])
def test_migrating_commands(cmd, migrates):
    p = proj({"build": "next build", "migrate": "node-pg-migrate -m migrations up"})
    assert _repo.migrates(cmd, p) is migrates


def test_a_build_script_that_migrates_is_seen_through_npm_run():
    p = proj({"build": "prisma migrate deploy && next build"})
    assert _repo.migrates("npm run build", p)


@pytest.mark.parametrize("route,request_path,match", [
    ("/api/notes/:id", "/api/notes/*", True), ("/api/notes/:id", "/api/notes/42", True),
    ("/tasks/{task_id}", "/tasks/*", True), ("/posts/[slug]", "/posts/hello", True),
    ("/users/<int:uid>/", "/users/3", True), ("/api/notes", "/api/notes/", True),
    ("/api/notes", "/api/note", False), ("/a/:id", "/a", False), ("/docs/[...slug]", "/docs/a/b", True),
])
def test_path_matching(route, request_path, match):
    assert _repo.path_matches(route, request_path) is match


@pytest.mark.parametrize("path,health", [
    ("/health", True), ("/healthz", True), ("/api/health", True), ("/api/v1/healthcheck", True), ("/status", True),
    ("/api/status", True), ("/ready", True), ("/orders/status", False), ("/users/:id/health", False),
    ("/api/notes", False), ("/", False), ("/ping", True), ("/readyz", True),
])
def test_health_paths(path, health):
    assert _repo.is_health_path(path) is health


def test_app_languages_and_js_runtime(tmp_path):
    from deploycheck import config, engine
    files = {"package.json": '{"scripts": {"start": "bun run server.ts"}, "dependencies": {"hono": "4.6.0"}}',
             "bun.lock": '{"lockfileVersion": 1, "workspaces": {"": {"dependencies": {"hono": "4.6.0"}}}}',
             "uv.lock": "version = 1\n", "tools/gen.py": "print(1)\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    p = engine.build_project(config.load(tmp_path, overrides={"jobs": 1}))
    assert _repo.app_languages(p) == {"bun"}
    (tmp_path / "bun.lock").unlink()
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {}}')
    p = engine.build_project(config.load(tmp_path, overrides={"jobs": 1}))
    assert _repo.app_languages(p) == {"node"}


def test_libraries_are_recognised(tmp_path):
    from deploycheck import config, engine
    (tmp_path / "package.json").write_text('{"name": "left-pad", "main": "index.js", "files": ["index.js"]}')
    (tmp_path / "index.js").write_text("module.exports = (s) => s;\n")
    p = engine.build_project(config.load(tmp_path, overrides={"jobs": 1}))
    assert _repo.looks_like_library(p)
    (tmp_path / "Procfile").write_text("web: node index.js\n")
    p = engine.build_project(config.load(tmp_path, overrides={"jobs": 1}))
    assert not _repo.looks_like_library(p)


def test_shell_scripts_called_from_ci_are_followed():
    p = proj({})
    p.repo.script_facts.append(Script("scripts/test.sh", "shell", Location("scripts/test.sh", 1),
                                      commands=(("set -e", Location("scripts/test.sh", 1)),
                                                ("coverage run -m pytest tests/", Location("scripts/test.sh", 2)))))
    assert _repo.test_runners("bash scripts/test.sh", p) == {"python"}
    assert _repo.test_runners("./scripts/test.sh --cov", p) == {"python"}
    assert _repo.test_runners("bash scripts/lint.sh", p) == set()


@pytest.mark.parametrize("cmd", ["pnpm --filter web test", "npm run test -w web", "yarn workspace web test:e2e",
                                 "cd web && npm test"])
def test_workspace_script_invocations(cmd):
    p = proj({"test": "vitest run", "test:e2e": "playwright test"})
    assert _repo.test_runners(cmd, p)
