"""Helpers shared by the deploy-config extractors: interpolation, settings, environments, lines.

Nothing here reads another file. Cross-file work (an env_file a compose service loads, a ConfigMap
a Deployment pulls in with envFrom) is recorded in `FileFacts.extra` under `ENV_LINKS` /
`K8S_OBJECTS` and completed by `link_env_sources` in `deploy/link.py`.
"""
from __future__ import annotations

import posixpath
import re
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

from deploycheck.core import Location
from deploycheck.project.model import EnvSetting, EnvSource, FileFacts
from deploycheck.project.parse import FileContext, LinedDict, LinedList, load_yaml

# ------------------------------------------------------------------------------- names & values

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR:+alt}, $VAR  (not $$VAR, not \$VAR)
_INTERP = re.compile(r"(?<![$\\])\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
# ${{ secrets.X }} (GitHub Actions), ${{ shared.X }} (Railway), {{ .Values.x }} (Helm), $(VAR) (Kubernetes)
_EXPR = re.compile(r"\$\{\{.*?\}\}|\{\{.*?\}\}|(?<![$\\])\$\([A-Za-z_][A-Za-z0-9_]*\)")


def interpolation_refs(value: str) -> list[tuple[str, str | None]]:
    """The variables a value interpolates: [(name, default or None)], in order."""
    out: list[tuple[str, str | None]] = []
    for m in _INTERP.finditer(value):
        if m.group(1):
            op, arg = m.group(2), m.group(3)
            out.append((m.group(1), arg if op in (":-", "-", ":=", "=") else None))
        else:
            out.append((m.group(4), None))
    return out


def is_interpolated(value: str | None) -> bool:
    """True when the value is (partly) filled in from elsewhere: never a literal to trust."""
    if not value or "$" not in value and "{{" not in value:
        return False
    return bool(_INTERP.search(value) or _EXPR.search(value))


def scalar(value: Any) -> str | None:
    """A YAML/TOML/JSON scalar as the string the process would see; None for null/containers."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def setting(ctx: FileContext, name: str, line: int | None, value: Any = None, *, kind: str | None = None,
            build_only: bool = False, column: int | None = None) -> EnvSetting:
    """An EnvSetting; kind "interpolated" when the value refers to other variables."""
    text = scalar(value)
    if kind is None:
        kind = "interpolated" if is_interpolated(text) else "value"
    return EnvSetting(str(name), Location(ctx.path, line or 1, column), text, kind, build_only)


def dedupe(settings: Iterable[EnvSetting]) -> tuple[EnvSetting, ...]:
    """Keep the last setting of each name (later definitions win), in first-seen order."""
    last: dict[str, EnvSetting] = {}
    for s in settings:
        last.pop(s.name, None)
        last[s.name] = s
    return tuple(last.values())


# ------------------------------------------------------------------------------- environments

_ENV_TOKENS = {
    "production": "production", "prod": "production", "prd": "production", "live": "production",
    "staging": "staging", "stage": "staging", "stg": "staging", "uat": "staging", "qa": "staging",
    "preview": "preview", "previews": "preview", "review": "preview", "pr": "preview",
    "development": "development", "dev": "development", "develop": "development", "local": "development",
    "test": "test", "testing": "test", "tests": "test", "e2e": "test",
    "ci": "ci",
}


def environment_from(*texts: str | None) -> str | None:
    """The environment a name/path/namespace/branch names ("api-staging" -> staging), if any.
    Earlier texts win; within a text, the first recognised token wins."""
    for text in texts:
        if not text:
            continue
        for token in re.split(r"[^a-z0-9]+", text.lower()):
            if token in _ENV_TOKENS:
                return _ENV_TOKENS[token]
    return None


def deployed_environment(*texts: str | None, allow_local: bool = False) -> str:
    """The environment of something a platform runs: production unless a name says otherwise. A
    deployed "dev"/"test" environment is still a server, so it counts as staging. With
    `allow_local` (folders, namespaces: k8s/overlays/local) "local" means a developer's machine; an
    app name such as "local-news" says nothing of the kind."""
    if allow_local:
        for text in texts:
            if text and re.search(r"(^|[^a-z0-9])local([^a-z0-9]|$)", text.lower()):
                return "development"
    env = environment_from(*[re.sub(r"local", " ", t, flags=re.I) for t in texts if t]) or "production"
    return "staging" if env in ("development", "test", "ci") else env


def normalise_environment(name: str | None, default: str = "production") -> str:
    """A platform's environment name as one of ours (GitHub `environment: Prod` -> production)."""
    if not name:
        return default
    return environment_from(name) or name.strip().lower()


# ------------------------------------------------------------------------------- YAML/JSON/TOML lines


def yline(node: Any, key: Any = None, default: int = 1) -> int:
    """Line of a key in a LinedDict (or of the dict itself); `default` when unknown."""
    if isinstance(node, LinedDict):
        if key is not None:
            ln = node.key_lines.get(key)
            if ln:
                return ln
        return node.line or default
    if isinstance(node, LinedList):
        return node.line or default
    return default


def item_line(items: Any, index: int, default: int = 1) -> int:
    if isinstance(items, LinedList) and index < len(items.item_lines):
        return items.item_lines[index]
    item = items[index] if isinstance(items, list) and index < len(items) else None
    return yline(item, default=default)


def _prefix_lines(ctx: FileContext, at: int, parse: Any) -> Any:
    """Parse the longest prefix that parses, cutting before each reported error line (3 tries)."""
    lines = ctx.lines[:max(at - 1, 0)]
    for _ in range(3):
        if not lines:
            return None
        result, problem_line = parse("\n".join(lines) + "\n")
        if problem_line is None:
            return result
        lines = lines[:max(min(problem_line - 1, len(lines) - 1), 0)]
    return None


def yaml_docs(ctx: FileContext) -> list[Any]:
    """ctx.yaml_docs, and after a syntax error also what the lines before it hold: a render.yaml
    broken at line 40 still yields the services above it. `partial` keeps the first error."""
    cache = ctx.__dict__.setdefault("_deploy_cache", {})
    if "yaml" in cache:
        return cache["yaml"]
    docs = ctx.yaml_docs
    m = re.search(r"^(?:Helm template: )?invalid YAML at line (\d+)", ctx.partial or "")
    if m:
        def parse(text: str) -> tuple[Any, int | None]:
            got, problem = load_yaml(text)
            pm = re.search(r"at line (\d+)", problem or "")
            return got, (int(pm.group(1)) if pm else 1) if problem else None
        prefix = _prefix_lines(ctx, int(m.group(1)), parse)
        if prefix and len(prefix) >= len(docs):
            docs = prefix
    cache["yaml"] = docs
    return docs


def toml_data(ctx: FileContext) -> dict[str, Any]:
    """ctx.toml_data, or after a syntax error the tables before it."""
    data = ctx.toml_data
    m = re.search(r"invalid TOML: .*\(at line (\d+)", ctx.partial or "")
    if data or not m:
        return data
    import tomllib

    def parse(text: str) -> tuple[Any, int | None]:
        try:
            return tomllib.loads(text), None
        except tomllib.TOMLDecodeError as exc:
            pm = re.search(r"\(at line (\d+)", str(exc))
            return None, int(pm.group(1)) if pm else 1
    return _prefix_lines(ctx, int(m.group(1)), parse) or {}


def first_doc(ctx: FileContext) -> dict | None:
    for doc in yaml_docs(ctx):
        if isinstance(doc, dict):
            return doc
    return None


def dicts(docs: Iterable[Any]) -> Iterator[dict]:
    return (d for d in docs if isinstance(d, dict))


def as_dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def as_list(v: Any) -> list:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]#]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")


