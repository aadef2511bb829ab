"""AWS: Serverless Framework (serverless.yml), SAM/CloudFormation templates, ECS task definitions,
Amplify (amplify.yml) and App Runner (apprunner.yaml).

Serverless values `${ssm:…}` / `${secretsmanager…}` are secret-refs; other `${…}` variables
(`${env:X}`, `${self:…}`, `${opt:stage}`) are interpolated. CloudFormation intrinsics (`!Ref`,
`!Sub`, `Fn::GetAtt` …) are interpolated, `{{resolve:secretsmanager:…}}` a secret-ref. ECS
`secrets` (valueFrom) are secret-refs. Amplify Hosting keeps its variables in the console: opaque.
"""
from __future__ import annotations

import re
from typing import Any

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, INJECTED, as_dict, as_list, basename, dedupe,
                                                        first_doc, health_path_in, item_line, json_line,
                                                        runtime_of_id, scalar, setting, yline)
from deploycheck.project.model import DeployConfig, EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_SLS_SECRET = re.compile(r"\$\{(ssm|secretsmanager|aws:secretsmanager)[:(]|/aws/reference/secretsmanager/", re.I)
_SLS_VAR = re.compile(r"\$\{[^}]+\}")
_CFN_TAG = re.compile(r":\s*!(Ref|Sub|GetAtt|Join|ImportValue|If|Select|FindInMap|Base64|GetAZs|Split)\b")


# ------------------------------------------------------------------------------------------ serverless

def _sls_setting(ctx: FileContext, name: str, line: int, value: Any) -> EnvSetting:
    text = scalar(value)
    if isinstance(value, (dict, list)):
        return setting(ctx, name, line, None, kind="interpolated")
    if text and _SLS_SECRET.search(text):
        return setting(ctx, name, line, text, kind="secret-ref")
    if text and _SLS_VAR.search(text):
        return setting(ctx, name, line, text, kind="interpolated")
    return setting(ctx, name, line, value)


def _serverless(ctx: FileContext, facts: FileFacts) -> None:
    doc = first_doc(ctx)
    if doc is None:
        return
    provider = as_dict(doc.get("provider"))
    settings: list[EnvSetting] = []
    opaque = False
    penv = provider.get("environment")
    if isinstance(penv, dict):
        settings += [_sls_setting(ctx, str(k), yline(penv, k), v) for k, v in penv.items()]
    elif penv is not None:
        opaque = True                                   # environment: ${file(env.yml)} and similar
    functions = as_dict(doc.get("functions"))
    images = []
    for fname, fn in functions.items():
        fn = as_dict(fn)
        fenv = fn.get("environment")
        if isinstance(fenv, dict):
            settings += [_sls_setting(ctx, str(k), yline(fenv, k), v) for k, v in fenv.items()]
        elif fenv is not None:
            opaque = True
        image = fn.get("image")
        if isinstance(image, str) and (":" in image or "@" in image):
            images.append((image, Location(ctx.path, yline(fn, "image"))))
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="serverless",
        settings=dedupe(settings), injected=INJECTED["lambda"], opaque=opaque))
    facts.deploy.append(DeployConfig(
        platform="serverless", path=ctx.path, location=Location(ctx.path, yline(doc, "service")),
        images=tuple(images), runtime=runtime_of_id(provider.get("runtime")), environments=("production",)))


# ------------------------------------------------------------------------------------------ CloudFormation / SAM

def _cfn_setting(ctx: FileContext, name: str, line: int, value: Any) -> EnvSetting:
    text = scalar(value)
    if isinstance(value, dict) and any(k == "Ref" or str(k).startswith("Fn::") for k in value):
        return setting(ctx, name, line, None, kind="interpolated")
    if text and "{{resolve:secretsmanager" in text or text and "{{resolve:ssm-secure" in text:
        return setting(ctx, name, line, text, kind="secret-ref")
    if _CFN_TAG.search(ctx.line_text(line)) or text and "{{resolve:" in text:
        return setting(ctx, name, line, text, kind="interpolated")
    return setting(ctx, name, line, value)


def _variables(ctx: FileContext, env: Any) -> list[EnvSetting]:
    variables = as_dict(as_dict(env).get("Variables"))
    return [_cfn_setting(ctx, str(k), yline(variables, k), v) for k, v in variables.items()]


def _ecs_container(ctx: FileContext, c: dict, line_of: Any) -> tuple[list[EnvSetting], bool]:
    out: list[EnvSetting] = []
    for key, secret in (("Environment", False), ("environment", False), ("Secrets", True), ("secrets", True)):
        items = c.get(key)
        for i, e in enumerate(as_list(items)):
            e = as_dict(e)
            name = scalar(e.get("Name") or e.get("name"))
            if not name:
                continue
            line = line_of(items, i, name)
            if secret:
                out.append(setting(ctx, name, line, scalar(e.get("ValueFrom") or e.get("valueFrom")), kind="secret-ref"))
            else:
                out.append(_cfn_setting(ctx, name, line, e.get("Value", e.get("value"))))
    files = as_list(c.get("EnvironmentFiles") or c.get("environmentFiles"))
    return out, bool(files)


