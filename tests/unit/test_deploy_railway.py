"""railway.json / railway.toml and nixpacks.toml."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


RAILWAY_JSON = """{
  "$schema": "https://railway.com/railway.schema.json",
  "build": { "builder": "NIXPACKS", "buildCommand": "npm ci && npm run build" },
  "deploy": {
    "preDeployCommand": ["npm run migrate"],
    "startCommand": "node dist/server.js",
    "healthcheckPath": "/api/health"
  },
  "environments": { "staging": { "deploy": { "startCommand": "node dist/server.js --staging" } } }
}
"""


def test_railway_json():
    facts = extract("railway.json", RAILWAY_JSON)
    (src,) = facts.env_sources
    assert (src.platform, src.environment, src.opaque, src.settings) == ("railway", "production", True, ())
    assert {"PORT", "RAILWAY_PUBLIC_DOMAIN", "RAILWAY_ENVIRONMENT_NAME", "RAILWAY_GIT_COMMIT_SHA"} <= set(src.injected)
    (cfg,) = facts.deploy
    assert cfg.health_path == "/api/health"
    assert list(zip(cfg.command_kinds, [c for c, _ in cfg.commands]))[:3] == [
        ("build", "npm ci && npm run build"), ("release", "npm run migrate"), ("start", "node dist/server.js")]
    assert cfg.commands[1][1].line == 5
    assert cfg.environments == ("production", "staging")


def test_railway_toml():
    text = '[build]\nbuilder = "DOCKERFILE"\n\n[deploy]\nstartCommand = "python main.py"\nhealthcheckPath = "/healthz"\n'
    (cfg,) = extract("railway.toml", text).deploy
    assert cfg.health_path == "/healthz" and cfg.commands[0][1].line == 5


def test_railway_malformed_json_keeps_going():
    facts = extract("railway.json", '{"deploy": {"startCommand": "node a.js",}')
    assert facts.error is None
    assert "invalid JSON at line" in facts.file.partial


def test_nixpacks_variables_and_runtime():
    text = '[variables]\nNODE_ENV = "production"\nNIXPACKS_NODE_VERSION = "20"\n\n[start]\ncmd = "node server.js"\n'
    facts = extract("nixpacks.toml", text)
    (src,) = facts.env_sources
    assert {s.name for s in src.settings} == {"NODE_ENV", "NIXPACKS_NODE_VERSION"}
    assert facts.deploy[0].runtime == "node 20"
    assert facts.deploy[0].commands[0][0] == "node server.js"
