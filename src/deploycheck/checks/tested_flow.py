"""tested-flow: Is the user flow tested end to end, and do the tests run in CI?

Reads the test files (project.repo.test_facts: framework, kind, the paths they request), the CI
workflows (project.repo.ci_facts: triggers and commands, with npm scripts and make targets
resolved), deploy build commands that run tests, and the routes (project.routes).

Status: no tests and no CI -> fail; tests that CI does not run, or only unit tests of helpers ->
warn; integration or end-to-end tests run by CI -> pass.
"""
from __future__ import annotations

from typing import Iterator, Sequence

from deploycheck.checks import _repo
from deploycheck.core import REPO, Check, Finding, Location, Rule, Severity, Status, default_verdict
from deploycheck.project.model import Project, Role, TestFile

QUESTION = "Is the user flow tested end to end, and do the tests run in CI?"

MISSING_TESTS_AND_CI = Rule(
    "tested-flow/missing-tests-and-ci", Severity.ERROR, "No tests and no CI",
    why="Nothing checks that signing up, logging in or saving still works before a change goes live: the "
        "first test of every deploy is a real user.",
    fix="Write one test that walks the main user flow through the HTTP API (supertest, Fastify inject, "
        "FastAPI/Flask test client, Playwright), and a CI workflow that runs it on every push.",
    docs='Bad: no test files and no CI workflow.\nGood: tests/flow.test.js with supertest, and .github/workflows/test.yml running `npm test` on push and pull_request.')
MISSING_TESTS = Rule(
    "tested-flow/missing-tests", Severity.WARNING, "CI runs no tests",
    why="CI builds the app but nothing checks that the main user flow still works before it is deployed.",
    fix="Add a test that walks the main user flow through the HTTP API and run it in the CI workflow.",
    docs='Bad: a workflow that runs `npm run lint` and `npm run build` only.\nGood: it also runs a test command that finds test files.')
TESTS_NOT_IN_CI = Rule(
    "tested-flow/tests-not-in-ci", Severity.WARNING, "Tests exist but CI does not run them",
    why="Tests that only run when someone remembers to run them locally do not stop a broken change from "
        "being deployed.",
    fix="Add a CI workflow that runs the tests on every push and pull request (and deploy only after it passes).",
    docs='A workflow counts when it runs on push or pull/merge requests; its commands are followed through npm/yarn/pnpm scripts, make targets and shell scripts. A platform build command that runs the tests counts too.\nBad: tests only run by hand; or CI runs `jest` while the Playwright tests in e2e/ never run.')
UNIT_TESTS_ONLY = Rule(
    "tested-flow/unit-tests-only", Severity.WARNING, "Only unit tests of helpers",
    why="The tests check small helpers, but nothing exercises the flow a user goes through (a request "
        "through the routes, the database, the job that sends the email): the parts that break in "
        "production are untested.",
    fix="Add one integration test that drives the main flow end to end (HTTP client against the app, or the "
        "worker against a test database / fake SMTP).",
    docs='Integration tests drive the app (supertest, Fastify inject, TestClient, test_client, Django Client, reverse()) or a real service (testcontainers, mongodb-memory-server); e2e tests drive a browser (Playwright, Cypress).')
UNTESTED_ROUTES = Rule(
    "tested-flow/untested-routes", Severity.INFO, "Routes no test requests",
    why="These endpoints are never called by a test, so a change that breaks them is only found in production.",
    fix="Add requests for the important ones to the integration tests.",
    docs='Info only. Matches the paths tests request (request(app).get("/x"), client.get("/x"), page.goto("/x")) against the routes; skipped when tests build URLs from route names (reverse(), url_for()).')

RULES = (MISSING_TESTS_AND_CI, MISSING_TESTS, TESTS_NOT_IN_CI, UNIT_TESTS_ONLY, UNTESTED_ROUTES)

