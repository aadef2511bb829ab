"""Heroku: app.json, Procfile, runtime.txt, heroku.yml.

app.json `env` entries: `value` (value), `generator: "secret"` (generated), neither (declared: the
value is asked for at setup). `addons` inject their config vars (heroku-postgresql -> DATABASE_URL,
heroku-redis -> REDIS_URL, attachments with `as` -> <AS>_URL …). Config vars of the running app are
set with `heroku config:set`, never in a file, so Heroku sources are opaque. The Procfile gives the
process commands (`release:` runs once per deploy, before the new dynos start).
"""
from __future__ import annotations

import re
from typing import Any

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, INJECTED, addon_vars, as_dict, as_list, basename,
                                                        dedupe, first_doc, json_line, runtime_of_id, scalar, setting,
                                                        yline)
from deploycheck.project.model import DeployConfig, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_APP_JSON_KEYS = {"env", "addons", "formation", "buildpacks", "scripts", "stack", "environments", "image"}


def _addons(items: Any) -> list[str]:
    out: list[str] = []
    for a in as_list(items):
        if isinstance(a, str):
            out.extend(addon_vars(a))
        elif isinstance(a, dict) and scalar(a.get("plan")):
            out.extend(addon_vars(scalar(a.get("plan")) or "", scalar(a.get("as"))))
    return out


def _app_json(ctx: FileContext, facts: FileFacts) -> None:
    data = ctx.json_data
    if not isinstance(data, dict) or "expo" in data or not (_APP_JSON_KEYS & set(data)):
        return

    def env_settings(env: Any, *path: str) -> list:
        out = []
        for k, spec in as_dict(env).items():
            line = json_line(ctx, *path, k)
            if isinstance(spec, dict):
                if "value" in spec:
                    out.append(setting(ctx, k, line, spec.get("value")))
                elif scalar(spec.get("generator")) == "secret":
                    out.append(setting(ctx, k, line, None, kind="generated"))
                else:
                    out.append(setting(ctx, k, line, None, kind="declared"))
            else:
                out.append(setting(ctx, k, line, spec))
        return out

    base = env_settings(data.get("env"), "env")
    addons = _addons(data.get("addons"))
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="heroku",
        settings=dedupe(base), injected=tuple(dict.fromkeys(INJECTED["heroku"] + tuple(addons))), opaque=True))
    envs = ["production"]
    for ename, spec in as_dict(data.get("environments")).items():
        spec = as_dict(spec)
        env = {"review": "preview", "test": "ci"}.get(ename, ename)
        own = env_settings(spec.get("env"), "environments", ename, "env")
        extra_addons = _addons(spec.get("addons")) if "addons" in spec else addons
        facts.env_sources.append(EnvSource(
            name=f"{ctx.path} [environments.{ename}]", kind="platform", environment=env, path=ctx.path,
            platform="heroku", settings=dedupe(base + own),
            injected=tuple(dict.fromkeys(INJECTED["heroku"] + tuple(extra_addons))), opaque=True))
        envs.append(env)
    cmds = Commands(ctx)
    scripts = as_dict(data.get("scripts"))
    cmds.add(scripts.get("postdeploy"), json_line(ctx, "scripts", "postdeploy"), "setup")
    facts.deploy.append(DeployConfig(
        platform="heroku", path=ctx.path, location=Location(ctx.path, 1), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), environments=tuple(envs)))


_PROC_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*:\s*(.+?)\s*$")


def _procfile(ctx: FileContext, facts: FileFacts) -> None:
    cmds = Commands(ctx)
    bad = []
    for n, line in ctx.iter_lines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _PROC_LINE.match(line)
        if not m:
            bad.append(n)
            continue
        name = m.group(1)
        kind = {"web": "start", "release": "release"}.get(name, "worker")
        cmds.add(m.group(2), n, kind)
    if bad:
        ctx.partial = ctx.partial or f"Procfile line {bad[0]} is not `name: command`: skipped"
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="heroku",
        injected=INJECTED["heroku"], opaque=True))
    facts.deploy.append(DeployConfig(
        platform="heroku", path=ctx.path, location=Location(ctx.path, 1), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), environments=("production",)))


def _runtime_txt(ctx: FileContext, facts: FileFacts) -> None:
    for n, line in ctx.iter_lines():
        if line.strip() and not line.lstrip().startswith("#"):
            rt = runtime_of_id(line.strip())
            facts.deploy.append(DeployConfig(
                platform="heroku", path=ctx.path, location=Location(ctx.path, n), runtime=rt,
                environments=("production",)))
            return


def _heroku_yml(ctx: FileContext, facts: FileFacts) -> None:
    doc = first_doc(ctx)
    if doc is None:
        return
    setup = as_dict(doc.get("setup"))
    config = as_dict(setup.get("config"))
    settings = [setting(ctx, k, yline(config, k), v) for k, v in config.items()]
    build = as_dict(doc.get("build"))
    bconfig = as_dict(build.get("config"))
    settings += [setting(ctx, k, yline(bconfig, k), v, build_only=True) for k, v in bconfig.items()]
    addons = _addons(setup.get("addons"))
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="heroku",
        settings=dedupe(settings), injected=tuple(dict.fromkeys(INJECTED["heroku"] + tuple(addons))), opaque=True))
    cmds = Commands(ctx)
    release = as_dict(doc.get("release"))
    cmds.add(release.get("command"), yline(release, "command"), "release")
    run_ = as_dict(doc.get("run"))
    images = []
    for name, spec in run_.items():
        kind = "start" if name == "web" else "worker"
        if isinstance(spec, dict):
            cmds.add(spec.get("command"), yline(spec, "command"), kind)
            if scalar(spec.get("image")):
                images.append((scalar(spec.get("image")), Location(ctx.path, yline(spec, "image"))))
        else:
            cmds.add(spec, yline(run_, name), kind)
    facts.deploy.append(DeployConfig(
        platform="heroku", path=ctx.path, location=Location(ctx.path, 1), images=tuple(images),
        commands=tuple(cmds.items), command_kinds=tuple(cmds.kinds), environments=("production",)))


def run(ctx: FileContext, facts: FileFacts) -> None:
    name = basename(ctx.path).lower()
    if name == "app.json" and ctx.language is Language.JSON:
        _app_json(ctx, facts)
    elif name == "procfile":
        _procfile(ctx, facts)
    elif name == "runtime.txt":
        _runtime_txt(ctx, facts)
    elif name in ("heroku.yml", "heroku.yaml") and ctx.language is Language.YAML:
        _heroku_yml(ctx, facts)


EXTRACTORS = (
    Extractor("deploy.heroku", run, languages=frozenset({Language.JSON, Language.TEXT, Language.YAML}),
              roles=frozenset({Role.DEPLOY_CONFIG})),
)