def _toml_parts(dotted: str) -> tuple[str, ...]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)', dotted)
    return tuple(a or b or c for a, b, c in parts)


def toml_lines(text: str) -> dict[tuple, int]:
    """Line of every TOML table and key: {("env", "PORT"): 13, ("http_service", "checks", 0, "path"): 28}.
    Array-of-tables entries carry their index. A light scan: enough for line numbers, not a parser."""
    out: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    table: tuple = ()
    in_multiline: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if in_multiline in line:
                in_multiline = None
            continue
        m = _TOML_HEADER.match(line)
        if m:
            parts = _toml_parts(m.group(2))
            if m.group(1) == "[[":
                # index the array within its parent table path, e.g. ("http_service", "checks", 0)
                parent = _resolve(parts, counts)
                idx = counts.get(parent, -1) + 1
                counts[parent] = idx
                table = parent + (idx,)
            else:
                table = _resolve(parts, counts)
            out.setdefault(table, n)
            continue
        k = _TOML_KEY.match(line)
        if k:
            key = table + _toml_parts(k.group(1))
            out.setdefault(key, n)
            rest = line[k.end():]
            for q in ('"""', "'''"):
                if rest.count(q) == 1:
                    in_multiline = q
    return out


def _resolve(parts: tuple, counts: dict[tuple, int]) -> tuple:
    """Map a dotted header onto the latest entry of any array-of-tables it passes through."""
    out: tuple = ()
    for p in parts:
        out = out + (p,)
        if out in counts:
            out = out + (counts[out],)
    return out