CI_SNIPPETS = {
    "node": ".github/workflows/test.yml:\n  on: [push, pull_request]\n  jobs:\n    test:\n      runs-on: ubuntu-latest\n"
            "      steps:\n        - uses: actions/checkout@v4\n        - uses: actions/setup-node@v4\n"
            "          with: { node-version-file: .nvmrc, cache: npm }\n        - run: npm ci\n        - run: npm test",
    "python": ".github/workflows/test.yml:\n  on: [push, pull_request]\n  jobs:\n    test:\n      runs-on: ubuntu-latest\n"
              "      steps:\n        - uses: actions/checkout@v4\n        - uses: actions/setup-python@v5\n"
              "          with: { python-version-file: .python-version }\n        - run: pip install -r requirements.txt\n"
              "        - run: python -m pytest",
}
FLOW_SNIPPETS = {
    "express": "const request = require('supertest'); const app = require('../src/app');\n"
               "test('signup then create', async () => { const agent = request.agent(app); "
               "expect((await agent.post('/api/signup').send({...})).status).toBe(201); });",
    "fastify": "const res = await app.inject({ method: 'POST', url: '/items', payload: {...} }); assert.equal(res.statusCode, 201);",
    "nextjs": "Playwright: `npm init playwright@latest`, then a test that does page.goto('/') and walks the main flow.",
    "flask": "def test_flow(client):  # client = app.test_client()\n    assert client.post('/api/signup', json={...}).status_code == 201",
    "fastapi": "from fastapi.testclient import TestClient\nclient = TestClient(app)\n"
               "def test_flow():\n    assert client.post('/signup', json={...}).status_code == 201",
    "django": "class FlowTest(TestCase):\n    def test_signup(self):\n        self.assertEqual(self.client.post('/signup/', {...}).status_code, 302)",
}


def _tests(project: Project) -> list[TestFile]:
    return [t for t in project.repo.test_facts if t.cases > 0 and project.role(t.path) is Role.TEST]


def _ci_runs(project: Project) -> tuple[set[str], list[str]]:
    """Test runners that run automatically before a deploy (CI on push/PR, or the platform build),
    and the names of the workflows that run on push."""
    runners: set[str] = set()
    workflows = []
    for w in project.repo.ci_facts:
        if not w.on_push:
            continue
        workflows.append(w.path)
        for cmd, _ in w.commands:
            runners |= _repo.test_runners(cmd, project)
        for use, _ in w.uses:
            runners |= _repo.test_runners(use, project)
    for cmd, _, _ in _repo.deploy_commands(project):
        runners |= _repo.test_runners(cmd, project)
    return runners, workflows


def _lang(project: Project) -> str:
    return "node" if "node" in _repo.app_languages(project) else "python"


def _flow_snippet(project: Project) -> str:
    fw = _repo.framework_guess(project) or ""
    key = "nextjs" if fw.startswith("nextjs") else fw
    return FLOW_SNIPPETS.get(key, FLOW_SNIPPETS["express" if _lang(project) == "node" else "flask"])


def _is_app(project: Project) -> bool:
    return bool(project.routes) or project.repo.platform is not None


