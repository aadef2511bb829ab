"""Google Cloud: App Engine (app.yaml) and Cloud Build (cloudbuild.yaml). Cloud Run service YAML
(`serving.knative.dev/v1` Service) is a pod template, handled with Kubernetes in k8s.py.

App Engine takes its variables from `env_variables` only (no dashboard), so the source is
transparent unless `includes:` pulls in other files. Cloud Build steps are scanned for
`gcloud run deploy` / `gcloud functions deploy` with `--set-env-vars`, `--update-env-vars` and
`--set-secrets`: `--set-env-vars` replaces the service's whole environment (transparent); the
others keep what the service already has (opaque).
"""
from __future__ import annotations

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy import cli
from deploycheck.project.extract.deploy._common import (Commands, INJECTED, as_dict, as_list, basename, dedupe,
                                                        deployed_environment, first_doc, item_line, repo_path,
                                                        runtime_of_id, scalar, setting, yline)
from deploycheck.project.model import DeployConfig, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext


def is_app_engine(doc: dict) -> bool:
    return isinstance(doc.get("runtime"), str) or "env_variables" in doc or "entrypoint" in doc \
        or "handlers" in doc or scalar(doc.get("env")) in ("flex", "standard")


def _app_engine(ctx: FileContext, facts: FileFacts, doc: dict) -> None:
    env_vars = as_dict(doc.get("env_variables"))
    settings = [setting(ctx, k, yline(env_vars, k), v) for k, v in env_vars.items()]
    build_env = as_dict(as_dict(doc.get("build_env_variables")))
    settings += [setting(ctx, k, yline(build_env, k), v, build_only=True) for k, v in build_env.items()]
    includes = [repo_path(ctx.path, str(i)) for i in as_list(doc.get("includes")) if i]
    runtime_id = scalar(doc.get("runtime")) or ""
    injected = INJECTED["app-engine"] + (("NODE_ENV",) if runtime_id.startswith("nodejs") else ())
    service = scalar(doc.get("service"))
    src = EnvSource(
        name=f"{ctx.path}" + (f": {service}" if service else ""), kind="platform",
        environment=deployed_environment(service) if service else "production", path=ctx.path,
        platform="app-engine", settings=dedupe(settings), env_files=tuple(includes), injected=injected,
        opaque=bool(includes))
    facts.env_sources.append(src)
    cmds = Commands(ctx)
    cmds.add(doc.get("entrypoint"), yline(doc, "entrypoint"), "start")
    health = None
    for key in ("readiness_check", "liveness_check"):
        health = health or scalar(as_dict(doc.get(key)).get("path"))
    runtime = runtime_of_id(runtime_id)
    if not runtime:
        cfg = as_dict(doc.get("runtime_config"))
        for k in ("python_version", "operating_system", "runtime_version"):
            v = scalar(cfg.get(k))
            if v and k != "operating_system" and any(c.isdigit() for c in v) and "." in v:
                runtime = f"{runtime_id or 'runtime'} {v}"
    facts.deploy.append(DeployConfig(
        platform="app-engine", path=ctx.path, location=Location(ctx.path, yline(doc, "runtime")),
        health_path=health, commands=tuple(cmds.items), command_kinds=tuple(cmds.kinds), runtime=runtime,
        environments=(src.environment,)))


def _cloudbuild(ctx: FileContext, facts: FileFacts, doc: dict) -> None:
    images: list[tuple[str, Location]] = []
    cmds = Commands(ctx)
    steps = as_list(doc.get("steps"))
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        line = item_line(steps, i)
        tool = scalar(step.get("entrypoint"))
        if not tool:                                   # cloud-builders/gcloud runs gcloud
            tool = (scalar(step.get("name")) or "").rsplit("/", 1)[-1].split(":")[0].split("@")[0]
            tool = tool if tool in ("gcloud", "kubectl", "bash", "sh") else ""
        words = [tool] if tool else []
        args = step.get("args")
        if isinstance(args, list):
            words += [str(a) for a in args if a is not None]
        elif isinstance(args, str):
            words.append(args)
        script = scalar(step.get("script"))
        text = " ".join(_quote(w) for w in words if w)
        if words and words[0] in ("bash", "sh") and "-c" in words:
            text = words[words.index("-c") + 1] if words.index("-c") + 1 < len(words) else ""
        hits = cli.scan(text, yline(step, "args", line)) if text else []
        if script:
            hits += cli.scan(script, yline(step, "script", line))
        for h in hits:
            cmds.add(h.command, h.line, "deploy")
            if h.image:
                images.append((h.image, Location(ctx.path, h.line)))
        cli.emit(ctx, facts, hits, f"step {scalar(step.get('id')) or i + 1}")
    top = doc.get("images")
    for i, img in enumerate(as_list(top)):
        if scalar(img):
            images.append((scalar(img) or "", Location(ctx.path, item_line(top, i, yline(doc, "images")))))
    facts.deploy.append(DeployConfig(
        platform="cloud-run", path=ctx.path, location=Location(ctx.path, yline(doc, "steps")),
        images=tuple(images), commands=tuple(cmds.items), command_kinds=tuple(cmds.kinds),
        environments=("production",)))


def _quote(word: str) -> str:
    return word if word and not any(c in word for c in " \t'\"") else "'" + word.replace("'", "'\\''") + "'"


def run(ctx: FileContext, facts: FileFacts) -> None:
    name = basename(ctx.path).lower()
    if name in ("app.yaml", "app.yml"):
        doc = first_doc(ctx)
        if doc is not None and is_app_engine(doc):
            _app_engine(ctx, facts, doc)
    elif name.startswith("cloudbuild") and name.endswith((".yaml", ".yml")):
        doc = first_doc(ctx)
        if doc is not None:
            _cloudbuild(ctx, facts, doc)


EXTRACTORS = (
    Extractor("deploy.gcp", run, languages=frozenset({Language.YAML}), roles=frozenset({Role.DEPLOY_CONFIG, Role.OTHER}),
              triggers=("runtime", "env_variables", "entrypoint", "handlers", "steps")),
)
