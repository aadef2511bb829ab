"""CI workflows as environment sources: GitHub Actions and GitLab CI. Also deploy scripts.

One EnvSource per job (kind "ci"): the workflow's `env`, the job's, and its steps'. Its environment
is "ci" unless the job deploys to a named environment (GitHub `environment: production`, GitLab
`environment: {name: staging}`); such a deploy job's variables are the deploy tool's, so its
source is opaque (what the app gets is set elsewhere). `${{ secrets.X }}`/`${{ vars.X }}` values are secret-refs; other
expressions interpolated. Service containers (`services:`) get their own "ci" source: their
variables configure the database container, not the app. Shell steps that set variables on a
platform (`fly secrets set`, `gcloud run deploy --set-env-vars` …, see cli.py) become that
platform's sources; so do such commands in deploy scripts.
"""
from __future__ import annotations

from typing import Any

from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy import cli
from deploycheck.project.extract.deploy._common import (INJECTED, as_dict, as_list, dedupe, first_doc, item_line,
                                                        normalise_environment, scalar, setting, yline)
from deploycheck.project.model import EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_GITLAB_RESERVED = {"stages", "variables", "default", "include", "workflow", "image", "services", "before_script",
                    "after_script", "cache", "pages"}


def _value_kind(value: str | None) -> str | None:
    if value and ("secrets." in value or "vars." in value) and "${{" in value:
        return "secret-ref"
    return None


def _gh_env(ctx: FileContext, env: Any) -> list[EnvSetting]:
    env = as_dict(env)
    return [setting(ctx, str(k), yline(env, k), v, kind=_value_kind(scalar(v))) for k, v in env.items()]


def _github(ctx: FileContext, facts: FileFacts, doc: dict) -> None:
    wf_env = _gh_env(ctx, doc.get("env"))
    jobs = as_dict(doc.get("jobs"))
    for jname, job in jobs.items():
        if not isinstance(job, dict):
            continue
        envspec = job.get("environment")
        ename = scalar(as_dict(envspec).get("name")) if isinstance(envspec, dict) else scalar(envspec)
        environment = normalise_environment(ename, "ci") if ename and "${{" not in ename else \
            ("production" if ename else "ci")
        settings = list(wf_env) + _gh_env(ctx, job.get("env"))
        container = job.get("container")
        if isinstance(container, dict):
            settings += _gh_env(ctx, container.get("env"))
        steps = as_list(job.get("steps"))
        for i, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            settings += _gh_env(ctx, step.get("env"))
            run = scalar(step.get("run"))
            if run:
                first = yline(step, "run", item_line(steps, i))
                if ctx.line_text(first).rstrip().endswith(("|", ">", "|-", ">-", "|+", ">+")):
                    first += 1                     # a block scalar starts on the next line
                cli.emit(ctx, facts, cli.scan(run, first), f"job {jname}",
                         environment if environment in ("production", "staging", "preview") else None)
            uses = scalar(step.get("uses")) or ""
            if "deploy-cloudrun" in uses:
                _cloudrun_action(ctx, facts, step, jname)
        # a deploy job's env is the deploy tool's, not the app's: the app's variables live elsewhere
        facts.env_sources.append(EnvSource(
            name=f"{ctx.path}: {jname}", kind="ci", environment=environment, path=ctx.path,
            platform="github-actions", settings=dedupe(settings), injected=INJECTED["github-actions"],
            opaque=environment != "ci"))
        for sname, svc in as_dict(job.get("services")).items():
            if isinstance(svc, dict):
                facts.env_sources.append(EnvSource(
                    name=f"{ctx.path}: {jname}/services/{sname}", kind="ci", environment="ci", path=ctx.path,
                    platform="github-actions", settings=dedupe(_gh_env(ctx, svc.get("env")))))


def _cloudrun_action(ctx: FileContext, facts: FileFacts, step: dict, job: str) -> None:
    """google-github-actions/deploy-cloudrun: `env_vars` / `secrets` inputs (K=V lines or commas)."""
    with_ = as_dict(step.get("with"))
    hit = cli.CliEnv("cloud-run", yline(step, "uses"), scalar(step.get("uses")) or "",
                     service=scalar(with_.get("service")))
    for key, kind in (("env_vars", None), ("secrets", "secret-ref")):
        text = scalar(with_.get(key)) or ""
        for part in text.replace(",", "\n").splitlines():
            k, eq, v = part.strip().partition("=")
            if eq and k.strip():
                hit.settings.append((k.strip(), v.strip(), kind or cli._kind(v.strip())))
    hit.replaces = False
    cli.emit(ctx, facts, [hit], f"job {job}")


def _gitlab(ctx: FileContext, facts: FileFacts, doc: dict) -> None:
    def variables(v: Any) -> list[EnvSetting]:
        out = []
        for k, val in as_dict(v).items():
            if isinstance(val, dict):
                val = val.get("value")
            out.append(setting(ctx, str(k), yline(v, k), val))
        return out
    top = variables(doc.get("variables"))
    default = as_dict(doc.get("default"))
    for jname, job in doc.items():
        if not isinstance(job, dict) or str(jname) in _GITLAB_RESERVED or str(jname).startswith("."):
            continue
        if not any(k in job for k in ("script", "trigger", "extends", "run")):
            continue
        envspec = job.get("environment")
        ename = scalar(as_dict(envspec).get("name")) if isinstance(envspec, dict) else scalar(envspec)
        environment = normalise_environment(ename, "ci") if ename and "$" not in ename else \
            ("production" if ename else "ci")
        settings = top + variables(job.get("variables"))
        for key in ("before_script", "script", "after_script"):
            items = job.get(key) if key in job else default.get(key)
            for i, line in enumerate(as_list(items)):
                text = scalar(line)
                if text:
                    cli.emit(ctx, facts, cli.scan(text, item_line(items, i, yline(job, key))), f"job {jname}",
                             environment if environment in ("production", "staging", "preview") else None)
        facts.env_sources.append(EnvSource(
            name=f"{ctx.path}: {jname}", kind="ci", environment=environment, path=ctx.path, platform="gitlab-ci",
            settings=dedupe(settings), injected=INJECTED["gitlab-ci"], opaque=True))


def run(ctx: FileContext, facts: FileFacts) -> None:
    doc = first_doc(ctx)
    if doc is None:
        return
    low = ctx.path.lower()
    if low.startswith((".github/workflows/", ".gitea/workflows/")) or "/.github/workflows/" in low:
        _github(ctx, facts, doc)
    elif low.rsplit("/", 1)[-1] in (".gitlab-ci.yml", ".gitlab-ci.yaml"):
        _gitlab(ctx, facts, doc)


def run_script(ctx: FileContext, facts: FileFacts) -> None:
    cli.emit(ctx, facts, cli.scan(ctx.text, 1), "script")


EXTRACTORS = (
    Extractor("deploy.ci", run, languages=frozenset({Language.YAML}), roles=frozenset({Role.CI}),
              triggers=("jobs", "script", "variables")),
    Extractor("deploy.scripts", run_script, languages=frozenset({Language.SHELL}),
              roles=frozenset({Role.SCRIPT, Role.DEPLOY_CONFIG}), triggers=cli.TRIGGERS),
)
