"""render.yaml: envVars kinds, groups, previews, commands, health path, runtime pin."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source

RENDER = """\
envVarGroups:
  - name: shared
    envVars:
      - key: SHARED_FLAG
        value: "on"
previews:
  generation: automatic
services:
  - type: web
    name: api
    runtime: python
    buildCommand: pip install -r requirements.txt
    preDeployCommand: alembic upgrade head
    startCommand: uvicorn app:app --port $PORT
    healthCheckPath: /healthz
    envVars:
      - key: PYTHON_VERSION
        value: 3.12.7
      - key: DATABASE_URL
        fromDatabase:
          name: db
          property: connectionString
      - key: REDIS_URL
        fromService:
          type: redis
          name: cache
          property: connectionString
      - key: JWT_SECRET
        generateValue: true
      - key: STRIPE_KEY
        sync: false
      - key: API_URL
        value: https://api.example.com
        previewValue: https://preview.example.com
      - key: COMPOSED
        value: ${OTHER}/x
      - fromGroup: shared
      - fromGroup: elsewhere
  - type: worker
    name: jobs
    runtime: image
    image:
      url: ghcr.io/acme/jobs:1.4.2
    envVars:
      - key: QUEUE
        value: default
  - type: redis
    name: cache
    ipAllowList: []
  - type: web
    name: site
    runtime: static
    buildCommand: npm run build
    envVars:
      - key: VITE_API_URL
        value: https://api.example.com
"""


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


def test_render_services_settings_and_kinds():
    facts = extract("render.yaml", RENDER)
    by_name = {s.name: s for s in facts.env_sources}
    api = by_name["render.yaml: api"]
    assert (api.kind, api.environment, api.platform) == ("platform", "production", "render")
    s = {x.name: x for x in api.settings}
    assert s["PYTHON_VERSION"].kind == "value" and s["PYTHON_VERSION"].location.line == 17
    assert s["DATABASE_URL"].kind == "from-service" and s["DATABASE_URL"].location.line == 19
    assert s["REDIS_URL"].kind == "from-service"
    assert s["JWT_SECRET"].kind == "generated"
    assert s["STRIPE_KEY"].kind == "declared"
    assert s["API_URL"].value == "https://api.example.com"
    assert s["COMPOSED"].kind == "interpolated"
    assert s["SHARED_FLAG"].value == "on" and s["SHARED_FLAG"].location.line == 4   # group in this file
    assert api.references == ("envVarGroup shared", "envVarGroup elsewhere")
    assert api.opaque                                    # group "elsewhere" is not in the file
    assert {"PORT", "RENDER", "RENDER_EXTERNAL_URL", "RENDER_SERVICE_NAME", "IS_PULL_REQUEST"} <= set(api.injected)


def test_render_previews_get_their_own_source_with_preview_values():
    facts = extract("render.yaml", RENDER)
    preview = next(s for s in facts.env_sources if s.name == "render.yaml: api (preview)")
    assert preview.environment == "preview"
    assert {x.name: x.value for x in preview.settings}["API_URL"] == "https://preview.example.com"


def test_render_deploy_configs():
    facts = extract("render.yaml", RENDER)
    api, jobs, site = facts.deploy
    assert api.health_path == "/healthz" and api.runtime == "python 3.12.7"
    assert api.location.line == 9
    assert dict(zip(api.command_kinds, (c for c, _ in api.commands))) == {
        "build": "pip install -r requirements.txt", "release": "alembic upgrade head",
        "start": "uvicorn app:app --port $PORT"}
    assert api.environments == ("production", "preview")
    assert jobs.images[0][0] == "ghcr.io/acme/jobs:1.4.2" and jobs.images[0][1].line == 43
    assert site.health_path is None
    static = next(s for s in facts.env_sources if s.name == "render.yaml: site")
    assert all(x.build_only for x in static.settings) and static.injected == ()
    assert not any("cache" in s.name for s in facts.env_sources)       # a Redis instance is no app


def test_render_malformed_yaml_does_not_crash():
    facts = extract("render.yaml", "services:\n  - type: web\n    name: api\n    envVars: [\n")
    assert facts.error is None
    assert "invalid YAML at line" in facts.file.partial


def test_render_not_triggered_by_other_yaml():
    facts = extract("deploy/other.yaml", RENDER)
    assert not any(s.platform == "render" for s in facts.env_sources)


def test_render_error_late_in_the_file_keeps_the_services_above():
    text = RENDER.replace("  - type: redis\n", "  - type: redis\n    bad: [unclosed\n")
    facts = extract("render.yaml", text)
    assert facts.error is None and "invalid YAML" in facts.file.partial
    names = {s.name for s in facts.env_sources}
    assert "render.yaml: api" in names and "render.yaml: jobs" in names
