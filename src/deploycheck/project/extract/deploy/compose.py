"""Docker Compose files: one EnvSource per service, one DeployConfig per file.

`environment` as a mapping or a list (`KEY=value`, or a bare `KEY` passed through from the shell
that runs compose: kind "interpolated"); `${VAR:-default}` values are interpolated; `env_file`
(a string, a list, or `{path, required: false}` entries, relative to the compose file) is recorded
in `env_files` and resolved by the linker when the file is in the repository. `build.args` are
build-only. Files classified as local development (role DEV_CONFIG: a compose file that mounts the
working tree or runs a dev server) feed "development"; so does a file whose services are all
infrastructure images (a local database) with nothing of the app in it.
"""
from __future__ import annotations

import re
from typing import Any

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (ENV_NAME, Commands, add_link, as_dict, as_list, basename,
                                                        dedupe, environment_from, first_doc, health_path_in,
                                                        item_line, repo_path, scalar, setting, yline)
from deploycheck.project.model import DeployConfig, EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$", re.I)
INFRA_IMAGES = re.compile(
    r"^(.*/)?(postgres|postgis|mysql|mariadb|mongo|mongodb|redis|valkey|keydb|memcached|rabbitmq|kafka|"
    r"zookeeper|elasticsearch|opensearch|minio|mailhog|mailpit|maildev|localstack|nginx|traefik|caddy|"
    r"adminer|pgadmin4?|dpage/pgadmin4|mongo-express|redis-commander|azurite|dynamodb-local|"
    r"cp-kafka|cp-zookeeper|clickhouse-server|clickhouse|cassandra|neo4j|meilisearch|typesense|qdrant|"
    r"supabase/.*|prom/prometheus|grafana|jaeger|otel/.*|selenium/.*|browserless/.*|mcr\.microsoft\.com/mssql/server)"
    r"(:.*)?$", re.I)
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
    return bool(image) and not INFRA_IMAGES.match(image)


def file_environment(ctx: FileContext, services: dict) -> str:
    if ctx.role is Role.DEV_CONFIG:
        return "development"
    hinted = environment_from(basename(ctx.path).lower().replace("docker-compose", "").replace("compose", ""))
    if hinted:
        return hinted
    apps = [s for s in services.values() if isinstance(s, dict) and _is_app_service(s)]
    if not apps:
        return "development"                       # only a local database/cache: not how the app runs
    for svc in apps:
        env = svc.get("environment")
        values = env.items() if isinstance(env, dict) else (
            (str(e).partition("=")[0], str(e).partition("=")[2]) for e in as_list(env))
        for k, v in values:
            if str(k) in ("NODE_ENV", "FLASK_ENV", "APP_ENV", "ENV", "ENVIRONMENT", "RAILS_ENV", "DJANGO_ENV") \
                    and _DEV_ENV_VALUES.match(str(scalar(v) or "")):
                return "development"
    return "production"


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
    env = file_environment(ctx, services)
    images: list[tuple[str, Location]] = []
    cmds = Commands(ctx)
    health: str | None = None
    for sname, svc in services.items():
        if not isinstance(svc, dict):
            continue
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
        image = scalar(svc.get("image"))
        if image:
            images.append((image, Location(ctx.path, yline(svc, "image"))))
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
