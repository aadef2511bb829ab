"""Google Cloud: App Engine app.yaml, Cloud Run service YAML, cloudbuild.yaml deploy steps."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


def test_app_engine():
    text = """\
runtime: python312
entrypoint: gunicorn -b :$PORT main:app
env_variables:
  BUCKET: my-bucket
  API_URL: "https://api.example.com"
handlers:
  - url: /.*
    script: auto
"""
    facts = extract("app.yaml", text)
    (src,) = facts.env_sources
    assert (src.platform, src.environment, src.opaque) == ("app-engine", "production", False)
    assert {x.name: x.location.line for x in src.settings} == {"BUCKET": 4, "API_URL": 5}
    assert {"PORT", "GAE_SERVICE", "GAE_VERSION", "GOOGLE_CLOUD_PROJECT"} <= set(src.injected)
    (cfg,) = facts.deploy
    assert cfg.runtime == "python 3.12"
    assert cfg.commands[0] [0] == "gunicorn -b :$PORT main:app" and cfg.command_kinds == ("start",)


def test_app_engine_nodejs_and_includes():
    text = "runtime: nodejs20\nincludes:\n  - secrets.yaml\nenv_variables:\n  A: '1'\n"
    (src,) = extract("app.yaml", text).env_sources
    assert "NODE_ENV" in src.injected
    assert src.opaque and src.env_files == ("secrets.yaml",)


def test_cloud_run_service_yaml():
    text = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - image: us-docker.pkg.dev/p/r/api@sha256:abc
          env:
            - name: DB_HOST
              value: 10.0.0.3
            - name: DB_PASS
              valueFrom:
                secretKeyRef:
                  name: db-pass
                  key: latest
          startupProbe:
            httpGet:
              path: /startup
"""
    facts = extract("service.yaml", text)
    (src,) = facts.env_sources
    assert src.platform == "cloud-run" and {"PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"} <= set(src.injected)
    s = {x.name: x for x in src.settings}
    assert s["DB_HOST"].kind == "value" and s["DB_HOST"].location.line == 11
    assert s["DB_PASS"].kind == "secret-ref"
    (cfg,) = facts.deploy
    assert cfg.platform == "cloud-run" and cfg.health_path == "/startup"
    assert cfg.images[0][0] == "us-docker.pkg.dev/p/r/api@sha256:abc"


def test_cloudbuild_gcloud_run_deploy():
    text = """\
steps:
  - name: gcr.io/cloud-builders/docker
    args: [build, -t, gcr.io/$PROJECT_ID/api:$SHORT_SHA, .]
  - name: gcr.io/google.com/cloudsdktool/cloud-sdk
    entrypoint: gcloud
    args:
      - run
      - deploy
      - api
      - --image=gcr.io/$PROJECT_ID/api:$SHORT_SHA
      - --set-env-vars=APP_ENV=production,LOG_LEVEL=info
      - --set-secrets=DB_PASS=db-pass:latest
images:
  - gcr.io/$PROJECT_ID/api:$SHORT_SHA
"""
    facts = extract("cloudbuild.yaml", text)
    (src,) = facts.env_sources
    assert src.platform == "cloud-run" and src.environment == "production"
    assert not src.opaque                                       # --set-env-vars replaces the environment
    s = {x.name: x for x in src.settings}
    assert s["APP_ENV"].value == "production" and s["DB_PASS"].kind == "secret-ref"
    assert s["APP_ENV"].location.line == 6
    (cfg,) = facts.deploy
    assert [i for i, _ in cfg.images] == ["gcr.io/$PROJECT_ID/api:$SHORT_SHA"] * 2
    assert cfg.command_kinds == ("deploy",)


def test_cloudbuild_update_env_vars_is_opaque():
    text = "steps:\n  - name: gcr.io/cloud-builders/gcloud\n    args: ['run', 'deploy', 'web-staging', '--update-env-vars', 'A=1']\n"
    (src,) = extract("cloudbuild.yaml", text).env_sources
    assert src.opaque and src.environment == "staging" and [x.name for x in src.settings] == ["A"]
