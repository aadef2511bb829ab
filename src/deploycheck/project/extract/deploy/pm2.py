"""PM2 ecosystem files (ecosystem.config.js/.cjs/.mjs): the usual way a Node app runs on a VPS.

`apps[].env` applies in every environment; `env_production` (`pm2 start … --env production`) and
other `env_<name>` objects add to it. Production therefore gets `env` + `env_production`; other
`env_<name>` objects become sources of their own. Values that are not literals (`process.env.X`,
template strings with `${…}`) are interpolated. The server's shell (and a `.env` the app loads
itself) adds more, so the sources are opaque. `deploy.<env>['post-deploy']` is a release command.
"""
from __future__ import annotations

import re

import tree_sitter as ts

from deploycheck.core import Location
from deploycheck.project.extract import JS, Extractor
from deploycheck.project.extract._js import literal_text
from deploycheck.project.extract.deploy._common import ENV_NAME, Commands, basename, dedupe, normalise_environment
from deploycheck.project.model import DeployConfig, EnvSetting, EnvSource, FileFacts, Role
from deploycheck.project.parse import FileContext

_NAME = re.compile(r"^(ecosystem|pm2)(\.config)?\.[cm]?js$", re.I)
_ENV_KEY = re.compile(r"^env(_([A-Za-z0-9-]+))?$")
_QUERY = "(pair key: (_) @key value: (_) @value) @pair"


def _key(ctx: FileContext, node: ts.Node) -> str:
    text = ctx.node_text(node)
    return text[1:-1] if node.type == "string" and len(text) >= 2 else text


def _pairs(ctx: FileContext, obj: ts.Node) -> list[tuple[str, ts.Node, ts.Node]]:
    """(key, key node, value node) of an object literal's own properties."""
    out = []
    for child in obj.named_children:
        if child.type == "pair":
            k, v = child.child_by_field_name("key"), child.child_by_field_name("value")
            if k is not None and v is not None:
                out.append((_key(ctx, k), k, v))
        elif child.type == "shorthand_property_identifier":
            out.append((ctx.node_text(child), child, child))
    return out


def _settings(ctx: FileContext, obj: ts.Node) -> list[EnvSetting]:
    out = []
    for name, knode, vnode in _pairs(ctx, obj):
        if not ENV_NAME.match(name):
            continue
        value = literal_text(ctx, vnode)
        loc = Location(ctx.path, knode.start_point[0] + 1)
        if value is None or (vnode.type == "template_string" and "${" in value):
            out.append(EnvSetting(name, loc, ctx.node_text(vnode)[:200], "interpolated"))
        else:
            out.append(EnvSetting(name, loc, value, "value"))
    return out


def run(ctx: FileContext, facts: FileFacts) -> None:
    if not _NAME.match(basename(ctx.path)):
        return
    root = ctx.js_root
    apps: list[tuple[str, ts.Node]] = []               # (app name, app object)
    deploy_objs: list[ts.Node] = []
    for _, m in ctx.matches(_QUERY, root):
        key, value = m["key"][0], m["value"][0]
        name = _key(ctx, key)
        if name == "apps" and value.type == "array":
            for el in value.named_children:
                if el.type == "object":
                    app_name = next((literal_text(ctx, v) for k, _, v in _pairs(ctx, el) if k == "name"), None)
                    apps.append((app_name or f"app {len(apps) + 1}", el))
        elif name == "deploy" and value.type == "object":
            deploy_objs.append(value)
    cmds = Commands(ctx)
    envs: list[str] = []
    for app_name, obj in apps:
        props = {k: (kn, v) for k, kn, v in _pairs(ctx, obj)}
        base: list[EnvSetting] = []
        named: dict[str, list[EnvSetting]] = {}
        for key, (_, value) in props.items():
            m = _ENV_KEY.match(key)
            if not m or value.type != "object":
                continue
            if m.group(2):
                named[m.group(2)] = _settings(ctx, value)
            else:
                base = _settings(ctx, value)
        by_env: dict[str, list[EnvSetting]] = {"production": list(base)}
        for ename, settings in named.items():
            env = normalise_environment(ename)
            by_env.setdefault(env, list(base)).extend(settings)
        for env, settings in by_env.items():
            facts.env_sources.append(EnvSource(
                name=f"{ctx.path}: {app_name}" + ("" if env == "production" else f" ({env})"), kind="platform",
                environment=env, path=ctx.path, platform="pm2", settings=dedupe(settings), opaque=True))
            if env not in envs:
                envs.append(env)
        script = props.get("script")
        if script:
            text = literal_text(ctx, script[1])
            args = props.get("args")
            arg_text = literal_text(ctx, args[1]) if args else None
            cmds.add(" ".join(filter(None, (text, arg_text))), script[0].start_point[0] + 1, "start")
    for obj in deploy_objs:
        for _, _, target in _pairs(ctx, obj):
            if target.type != "object":
                continue
            for k, knode, v in _pairs(ctx, target):
                if k in ("post-deploy", "pre-deploy-local", "pre-deploy", "pre-setup", "post-setup"):
                    cmds.add(literal_text(ctx, v), knode.start_point[0] + 1,
                             "release" if k == "post-deploy" else "setup")
    if apps:
        facts.deploy.append(DeployConfig(
            platform="pm2", path=ctx.path, location=Location(ctx.path, apps[0][1].start_point[0] + 1),
            commands=tuple(cmds.items), command_kinds=tuple(cmds.kinds), environments=tuple(envs)))


EXTRACTORS = (
    Extractor("deploy.pm2", run, languages=JS, roles=frozenset({Role.DEPLOY_CONFIG}), triggers=("apps",)),
)
