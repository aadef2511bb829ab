"""DigitalOcean App Platform specs."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


SPEC = """\
name: shop
region: fra
envs:
  - key: APP_WIDE
    value: "1"
services:
  - name: api
    environment_slug: node-js
    build_command: npm run build
    run_command: npm start
    health_check:
      http_path: /healthz
    envs:
      - key: DATABASE_URL
        scope: RUN_TIME
        value: ${db.DATABASE_URL}
      - key: STRIPE_KEY
        type: SECRET
        value: EV[1:abc]
      - key: NEXT_PUBLIC_X
        scope: BUILD_TIME
        value: x
jobs:
  - name: migrate
    kind: PRE_DEPLOY
    run_command: npm run migrate
"""


def test_do_app_spec():
    facts = extract(".do/app.yaml", SPEC)
    api = next(s for s in facts.env_sources if s.name.endswith(": api"))
    s = {x.name: x for x in api.settings}
    assert s["APP_WIDE"].location.line == 4
    assert s["DATABASE_URL"].kind == "from-service"
    assert s["STRIPE_KEY"].kind == "secret-ref" and s["STRIPE_KEY"].value is None
    assert s["NEXT_PUBLIC_X"].build_only
    assert api.platform == "digitalocean" and "PORT" in api.injected
    api_cfg, job_cfg = facts.deploy
    assert api_cfg.health_path == "/healthz"
    assert job_cfg.command_kinds == ("release",) and job_cfg.commands[0][0] == "npm run migrate"


def test_app_engine_app_yaml_is_not_a_do_spec():
    facts = extract("app.yaml", "runtime: python312\nservices: []\n")
    assert all(s.platform == "app-engine" for s in facts.env_sources)
