"""Vercel (vercel.json): `env` (run time), `build.env` (build only), commands, functions, crons.

Vercel variables are normally set in the dashboard (`vercel env add`), so the source is opaque; a
value starting with "@" refers to a (legacy) Vercel secret.
"""
from __future__ import annotations

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, INJECTED, as_dict, as_list, basename, dedupe,
                                                        json_line, runtime_of_id, scalar, setting)
from deploycheck.project.model import DeployConfig, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext


def run(ctx: FileContext, facts: FileFacts) -> None:
    if basename(ctx.path).lower() != "vercel.json":
        return
    data = ctx.json_data
    if not isinstance(data, dict):
        return
    settings = []
    for section, build_only in (("env", False), ("build", True)):
        env = as_dict(data.get("env")) if section == "env" else as_dict(as_dict(data.get("build")).get("env"))
        for k, v in env.items():
            line = json_line(ctx, *((section, "env", k) if build_only else (section, k)))
            text = scalar(v)
            kind = "secret-ref" if text and text.startswith("@") else None
            settings.append(setting(ctx, k, line, v, kind=kind, build_only=build_only))
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="vercel",
        settings=dedupe(settings), injected=INJECTED["vercel"], opaque=True))

    cmds = Commands(ctx)
    cmds.add(data.get("installCommand"), json_line(ctx, "installCommand"), "build")
    cmds.add(data.get("buildCommand"), json_line(ctx, "buildCommand"), "build")
    for cron in as_list(data.get("crons")):
        path = scalar(as_dict(cron).get("path"))
        if path:
            cmds.add(f"GET {path}", json_line(ctx, "crons"), "cron")
    runtime = None
    for spec in as_dict(data.get("functions")).values():
        runtime = runtime or runtime_of_id(as_dict(spec).get("runtime"))
    for b in as_list(data.get("builds")):
        cfg = as_dict(as_dict(b).get("config"))
        runtime = runtime or runtime_of_id(cfg.get("runtime"))
    facts.deploy.append(DeployConfig(
        platform="vercel", path=ctx.path, location=Location(ctx.path, 1), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), runtime=runtime, environments=("production", "preview")))


EXTRACTORS = (
    Extractor("deploy.vercel", run, languages=frozenset({Language.JSON}), roles=frozenset({Role.DEPLOY_CONFIG})),
)
