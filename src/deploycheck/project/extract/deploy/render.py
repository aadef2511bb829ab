"""Render blueprints (render.yaml): one EnvSource and one DeployConfig per service.

envVars entries: `value` (kind value, or interpolated), `generateValue: true` (generated),
`fromDatabase` / `fromService` (from-service), `sync: false` (declared: the value is entered in the
dashboard), `fromGroup` (the group's variables when `envVarGroups` in the same file defines it,
else an opaque reference). Services with previews enabled also get a "preview" source, with
`previewValue` overrides. A static site's variables exist only at build time.
"""
from __future__ import annotations

from typing import Any

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, INJECTED, as_dict, as_list, basename, dedupe,
                                                        first_doc, item_line, runtime_from_settings, scalar, setting,
                                                        yline)
from deploycheck.project.model import DeployConfig, EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_NAMES = ("render.yaml", "render.yml")
_APP_TYPES = {"web", "worker", "pserv", "cron", "static", None}


def _env_vars(ctx: FileContext, items: Any, groups: dict[str, list[EnvSetting]], *, preview: bool,
              build_only: bool) -> tuple[list[EnvSetting], list[str], bool]:
    """(settings, referenced groups, opaque) of one envVars list."""
    settings: list[EnvSetting] = []
    refs: list[str] = []
    opaque = False
    for i, ev in enumerate(as_list(items)):
        if not isinstance(ev, dict):
            continue
        line = item_line(items, i)
        if "fromGroup" in ev:
            group = scalar(ev.get("fromGroup")) or ""
            refs.append(f"envVarGroup {group}")
            if group in groups:
                settings.extend(groups[group])
            else:
                opaque = True
            continue
        key = scalar(ev.get("key"))
        if not key:
            continue
        line = yline(ev, "key", line)
        if preview and "previewValue" in ev:
            settings.append(setting(ctx, key, line, ev.get("previewValue"), build_only=build_only))
        elif "value" in ev:
            settings.append(setting(ctx, key, line, ev.get("value"), build_only=build_only))
        elif ev.get("generateValue") in (True, "true", "yes"):
            settings.append(setting(ctx, key, line, None, kind="generated", build_only=build_only))
        elif "fromDatabase" in ev or "fromService" in ev:
            ref = as_dict(ev.get("fromDatabase") or ev.get("fromService"))
            what = f"{scalar(ref.get('name'))}.{scalar(ref.get('property') or ref.get('envVarKey'))}"
            settings.append(setting(ctx, key, line, what, kind="from-service", build_only=build_only))
        elif ev.get("sync") in (False, "false", "no"):
            settings.append(setting(ctx, key, line, None, kind="declared", build_only=build_only))
        else:
            settings.append(setting(ctx, key, line, None, kind="declared", build_only=build_only))
    return settings, refs, opaque


def _previews_on(doc: dict, svc: dict) -> bool:
    def on(p: Any) -> bool:
        gen = scalar(as_dict(p).get("generation"))
        return gen in ("automatic", "manual")
    if "previews" in svc:
        return on(svc.get("previews"))
    return on(doc.get("previews")) or doc.get("previewsEnabled") in (True, "true")


def run(ctx: FileContext, facts: FileFacts) -> None:
    if basename(ctx.path).lower() not in _NAMES:
        return
    doc = first_doc(ctx)
    if doc is None:
        return
    groups: dict[str, list[EnvSetting]] = {}
    for g in as_list(doc.get("envVarGroups")):
        if isinstance(g, dict) and scalar(g.get("name")):
            s, _, _ = _env_vars(ctx, g.get("envVars"), {}, preview=False, build_only=False)
            groups[scalar(g.get("name")) or ""] = s
    seen: set[str] = set()
    for i, svc in enumerate(as_list(doc.get("services"))):
        if not isinstance(svc, dict):
            continue
        stype = scalar(svc.get("type"))
        if stype not in _APP_TYPES:
            continue                                   # redis / keyvalue instances
        name = scalar(svc.get("name")) or f"service {i + 1}"
        if name in seen:
            name = f"{name} ({i + 1})"
        seen.add(name)
        runtime_kind = scalar(svc.get("runtime") or svc.get("env"))
        static = stype == "static" or runtime_kind == "static"
        line = item_line(doc.get("services"), i)
        envs = ["production"]
        if _previews_on(doc, svc):
            envs.append("preview")
        prod_settings: list[EnvSetting] = []
        for env in envs:
            settings, refs, opaque = _env_vars(ctx, svc.get("envVars"), groups, preview=env == "preview",
                                               build_only=static)
            if env == "production":
                prod_settings = settings
            facts.env_sources.append(EnvSource(
                name=f"{ctx.path}: {name}" + (" (preview)" if env == "preview" else ""), kind="platform",
                environment=env, path=ctx.path, platform="render", settings=dedupe(settings),
                references=tuple(refs), injected=() if static else INJECTED["render"], opaque=opaque))
        cmds = Commands(ctx)
        cmds.add(svc.get("buildCommand"), yline(svc, "buildCommand"), "build")
        cmds.add(svc.get("preDeployCommand"), yline(svc, "preDeployCommand"), "release")
        cmds.add(svc.get("startCommand"), yline(svc, "startCommand"), "cron" if stype == "cron" else "start")
        cmds.add(svc.get("dockerCommand"), yline(svc, "dockerCommand"), "start")
        images = []
        image = svc.get("image")
        url = scalar(as_dict(image).get("url")) if isinstance(image, dict) else scalar(image)
        if url:
            line_ = yline(image, "url") if isinstance(image, dict) else yline(svc, "image")
            images.append((url, Location(ctx.path, line_)))
        health = scalar(svc.get("healthCheckPath"))
        facts.deploy.append(DeployConfig(
            platform="render", path=ctx.path, location=Location(ctx.path, line),
            health_path=health, images=tuple(images), commands=tuple(cmds.items),
            command_kinds=tuple(cmds.kinds), runtime=runtime_from_settings(prod_settings),
            environments=tuple(envs)))


EXTRACTORS = (
    Extractor("deploy.render", run, languages=frozenset({Language.YAML}),
              roles=frozenset({Role.DEPLOY_CONFIG}), triggers=("services",)),
)
