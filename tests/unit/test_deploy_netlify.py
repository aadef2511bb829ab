"""netlify.toml: one source per deploy context, build-only settings, opaque UI variables."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source

NETLIFY = """\
[build]
  command = "npm run build"
  publish = ".next"

[build.environment]
  NODE_VERSION = "20.18.1"
  SHARED = "base"

[context.production.environment]
  SITE_URL = "https://example.com"

[context.deploy-preview]
  command = "npm run build:preview"

[context.deploy-preview.environment]
  SITE_URL = "https://preview.example.com"

[context.branch-deploy.environment]
  SITE_URL = "https://staging.example.com"

[context.develop.environment]
  FEATURE = "on"

[[plugins]]
  package = "@netlify/plugin-nextjs"
"""


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


def test_netlify_contexts_are_separate_sources():
    facts = extract("netlify.toml", NETLIFY)
    by_env = {}
    for s in facts.env_sources:
        by_env.setdefault(s.environment, []).append(s)
    assert set(by_env) == {"production", "preview", "staging"}
    (prod,) = by_env["production"]
    values = {x.name: x for x in prod.settings}
    assert values["SITE_URL"].value == "https://example.com" and values["SITE_URL"].location.line == 10
    assert values["SHARED"].value == "base" and values["SHARED"].location.line == 7
    (preview,) = by_env["preview"]
    assert {x.name: x.value for x in preview.settings}["SITE_URL"] == "https://preview.example.com"
    staging = {s.name: s for s in by_env["staging"]}
    assert {x.name: x.value for x in staging["netlify.toml [context.branch-deploy]"].settings}["SITE_URL"] \
        == "https://staging.example.com"
    assert "FEATURE" in {x.name for x in staging["netlify.toml [context.develop]"].settings}
    for s in facts.env_sources:
        assert s.platform == "netlify" and s.opaque
        assert all(x.build_only for x in s.settings)       # netlify.toml variables never reach Functions
        assert {"URL", "DEPLOY_URL", "DEPLOY_PRIME_URL", "CONTEXT", "NETLIFY", "BRANCH", "COMMIT_REF"} <= set(s.injected)


def test_netlify_deploy_config():
    (cfg,) = extract("netlify.toml", NETLIFY).deploy
    assert cfg.runtime == "node 20.18.1"
    assert list(zip(cfg.command_kinds, [c for c, _ in cfg.commands])) == [
        ("build", "npm run build"), ("build", "npm run build:preview")]
    assert cfg.commands[0][1].line == 2
    assert set(cfg.environments) == {"production", "preview", "staging"}


def test_netlify_minimal_file_has_a_production_source():
    facts = extract("netlify.toml", '[build]\n  command = "npm run build"\n')
    assert [s.environment for s in facts.env_sources] == ["production"]
    assert facts.env_sources[0].name == "netlify.toml"


def test_netlify_malformed_toml():
    facts = extract("netlify.toml", "[build\ncommand = 1\n")
    assert facts.error is None and facts.file.partial.startswith("invalid TOML")
