"""DigitalOcean App Platform app specs (.do/app.yaml, .do/deploy.template.yaml, app.yaml with services).

App-level `envs` apply to every component; each service/worker/job/static site adds its own.
`type: SECRET` values are encrypted (secret-ref); `${db.DATABASE_URL}`-style bindable values come
from another component (from-service); `scope: BUILD_TIME` values exist only in the build.
"""
from __future__ import annotations

import re
from typing import Any

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, INJECTED, as_dict, as_list, basename, dedupe,
                                                        first_doc, item_line, runtime_from_settings, scalar, setting,
                                                        yline)
from deploycheck.project.extract.deploy.gcp import is_app_engine
from deploycheck.project.model import DeployConfig, EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_COMPONENTS = ("services", "workers", "jobs", "static_sites", "functions")
_BINDABLE = re.compile(r"^\$\{[\w-]+\.[A-Z_]+\}$|^\$\{(APP_URL|APP_DOMAIN|APP_ID|_self\.[A-Z_]+)\}$")


def _envs(ctx: FileContext, items: Any) -> list[EnvSetting]:
    out = []
    for i, ev in enumerate(as_list(items)):
        if not isinstance(ev, dict) or not scalar(ev.get("key")):
            continue
        key = scalar(ev.get("key")) or ""
        line = yline(ev, "key", item_line(items, i))
        value = scalar(ev.get("value"))
        build_only = scalar(ev.get("scope")) == "BUILD_TIME"
        if scalar(ev.get("type")) == "SECRET":
            out.append(setting(ctx, key, line, None, kind="secret-ref", build_only=build_only))
        elif value is not None and _BINDABLE.match(value):
            out.append(setting(ctx, key, line, value, kind="from-service", build_only=build_only))
        elif value is None:
            out.append(setting(ctx, key, line, None, kind="declared", build_only=build_only))
        else:
            out.append(setting(ctx, key, line, value, build_only=build_only))
    return out


def run(ctx: FileContext, facts: FileFacts) -> None:
    name = basename(ctx.path).lower()
    if not name.endswith((".yaml", ".yml")):
        return
    doc = first_doc(ctx)
    if doc is None:
        return
    if isinstance(doc.get("spec"), dict):
        doc = doc["spec"]
    if not any(isinstance(doc.get(c), list) for c in _COMPONENTS) or is_app_engine(doc):
        return
    if not ("/.do/" in f"/{ctx.path}" or name in ("app.yaml", "app.yml", "app-spec.yaml", "spec.yaml")
            or "region" in doc or "envs" in doc):
        return
    app_envs = _envs(ctx, doc.get("envs"))
    for comp in _COMPONENTS:
        items = doc.get(comp)
        for i, c in enumerate(as_list(items)):
            if not isinstance(c, dict):
                continue
            cname = scalar(c.get("name")) or f"{comp} {i + 1}"
            settings = app_envs + _envs(ctx, c.get("envs"))
            static = comp == "static_sites"
            if static:
                settings = [EnvSetting(s.name, s.location, s.value, s.kind, True) for s in settings]
            line = item_line(items, i)
            facts.env_sources.append(EnvSource(
                name=f"{ctx.path}: {cname}", kind="platform", environment="production", path=ctx.path,
                platform="digitalocean", settings=dedupe(settings),
                injected=() if static else INJECTED["digitalocean"]))
            cmds = Commands(ctx)
            cmds.add(c.get("build_command"), yline(c, "build_command"), "build")
            kind = scalar(c.get("kind"))
            cmds.add(c.get("run_command"), yline(c, "run_command"),
                     "release" if kind == "PRE_DEPLOY" else "worker" if comp == "workers" else
                     "cron" if comp == "jobs" else "start")
            images = []
            image = as_dict(c.get("image"))
            if image.get("repository"):
                ref = "/".join(x for x in (scalar(image.get("registry")), scalar(image.get("repository"))) if x)
                tag, digest = scalar(image.get("tag")), scalar(image.get("digest"))
                ref += f"@{digest}" if digest else f":{tag}" if tag else ""
                images.append((ref, Location(ctx.path, yline(c, "image"))))
            health = as_dict(c.get("health_check"))
            facts.deploy.append(DeployConfig(
                platform="digitalocean", path=ctx.path, location=Location(ctx.path, line),
                health_path=scalar(health.get("http_path")), images=tuple(images), commands=tuple(cmds.items),
                command_kinds=tuple(cmds.kinds), runtime=runtime_from_settings(settings),
                environments=("production",)))


EXTRACTORS = (
    Extractor("deploy.digitalocean", run, languages=frozenset({Language.YAML}),
              roles=frozenset({Role.DEPLOY_CONFIG, Role.OTHER}), triggers=("services:", "workers:", "static_sites:", "jobs:")),
)
