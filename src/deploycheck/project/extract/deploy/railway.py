"""Railway (railway.json / railway.toml) and Nixpacks (nixpacks.toml).

Railway variables live in the dashboard (or `railway variables --set`), never in railway.json, so
its source carries only what Railway injects and is opaque. Config-as-code gives the build/start/
pre-deploy commands, the health-check path and per-environment overrides (`environments.<name>`).
nixpacks.toml `[variables]` are set in the built image, so they are there at run time too.
"""
from __future__ import annotations

from typing import Any

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, INJECTED, as_dict, as_list, basename, dedupe,
                                                        json_line, normalise_environment, runtime_from_settings,
                                                        scalar, setting, tline, toml_data, toml_lines)
from deploycheck.project.model import DeployConfig, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext


def _railway(ctx: FileContext, facts: FileFacts) -> None:
    is_json = ctx.path.lower().endswith(".json")
    data = ctx.json_data if is_json else toml_data(ctx)
    if not isinstance(data, dict):
        return
    lines = {} if is_json else toml_lines(ctx.text)

    def line(*keys: str) -> int:
        return json_line(ctx, *keys) if is_json else tline(lines, *keys)

    build, deploy = as_dict(data.get("build")), as_dict(data.get("deploy"))
    cmds = Commands(ctx)
    cmds.add(build.get("buildCommand"), line("build", "buildCommand"), "build")
    for cmd in as_list(deploy.get("preDeployCommand")):
        cmds.add(cmd, line("deploy", "preDeployCommand"), "release")
    cmds.add(deploy.get("startCommand"), line("deploy", "startCommand"), "start")
    if deploy.get("cronSchedule"):
        cmds.kinds = ["cron" if k == "start" else k for k in cmds.kinds]
    envs = ["production"]
    for name, override in as_dict(data.get("environments")).items():
        env = normalise_environment(name)
        if env not in envs:
            envs.append(env)
        o_build, o_deploy = as_dict(as_dict(override).get("build")), as_dict(as_dict(override).get("deploy"))
        cmds.add(o_build.get("buildCommand"), line("environments", name), "build")
        for cmd in as_list(o_deploy.get("preDeployCommand")):
            cmds.add(cmd, line("environments", name), "release")
        cmds.add(o_deploy.get("startCommand"), line("environments", name), "start")
    images = []
    if scalar(build.get("image")):
        images.append((scalar(build.get("image")), Location(ctx.path, line("build", "image"))))
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="railway",
        injected=INJECTED["railway"], opaque=True))
    facts.deploy.append(DeployConfig(
        platform="railway", path=ctx.path, location=Location(ctx.path, 1),
        health_path=scalar(deploy.get("healthcheckPath")), images=tuple(images), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), environments=tuple(envs)))


def _nixpacks(ctx: FileContext, facts: FileFacts) -> None:
    data = toml_data(ctx)
    if not isinstance(data, dict) or not data:
        return
    lines = toml_lines(ctx.text)
    settings = [setting(ctx, k, tline(lines, "variables", k), v) for k, v in as_dict(data.get("variables")).items()]
    cmds = Commands(ctx)
    for phase, spec in as_dict(data.get("phases")).items():
        for cmd in as_list(as_dict(spec).get("cmds")):
            cmds.add(cmd, tline(lines, "phases", phase, "cmds"), "build")
    cmds.add(as_dict(data.get("start")).get("cmd"), tline(lines, "start", "cmd"), "start")
    runtime = runtime_from_settings(settings) or _nix_runtime(as_dict(as_dict(data.get("phases")).get("setup")))
    if settings:
        facts.env_sources.append(EnvSource(
            name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="nixpacks",
            settings=dedupe(settings)))
    facts.deploy.append(DeployConfig(
        platform="nixpacks", path=ctx.path, location=Location(ctx.path, 1), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), runtime=runtime, environments=("production",)))


def _nix_runtime(setup: dict[str, Any]) -> str | None:
    import re
    for pkg in as_list(setup.get("nixPkgs")) + as_list(setup.get("nixpkgs")):
        m = re.match(r"^(nodejs|python)[-_]?(\d+)(?:[-_]x)?$", str(pkg))
        if m:
            ver = m.group(2)
            lang = "node" if m.group(1) == "nodejs" else "python"
            if lang == "python" and len(ver) > 1:
                ver = f"{ver[0]}.{ver[1:]}"
            return f"{lang} {ver}"
    return None


def run(ctx: FileContext, facts: FileFacts) -> None:
    name = basename(ctx.path).lower()
    if name in ("railway.json", "railway.toml"):
        _railway(ctx, facts)
    elif name == "nixpacks.toml":
        _nixpacks(ctx, facts)


EXTRACTORS = (
    Extractor("deploy.railway", run, languages=frozenset({Language.JSON, Language.TOML}),
              roles=frozenset({Role.DEPLOY_CONFIG}), triggers=("build", "deploy", "variables", "phases", "start")),
)
