"""Netlify (netlify.toml): one EnvSource per deploy context.

`[build.environment]` applies to every context; `[context.<name>.environment]` overrides it for
one: production, deploy-preview (environment "preview"), branch-deploy and named branches
("staging"), dev (`netlify dev`, "development"). Netlify documents that variables declared in
netlify.toml reach the build only, never Functions at run time, so every setting is `build_only`;
variables entered in the Netlify UI are invisible here, so the sources are opaque.
"""
from __future__ import annotations

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, INJECTED, as_dict, as_list, basename, dedupe,
                                                        runtime_from_settings, scalar, setting, tline, toml_data,
                                                        toml_lines)
from deploycheck.project.model import DeployConfig, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_CONTEXTS = {"production": "production", "deploy-preview": "preview", "branch-deploy": "staging",
             "dev": "development"}


def run(ctx: FileContext, facts: FileFacts) -> None:
    if basename(ctx.path).lower() != "netlify.toml":
        return
    data = toml_data(ctx)
    if not isinstance(data, dict) or not data:
        return
    lines = toml_lines(ctx.text)
    build = as_dict(data.get("build"))
    base = [setting(ctx, k, tline(lines, "build", "environment", k), v, build_only=True)
            for k, v in as_dict(build.get("environment")).items()]
    contexts = as_dict(data.get("context"))
    cmds = Commands(ctx)
    cmds.add(build.get("command"), tline(lines, "build", "command"), "build")
    environments: list[str] = []
    names = ["production"] + [c for c in contexts if c != "production"]
    for cname in names:
        cspec = as_dict(contexts.get(cname))
        env = _CONTEXTS.get(cname, "staging")
        own = [setting(ctx, k, tline(lines, "context", cname, "environment", k), v, build_only=True)
               for k, v in as_dict(cspec.get("environment")).items()]
        cmds.add(cspec.get("command"), tline(lines, "context", cname, "command"), "build")
        label = "" if cname == "production" and not cspec else f" [context.{cname}]"
        facts.env_sources.append(EnvSource(
            name=f"{ctx.path}{label}", kind="platform", environment=env, path=ctx.path, platform="netlify",
            settings=dedupe(base + own), injected=INJECTED["netlify"], opaque=True))
        if env not in environments:
            environments.append(env)
    if "preview" not in environments:
        environments.append("preview")        # deploy previews exist unless turned off in the UI
    prod = base + [setting(ctx, k, 1, v) for k, v in as_dict(as_dict(contexts.get("production")).get("environment")).items()]
    plugins = [scalar(as_dict(p).get("package")) for p in as_list(data.get("plugins"))]
    facts.deploy.append(DeployConfig(
        platform="netlify", path=ctx.path, location=Location(ctx.path, tline(lines, "build")),
        commands=tuple(cmds.items), command_kinds=tuple(cmds.kinds), runtime=runtime_from_settings(prod),
        environments=tuple(environments)))
    if plugins:
        facts.extra.setdefault("deploy.netlify_plugins", []).extend(
            (ctx.path, p) for p in plugins if p)


EXTRACTORS = (
    Extractor("deploy.netlify", run, languages=frozenset({Language.TOML}), roles=frozenset({Role.DEPLOY_CONFIG})),
)
