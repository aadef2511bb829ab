"""wrangler.toml / wrangler.json: vars per environment, bindings, opaque secrets."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


def test_wrangler_toml():
    text = """\
name = "api"
main = "src/index.ts"
compatibility_date = "2024-09-01"

[vars]
API_ORIGIN = "https://example.com"

[[d1_databases]]
binding = "DB"
database_name = "prod"

[env.staging.vars]
API_ORIGIN = "https://staging.example.com"
"""
    facts = extract("wrangler.toml", text)
    prod, staging = facts.env_sources
    assert prod.environment == "production" and prod.opaque
    s = {x.name: x for x in prod.settings}
    assert s["API_ORIGIN"].location.line == 6 and s["DB"].kind == "from-service"
    assert staging.environment == "staging"
    assert {x.name: x.location.line for x in staging.settings} == {"API_ORIGIN": 13}


def test_wrangler_jsonc():
    text = '{\n  // comment\n  "name": "api",\n  "compatibility_date": "2024-09-01",\n  "vars": { "MODE": "prod" }\n}\n'
    (src,) = extract("wrangler.jsonc", text).env_sources
    assert [(x.name, x.location.line) for x in src.settings] == [("MODE", 5)]