def _cloudformation(ctx: FileContext, facts: FileFacts, doc: dict) -> None:
    resources = as_dict(doc.get("Resources"))
    globals_fn = as_dict(as_dict(doc.get("Globals")).get("Function"))
    global_env = _variables(ctx, globals_fn.get("Environment"))
    sam = "AWS::Serverless" in str(doc.get("Transform", ""))
    for rname, res in resources.items():
        res = as_dict(res)
        rtype = scalar(res.get("Type")) or ""
        props = as_dict(res.get("Properties"))
        rline = yline(resources, rname)
        if rtype in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            settings = (global_env if rtype.startswith("AWS::Serverless") else []) + _variables(ctx, props.get("Environment"))
            facts.env_sources.append(EnvSource(
                name=f"{ctx.path}: {rname}", kind="platform", environment="production", path=ctx.path,
                platform="aws-sam" if sam else "cloudformation", settings=dedupe(settings),
                injected=INJECTED["lambda"]))
            images = []
            if scalar(props.get("ImageUri")):
                images.append((scalar(props.get("ImageUri")) or "", Location(ctx.path, yline(props, "ImageUri"))))
            facts.deploy.append(DeployConfig(
                platform="aws-sam" if sam else "cloudformation", path=ctx.path, location=Location(ctx.path, rline),
                images=tuple(images), runtime=runtime_of_id(props.get("Runtime") or globals_fn.get("Runtime")),
                environments=("production",)))
        elif rtype == "AWS::ECS::TaskDefinition":
            _task_definition(ctx, facts, as_list(props.get("ContainerDefinitions")), rname,
                             lambda items, i, name: item_line(items, i, rline), "aws-ecs")
        elif rtype == "AWS::AppRunner::Service":
            src_cfg = as_dict(props.get("SourceConfiguration"))
            code = as_dict(as_dict(as_dict(src_cfg.get("CodeRepository")).get("CodeConfiguration"))
                           .get("CodeConfigurationValues"))
            image = as_dict(as_dict(src_cfg.get("ImageRepository")).get("ImageConfiguration"))
            settings: list[EnvSetting] = []
            for cfg in (code, image):
                for key, secret in (("RuntimeEnvironmentVariables", False), ("RuntimeEnvironmentSecrets", True)):
                    items = cfg.get(key)
                    for i, e in enumerate(as_list(items)):
                        e = as_dict(e)
                        if scalar(e.get("Name")):
                            line = item_line(items, i, rline)
                            settings.append(setting(ctx, scalar(e.get("Name")) or "", line, None, kind="secret-ref")
                                            if secret else _cfn_setting(ctx, scalar(e.get("Name")) or "", line,
                                                                         e.get("Value")))
            facts.env_sources.append(EnvSource(
                name=f"{ctx.path}: {rname}", kind="platform", environment="production", path=ctx.path,
                platform="app-runner", settings=dedupe(settings), injected=INJECTED["app-runner"]))
            hc = as_dict(props.get("HealthCheckConfiguration"))
            facts.deploy.append(DeployConfig(
                platform="app-runner", path=ctx.path, location=Location(ctx.path, rline),
                health_path=scalar(hc.get("Path")) if scalar(hc.get("Protocol")) == "HTTP" else None,
                runtime=runtime_of_id(code.get("Runtime")), environments=("production",)))


def _task_definition(ctx: FileContext, facts: FileFacts, containers: list, label: str, line_of: Any,
                     platform: str) -> None:
    images: list[tuple[str, Location]] = []
    health = None
    cmds = Commands(ctx)
    for i, c in enumerate(containers):
        c = as_dict(c)
        cname = scalar(c.get("Name") or c.get("name")) or f"container {i + 1}"
        settings, has_files = _ecs_container(ctx, c, line_of)
        facts.env_sources.append(EnvSource(
            name=f"{ctx.path}: {label}/{cname}", kind="platform", environment="production", path=ctx.path,
            platform=platform, settings=dedupe(settings), injected=INJECTED["ecs"], opaque=has_files))
        image = scalar(c.get("Image") or c.get("image"))
        if image:
            images.append((image, Location(ctx.path, line_of(None, 0, "image"))))
        hc = as_dict(c.get("HealthCheck") or c.get("healthCheck"))
        test = hc.get("Command") or hc.get("command")
        health = health or health_path_in(" ".join(map(str, test)) if isinstance(test, list) else scalar(test))
        cmd = c.get("Command") or c.get("command")
        cmds.add(cmd, line_of(None, 0, "command"), "start")
    facts.deploy.append(DeployConfig(
        platform=platform, path=ctx.path, location=Location(ctx.path, 1), health_path=health, images=tuple(images),
        commands=tuple(cmds.items), command_kinds=tuple(cmds.kinds), environments=("production",)))


