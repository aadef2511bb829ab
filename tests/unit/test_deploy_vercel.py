"""vercel.json: env (run time), build.env (build only), secrets, commands, crons."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


VERCEL = """{
  // JSONC comments are allowed
  "buildCommand": "prisma migrate deploy && next build",
  "env": {
    "API_BASE": "https://api.example.com",
    "STRIPE_SECRET": "@stripe-secret"
  },
  "build": { "env": { "NEXT_PUBLIC_SITE": "https://example.com" } },
  "functions": { "api/**/*.ts": { "runtime": "nodejs20.x", "memory": 1024 } },
  "crons": [{ "path": "/api/cron/digest", "schedule": "0 8 * * *" }]
}
"""


def test_vercel():
    facts = extract("vercel.json", VERCEL)
    (src,) = facts.env_sources
    assert (src.platform, src.environment, src.opaque) == ("vercel", "production", True)
    s = {x.name: x for x in src.settings}
    assert s["API_BASE"].kind == "value" and s["API_BASE"].location.line == 5 and not s["API_BASE"].build_only
    assert s["STRIPE_SECRET"].kind == "secret-ref"
    assert s["NEXT_PUBLIC_SITE"].build_only and s["NEXT_PUBLIC_SITE"].location.line == 8
    assert {"VERCEL", "VERCEL_ENV", "VERCEL_URL", "VERCEL_GIT_COMMIT_SHA", "VERCEL_REGION",
            "NEXT_PUBLIC_VERCEL_URL"} <= set(src.injected)
    (cfg,) = facts.deploy
    assert ("build", "prisma migrate deploy && next build") in zip(cfg.command_kinds, [c for c, _ in cfg.commands])
    assert ("cron", "GET /api/cron/digest") in zip(cfg.command_kinds, [c for c, _ in cfg.commands])
    assert cfg.runtime == "node 20"
    assert cfg.environments == ("production", "preview")