def tline(lines: dict[tuple, int], *path: Any, default: int = 1) -> int:
    """Line of a TOML path, or of its nearest known parent."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return default


def json_line(ctx: FileContext, *keys: str, default: int = 1) -> int:
    """Line of a nested JSON key found by text: each key searched after the previous one's line."""
    line = 1
    for k in keys:
        found = ctx.find_line(r'"' + re.escape(k) + r'"\s*:', start=line)
        if found is None:
            return line if line > 1 else default
        line = found
    return line


# ------------------------------------------------------------------------------- commands, images, health

_URL = re.compile(r"https?://[^\s'\"`)\\|;]+")


def health_path_in(command: str | None) -> str | None:
    """The path a health-check command requests: `curl -f http://localhost:3000/health` -> /health."""
    if not command:
        return None
    for m in _URL.finditer(command):
        try:
            parts = urlsplit(m.group(0))
        except ValueError:
            continue
        path = parts.path or "/"
        if "$" in path:
            continue
        return path + (f"?{parts.query}" if parts.query else "")
    return None


def command_text(value: Any) -> str | None:
    """A command given as a string or an argv list."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        words = [str(v) for v in value if v is not None]
        if words and words[0] in ("CMD", "CMD-SHELL"):
            words = words[1:]
        return " ".join(words) or None
    return None


_LANG_IMAGES = {
    "node": "node", "python": "python", "oven/bun": "bun", "denoland/deno": "deno", "ruby": "ruby",
    "golang": "go", "pypy": "pypy", "php": "php", "openjdk": "java", "eclipse-temurin": "java",
    "amazoncorretto": "java", "library/node": "node", "library/python": "python",
    "cimg/node": "node", "cimg/python": "python", "nikolaik/python-nodejs": None,
    "mcr.microsoft.com/devcontainers/javascript-node": "node", "mcr.microsoft.com/devcontainers/python": "python",
    "public.ecr.aws/lambda/python": "python", "public.ecr.aws/lambda/nodejs": "node",
    "ghcr.io/astral-sh/uv": None,
}


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """(repository, tag, digest) of an image reference."""
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    repo, tag = image, None
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        repo, tag = image[:colon], image[colon + 1:]
    return repo, tag, digest


def runtime_of_image(image: str) -> str | None:
    """"node:20.18.1-alpine" -> "node 20.18.1"; None when the tag pins no version (node:lts, python)."""
    repo, tag, _ = split_image(image)
    repo = re.sub(r"^(docker\.io/)?(library/)?", "", repo.lower())
    lang = _LANG_IMAGES.get(repo)
    if not lang or not tag:
        return None
    m = re.match(r"^v?(\d+(?:\.\d+){0,2})", tag)
    return f"{lang} {m.group(1)}" if m else None


_RUNTIME_ID = re.compile(r"^(python|nodejs|node|ruby|go|java|php|dotnet|bun|deno)[-_ ]?(\d+(?:[._]\d+)*)(?:\.x)?", re.I)


def runtime_of_id(value: Any) -> str | None:
    """A platform runtime id as "<lang> <version>": python312 -> python 3.12, nodejs20.x -> node 20,
    python-3.12.7 -> python 3.12.7. None when it pins no version ("python", "nodejs")."""
    text = scalar(value)
    if not text:
        return None
    m = _RUNTIME_ID.match(text.strip())
    if not m:
        return None
    lang = {"nodejs": "node"}.get(m.group(1).lower(), m.group(1).lower())
    ver = m.group(2).replace("_", ".")
    if "." not in ver and len(ver) >= 2 and lang in ("python", "ruby", "php"):
        ver = f"{ver[0]}.{ver[1:]}"                # python312 -> 3.12
    return f"{lang} {ver}"


_VERSION_VARS = {"NODE_VERSION": "node", "PYTHON_VERSION": "python", "BUN_VERSION": "bun", "RUBY_VERSION": "ruby",
                 "GO_VERSION": "go", "DENO_VERSION": "deno", "NIXPACKS_NODE_VERSION": "node",
                 "NIXPACKS_PYTHON_VERSION": "python", "AWS_LAMBDA_JS_RUNTIME": None}


def runtime_from_settings(settings: Iterable[EnvSetting]) -> str | None:
    """A runtime pinned through a platform variable: NODE_VERSION=20.18.1 -> "node 20.18.1"."""
    for s in settings:
        if s.name in _VERSION_VARS and s.value and s.kind == "value":
            lang = _VERSION_VARS[s.name]
            if lang is None:
                rt = runtime_of_id(s.value)
                if rt:
                    return rt
                continue
            if re.match(r"^v?\d", s.value.strip()):
                return f"{lang} {s.value.strip().lstrip('v')}"
    return None


class Commands:
    """Collects (command, location) pairs with their kinds, in order."""
    __slots__ = ("ctx", "items", "kinds")

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.items: list[tuple[str, Location]] = []
        self.kinds: list[str] = []

    def add(self, command: Any, line: int | None, kind: str) -> None:
        text = command_text(command)
        if text:
            self.items.append((text, Location(self.ctx.path, line or 1)))
            self.kinds.append(kind)


# ------------------------------------------------------------------------------- links (completed by the linker)

ENV_LINKS = "deploy.env_links"       # (path, source name, link kind, target, prefix, base_opaque)
K8S_OBJECTS = "deploy.k8s_objects"   # (path, source name, object kind, object name, namespace)


def add_link(facts: FileFacts, source: EnvSource, kind: str, target: str, prefix: str = "",
             base_opaque: bool = False) -> None:
    """Record that `source` also receives the variables of `target` (an env file, a ConfigMap …).
    `base_opaque`: the source stays opaque even when every link resolves."""
    facts.extra.setdefault(ENV_LINKS, []).append((source.path, source.name, kind, target, prefix, base_opaque))


def repo_path(base_file: str, ref: str) -> str:
    """A path written in `base_file` (relative to its folder) as a repository path; may start with ../"""
    folder = posixpath.dirname(base_file)
    return posixpath.normpath(posixpath.join(folder, ref)) if not ref.startswith("/") else ref


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


# ------------------------------------------------------------------------------- platform-injected variables

INJECTED: dict[str, tuple[str, ...]] = {
    # https://devcenter.heroku.com/articles/dynos#local-environment-variables (+ dyno metadata, buildpacks)
    "heroku": ("PORT", "DYNO", "WEB_CONCURRENCY", "HEROKU_APP_ID", "HEROKU_APP_NAME", "HEROKU_DYNO_ID",
               "HEROKU_RELEASE_CREATED_AT", "HEROKU_RELEASE_VERSION", "HEROKU_SLUG_COMMIT",
               "HEROKU_SLUG_DESCRIPTION", "SOURCE_VERSION", "FORWARDED_ALLOW_IPS", "PYTHONUNBUFFERED"),
    # https://render.com/docs/environment-variables
    "render": ("PORT", "RENDER", "IS_PULL_REQUEST", "RENDER_CPU_COUNT", "RENDER_DISCOVERY_SERVICE",
               "RENDER_EXTERNAL_HOSTNAME", "RENDER_EXTERNAL_URL", "RENDER_GIT_BRANCH", "RENDER_GIT_COMMIT",
               "RENDER_GIT_REPO_SLUG", "RENDER_INSTANCE_ID", "RENDER_SERVICE_ID", "RENDER_SERVICE_NAME",
               "RENDER_SERVICE_TYPE"),
    # https://fly.io/docs/machines/runtime-environment/
    "fly": ("FLY_APP_NAME", "FLY_MACHINE_ID", "FLY_ALLOC_ID", "FLY_REGION", "FLY_PUBLIC_IP", "FLY_IMAGE_REF",
            "FLY_MACHINE_VERSION", "FLY_PRIVATE_IP", "FLY_PROCESS_GROUP", "FLY_VM_MEMORY_MB", "PRIMARY_REGION"),
    # https://docs.railway.com/reference/variables#railway-provided-variables
    "railway": ("PORT", "RAILWAY_PUBLIC_DOMAIN", "RAILWAY_PRIVATE_DOMAIN", "RAILWAY_TCP_PROXY_DOMAIN",
                "RAILWAY_TCP_PROXY_PORT", "RAILWAY_TCP_APPLICATION_PORT", "RAILWAY_PROJECT_NAME",
                "RAILWAY_ENVIRONMENT_NAME", "RAILWAY_SERVICE_NAME", "RAILWAY_PROJECT_ID", "RAILWAY_ENVIRONMENT_ID",
                "RAILWAY_ENVIRONMENT", "RAILWAY_SERVICE_ID", "RAILWAY_REPLICA_ID", "RAILWAY_REPLICA_REGION",
                "RAILWAY_DEPLOYMENT_ID", "RAILWAY_SNAPSHOT_ID", "RAILWAY_VOLUME_NAME", "RAILWAY_VOLUME_MOUNT_PATH",
                "RAILWAY_STATIC_URL", "RAILWAY_GIT_COMMIT_SHA", "RAILWAY_GIT_AUTHOR", "RAILWAY_GIT_BRANCH",
                "RAILWAY_GIT_REPO_NAME", "RAILWAY_GIT_REPO_OWNER", "RAILWAY_GIT_COMMIT_MESSAGE"),
    # https://vercel.com/docs/environment-variables/system-environment-variables
    "vercel": ("VERCEL", "CI", "VERCEL_ENV", "VERCEL_TARGET_ENV", "VERCEL_URL", "VERCEL_BRANCH_URL",
               "VERCEL_PROJECT_PRODUCTION_URL", "VERCEL_REGION", "VERCEL_DEPLOYMENT_ID", "VERCEL_PROJECT_ID",
               "VERCEL_SKEW_PROTECTION_ENABLED", "VERCEL_AUTOMATION_BYPASS_SECRET", "VERCEL_OIDC_TOKEN",
               "VERCEL_GIT_PROVIDER", "VERCEL_GIT_REPO_SLUG", "VERCEL_GIT_REPO_OWNER", "VERCEL_GIT_REPO_ID",
               "VERCEL_GIT_COMMIT_REF", "VERCEL_GIT_COMMIT_SHA", "VERCEL_GIT_COMMIT_MESSAGE",
               "VERCEL_GIT_COMMIT_AUTHOR_LOGIN", "VERCEL_GIT_COMMIT_AUTHOR_NAME", "VERCEL_GIT_PREVIOUS_SHA",
               "VERCEL_GIT_PULL_REQUEST_ID", "NEXT_PUBLIC_VERCEL_ENV", "NEXT_PUBLIC_VERCEL_TARGET_ENV",
               "NEXT_PUBLIC_VERCEL_URL", "NEXT_PUBLIC_VERCEL_BRANCH_URL",
               "NEXT_PUBLIC_VERCEL_PROJECT_PRODUCTION_URL", "NEXT_PUBLIC_VERCEL_GIT_PROVIDER",
               "NEXT_PUBLIC_VERCEL_GIT_REPO_SLUG", "NEXT_PUBLIC_VERCEL_GIT_REPO_OWNER",
               "NEXT_PUBLIC_VERCEL_GIT_REPO_ID", "NEXT_PUBLIC_VERCEL_GIT_COMMIT_REF",
               "NEXT_PUBLIC_VERCEL_GIT_COMMIT_SHA", "NEXT_PUBLIC_VERCEL_GIT_COMMIT_MESSAGE",
               "NEXT_PUBLIC_VERCEL_GIT_COMMIT_AUTHOR_LOGIN", "NEXT_PUBLIC_VERCEL_GIT_COMMIT_AUTHOR_NAME",
               "NEXT_PUBLIC_VERCEL_GIT_PULL_REQUEST_ID"),
    # https://docs.netlify.com/configure-builds/environment-variables/#read-only-variables
    "netlify": ("NETLIFY", "BUILD_ID", "CONTEXT", "BRANCH", "HEAD", "COMMIT_REF", "CACHED_COMMIT_REF",
                "PULL_REQUEST", "REVIEW_ID", "REPOSITORY_URL", "URL", "DEPLOY_URL", "DEPLOY_PRIME_URL",
                "DEPLOY_ID", "SITE_NAME", "SITE_ID", "NETLIFY_IMAGES_CDN_DOMAIN", "INCOMING_HOOK_TITLE",
                "INCOMING_HOOK_URL", "INCOMING_HOOK_BODY"),
    # https://cloud.google.com/appengine/docs/standard/python3/runtime#environment_variables
    "app-engine": ("PORT", "GAE_APPLICATION", "GAE_DEPLOYMENT_ID", "GAE_ENV", "GAE_INSTANCE", "GAE_MEMORY_MB",
                   "GAE_RUNTIME", "GAE_SERVICE", "GAE_VERSION", "GOOGLE_CLOUD_PROJECT"),
    # https://cloud.google.com/run/docs/container-contract#env-vars
    "cloud-run": ("PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"),
    "cloud-run-job": ("CLOUD_RUN_JOB", "CLOUD_RUN_EXECUTION", "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_ATTEMPT",
                      "CLOUD_RUN_TASK_COUNT"),
    "k8s": ("KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "KUBERNETES_SERVICE_PORT_HTTPS",
            "KUBERNETES_PORT", "HOSTNAME"),
    "docker": ("HOSTNAME", "HOME", "PATH"),
    "systemd": ("INVOCATION_ID", "JOURNAL_STREAM", "PATH", "LANG"),
    # https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
    "lambda": ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
               "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY_ID",
               "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
               "LAMBDA_RUNTIME_DIR", "_HANDLER", "_X_AMZN_TRACE_ID", "TZ"),
    "ecs": ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "ECS_CONTAINER_METADATA_URI",
            "ECS_CONTAINER_METADATA_URI_V4", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
    "amplify": ("AWS_APP_ID", "AWS_BRANCH", "AWS_BRANCH_ARN", "AWS_CLONE_URL", "AWS_COMMIT_ID", "AWS_JOB_ID",
                "AWS_PULL_REQUEST_ID", "AWS_PULL_REQUEST_SOURCE_BRANCH", "AWS_PULL_REQUEST_DESTINATION_BRANCH"),
    "app-runner": ("PORT",),
    "digitalocean": ("PORT",),
    # https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables
    "github-actions": ("CI", "GITHUB_ACTIONS", "GITHUB_ACTION", "GITHUB_ACTION_PATH", "GITHUB_ACTION_REPOSITORY",
                       "GITHUB_ACTOR", "GITHUB_ACTOR_ID", "GITHUB_API_URL", "GITHUB_BASE_REF", "GITHUB_ENV",
                       "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_GRAPHQL_URL", "GITHUB_HEAD_REF",
                       "GITHUB_JOB", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_REF", "GITHUB_REF_NAME",
                       "GITHUB_REF_PROTECTED", "GITHUB_REF_TYPE", "GITHUB_REPOSITORY", "GITHUB_REPOSITORY_ID",
                       "GITHUB_REPOSITORY_OWNER", "GITHUB_REPOSITORY_OWNER_ID", "GITHUB_RETENTION_DAYS",
                       "GITHUB_RUN_ATTEMPT", "GITHUB_RUN_ID", "GITHUB_RUN_NUMBER", "GITHUB_SERVER_URL",
                       "GITHUB_SHA", "GITHUB_STEP_SUMMARY", "GITHUB_TRIGGERING_ACTOR", "GITHUB_WORKFLOW",
                       "GITHUB_WORKFLOW_REF", "GITHUB_WORKFLOW_SHA", "GITHUB_WORKSPACE", "RUNNER_ARCH",
                       "RUNNER_DEBUG", "RUNNER_ENVIRONMENT", "RUNNER_NAME", "RUNNER_OS", "RUNNER_TEMP",
                       "RUNNER_TOOL_CACHE"),
    # https://docs.gitlab.com/ci/variables/predefined_variables/
    "gitlab-ci": ("CI", "GITLAB_CI", "CI_JOB_ID", "CI_JOB_NAME", "CI_JOB_STAGE", "CI_JOB_TOKEN", "CI_JOB_URL",
                  "CI_COMMIT_SHA", "CI_COMMIT_SHORT_SHA", "CI_COMMIT_REF_NAME", "CI_COMMIT_REF_SLUG",
                  "CI_COMMIT_BRANCH", "CI_COMMIT_TAG", "CI_COMMIT_MESSAGE", "CI_COMMIT_TITLE",
                  "CI_DEFAULT_BRANCH", "CI_ENVIRONMENT_NAME", "CI_ENVIRONMENT_SLUG", "CI_ENVIRONMENT_URL",
                  "CI_PIPELINE_ID", "CI_PIPELINE_IID", "CI_PIPELINE_SOURCE", "CI_PROJECT_DIR", "CI_PROJECT_ID",
                  "CI_PROJECT_NAME", "CI_PROJECT_NAMESPACE", "CI_PROJECT_PATH", "CI_PROJECT_PATH_SLUG",
                  "CI_PROJECT_URL", "CI_REGISTRY", "CI_REGISTRY_IMAGE", "CI_REGISTRY_USER",
                  "CI_REGISTRY_PASSWORD", "CI_SERVER_URL", "CI_SERVER_HOST", "CI_MERGE_REQUEST_IID",
                  "CI_API_V4_URL", "GITLAB_USER_LOGIN", "GITLAB_USER_EMAIL"),
    "wrangler": (),
}

# Heroku add-ons and the config vars they set (https://elements.heroku.com/addons, each add-on's docs)
ADDON_VARS: dict[str, tuple[str, ...]] = {
    "heroku-postgresql": ("DATABASE_URL",),
    "heroku-redis": ("REDIS_URL", "REDIS_TLS_URL"),
    "heroku-kafka": ("KAFKA_URL", "KAFKA_TRUSTED_CERT", "KAFKA_CLIENT_CERT", "KAFKA_CLIENT_CERT_KEY", "KAFKA_PREFIX"),
    "rediscloud": ("REDISCLOUD_URL",),
    "redistogo": ("REDISTOGO_URL",),
    "memcachier": ("MEMCACHIER_SERVERS", "MEMCACHIER_USERNAME", "MEMCACHIER_PASSWORD"),
    "cloudamqp": ("CLOUDAMQP_URL", "CLOUDAMQP_APIKEY"),
    "mongolab": ("MONGODB_URI",),
    "ormongo": ("ORMONGO_URL",),
    "jawsdb": ("JAWSDB_URL",),
    "jawsdb-maria": ("JAWSDB_MARIA_URL",),
    "cleardb": ("CLEARDB_DATABASE_URL",),
    "bonsai": ("BONSAI_URL",),
    "searchbox": ("SEARCHBOX_URL", "SEARCHBOX_SSL_URL"),
    "bucketeer": ("BUCKETEER_AWS_ACCESS_KEY_ID", "BUCKETEER_AWS_SECRET_ACCESS_KEY", "BUCKETEER_BUCKET_NAME",
                  "BUCKETEER_AWS_REGION"),
    "cloudinary": ("CLOUDINARY_URL",),
    "sendgrid": ("SENDGRID_USERNAME", "SENDGRID_PASSWORD", "SENDGRID_API_KEY"),
    "mailgun": ("MAILGUN_API_KEY", "MAILGUN_DOMAIN", "MAILGUN_PUBLIC_KEY", "MAILGUN_SMTP_LOGIN",
                "MAILGUN_SMTP_PASSWORD", "MAILGUN_SMTP_PORT", "MAILGUN_SMTP_SERVER"),
    "postmark": ("POSTMARK_API_KEY", "POSTMARK_API_TOKEN", "POSTMARK_SMTP_SERVER"),
    "mailtrap": ("MAILTRAP_API_TOKEN",),
    "papertrail": ("PAPERTRAIL_API_TOKEN",),
    "sentry": ("SENTRY_DSN",),
    "rollbar": ("ROLLBAR_ACCESS_TOKEN", "ROLLBAR_ENDPOINT"),
    "honeybadger": ("HONEYBADGER_API_KEY",),
    "newrelic": ("NEW_RELIC_LICENSE_KEY", "NEW_RELIC_LOG", "NEW_RELIC_APP_NAME"),
    "pusher": ("PUSHER_URL", "PUSHER_SOCKET_URL"),
    "fixie": ("FIXIE_URL",),
    "quotaguardstatic": ("QUOTAGUARDSTATIC_URL",),
    "scheduler": (),
}
_ADDON_AS = {"heroku-postgresql": "{}_URL", "heroku-redis": "{}_URL", "rediscloud": "{}_URL"}


def addon_vars(plan: str, attach_as: str | None = None) -> tuple[str, ...]:
    """Config vars a Heroku add-on plan ("heroku-postgresql:standard-0") sets."""
    service = plan.split(":", 1)[0].strip().lower()
    if attach_as and service in _ADDON_AS:
        return (_ADDON_AS[service].format(attach_as.upper().removesuffix("_URL")),)
    return ADDON_VARS.get(service, ())


# Images of backing services (databases, caches, queues, mail catchers, admin UIs, proxies): their
# environment configures that image, not the app's code.
INFRA_IMAGES = re.compile(
    r"^(.*/)?(postgres|postgis|mysql|mariadb|mongo|mongodb|redis|valkey|keydb|memcached|rabbitmq|kafka|"
    r"zookeeper|elasticsearch|opensearch|minio|mailhog|mailpit|maildev|localstack|nginx|traefik|caddy|"
    r"adminer|pgadmin4?|dpage/pgadmin4|mongo-express|redis-commander|azurite|dynamodb-local|"
    r"cp-kafka|cp-zookeeper|clickhouse-server|clickhouse|cassandra|neo4j|meilisearch|typesense|qdrant|"
    r"supabase/.*|prom/prometheus|grafana|jaeger|otel/.*|selenium/.*|browserless/.*|mcr\.microsoft\.com/mssql/server|"
    # publishers of ready-made server images (their environment configures their software, not this app)
    r"linuxserver/.*|lscr\.io/linuxserver/.*|itzg/.*|bitnami/.*|portainer/.*|gitea/.*|nextcloud|pihole/.*|"
    r"homeassistant/.*|jellyfin/.*|plexinc/.*|wordpress|ghost|vaultwarden/.*|n8nio/.*|louislam/.*|"
    r"containrrr/.*|minio/.*|hashicorp/.*|confluentinc/.*|docker\.elastic\.co/.*|quay\.io/keycloak/.*|"
    r"keycloak/.*|mailhog/.*|axllent/mailpit|gotenberg/.*|traefik/.*|vault|consul|nats|temporalio/.*|"
    r"mongo-express|rediscommander/.*|dpage/.*|adminer|phpmyadmin(/.*)?|registry)"
    r"(:.*)?$", re.I)


def is_infra_image(image: str) -> bool:
    return bool(INFRA_IMAGES.match(image.strip()))
