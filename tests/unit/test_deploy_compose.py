"""docker compose: environment (dict/list), env_file forms, interpolation, build args, dev files."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


PROD = """\
services:
  web:
    build:
      context: .
      args:
        NEXT_PUBLIC_API: https://api.example.com
    image: ghcr.io/acme/web:2.3.1
    restart: unless-stopped
    env_file:
      - .env.production
      - path: ./optional.env
        required: false
    environment:
      - NODE_ENV=production
      - DATABASE_URL=postgres://app:${DB_PASSWORD:-secret}@db/app
      - SENTRY_DSN
    command: node server.js
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:3000/api/health"]
  worker:
    image: ghcr.io/acme/worker:2.3.1
    env_file: deploy/worker.env
    environment:
      QUEUE: default
      PASSTHROUGH:
  db:
    image: postgres:16.4
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD}
"""


def test_compose_services():
    facts = extract("docker-compose.prod.yml", PROD)
    by = {s.name: s for s in facts.env_sources}
    web = by["docker-compose.prod.yml: web"]
    assert (web.kind, web.environment, web.platform) == ("compose", "production", "compose")
    s = {x.name: x for x in web.settings}
    assert s["NODE_ENV"].value == "production" and s["NODE_ENV"].location.line == 14
    assert s["DATABASE_URL"].kind == "interpolated"
    assert s["SENTRY_DSN"].kind == "interpolated"                  # passed through from the shell
    assert s["NEXT_PUBLIC_API"].build_only
    assert web.env_files == (".env.production", "optional.env") and web.opaque
    worker = by["docker-compose.prod.yml: worker"]
    assert worker.env_files == ("deploy/worker.env",)
    ws = {x.name: x for x in worker.settings}
    assert ws["QUEUE"].location.line == 24 and ws["PASSTHROUGH"].kind == "interpolated"
    assert "docker-compose.prod.yml: db" not in by   # POSTGRES_PASSWORD configures the database image, not the app


def test_compose_deploy_config():
    (cfg,) = extract("docker-compose.prod.yml", PROD).deploy
    assert cfg.platform == "compose" and not cfg.dev_only
    assert [i for i, _ in cfg.images] == ["ghcr.io/acme/web:2.3.1", "ghcr.io/acme/worker:2.3.1", "postgres:16.4"]
    assert cfg.images[0][1].line == 7
    assert cfg.health_path == "/api/health"
    assert ("start", "node server.js") in zip(cfg.command_kinds, [c for c, _ in cfg.commands])


def test_local_dev_compose_is_development():
    text = "services:\n  app:\n    build: .\n    volumes:\n      - .:/app\n    environment:\n      - A=1\n"
    facts = extract("docker-compose.yml", text)
    assert facts.file.role.value == "dev-config"
    assert facts.env_sources[0].environment == "development"
    assert facts.deploy[0].dev_only


def test_database_only_compose_is_development():
    text = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n"
    facts = extract("docker-compose.yml", text)
    assert not facts.env_sources and facts.deploy[0].dev_only


def test_restart_policy_of_an_infrastructure_image_is_no_sign_of_a_server():
    text = ("services:\n  adminer:\n    image: adminer\n    restart: always\n"
            "  api:\n    build: .\n    environment:\n      APP_PORT: '3000'\n")
    facts = extract("docker-compose.yaml", text)
    assert [s.environment for s in facts.env_sources] == ["development"] and facts.deploy[0].dev_only
    text = text.replace("    build: .\n", "    build: .\n    restart: always\n")
    assert [s.environment for s in extract("docker-compose.yaml", text).env_sources] == ["production"]


def test_app_with_development_node_env_is_development():
    text = "services:\n  app:\n    image: acme/app:1\n    environment:\n      NODE_ENV: development\n"
    assert extract("compose.yaml", text).env_sources[0].environment == "development"


def test_compose_env_file_in_subfolder_is_relative_to_the_compose_file():
    text = "services:\n  app:\n    build: ..\n    env_file: ../.env.production\n"
    (src,) = extract("deploy/docker-compose.yml", text).env_sources
    assert src.env_files == (".env.production",)


def test_compose_malformed():
    facts = extract("docker-compose.yml", "services:\n  web:\n    image: [\n")
    assert facts.error is None and "invalid YAML" in facts.file.partial


def test_plain_compose_up_is_development_unless_something_says_server():
    laptop = ("services:\n  web:\n    build: .\n    ports: ['3000:3000']\n    environment:\n"
              "      - DATABASE_URL=postgres://postgres:postgres@db/app\n  db:\n    image: postgres:16\n")
    facts = extract("docker-compose.yml", laptop)
    assert {s.environment for s in facts.env_sources} == {"development"} and facts.deploy[0].dev_only
    for evidence in ("    restart: unless-stopped\n", "    ports: ['80:3000']\n", "    deploy:\n      replicas: 2\n",
                     "    labels:\n      - traefik.enable=true\n"):
        text = laptop.replace("    build: .\n", "    build: .\n" + evidence, 1)
        if "ports:" in evidence:
            text = text.replace("    ports: ['3000:3000']\n", "", 1)
        assert extract("docker-compose.yml", text).env_sources[0].environment == "production", evidence
    text = laptop.replace("      - DATABASE_URL", "      - NODE_ENV=production\n      - DATABASE_URL")
    assert extract("docker-compose.yml", text).env_sources[0].environment == "production"
