"""Helpers shared by the repository-level checks (rollback, monitoring, tested-flow) and the
safety-nets summary: which languages the deployed app uses, how npm/Make scripts resolve, which
commands migrate a database or run tests, and how a route path matches a request path.

Pure functions over facts. Nothing here yields findings.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

from deploycheck.core import Location
from deploycheck.project.model import DeployConfig, Language, Manifest, Project, Role

LIBRARY_SUMMARY = "looks like a library (published package, no deploy target): nothing here is deployed"
SERVERLESS = frozenset({"vercel", "netlify", "cloudflare", "aws-sam", "serverless", "amplify", "firebase"})


# ----------------------------------------------------------------------------- what is deployed


def app_languages(project: Project) -> set[str]:
    """'node' (or 'bun') and/or 'python': the runtimes the production code needs."""
    langs: set[str] = set()
    app = [f for f in project.files if f.role is Role.APP]
    js_app = any(f.language.is_js and not f.client_side for f in app)
    py_app = any(f.language is Language.PYTHON for f in app)
    js_manifests = deployed_js_manifests(project)
    if any(m.dependencies or m.scripts for m in js_manifests) and (js_app or any(_has_start(m) for m in js_manifests)):
        langs.add(js_runtime(project))
    for m in project.repo.manifest_facts:
        if m.ecosystem == "python" and not m.dev_only and m.kind not in ("requirements-in", "setup.py") \
                and (m.dependencies or py_app):
            langs.add("python")
    if py_app and not js_manifests:
        langs.add("python")
    return langs


def _has_start(m: Manifest) -> bool:
    return any(name in ("start", "build", "serve") for name, _ in m.scripts)


def js_runtime(project: Project) -> str:
    """'bun' when the project runs on Bun (its lockfile or packageManager says so), else 'node'."""
    for m in project.repo.manifest_facts:
        if m.kind == "package.json" and "/" not in m.path and (m.package_manager or "").startswith("bun@"):
            return "bun"
    locks = {l.kind for l in project.repo.lockfile_facts if "/" not in l.path and l.kind in ("npm", "yarn", "pnpm", "bun")}
    if locks == {"bun"}:
        return "bun"
    return "node"


def deployed_js_manifests(project: Project) -> list[Manifest]:
    """package.json files that are deployed: the root one, the top-level app folders of a repo
    without a root package.json (frontend/ + backend/), and folders with their own deploy config."""
    manifests = [m for m in project.repo.manifest_facts if m.kind == "package.json"]
    has_root = any(m.path == "package.json" for m in manifests)
    deploy_dirs = {_dir(d.path) for d in deploy_configs(project)} | {
        _dir(f.path) for f in project.files if f.role is Role.DEPLOY_CONFIG}
    out = []
    for m in manifests:
        d = _dir(m.path)
        if m.path == "package.json" or d in deploy_dirs or (not has_root and d.count("/") == 0):
            out.append(m)
    return out


def looks_like_library(project: Project) -> bool:
    """No deploy target and a root manifest made for a package registry: a library, not an app."""
    if project.repo.platform is not None:
        return False
    root = [m for m in project.repo.manifest_facts if "/" not in m.path]
    return any(m.publishable for m in root)


def _dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def deploy_configs(project: Project) -> list[DeployConfig]:
    return [d for d in project.deploy if not d.dev_only]


def deploy_commands(project: Project) -> Iterator[tuple[str, Location, DeployConfig]]:
    for d in deploy_configs(project):
        for cmd, loc in d.commands:
            yield cmd, loc, d


def platform_id(project: Project) -> str | None:
    p = project.repo.platform
    return p.id if p else None


def frameworks(project: Project) -> list[str]:
    """Web frameworks of the routes, most common first."""
    counts: dict[str, int] = {}
    for r in project.routes:
        counts[r.framework] = counts.get(r.framework, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])


def framework_guess(project: Project) -> str | None:
    """The main web framework: from the routes, else from the dependencies."""
    fws = frameworks(project)
    if fws:
        return fws[0]
    names = {d.name.lower() for m in project.repo.manifest_facts for d in m.dependencies}
    for dep, fw in (("next", "nextjs"), ("@nestjs/core", "nestjs"), ("fastify", "fastify"), ("hono", "hono"),
                    ("express", "express"), ("fastapi", "fastapi"), ("django", "django"), ("flask", "flask")):
        if dep in names:
            return fw
    return None


# ----------------------------------------------------------------------------- scripts


_NPM_RUN = re.compile(r"\b(?:npm|pnpm|yarn|bun)\s+(?:(?:--?[\w-]+\s+)*(run(?:-script)?)\s+)?([\w:.-]+)")
_NPM_BUILTIN = {"install", "i", "ci", "add", "exec", "x", "dlx", "create", "init", "publish", "version", "link",
                "audit", "outdated", "update", "upgrade", "remove", "rm", "uninstall", "pack", "config", "cache",
                "set", "why", "list", "ls", "prune", "rebuild", "dedupe", "login", "whoami", "-v", "--version"}


def npm_scripts(project: Project) -> dict[str, list[str]]:
    """Every package.json script name -> the commands it maps to (across workspaces)."""
    out: dict[str, list[str]] = {}
    for m in project.repo.manifest_facts:
        if m.kind == "package.json":
            for name, cmd in m.scripts:
                out.setdefault(name, []).append(cmd)
    return out


def make_targets(project: Project) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in project.repo.script_facts:
        for target, cmds in s.targets:
            out.setdefault(target, []).extend(cmds)
    return out


def expand(command: str, project: Project, depth: int = 0, _scripts=None, _targets=None) -> list[str]:
    """The command and everything it runs through npm/yarn/pnpm/bun scripts and make targets."""
    scripts = _scripts if _scripts is not None else npm_scripts(project)
    targets = _targets if _targets is not None else make_targets(project)
    out = [command]
    if depth > 6:
        return out
    names: list[str] = []
    for m in _NPM_RUN.finditer(command):
        name = m.group(2)
        if not m.group(1) and name in _NPM_BUILTIN:
            continue
        names.append(name)
    if re.search(r"\bnpm\s+(t|test)\b|\b(yarn|pnpm|bun)\s+test\b", command):
        names.append("test")
    # `pnpm --filter web test`, `npm run test -w web`, `yarn workspace web test:e2e`: any argument that names a script
    for seg in re.split(r"&&|\|\||;|\|", command):
        toks = seg.split()
        if toks and toks[0] in ("npm", "pnpm", "yarn", "bun", "npx") and toks[0] != "npx":
            names.extend(t for t in toks[1:] if not t.startswith("-") and t in scripts and t not in _NPM_BUILTIN)
    # npm-run-all / run-s / run-p / start-server-and-test / concurrently "npm:x"
    m = re.search(r"\b(npm-run-all|run-s|run-p|start-server-and-test|start-test|server-test|concurrently)\b(.*)", command)
    if m:
        for tok in re.findall(r"[\"']?(?:npm:)?([\w:.*-]+)[\"']?", m.group(2)):
            if tok in scripts:
                names.append(tok)
    for name in dict.fromkeys(names):
        for cmd in scripts.get(name, []):
            out.extend(expand(cmd, project, depth + 1, scripts, targets))
    for m in re.finditer(r"\bmake\s+(?:-\S+\s+)*([\w.-]+)", command):
        for cmd in targets.get(m.group(1), []):
            out.extend(expand(cmd, project, depth + 1, scripts, targets))
    for m in _SHELL_SCRIPT.finditer(command):
        rel = m.group(1).removeprefix("./")
        for s in project.repo.script_facts:
            if s.kind == "shell" and (s.path == rel or s.path.endswith("/" + rel)):
                for cmd, _ in s.commands:
                    out.extend(expand(cmd, project, depth + 1, scripts, targets))
                break
    return out


_SHELL_SCRIPT = re.compile(r"(?:\b(?:bash|sh|zsh|source)\s+(?:-\w+\s+)*|(?:^|[\s;&|(]))(\.?/?[\w./-]+\.sh)\b")


# ----------------------------------------------------------------------------- what commands do

MIGRATE = re.compile(
    r"\bprisma\s+(migrate\s+(deploy|dev|reset)|db\s+push)\b|\bknex\s+migrate:(latest|up)\b|\bsequelize(-cli)?\s+db:migrate\b"
    r"|\bnode-pg-migrate\b(?!.*\bdown\b)|\btypeorm(-ts-node-\w+)?\s+migration:run\b|\bdrizzle-kit\s+(migrate|push)\b"
    r"|\balembic\s+upgrade\b|\bmanage\.py\s+migrate\b|\bflask\s+db\s+upgrade\b|\bsupabase\s+db\s+push\b"
    r"|\bdb-migrate\s+up\b|\bmikro-orm\s+migration:up\b|\bkysely\s+migrate\b|\bdbmate\s+(up|migrate)\b"
    r"|\bgoose\s+up\b|\bmigrate\s+.*\bup\b|\bnpm\s+run\s+[\w:.-]*migrat|\b(yarn|pnpm|bun)\s+(run\s+)?[\w:.-]*migrat"
    r"|\bnode\s+\S*migrat\w*\.[cm]?[jt]s\b|\bpython\d?\s+\S*migrat\w*\.py\b", re.I)


def migrates(command: str, project: Project) -> bool:
    return any(MIGRATE.search(c) for c in expand(command, project))


_RUNNERS = (
    ("playwright", re.compile(r"\bplaywright\s+test\b")),
    ("cypress", re.compile(r"\bcypress\s+run\b|cypress-io/github-action")),
    ("js", re.compile(r"\b_?(jest|vitest|mocha|ava|uvu|jasmine|karma)\b(?!\.config)|\bnode\s+(--[\w-]+(=\S+)?\s+)*--test\b"
                      r"|\b(bun|deno)\s+test\b|\breact-scripts\s+test\b|\bng\s+test\b|\btap\s|\bnyc\b|\bc8\b")),
    ("js-any", re.compile(r"\b(turbo|nx|lerna)\b.*\btest\b|\bpnpm\s+(-r|--recursive)\s+(run\s+)?test\b|\bworkspaces\b.*\btest\b")),
    ("python", re.compile(r"\bpy\.?test\b|\bpython\d?(\.\d+)?\s+-m\s+(pytest|unittest)\b|\bmanage\.py\s+test\b|\btox\b|\bnox\b"
                          r"|\bhatch\s+(run\s+)?test\b|\bgreen\b\s")),
)
_NO_TEST = re.compile(r"no test specified|^\s*(echo|exit)\b", re.I)


def test_runners(command: str, project: Project) -> set[str]:
    found: set[str] = set()
    for c in expand(command, project):
        if _NO_TEST.search(c):
            continue
        for name, rx in _RUNNERS:
            if rx.search(c):
                found.add(name)
    return found


def runs_file(runners: set[str], frameworks: Iterable[str], language: str) -> bool:
    fw = set(frameworks)
    if language == "python":
        return "python" in runners
    if "js-any" in runners:
        return True
    if "playwright" in fw:
        return "playwright" in runners
    if "cypress" in fw:
        return "cypress" in runners
    return "js" in runners


# ----------------------------------------------------------------------------- paths

_PARAM = re.compile(r"^(:\w+\??|\{[^}]*\}|\[\[?\.{0,3}[^\]]*\]\]?|<[^>]*>|\*\w*|\(.*\)|\$\w+)$")


def path_segments(path: str) -> list[str]:
    return list(_segments(path))


@lru_cache(maxsize=16384)
def _segments(path: str) -> tuple[str, ...]:
    # (memoised: tested-flow compares every route with every request a test makes)
    p = path.split("?", 1)[0].strip()
    p = re.sub(r"^\^|\$$", "", p)
    segs = [s for s in p.strip("/").split("/") if s]
    return tuple("*" if _PARAM.match(s) or s == "*" else s.lower() for s in segs)


def path_matches(route_path: str, request_path: str) -> bool:
    r, q = path_segments(route_path), path_segments(request_path)
    if r and r[-1] == "*" and "[..." in route_path and len(q) >= len(r):
        q = q[:len(r)]
    if len(r) != len(q):
        return False
    return all(a == b or a == "*" or b == "*" for a, b in zip(r, q))


def request_reaches(route_path: str, request_path: str) -> bool:
    """Does a request a test makes reach this route? Lenient on prefixes: a request written as
    `${base}/items` or f"{API}/items", or a route whose mount prefix was not resolved, still counts."""
    if path_matches(route_path, request_path):
        return True
    r, q = path_segments(route_path), path_segments(request_path.lstrip("…"))
    if not r:
        return False
    n = len(r) if len(q) > len(r) else len(q)
    if request_path.startswith("…") and len(q) <= len(r):
        return all(a == b or a == "*" or b == "*" for a, b in zip(r[-n:], q[-n:])) and n > 0
    if len(q) > len(r):                            # the route's mount prefix may be missing
        return all(a == b or a == "*" or b == "*" for a, b in zip(r, q[-len(r):]))
    return False


HEALTH_WORDS = frozenset({"health", "healthz", "healthcheck", "health-check", "health_check", "_health", "__health",
                          "readyz", "livez", "readiness", "liveness", "heartbeat", "healthy"})
_GENERIC_HEALTH = frozenset({"status", "ready", "live", "ping", "up", "alive", "hc"})
_PREFIXES = frozenset({"api", "v1", "v2", "v3", "internal", "_", "system", "sys", "meta", "monitoring", "ops", "_ah"})


def is_health_path(path: str) -> bool:
    segs = path_segments(path)
    if not segs or "*" in segs or len(segs) > 3:
        return False
    if segs[-1] in HEALTH_WORDS:
        return True
    return segs[-1] in _GENERIC_HEALTH and all(s in _PREFIXES for s in segs[:-1])
