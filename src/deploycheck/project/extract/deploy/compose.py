"""Docker Compose files: one EnvSource per service, one DeployConfig per file.

`environment` as a mapping or a list (`KEY=value`, or a bare `KEY` passed through from the shell
that runs compose: kind "interpolated"); `${VAR:-default}` values are interpolated; `env_file`
(a string, a list, or `{path, required: false}` entries, relative to the compose file) is recorded
in `env_files` and resolved by the linker when the file is in the repository. `build.args` are
build-only. Files classified as local development (role DEV_CONFIG: a compose file that mounts the
working tree or runs a dev server) feed "development"; so does a file whose services are all
infrastructure images (a local database), and one with no sign of running on a server (no restart
policy, swarm `deploy:`, TLS proxy, ports 80/443, docker secrets or NODE_ENV=production …): plain
`docker compose up` on a laptop is the common case. A name says more than any of these
(docker-compose.prod.yml, compose.staging.yaml). Services that run an infrastructure image (postgres,
redis, adminer …) get no EnvSource: POSTGRES_PASSWORD configures the database, not the app, and a
`restart: always` copied from their docs is no sign of a server.
"""
from __future__ import annotations

import re
from typing import Any

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, ENV_NAME, add_link, is_infra_image, as_dict, as_list, basename,
                                                        dedupe, environment_from, first_doc, health_path_in,
                                                        item_line, repo_path, scalar, setting, yline)
from deploycheck.project.model import DeployConfig, EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$", re.I)
_DEV_ENV_VALUES = re.compile(r"^(development|dev|local)$", re.I)


def _environment(ctx: FileContext, items: Any, build_only: bool = False) -> list[EnvSetting]:
    out: list[EnvSetting] = []
    if isinstance(items, dict):
        for k, v in items.items():
            key = str(k)
            if v is None:
                out.append(setting(ctx, key, yline(items, k), "${" + key + "}", kind="interpolated",
                                   build_only=build_only))
            else:
                out.append(setting(ctx, key, yline(items, k), v, build_only=build_only))
    elif isinstance(items, list):
        for i, entry in enumerate(items):
            text = scalar(entry)
            if not text:
                continue
            line = item_line(items, i)
            key, eq, value = text.partition("=")
            key = key.strip()
            if not ENV_NAME.match(key):
                continue
            if eq:
                out.append(setting(ctx, key, line, value, build_only=build_only))
            else:
                out.append(setting(ctx, key, line, "${" + key + "}", kind="interpolated", build_only=build_only))
    return out


def _env_files(value: Any) -> list[tuple[str, bool]]:
    out = []
    for item in as_list(value):
        if isinstance(item, dict):
            path = scalar(item.get("path"))
            if path:
                out.append((path, item.get("required", True) not in (False, "false")))
        elif scalar(item):
            out.append((scalar(item) or "", True))
    return out


def _is_app_service(svc: dict) -> bool:
    if svc.get("build") is not None:
        return True
    image = scalar(svc.get("image")) or ""
    return bool(image) and not is_infra_image(image)


_PROXY_IMAGES = re.compile(r"(^|/)(traefik|caddy|nginx-proxy|acme-companion|letsencrypt-nginx-proxy-companion|"
                           r"certbot|watchtower|cloudflared|swag)(:|$)", re.I)
_PROD_VALUES = re.compile(r"^(production|prod)$", re.I)
_ENV_NAME_KEYS = ("NODE_ENV", "FLASK_ENV", "APP_ENV", "ENV", "ENVIRONMENT", "RAILS_ENV", "DJANGO_ENV", "PYTHON_ENV",
                  "GO_ENV", "ASPNETCORE_ENVIRONMENT")


def _env_items(svc: dict) -> list[tuple[str, str]]:
    env = svc.get("environment")
    if isinstance(env, dict):
        return [(str(k), str(scalar(v) or "")) for k, v in env.items()]
    return [(str(e).partition("=")[0], str(e).partition("=")[2]) for e in as_list(env)]


