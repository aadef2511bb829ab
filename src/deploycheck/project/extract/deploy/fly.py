"""Fly.io (fly.toml, fly.<env>.toml): [env], build image/args, release command, processes, checks.

Secrets are set with `fly secrets set` and never appear in the file, so the source is opaque.
Health paths come from `[[http_service.checks]]`, `[[services.http_checks]]` and top-level
`[checks.<name>]` with `type = "http"`.
"""
from __future__ import annotations

import re

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, INJECTED, as_dict, as_list, basename, dedupe,
                                                        deployed_environment, runtime_from_settings, scalar, setting,
                                                        tline, toml_data, toml_lines)
from deploycheck.project.model import DeployConfig, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_NAME = re.compile(r"^fly(\.[\w-]+)?\.toml$", re.I)


def run(ctx: FileContext, facts: FileFacts) -> None:
    if not _NAME.match(basename(ctx.path)):
        return
    data = toml_data(ctx)
    if not isinstance(data, dict) or not data:
        return
    lines = toml_lines(ctx.text)
    app = scalar(data.get("app"))
    env = deployed_environment(basename(ctx.path)[3:-5], app)
    build = as_dict(data.get("build"))
    settings = [setting(ctx, k, tline(lines, "env", k), v) for k, v in as_dict(data.get("env")).items()]
    settings += [setting(ctx, k, tline(lines, "build", "args", k), v, build_only=True)
                 for k, v in as_dict(build.get("args")).items()]
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment=env, path=ctx.path, platform="fly",
        settings=dedupe(settings), injected=INJECTED["fly"], opaque=True))

    cmds = Commands(ctx)
    deploy = as_dict(data.get("deploy"))
    cmds.add(deploy.get("release_command"), tline(lines, "deploy", "release_command"), "release")
    for name, cmd in as_dict(data.get("processes")).items():
        cmds.add(cmd, tline(lines, "processes", name), "start" if name in ("app", "web") else "worker")
    experimental = as_dict(data.get("experimental"))
    cmds.add(experimental.get("cmd"), tline(lines, "experimental", "cmd"), "start")
    cmds.add(experimental.get("entrypoint"), tline(lines, "experimental", "entrypoint"), "start")

    images = []
    if scalar(build.get("image")):
        images.append((scalar(build.get("image")), Location(ctx.path, tline(lines, "build", "image"))))

    facts.deploy.append(DeployConfig(
        platform="fly", path=ctx.path, location=Location(ctx.path, tline(lines, "app")),
        health_path=_health_path(data), images=tuple(images), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), runtime=runtime_from_settings(settings), environments=(env,)))


def _health_path(data: dict) -> str | None:
    candidates: list = []
    for svc in as_list(data.get("http_service")):
        candidates += [c for c in as_list(as_dict(svc).get("checks"))]
    for svc in as_list(data.get("services")):
        candidates += [c for c in as_list(as_dict(svc).get("http_checks"))]
    checks = data.get("checks")
    if isinstance(checks, dict):
        candidates += [c for c in checks.values() if scalar(as_dict(c).get("type")) in ("http", None)]
    paths = [p for p in (scalar(as_dict(c).get("path")) for c in candidates) if p]
    # several services (a site on "/" and an API on "/api/health"): the dedicated health path says more
    return next((p for p in paths if p != "/"), paths[0] if paths else None)


EXTRACTORS = (
    Extractor("deploy.fly", run, languages=frozenset({Language.TOML}),
              roles=frozenset({Role.DEPLOY_CONFIG, Role.OTHER}), triggers=("app", "[env]", "[build]", "service")),
)
