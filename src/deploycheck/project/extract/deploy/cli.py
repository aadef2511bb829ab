"""Platform CLI commands that set environment variables, found in shell text.

`gcloud run deploy --set-env-vars K=V`, `fly secrets set K=V`, `heroku config:set K=V`,
`railway variables --set K=V`, `vercel env add NAME production`, `netlify env:set NAME value`,
`wrangler secret put NAME`, `kubectl create secret|configmap NAME --from-literal=K=V`. Used on CI
steps, cloudbuild.yaml steps and deploy scripts (as settings) and on README code blocks (as
declarations). Only commands that unambiguously target a hosted environment are recognised:
`docker run -e` and friends say nothing about production.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from deploycheck.core import Location
from deploycheck.project.extract.deploy._common import (ENV_NAME, INJECTED, K8S_OBJECTS, add_link,
                                                        deployed_environment, is_interpolated, repo_path)
from deploycheck.project.model import EnvSetting, EnvSource, FileFacts
from deploycheck.project.parse import FileContext

TRIGGERS = ("gcloud", "fly ", "flyctl", "heroku", "railway", "vercel", "netlify", "wrangler", "kubectl")


@dataclass
class CliEnv:
    """Variables one CLI command sets on a platform."""
    platform: str                    # "cloud-run", "cloud-functions", "fly", "heroku", "railway", "vercel",
                                     # "netlify", "wrangler", "k8s"
    line: int
    command: str
    settings: list[tuple[str, str | None, str]] = field(default_factory=list)   # (name, value, kind)
    environment: str = "production"
    replaces: bool = False           # the command defines the whole environment (gcloud --set-env-vars)
    image: str | None = None
    object_kind: str | None = None   # kubectl create secret/configmap: "Secret" | "ConfigMap"
    object_name: str | None = None
    env_files: list[str] = field(default_factory=list)
    service: str | None = None
    hinted: bool = False             # the environment comes from the command (--app x-staging, --env …)


_GH_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _kind(value: str | None) -> str:
    if value is None:
        return "secret-ref"
    if re.search(r"\$\{\{\s*(secrets|vars)\.", value):
        return "secret-ref"
    return "interpolated" if is_interpolated(value) else "value"


def _logical_lines(text: str, first_line: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    buf, start = "", first_line
    for i, line in enumerate(text.splitlines()):
        n = first_line + i
        if not buf:
            start = n
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        out.append((start, buf))
        buf = ""
    if buf:
        out.append((start, buf))
    return out


def _split_commands(line: str) -> list[list[str]]:
    line = _GH_EXPR.sub(lambda m: "${{" + m.group(1).replace(" ", "") + "}}", line)
    if "#" in line:
        line = re.sub(r"(^|\s)#.*$", "", line)
    try:
        lex = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lex.whitespace_split = True
        tokens = list(lex)
    except ValueError:
        tokens = line.split()
    cmds: list[list[str]] = [[]]
    for t in tokens:
        if t and set(t) <= set(";&|"):
            cmds.append([])
        else:
            cmds[-1].append(t)
    return [c for c in cmds if c]


def _strip_prefix(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) and (words[i] in ("sudo", "npx", "bunx", "pnpx", "exec", "time", "-y", "--yes")
                              or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[i])
                              or words[i].startswith(("pnpm", "yarn")) and i + 1 < len(words) and words[i + 1] == "dlx"
                              or words[i] == "dlx"):
        i += 1
    return words[i:]


def _flag(words: list[str], *names: str) -> list[str]:
    """Values of --flag=value / --flag value (every occurrence)."""
    out = []
    for i, w in enumerate(words):
        for name in names:
            if w == name and i + 1 < len(words):
                out.append(words[i + 1])
            elif w.startswith(name + "="):
                out.append(w[len(name) + 1:])
    return out


def _assignments(words: list[str]) -> list[tuple[str, str | None, str]]:
    out = []
    for w in words:
        if "=" in w and not w.startswith("-"):
            k, v = w.split("=", 1)
            if ENV_NAME.match(k):
                out.append((k, v, _kind(v)))
    return out


def _gcloud_pairs(value: str) -> list[tuple[str, str]]:
    delim = ","
    m = re.match(r"^\^(.+?)\^", value)
    if m:
        delim, value = m.group(1), value[m.end():]
    pairs = []
    for part in value.split(delim):
        if "=" in part:
            k, v = part.split("=", 1)
            if ENV_NAME.match(k.strip()):
                pairs.append((k.strip(), v))
    return pairs


def _positionals(words: list[str], start: int) -> list[str]:
    out, skip = [], False
    for w in words[start:]:
        if skip:
            skip = False
            continue
        if w.startswith("-"):
            skip = "=" not in w and w in ("-a", "--app", "--context", "--env", "-e", "--scope", "--environment",
                                          "-s", "--service", "--region", "--project", "-c", "--config", "--cwd",
                                          "--token", "-t", "--namespace", "-n")
            continue
        out.append(w)
    return out


def scan(text: str, first_line: int = 1) -> list[CliEnv]:
    """Every env-setting platform command in a block of shell text."""
    found: list[CliEnv] = []
    if not any(t in text for t in TRIGGERS):
        return found
    for line_no, line in _logical_lines(text, first_line):
        if not any(t in line for t in TRIGGERS):
            continue
        for words in _split_commands(line):
            hit = _command(_strip_prefix(words), line_no, line.strip())
            if hit:
                hit.hinted = bool(_flag(words, "-a", "--app", "--env", "-e", "--environment", "--context",
                                        "-n", "--namespace")) or hit.environment != "production" \
                    or bool(hit.service and hit.environment != "production")
                found.append(hit)
    return found


def _command(w: list[str], line: int, text: str) -> CliEnv | None:
    if not w:
        return None
    tool = w[0].rsplit("/", 1)[-1]
    app = (_flag(w, "-a", "--app") or [None])[0]
    if tool == "gcloud":
        words = [x for x in w[1:] if x not in ("beta", "alpha")]
        if words[:2] in (["run", "deploy"], ["run", "services"]) or words[:2] == ["functions", "deploy"] \
                or words[:3] == ["run", "jobs", "deploy"]:
            platform = "cloud-functions" if words[0] == "functions" else "cloud-run"
            pos = _positionals(words, 2 if words[1] == "deploy" else 3)
            service = pos[0] if pos else None
            hit = CliEnv(platform, line, text, service=service,
                         environment=deployed_environment(service) if service else "production")
            for flag in ("--set-env-vars", "--update-env-vars", "--set-build-env-vars"):
                for value in _flag(words, flag):
                    for k, v in _gcloud_pairs(value):
                        hit.settings.append((k, v, _kind(v)))
                    if flag == "--set-env-vars":
                        hit.replaces = True
            for flag in ("--set-secrets", "--update-secrets"):
                for value in _flag(words, flag):
                    for k, v in _gcloud_pairs(value):
                        hit.settings.append((k, v, "secret-ref"))
            hit.env_files = _flag(words, "--env-vars-file")
            hit.image = (_flag(words, "--image") or [None])[0]
            return hit
        return None
    if tool in ("fly", "flyctl") and w[1:3] == ["secrets", "set"]:
        return CliEnv("fly", line, text, _assignments(w[3:]), environment=deployed_environment(app))
    if tool == "heroku" and len(w) > 1 and w[1] in ("config:set", "config:add"):
        return CliEnv("heroku", line, text, _assignments(w[2:]), environment=deployed_environment(app))
    if tool == "railway" and len(w) > 1 and w[1] in ("variables", "variable", "vars"):
        sets = _flag(w, "--set") + (w[3:] if w[2:3] == ["set"] else [])
        env = (_flag(w, "-e", "--environment") or [None])[0]
        return CliEnv("railway", line, text, _assignments(sets), environment=deployed_environment(env)) if sets else None
    if tool == "vercel" and w[1:3] == ["env", "add"]:
        pos = _positionals(w, 3)
        if pos and ENV_NAME.match(pos[0]):
            env = pos[1] if len(pos) > 1 else "production"
            return CliEnv("vercel", line, text, [(pos[0], None, "secret-ref")], environment=deployed_environment(env))
        return None
    if tool == "netlify" and len(w) > 1 and w[1] in ("env:set", "env:import"):
        pos = _positionals(w, 2)
        ctxs = _flag(w, "--context")
        env = {"deploy-preview": "preview", "branch-deploy": "staging"}.get(ctxs[0], ctxs[0]) if ctxs else None
        if w[1] == "env:set" and pos and ENV_NAME.match(pos[0]):
            value = pos[1] if len(pos) > 1 else None
            return CliEnv("netlify", line, text, [(pos[0], value, _kind(value))],
                          environment=deployed_environment(env))
        return None
    if tool == "wrangler" and w[1:3] == ["secret", "put"]:
        pos = _positionals(w, 3)
        env = (_flag(w, "--env", "-e") or [None])[0]
        if pos and ENV_NAME.match(pos[0]):
            return CliEnv("wrangler", line, text, [(pos[0], None, "secret-ref")], environment=deployed_environment(env))
        return None
    if tool == "kubectl" and w[1:2] == ["create"] and len(w) > 3 and w[2] in ("secret", "configmap", "cm"):
        kind = "Secret" if w[2] == "secret" else "ConfigMap"
        pos = _positionals(w, 4 if kind == "Secret" else 3)
        if not pos:
            return None
        ns = (_flag(w, "-n", "--namespace") or [None])[0]
        hit = CliEnv("k8s", line, text, object_kind=kind, object_name=pos[0], environment=deployed_environment(ns))
        for lit in _flag(w, "--from-literal"):
            if "=" in lit:
                k, v = lit.split("=", 1)
                if ENV_NAME.match(k):
                    hit.settings.append((k, v, "secret-ref" if kind == "Secret" else _kind(v)))
        hit.env_files = _flag(w, "--from-env-file")
        return hit
    return None


_INJECTED_KEY = {"cloud-run": "cloud-run", "cloud-functions": "cloud-run", "fly": "fly", "heroku": "heroku",
                 "railway": "railway", "vercel": "vercel", "netlify": "netlify", "wrangler": "wrangler", "k8s": "k8s"}


def emit(ctx: FileContext, facts: FileFacts, hits: list[CliEnv], where: str, environment: str | None = None) -> None:
    """EnvSources for CLI hits: one per command. `where` names the step/script in the source name;
    `environment`: the deploy environment of the job running them, for commands that name none."""
    for hit in hits:
        if environment and not hit.hinted:
            hit.environment = environment
        settings = tuple(EnvSetting(k, Location(ctx.path, hit.line), v, kind) for k, v, kind in hit.settings)
        if hit.object_kind:
            name = f"{ctx.path}: {hit.object_kind} {hit.object_name} ({where})"
            src = EnvSource(name=name, kind="k8s", environment=hit.environment, path=ctx.path, platform="k8s",
                            settings=settings, env_files=tuple(hit.env_files), opaque=bool(hit.env_files))
            facts.extra.setdefault(K8S_OBJECTS, []).append(
                (ctx.path, name, hit.object_kind, hit.object_name, None))
            for f in hit.env_files:
                add_link(facts, src, "env-file", repo_path(ctx.path, f))
            facts.env_sources.append(src)
            continue
        label = hit.service or hit.platform
        name = f"{ctx.path}:{hit.line}: {label} ({where})"
        facts.env_sources.append(EnvSource(
            name=name, kind="platform", environment=hit.environment, path=ctx.path, platform=hit.platform,
            settings=settings, env_files=tuple(hit.env_files),
            injected=INJECTED.get(_INJECTED_KEY.get(hit.platform, ""), ()),
            opaque=not hit.replaces or bool(hit.env_files)))