def _production_evidence(doc: dict, services: dict) -> bool:
    """Signs that a compose file runs a server, not a laptop: restart policies, swarm `deploy:`, a TLS
    proxy, ports 80/443, docker secrets, or an app told it is in production."""
    if isinstance(doc.get("secrets"), dict):
        return True
    for svc in services.values():
        if not isinstance(svc, dict):
            continue
        # a restart policy on the app itself; database and admin-UI snippets carry `restart: always` from their docs
        if _is_app_service(svc) and (scalar(svc.get("restart")) in ("always", "unless-stopped", "on-failure")
                                     or isinstance(svc.get("deploy"), dict)):
            return True
        if _PROXY_IMAGES.search(scalar(svc.get("image")) or ""):
            return True
        labels = svc.get("labels")
        if any(str(label).startswith("traefik.") for label in (labels if isinstance(labels, (list, dict)) else [])):
            return True
        for port in as_list(svc.get("ports")):
            text = str(scalar(port) if not isinstance(port, dict) else port.get("published"))
            if re.match(r"^([\d.]+:)?(80|443)(:\d+)?(/tcp)?$", text):
                return True
        if any(k in _ENV_NAME_KEYS and _PROD_VALUES.match(v.strip()) for k, v in _env_items(svc)):
            return True
    return False


def file_environment(ctx: FileContext, doc: dict, services: dict) -> str:
    if ctx.role is Role.DEV_CONFIG:
        return "development"
    hinted = environment_from(basename(ctx.path).lower().replace("docker-compose", "").replace("compose", ""))
    if hinted:
        return hinted
    apps = [s for s in services.values() if isinstance(s, dict) and _is_app_service(s)]
    if not apps:
        return "development"                       # only a local database/cache: not how the app runs
    for svc in apps:
        if any(k in _ENV_NAME_KEYS and _DEV_ENV_VALUES.match(v.strip()) for k, v in _env_items(svc)):
            return "development"
    # `docker compose up` on a laptop is the common case; production needs some evidence
    return "production" if _production_evidence(doc, services) else "development"


def run(ctx: FileContext, facts: FileFacts) -> None:
    if not _NAME.match(basename(ctx.path)):
        return
    doc = first_doc(ctx)
    if doc is None:
        return
    services = as_dict(doc.get("services"))
    if not services and "version" in doc:
        services = {k: v for k, v in doc.items() if isinstance(v, dict) and ("image" in v or "build" in v)}
    if not services:
        return
    env = file_environment(ctx, doc, services)
    images: list[tuple[str, Location]] = []
    cmds = Commands(ctx)
    health: str | None = None
    for sname, svc in services.items():
        if not isinstance(svc, dict):
            continue
        image = scalar(svc.get("image"))
        if image:
            images.append((image, Location(ctx.path, yline(svc, "image"))))
        if not _is_app_service(svc):
            continue    # a database or cache image: its environment configures that image, not the app
        settings = _environment(ctx, svc.get("environment"))
        build = svc.get("build")
        if isinstance(build, dict):
            settings += _environment(ctx, build.get("args"), build_only=True)
        files = _env_files(svc.get("env_file"))
        refs = tuple(repo_path(ctx.path, p) for p, _ in files)
        src = EnvSource(
            name=f"{ctx.path}: {sname}", kind="compose", environment=env, path=ctx.path, platform="compose",
            settings=dedupe(settings), env_files=refs, opaque=bool(files))
        facts.env_sources.append(src)
        for (p, required), ref in zip(files, refs):
            add_link(facts, src, "env-file", ref)
        cmds.add(svc.get("entrypoint"), yline(svc, "entrypoint"), "start")
        cmds.add(svc.get("command"), yline(svc, "command"), "start")
        hc = as_dict(svc.get("healthcheck"))
        if health is None and _is_app_service(svc):
            test = hc.get("test")
            health = health_path_in(" ".join(map(str, test)) if isinstance(test, list) else scalar(test))
    facts.deploy.append(DeployConfig(
        platform="compose", path=ctx.path, location=Location(ctx.path, yline(doc, "services")),
        health_path=health, images=tuple(images), commands=tuple(cmds.items), command_kinds=tuple(cmds.kinds),
        environments=(env,), dev_only=env in ("development", "test", "ci")))


EXTRACTORS = (
    Extractor("deploy.compose", run, languages=frozenset({Language.YAML}),
              roles=frozenset({Role.DEPLOY_CONFIG, Role.DEV_CONFIG}), triggers=("image", "build")),
)
