"""CI workflows (GitHub Actions, GitLab CI) and deploy scripts as environment sources."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


WORKFLOW = """\
name: ci
on: push
env:
  WORKFLOW_LEVEL: "1"
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
    env:
      DATABASE_URL: postgres://postgres:postgres@localhost/test
    steps:
      - run: npm test
        env:
          STEP_LEVEL: yes
  deploy:
    runs-on: ubuntu-latest
    environment:
      name: Production
      url: https://example.com
    env:
      API_TOKEN: ${{ secrets.API_TOKEN }}
      SHA: ${{ github.sha }}
    steps:
      - run: |
          flyctl secrets set SENTRY_DSN=${{ secrets.SENTRY_DSN }} --app shop
          flyctl deploy
"""


def test_github_jobs():
    facts = extract(".github/workflows/ci.yml", WORKFLOW)
    by = {s.name: s for s in facts.env_sources}
    test = by[".github/workflows/ci.yml: test"]
    assert (test.kind, test.environment, test.platform) == ("ci", "ci", "github-actions")
    assert {x.name for x in test.settings} == {"WORKFLOW_LEVEL", "DATABASE_URL", "STEP_LEVEL"}
    assert {"GITHUB_SHA", "GITHUB_REF", "CI"} <= set(test.injected)
    svc = by[".github/workflows/ci.yml: test/services/postgres"]
    assert svc.environment == "ci" and [x.name for x in svc.settings] == ["POSTGRES_PASSWORD"]
    deploy = by[".github/workflows/ci.yml: deploy"]
    assert deploy.environment == "production" and deploy.opaque and not test.opaque
    s = {x.name: x for x in deploy.settings}
    assert s["API_TOKEN"].kind == "secret-ref" and s["SHA"].kind == "interpolated"


def test_platform_cli_in_a_run_step():
    facts = extract(".github/workflows/ci.yml", WORKFLOW)
    fly = next(s for s in facts.env_sources if s.platform == "fly")
    assert fly.environment == "production" and fly.opaque and fly.kind == "platform"
    assert [(x.name, x.kind, x.location.line) for x in fly.settings] == [("SENTRY_DSN", "secret-ref", 29)]


def test_gitlab():
    text = """\
variables:
  GLOBAL: "1"
stages: [test, deploy]
.template:
  script: echo hidden
test:
  stage: test
  variables:
    DATABASE_URL: postgres://db/test
  script:
    - npm test
deploy_staging:
  stage: deploy
  environment:
    name: staging
  script:
    - heroku config:set FEATURE_X=on -a shop-staging
"""
    facts = extract(".gitlab-ci.yml", text)
    by = {s.name: s for s in facts.env_sources}
    assert set(by) >= {".gitlab-ci.yml: test", ".gitlab-ci.yml: deploy_staging"}
    assert not any("template" in n for n in by)
    assert by[".gitlab-ci.yml: test"].environment == "ci"
    assert {x.name for x in by[".gitlab-ci.yml: test"].settings} == {"GLOBAL", "DATABASE_URL"}
    assert by[".gitlab-ci.yml: deploy_staging"].environment == "staging"
    heroku = next(s for s in facts.env_sources if s.platform == "heroku")
    assert heroku.environment == "staging" and [x.name for x in heroku.settings] == ["FEATURE_X"]
    assert heroku.settings[0].location.line == 17


def test_deploy_script():
    text = "#!/bin/sh\nset -e\ngcloud run deploy api --image gcr.io/p/api:1 \\\n  --set-env-vars A=1,B=2\n"
    facts = extract("scripts/deploy.sh", text)
    (src,) = facts.env_sources
    assert src.platform == "cloud-run" and not src.opaque
    assert [(x.name, x.location.line) for x in src.settings] == [("A", 3), ("B", 3)]


def test_local_scripts_are_not_environments():
    facts = extract("scripts/dev.sh", "docker run -e POSTGRES_PASSWORD=x -p 5432:5432 postgres\n")
    assert facts.env_sources == []


def test_cli_without_app_flag_takes_the_jobs_environment():
    text = WORKFLOW.replace("name: Production", "name: staging").replace(" --app shop", "")
    fly = next(s for s in extract(".github/workflows/ci.yml", text).env_sources if s.platform == "fly")
    assert fly.environment == "staging"
