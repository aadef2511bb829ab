"""Cloudflare Workers (wrangler.toml / wrangler.json / wrangler.jsonc).

Top-level `[vars]` are the default (production) environment; `[env.<name>.vars]` another one.
Bindings (KV namespaces, D1 databases, R2 buckets, queues, services, Durable Objects) appear on the
Worker's `env` object too: kind from-service. Secrets are set with `wrangler secret put`: opaque.
"""
from __future__ import annotations

import re
from typing import Any

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, as_dict, as_list, basename, dedupe,
                                                        deployed_environment, json_line, scalar, setting, tline,
                                                        toml_data, toml_lines)
from deploycheck.project.model import DeployConfig, EnvDeclaration, EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_NAME = re.compile(r"^wrangler\.(toml|json|jsonc)$", re.I)
_BINDINGS = ("kv_namespaces", "d1_databases", "r2_buckets", "queues", "services", "vectorize", "hyperdrive",
             "analytics_engine_datasets", "ai", "browser", "durable_objects")


_SAMPLE = re.compile(r"^wrangler\.(example|sample|template)\.(toml|json|jsonc)$", re.I)


def _sample(ctx: FileContext, facts: FileFacts) -> None:
    """wrangler.example.toml: a config to copy; its vars and bindings document what the Worker needs."""
    data = toml_data(ctx) if ctx.language is Language.TOML else ctx.json_data
    if not isinstance(data, dict):
        return
    specs = [data] + [as_dict(spec) for spec in as_dict(data.get("env")).values()]
    seen: set[str] = set()
    for spec in specs:
        for st in _settings(ctx, spec, lambda *keys: 1):
            if st.name not in seen:
                seen.add(st.name)
                facts.env_declarations.append(EnvDeclaration(
                    st.name, Location(ctx.path, _binding_line(ctx, st.name) or _var_line(ctx, st.name)), "env-example"))


def _var_line(ctx: FileContext, name: str) -> int:
    m = re.search(r"^\s*[\"']?" + re.escape(name) + r"[\"']?\s*[=:]", ctx.text, re.M)
    return ctx.text.count("\n", 0, m.start()) + 1 if m else 1


def _binding_line(ctx: FileContext, name: str) -> int | None:
    """The line of `binding = "NAME"` / `"binding": "NAME"` (array-of-tables entries have no key line)."""
    m = re.search(r"""["']?(binding|name)["']?\s*[=:]\s*["']""" + re.escape(name) + r"""["']""", ctx.text)
    return ctx.text.count("\n", 0, m.start()) + 1 if m else None


def _settings(ctx: FileContext, spec: dict, line: Any) -> list[EnvSetting]:
    out = [setting(ctx, str(k), line("vars", k), v) for k, v in as_dict(spec.get("vars")).items()]
    for b in _BINDINGS:
        value = spec.get(b)
        entries = as_list(as_dict(value).get("bindings")) if b == "durable_objects" else as_list(value)
        for entry in entries:
            name = scalar(as_dict(entry).get("binding") or as_dict(entry).get("name"))
            if name:
                out.append(setting(ctx, name, _binding_line(ctx, name) or line(b), b, kind="from-service"))
    return out


def run(ctx: FileContext, facts: FileFacts) -> None:
    if _SAMPLE.match(basename(ctx.path)):
        _sample(ctx, facts)
        return
    if not _NAME.match(basename(ctx.path)):
        return
    is_toml = ctx.language is Language.TOML
    data = toml_data(ctx) if is_toml else ctx.json_data
    if not isinstance(data, dict) or not data:
        return
    lines = toml_lines(ctx.text) if is_toml else {}

    def liner(prefix: tuple) -> Any:
        def line(*keys: Any) -> int:
            return tline(lines, *prefix, *keys) if is_toml else json_line(ctx, *[str(p) for p in prefix], *map(str, keys))
        return line

    envs = ["production"]
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="cloudflare",
        settings=dedupe(_settings(ctx, data, liner(()))), opaque=True))
    for ename, spec in as_dict(data.get("env")).items():
        env = deployed_environment(ename)
        envs.append(env)
        facts.env_sources.append(EnvSource(
            name=f"{ctx.path} [env.{ename}]", kind="platform", environment=env, path=ctx.path, platform="cloudflare",
            settings=dedupe(_settings(ctx, as_dict(spec), liner(("env", ename)))), opaque=True))
    cmds = Commands(ctx)
    cmds.add(as_dict(data.get("build")).get("command"), liner(("build",))("command"), "build")
    # A Worker runs on workerd, whose behaviour `compatibility_date` pins: no Node version to drift.
    date = scalar(data.get("compatibility_date"))
    facts.deploy.append(DeployConfig(
        platform="cloudflare", path=ctx.path, location=Location(ctx.path, 1), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), runtime=f"workerd {date}" if date else None,
        environments=tuple(dict.fromkeys(envs))))


EXTRACTORS = (
    Extractor("deploy.cloudflare", run, languages=frozenset({Language.TOML, Language.JSON}),
              roles=frozenset({Role.DEPLOY_CONFIG, Role.OTHER}), triggers=("compatibility_date", "main")),
)