def _ecs_json(ctx: FileContext, facts: FileFacts) -> None:
    data = ctx.json_data
    if isinstance(data, dict) and isinstance(data.get("taskDefinition"), dict):
        data = data["taskDefinition"]
    if not isinstance(data, dict) or not isinstance(data.get("containerDefinitions"), list):
        return

    start = json_line(ctx, "containerDefinitions")

    def line_of(items: Any, i: int, name: str) -> int:
        return ctx.find_line(r'"' + re.escape(name) + r'"', start=start) or start
    _task_definition(ctx, facts, data["containerDefinitions"], scalar(data.get("family")) or "task", line_of, "aws-ecs")


# ------------------------------------------------------------------------------------------ Amplify / App Runner

def _amplify(ctx: FileContext, facts: FileFacts) -> None:
    doc = first_doc(ctx)
    if doc is None:
        return
    apps = [as_dict(a) for a in as_list(doc.get("applications"))] or [doc]
    cmds = Commands(ctx)
    for app in apps:
        for part in ("backend", "frontend"):
            phases = as_dict(as_dict(app.get(part)).get("phases"))
            for phase, spec in phases.items():
                items = as_dict(spec).get("commands")
                for i, cmd in enumerate(as_list(items)):
                    cmds.add(cmd, item_line(items, i, yline(phases, phase)), "build")
    variables = as_dict(as_dict(doc.get("env")).get("variables"))
    settings = [setting(ctx, str(k), yline(variables, k), v, build_only=True) for k, v in variables.items()]
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="amplify",
        settings=dedupe(settings), injected=INJECTED["amplify"], opaque=True))
    facts.deploy.append(DeployConfig(
        platform="amplify", path=ctx.path, location=Location(ctx.path, 1), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), environments=("production", "preview")))


def _apprunner(ctx: FileContext, facts: FileFacts) -> None:
    doc = first_doc(ctx)
    if doc is None:
        return
    run_ = as_dict(doc.get("run"))
    settings: list[EnvSetting] = []
    for key, secret in (("env", False), ("secrets", True)):
        items = run_.get(key)
        for i, e in enumerate(as_list(items)):
            e = as_dict(e)
            name = scalar(e.get("name"))
            if not name:
                continue
            line = yline(e, "name", item_line(items, i))
            settings.append(setting(ctx, name, line, scalar(e.get("value-from")), kind="secret-ref") if secret
                            else setting(ctx, name, line, e.get("value")))
    build = as_dict(doc.get("build"))
    for i, e in enumerate(as_list(build.get("env"))):
        e = as_dict(e)
        if scalar(e.get("name")):
            settings.append(setting(ctx, scalar(e.get("name")) or "", yline(e, "name"), e.get("value"), build_only=True))
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="platform", environment="production", path=ctx.path, platform="app-runner",
        settings=dedupe(settings), injected=INJECTED["app-runner"]))
    cmds = Commands(ctx)
    bcmds = as_dict(build.get("commands"))
    for phase in ("pre-build", "build", "post-build"):
        items = bcmds.get(phase)
        for i, cmd in enumerate(as_list(items)):
            cmds.add(cmd, item_line(items, i, yline(bcmds, phase)), "build")
    cmds.add(run_.get("pre-run"), yline(run_, "pre-run"), "release")
    cmds.add(run_.get("command"), yline(run_, "command"), "start")
    runtime = runtime_of_id(doc.get("runtime"))
    version = scalar(run_.get("runtime-version"))
    if version:
        runtime = f"{(runtime or scalar(doc.get('runtime')) or 'runtime').split()[0]} {version}"
    facts.deploy.append(DeployConfig(
        platform="app-runner", path=ctx.path, location=Location(ctx.path, 1), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), runtime=runtime, environments=("production",)))


def run(ctx: FileContext, facts: FileFacts) -> None:
    name = basename(ctx.path).lower()
    if ctx.language is Language.JSON:
        if "containerDefinitions" in ctx.text:
            _ecs_json(ctx, facts)
        return
    if name in ("serverless.yml", "serverless.yaml"):
        _serverless(ctx, facts)
    elif name in ("amplify.yml", "amplify.yaml"):
        _amplify(ctx, facts)
    elif name in ("apprunner.yaml", "apprunner.yml"):
        _apprunner(ctx, facts)
    elif "AWSTemplateFormatVersion" in ctx.text or "AWS::" in ctx.text:
        doc = first_doc(ctx)
        if doc is not None and isinstance(doc.get("Resources"), dict):
            _cloudformation(ctx, facts, doc)


EXTRACTORS = (
    Extractor("deploy.aws", run, languages=frozenset({Language.YAML, Language.JSON}),
              roles=frozenset({Role.DEPLOY_CONFIG, Role.OTHER}),
              triggers=("provider:", "frontend:", "backend:", "applications:", "AWS::", "containerDefinitions",
                        "runtime:")),
)
