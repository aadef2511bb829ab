"""fly.toml: [env], build args and image, release command, processes, health checks, injected vars."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source

FLY = """\
app = "shop-api"
primary_region = "ams"

[build]
  image = "registry.fly.io/shop-api:v42"

[build.args]
  NODE_VERSION = "20.18.1"

[deploy]
  release_command = "npx prisma migrate deploy"
  strategy = "rolling"

[env]
  PORT = "8080"
  PUBLIC_URL = "https://${FLY_APP_NAME}.fly.dev"

[processes]
  app = "node server.js"
  worker = "node worker.js"

[[services]]
  internal_port = 8080
  [[services.http_checks]]
    path = "/ready"
"""


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


def test_fly_source():
    facts = extract("fly.toml", FLY)
    (src,) = facts.env_sources
    assert (src.platform, src.environment, src.opaque) == ("fly", "production", True)   # fly secrets are invisible
    s = {x.name: x for x in src.settings}
    assert s["PORT"].value == "8080" and s["PORT"].location.line == 15 and not s["PORT"].build_only
    assert s["PUBLIC_URL"].kind == "interpolated"
    assert s["NODE_VERSION"].build_only and s["NODE_VERSION"].location.line == 8
    assert {"FLY_APP_NAME", "FLY_REGION", "FLY_IMAGE_REF", "FLY_MACHINE_ID", "FLY_ALLOC_ID", "PRIMARY_REGION",
            "FLY_PUBLIC_IP", "FLY_PRIVATE_IP"} <= set(src.injected)


def test_fly_deploy_config():
    (cfg,) = extract("fly.toml", FLY).deploy
    assert cfg.health_path == "/ready"
    assert cfg.images[0][0] == "registry.fly.io/shop-api:v42" and cfg.images[0][1].line == 5
    assert list(zip(cfg.command_kinds, [c for c, _ in cfg.commands])) == [
        ("release", "npx prisma migrate deploy"), ("start", "node server.js"), ("worker", "node worker.js")]
    assert cfg.commands[0][1].line == 11
    assert cfg.runtime == "node 20.18.1"


def test_fly_http_service_checks_and_machine_checks():
    text = 'app = "a"\n[http_service]\n  internal_port = 3000\n  [[http_service.checks]]\n    path = "/health"\n'
    assert extract("fly.toml", text).deploy[0].health_path == "/health"
    text = 'app = "a"\n[checks.alive]\n  type = "http"\n  port = 3000\n  path = "/up"\n'
    assert extract("fly.toml", text).deploy[0].health_path == "/up"
    text = 'app = "a"\n[checks.db]\n  type = "tcp"\n  port = 5432\n'
    assert extract("fly.toml", text).deploy[0].health_path is None


def test_fly_environment_from_file_or_app_name():
    assert extract("fly.staging.toml", 'app = "shop"\n[env]\nA = "1"\n').env_sources[0].environment == "staging"
    assert extract("fly.toml", 'app = "shop-staging"\n').env_sources[0].environment == "staging"


def test_fly_malformed_toml_keeps_what_comes_before_the_error():
    facts = extract("fly.toml", 'app = "shop"\n[env]\n  PORT = "8080"\n[deploy\nrelease_command = "x"\n')
    assert facts.error is None and facts.file.partial.startswith("invalid TOML")
    (src,) = facts.env_sources
    assert [(s.name, s.location.line) for s in src.settings] == [("PORT", 3)]
    facts = extract("fly.toml", '[env\nPORT = 1\n')
    assert facts.error is None and facts.env_sources == []