def find(project: Project, ctx) -> Iterator[Finding]:
    if not any(f.role is Role.APP and f.language.is_code for f in project.files) or _repo.looks_like_library(project):
        return
    tests = _tests(project)
    runners, workflows = _ci_runs(project)
    lang = _lang(project)
    if not tests:
        if workflows:
            yield MISSING_TESTS.at(REPO, f"CI ({', '.join(workflows[:2])}) runs, but the repository has no tests",
                                   subject="tests", fix=f"{MISSING_TESTS.fix}\n{_flow_snippet(project)}")
        elif _is_app(project):
            yield MISSING_TESTS_AND_CI.at(REPO, "there are no tests and no CI workflow", subject="tests",
                                          fix=f"{MISSING_TESTS_AND_CI.fix}\nTest: {_flow_snippet(project)}\n"
                                              f"CI: {CI_SNIPPETS[lang]}")
        return
    flow = [t for t in tests if t.kind in ("e2e", "integration")]
    run = [t for t in tests if _repo.runs_file(runners, t.frameworks, t.language)]
    flow_run = [t for t in flow if t in run]
    if not run:
        if workflows:
            msg = f"{len(tests)} test file(s) exist, but no CI workflow runs them ({', '.join(workflows[:2])} run no test command)"
        else:
            msg = f"{len(tests)} test file(s) exist ({_examples(tests)}), but there is no CI: nothing runs them before a deploy"
        yield TESTS_NOT_IN_CI.at(REPO, msg, subject="ci", fix=f"{TESTS_NOT_IN_CI.fix}\n{CI_SNIPPETS[lang]}")
    elif flow and not flow_run:
        yield TESTS_NOT_IN_CI.at(REPO, f"CI runs the unit tests, but not the end-to-end/integration tests "
                                 f"({_examples(flow)})", subject="ci-flow",
                                 fix="Add the command that runs them (for example `npx playwright test`) to the CI workflow.")
    if not flow and _is_app(project):
        yield UNIT_TESTS_ONLY.at(REPO, f"the {len(tests)} test file(s) ({_examples(tests)}) test helpers only; "
                                 "no test drives the app's flow", subject="flow",
                                 fix=f"{UNIT_TESTS_ONLY.fix}\n{_flow_snippet(project)}")
    yield from _untested_routes(project, tests)


def _examples(tests: list[TestFile]) -> str:
    return ", ".join(t.path for t in tests[:2]) + (" …" if len(tests) > 2 else "")


def _untested_routes(project: Project, tests: list[TestFile]) -> Iterator[Finding]:
    requests = [(m, p) for t in project.repo.test_facts for m, p, _ in t.requests]
    if not requests or not project.routes or any(t.named_routes for t in project.repo.test_facts):
        return                                      # tests that call reverse()/url_for() hide their paths
    from deploycheck.checks.monitoring import health_routes
    skip = {id(r) for r in health_routes(project)}
    untested = []
    seen = set()
    for r in project.routes:
        method = r.method.upper()
        if id(r) in skip or (method, r.path) in seen or method in ("OPTIONS", "HEAD") or _repo.path_segments(r.path) == ["*"]:
            continue
        if project.role(r) is not Role.APP:
            continue
        seen.add((method, r.path))
        if not any((m in ("ANY", method) or method == "ANY") and _repo.request_reaches(r.path, p) for m, p in requests):
            untested.append(r)
    if not untested:
        return
    names = ", ".join(f"{r.method} {r.path}" for r in untested[:6]) + (" …" if len(untested) > 6 else "")
    yield UNTESTED_ROUTES.at(REPO, f"{len(untested)} of {len(seen)} routes are never requested by a test: {names}",
                             subject="untested-routes", related=tuple(dict.fromkeys(r.location for r in untested))[:10])


def verdict(project: Project, findings: Sequence[Finding]) -> tuple[Status, str]:
    if not any(f.role is Role.APP and f.language.is_code for f in project.files):
        return Status.MANUAL, "no application code found: confirm how the user flow is tested"
    if _repo.looks_like_library(project):
        return Status.MANUAL, _repo.LIBRARY_SUMMARY
    status, summary = default_verdict(project, findings)
    if status is Status.PASS and not _tests(project) and not _is_app(project):
        return Status.MANUAL, "no tests, no routes and no deploy target found: confirm how the app is tested"
    if status is Status.PASS:
        tests = _tests(project)
        flow = [t for t in tests if t.kind in ("e2e", "integration")]
        if flow:
            return status, f"{len(flow)} end-to-end/integration test file(s) run in CI"
        if tests:
            return status, f"{len(tests)} test file(s) run in CI"
    return status, summary


CHECK = Check("tested-flow", QUESTION, rules=RULES, find=find, verdict=verdict, title="Tested user flow")
