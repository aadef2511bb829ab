"""Safety nets: the short section of the report that says what catches a bad release — a staging
environment, feature flags, a rollback recipe, monitoring — each present or missing, with a
one-line way to add it for the detected platform.

`collect(project)` returns plain JSON-able dicts for `ScanResult.extras["safety_nets"]`; the
renderers only print them. Not a check: it yields no findings and has no status.
"""
from __future__ import annotations

import re
from typing import Any

from deploycheck.checks import _repo
from deploycheck.checks.monitoring import HEALTH_CONFIG, health_libraries, health_routes
from deploycheck.checks.rollback import DB_NOTE, in_place_findings, recipe
from deploycheck.project.model import Project, Role

_FLAG_ENV = re.compile(r"^(FEATURE|FEATURES|FF|FLAG|ENABLE|DISABLE)_\w+$|^\w+_(ENABLED|DISABLED|FLAG|FEATURE)$")
_STAGING_WORD = re.compile(r"(^|[/._-])(staging|stage|preview|previews|review|qa|uat)([/._-]|$)", re.I)

STAGING_HOW = {
    "vercel": "Vercel builds a preview deployment for every pull request; give previews their own database in Project Settings → Environment Variables.",
    "netlify": "Netlify builds a deploy preview for every pull request; scope production-only variables to the production context.",
    "render": "Add `previews: {generation: automatic}` to render.yaml (preview environments), or a second service that deploys a staging branch.",
    "railway": "Create a `staging` environment in the Railway project (Settings → Environments) and enable PR environments.",
    "fly": "Create a second app (`fly apps create <name>-staging`) and deploy to it first: `fly deploy -a <name>-staging`.",
    "heroku": "Create a pipeline with a staging app (`heroku pipelines:create`), deploy there, then `heroku pipelines:promote`.",
    "k8s": "Deploy to a `staging` namespace first (a kustomize overlay or Helm values per environment).",
    "app-engine": "Deploy with `--no-promote` and test the new version's URL before sending traffic to it.",
    "cloud-run": "Deploy with `--no-traffic --tag staging` and test the tagged URL before moving traffic.",
}
STAGING_DEFAULT = "Deploy every change to a second, staging copy of the app (its own database and keys) before production."

FLAGS_HOW = ("Put risky changes behind a flag: read `FEATURE_<NAME>` from the environment (off by default) and "
             "turn it on per environment, or use a flag service (PostHog, GrowthBook, Unleash, LaunchDarkly).")


def collect(project: Project) -> list[dict[str, Any]]:
    if _repo.looks_like_library(project):
        return []
    platform = project.repo.platform
    pid = platform.id if platform else None
    return [_staging(project, pid), _flags(project), _rollback(project, pid), _monitoring(project, pid)]


def _item(key: str, label: str, present: bool | None, detail: str, how: str) -> dict[str, Any]:
    status = "present" if present else ("partial" if present is None else "missing")
    return {"id": key, "label": label, "status": status, "detail": detail, "how": "" if present else how}


def _staging(project: Project, pid: str | None) -> dict[str, Any]:
    found: list[str] = []
    for s in project.env_sources:
        if s.environment in ("staging", "preview") and s.kind not in ("example", "docs"):
            found.append(s.name)
    for d in _repo.deploy_configs(project):
        envs = [e for e in d.environments if _STAGING_WORD.search(e)]
        if envs:
            found.append(f"{d.path} ({', '.join(envs)})")
    for f in project.files:
        if f.role in (Role.DEPLOY_CONFIG, Role.ENV_FILE, Role.CI) and _STAGING_WORD.search(f.path):
            found.append(f.path)
    for w in project.repo.ci_facts:
        envs = [e for e in w.environments if _STAGING_WORD.search(e)]
        if envs:
            found.append(f"{w.path} ({', '.join(envs)})")
    if pid in ("vercel", "netlify"):
        found.append(f"{'Vercel preview deployments' if pid == 'vercel' else 'Netlify deploy previews'} (built in)")
    found = list(dict.fromkeys(found))
    how = STAGING_HOW.get(pid or "", STAGING_DEFAULT)
    return _item("staging", "Staging environment", bool(found), ", ".join(found[:3]) or "none found", how)


def _flags(project: Project) -> dict[str, Any]:
    sdks = sorted({i.name for i in project.repo.instrumentation if i.kind == "flag-sdk"})
    envs = sorted({r.name for r in project.env_reads if r.name and _FLAG_ENV.match(r.name)
                   and project.role(r) is Role.APP})
    found = [f"{s} SDK" for s in sdks] + envs[:4]
    return _item("feature-flags", "Feature flags", bool(found), ", ".join(found) or "none found", FLAGS_HOW)


def _rollback(project: Project, pid: str | None) -> dict[str, Any]:
    text = recipe(pid)
    migrations = bool(project.repo.migration_facts)
    if text is None:
        return _item("rollback", "Rollback recipe", False, "deploy target not found in the files",
                     "Write down how to put the previous release back (and try it once), then record it in "
                     "deploycheck.toml: [confirm] rollback = \"…\".")
    detail = text + (f" {DB_NOTE}" if migrations else "")
    if any(True for _ in in_place_findings(project)):
        return _item("rollback", "Rollback recipe", False, "the deploy copies over the running code; no previous "
                     "release is kept", text)
    if pid in ("vps", "systemd-vps", "docker", "docker-vps"):
        # a server you run yourself: the recipe is a practice, not a button; say so unless the scripts show it
        keeps = any(re.search(r"releases?/|\bln\s+-\w*s|:\$\{?(GITHUB_SHA|CI_COMMIT_SHA|TAG|VERSION|IMAGE_TAG)", c)
                    for src in (*project.repo.script_facts, *project.repo.ci_facts) for c, _ in src.commands)
        if not keeps:
            return _item("rollback", "Rollback recipe", None, "nothing in the files keeps the previous release", text)
    return _item("rollback", "Rollback recipe", True, detail, "")


def _monitoring(project: Project, pid: str | None) -> dict[str, Any]:
    health = sorted({r.path for r in health_routes(project)}) + [f"{i.name}" for i in health_libraries(project)]
    trackers = sorted({i.name for i in project.repo.instrumentation if i.kind == "error-tracker"
                       and project.role(i) in (Role.APP, Role.BUILD_CONFIG)})
    checked = [d.health_path for d in _repo.deploy_configs(project) if d.health_path]
    parts = []
    if health:
        parts.append("health endpoint " + ", ".join(health[:2]) + (" (checked by the platform)" if checked else ""))
    if trackers:
        parts.append("error tracking: " + ", ".join(trackers))
    hows = []
    if not trackers:
        hows.append("add an error tracker (Sentry's free tier is enough) with its DSN set in production")
    if not health and project.routes:
        hows.append("add GET /healthz" + (f" and {HEALTH_CONFIG[pid]}" if pid in HEALTH_CONFIG else
                                          " and point an uptime monitor (UptimeRobot, Better Stack) at it"))
    present: bool | None = True if (trackers and (health or not project.routes)) else (None if parts else False)
    how = "; ".join(hows)
    return _item("monitoring", "Monitoring", present, "; ".join(parts) or "none found",
                 how[:1].upper() + how[1:] + "." if how else "")
