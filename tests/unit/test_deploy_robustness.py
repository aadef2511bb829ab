"""No deploy file, however odd, crashes an extractor: wrong types where lists or mappings are
expected, random text, broken syntax. Facts may be partial; `FileFacts.error` must stay empty."""
from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source

YAML_FILES = ["render.yaml", "app.yaml", ".do/app.yaml", "cloudbuild.yaml", "docker-compose.prod.yml",
              "k8s/deploy.yaml", "k8s/kustomization.yaml", "serverless.yml", "template.yaml", "amplify.yml",
              "apprunner.yaml", "heroku.yml", ".github/workflows/ci.yml", ".gitlab-ci.yml"]
JSON_FILES = ["railway.json", "vercel.json", "app.json", "wrangler.json", "deploy/task-definition.json"]
TEXT_FILES = YAML_FILES + JSON_FILES + ["fly.toml", "railway.toml", "nixpacks.toml", "netlify.toml", "wrangler.toml",
                                        "Procfile", "runtime.txt", "Dockerfile", "app.service", "scripts/deploy.sh", "ecosystem.config.js",
                                        ".env", ".env.production", ".env.example", "README.md"]

KEYS = ["services", "envVars", "env", "environment", "key", "value", "name", "fromGroup", "fromDatabase",
        "generateValue", "sync", "previews", "healthCheckPath", "image", "containers", "initContainers",
        "envFrom", "configMapRef", "secretRef", "valueFrom", "secretKeyRef", "spec", "template", "kind",
        "apiVersion", "metadata", "data", "steps", "args", "entrypoint", "jobs", "runs-on", "script",
        "variables", "provider", "functions", "Resources", "Properties", "Type", "Variables", "Environment",
        "env_file", "build", "healthcheck", "test", "command", "addons", "plan", "as", "scripts", "runtime",
        "env_variables", "includes", "envs", "health_check", "http_path", "frontend", "phases", "commands",
        "run", "secrets", "configMapGenerator", "literals", "images", "containerDefinitions", "deploy",
        "startCommand", "healthcheckPath", "crons", "path", "vars", "context", "readinessProbe", "httpGet",
        "Deployment", "ConfigMap", "Secret", "CronJob", "jobTemplate", "AWS::Serverless::Function", "Globals"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False, width=16),
                    st.sampled_from(KEYS), st.text(max_size=12), st.sampled_from(["${X}", "${{ secrets.A }}", "@s",
                                                                                   "A=1", "-/etc/x", "$(P)"]))
trees = st.recursive(scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), kids,
                                                max_size=5)), max_leaves=25)


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode("utf-8", "replace"), text.count("\n") + 1, None))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(YAML_FILES), tree=trees)
def test_any_yaml_shape(path, tree):
    text = yaml.safe_dump(tree, allow_unicode=True) + "\n# apiVersion kind: AWS::\n"
    assert extract(path, text).error is None


@settings(max_examples=100, deadline=None)
@given(path=st.sampled_from(JSON_FILES), tree=trees)
def test_any_json_shape(path, tree):
    assert extract(path, json.dumps(tree) + " ").error is None


LINE_PARTS = st.sampled_from(["[env]", "[[services]]", "[[services.http_checks]]", "[build]", "[context.x.environment]",
                              "A = 1", 'path = "/h"', "key = [1, {a = 2}]", "FROM node:20 AS a", "ENV A=1 B",
                              "ARG X", "HEALTHCHECK CMD curl http://x/h", "RUN <<EOF", "EOF", "\\", "[Service]",
                              "Environment=\"A=1", "EnvironmentFile=-", "web: node a.js", "export A='x", "A=\"b",
                              "```", "| A_B | c |", "- `X_Y`", "# Z_Q", "fly secrets set A=1 \\", "gcloud run deploy",
                              "--set-env-vars=^", "  - key: A", "services:", "{{ .Values.x }}", "\t", "\x00", "é"])


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from(TEXT_FILES), lines=st.lists(st.one_of(LINE_PARTS, st.text(max_size=20)), max_size=12))
def test_any_text(path, lines):
    assert extract(path, "\n".join(lines)).error is None


def test_deep_nesting_is_not_a_crash():
    text = "services:\n" + "".join("  " * i + f"- a{i}:\n" for i in range(1, 200))
    assert extract("render.yaml", text).error is None
