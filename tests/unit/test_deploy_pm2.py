"""PM2 ecosystem files."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


ECOSYSTEM = """\
module.exports = {
  apps: [{
    name: "api",
    script: "dist/server.js",
    env: {
      NODE_ENV: "development",
      PORT: 3000,
    },
    env_production: {
      NODE_ENV: "production",
      API_URL: `https://${process.env.HOST}/api`,
      TOKEN: process.env.TOKEN,
    },
    env_staging: {
      NODE_ENV: "staging",
    },
  }],
  deploy: {
    production: {
      user: "deploy",
      "post-deploy": "npm ci && npx prisma migrate deploy && pm2 reload ecosystem.config.js --env production",
    },
  },
};
"""


def test_pm2_sources():
    facts = extract("ecosystem.config.js", ECOSYSTEM)
    by = {s.environment: s for s in facts.env_sources}
    prod = by["production"]
    assert prod.platform == "pm2" and prod.opaque
    s = {x.name: x for x in prod.settings}
    assert s["NODE_ENV"].value == "production" and s["NODE_ENV"].location.line == 10
    assert s["PORT"].value == "3000" and s["PORT"].location.line == 7
    assert s["API_URL"].kind == "interpolated" and s["TOKEN"].kind == "interpolated"
    assert {x.name: x.value for x in by["staging"].settings}["NODE_ENV"] == "staging"


def test_pm2_deploy_config():
    (cfg,) = extract("ecosystem.config.js", ECOSYSTEM).deploy
    kinds = list(zip(cfg.command_kinds, [c for c, _ in cfg.commands]))
    assert ("start", "dist/server.js") in kinds
    assert any(k == "release" and "migrate deploy" in c for k, c in kinds)
    assert cfg.environments == ("production", "staging")


def test_pm2_broken_js():
    facts = extract("ecosystem.config.js", "module.exports = { apps: [ { name: 'x', env: { A: 1 }\n")
    assert facts.error is None
