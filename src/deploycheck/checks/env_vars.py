"""env-vars: is every environment variable the code reads set in production?

The most common reason an app that works locally breaks on the server: a variable that lives in
the developer's `.env` was never set on the platform. The check compares every variable production
code reads (without a usable default) with what the repository says production sets:

- *transparent* production config (render.yaml envVars, netlify/vercel/fly env tables, app.yaml,
  .env.production, Kubernetes env, systemd Environment=): a variable missing there is an error;
- *opaque* production config (values set in a dashboard or a secrets store: Fly secrets, Railway,
  Heroku config vars, an EnvironmentFile outside the repo, envFrom a Secret): a variable is fine when
  something declares it (.env.example, the README's setup steps, a deploy-config comment, Render
  `sync: false`), and an error when it is declared nowhere;
- no production config at all: the check is `manual` and lists every variable to set.
Variables the platform injects (PORT on Heroku/Render/Railway, FLY_*, VERCEL_*, add-on URLs) and
the runtime's own (NODE_ENV, PATH, HOME …) never need setting.
"""
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from typing import Iterator, Sequence

from deploycheck.core import Check, Finding, Location, Rule, Severity, Status, default_verdict
from deploycheck.project.model import EnvRead, EnvSource, Project, Role

QUESTION = "Is every environment variable the code reads set in production?"

UNSET_IN_PRODUCTION = Rule(
    "env-vars/unset-in-production", Severity.ERROR, "Environment variable not set in production",
    why="The code reads this variable and has no default, but nothing in the repository sets it for "
        "production. It works on your machine because your .env has it; on the server it is undefined, "
        "so the feature that needs it crashes or silently does nothing.",
    fix="Set the variable on your hosting platform (and list it in the platform config or .env.example "
        "so the next deploy has it too); make the app fail at start-up with a clear message when it is missing.",
    docs="""Bad (render.yaml lists DATABASE_URL only):
    const resend = new Resend(process.env.RESEND_API_KEY);
Good:
    envVars:
      - key: RESEND_API_KEY
        sync: false        # set in the Render dashboard""")

MISSPELLED_NAME = Rule(
    "env-vars/misspelled-name", Severity.ERROR, "Variable name differs from the one production sets",
    why="The code reads one name and the platform sets a slightly different one, so the value never "
        "arrives: a typo that no local test catches because your .env uses the code's spelling.",
    fix="Use the same name in the code and the platform config.")

DEV_DEFAULT = Rule(
    "env-vars/dev-default-in-production", Severity.WARNING, "Development default used in production",
    why="The variable is not set in production, so the app silently runs with a value meant for a "
        "laptop (localhost, 'dev', 'changeme'): it starts, then fails or is insecure at the first request.",
    fix="Set the variable in production and drop the development default (or fail at start-up when it "
        "is missing in production).")

SECRET_IN_CLIENT = Rule(
    "env-vars/secret-in-client-code", Severity.ERROR, "Secret variable read in browser code",
    why="Variables prefixed NEXT_PUBLIC_, VITE_ or REACT_APP_, and anything read in a 'use client' "
        "module, are copied into the JavaScript every visitor downloads: a secret there is public.",
    fix="Read the secret only in server code (an API route, a server action, getServerSideProps) and "
        "give the browser only what it needs.")

SERVER_VAR_IN_CLIENT = Rule(
    "env-vars/server-var-in-client-code", Severity.ERROR, "Server-only variable read in browser code",
    why="In the browser only variables with the framework's public prefix exist (NEXT_PUBLIC_, VITE_, "
        "REACT_APP_); this one is undefined there, so the feature that uses it breaks for every visitor.",
    fix="Read it in server code and pass the value down, or rename it with the public prefix if it is "
        "not a secret.")

UNVERIFIED = Rule(
    "env-vars/unverified-in-production", Severity.INFO, "Variable to set in production (no config to check)",
    why="The repository has no production configuration (platform manifest, .env.production, "
        "Kubernetes or systemd file), so deploycheck cannot see whether this variable is set there.",
    fix="Set it on your hosting platform, or run `deploycheck env --from-process` on the server to compare.")

DYNAMIC_READ = Rule(
    "env-vars/dynamic-read", Severity.INFO, "Variable name computed at run time",
    why="`process.env[name]` with a computed name cannot be checked against production config.",
    fix="Read variables by literal name (or through a helper called with literal names) so tools can check them.")

UNUSED_IN_CODE = Rule(
    "env-vars/unused-in-code", Severity.INFO, "Set in production but read nowhere",
    why="Production sets a variable the code never reads: often a renamed variable whose new name is "
        "missing, or a leftover secret that should be removed from the platform.",
    fix="Remove it from the production config, or check whether the code expects a different name.")

# Provided by the runtime or the shell, never something a deploy has to set.
RUNTIME_PROVIDED = frozenset({
    "NODE_ENV", "PATH", "HOME", "PWD", "OLDPWD", "HOSTNAME", "HOST_NAME", "USER", "USERNAME", "LOGNAME", "SHELL",
    "TERM", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TEMP", "TMP", "CI", "DEBUG", "NO_COLOR",
    "FORCE_COLOR", "COLUMNS", "LINES", "PYTHONPATH", "PYTHONUNBUFFERED", "VIRTUAL_ENV", "NODE_OPTIONS",
    "npm_package_version", "npm_package_name", "npm_lifecycle_event", "npm_config_user_agent",
    "GITHUB_ACTIONS", "JEST_WORKER_ID", "VITEST", "PYTEST_CURRENT_TEST", "NEXT_RUNTIME", "NEXT_PHASE",
    "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION",
    "AWS_EXECUTION_ENV", "LAMBDA_TASK_ROOT", "FUNCTION_TARGET", "K_SERVICE", "K_REVISION",
    "SERVER_SOFTWARE", "WERKZEUG_RUN_MAIN", "FLASK_RUN_FROM_CLI", "RUN_MAIN", "DJANGO_SETTINGS_MODULE",
    "PUBLIC_URL",   # set by create-react-app's build for the app's own base path
})
_CLIENT_PREFIX = re.compile(r"^(NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_|GATSBY_|NUXT_PUBLIC_|PUBLIC_)")
_SECRET_NAME = re.compile(r"(SECRET|PRIVATE|PASSWORD|PASSWD|SERVICE_ROLE|_TOKEN$|TOKEN_|API_KEY$|_KEY$|CREDENTIAL)", re.I)
_PUBLIC_KEY_NAME = re.compile(r"(PUBLISHABLE|PUBLIC_KEY|ANON_KEY|SITE_KEY|MEASUREMENT_ID|CLIENT_ID|DSN|APP_ID|PROJECT_ID)", re.I)
# A name that says public past the framework prefix: VITE_STYTCH_PUBLIC_TOKEN, STRIPE_PUBLIC_KEY.
_PUBLIC_WORD = re.compile(r"(^|_)PUBLIC(_|$)", re.I)
# Settings about a secret rather than the secret: ACCESS_TOKEN_MINUTES, JWT_SECRET_FILE, API_KEY_HEADER.
_SECRET_SETTING = re.compile(r"_(MINUTES|SECONDS|HOURS|DAYS|TTL|EXPIRY|EXPIRES|EXPIRES_IN|LIFETIME|LENGTH|SIZE|"
                             r"COUNT|FILE|PATH|HEADER|ALGORITHM|ALG|ISSUER|AUDIENCE|ENABLED|DISABLED|ID|NAME)$", re.I)
_DEV_DEFAULT = re.compile(r"localhost|127\.0\.0\.1|://0\.0\.0\.0|\[::1\]|^(dev|development|test|changeme|change-me|"
                          r"secret|password|keyboard cat|xxx+|todo|fixme|example)$", re.I)
# Code that runs in production: what it reads must be set there.
READ_ROLES = frozenset({Role.APP, Role.MIGRATION, Role.BUILD_CONFIG})
_READ_ROLES = READ_ROLES


# ----------------------------------------------------------------------------------- shared judgements
# One definition each, used by this check and by `deploycheck env` (inventory.py), so both agree.

def is_secret_name(name: str) -> bool:
    """A name that says it holds a credential (…_SECRET, …_API_KEY, …_TOKEN), minus the keys that are
    public by design (publishable/anon/site keys, DSNs, client ids)."""
    return bool(_SECRET_NAME.search(name)) and not _PUBLIC_KEY_NAME.search(name) and not _SECRET_SETTING.search(name) \
        and not _PUBLIC_WORD.search(_CLIENT_PREFIX.sub("", name))


def is_public_name(name: str) -> bool:
    """Carries a framework's public prefix (NEXT_PUBLIC_, VITE_, REACT_APP_ …): reaches browser code."""
    return bool(_CLIENT_PREFIX.match(name))


def is_required_read(read: EnvRead, present: frozenset[str] | set[str] = frozenset()) -> bool:
    """Read with no default and not merely tested for presence: the code needs a value.

    A read inside a branch taken only when variables are present (`if "X" in os.environ: … os.environ["X"]`,
    `process.env.X ? f(process.env.X) : null`) is optional when the branch tests its own name, and needed
    only when the feature is switched on otherwise: when one of the tested variables is in `present`
    (`if "GS_BUCKET_NAME" in os.environ: GS_PROJECT_ID = os.environ["GS_PROJECT_ID"]`)."""
    if read.has_default or read.conditional:
        return False
    if not read.only_if:
        return True
    if read.name in read.only_if:
        return False
    return any(n in present for n in read.only_if)


def is_dev_default(value: str | None) -> bool:
    """A default meant for a laptop (localhost, 'dev', 'changeme' …)."""
    return value is not None and bool(_DEV_DEFAULT.search(value))


def injected_names(project: Project) -> set[str]:
    """Variables some platform the project deploys to sets by itself (PORT, FLY_*, add-on URLs)."""
    return {n for s in project.env_sources for n in s.injected}


def consumed_by_tools(name: str) -> bool:
    """Variables read by runtimes, SDKs or build tools rather than by the app's own code."""
    return bool(_TOOL_VARS.match(name))


_EXPANSION = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def config_expanded(project: Project) -> set[str]:
    """Variables the deploy configs consume themselves: expanded in a Dockerfile (`WORKDIR $APP_HOME`, an
    ARG a `RUN` tests) or in a build/start command (`gunicorn --workers $WEB_WORKERS`)."""
    out = {st.name for s in project.env_sources for st in s.settings if st.used_in_config}
    for d in project.deploy:
        for cmd, _ in d.commands:
            out.update(m.group(1) for m in _EXPANSION.finditer(cmd))
    return out


def _names_in(sources: Sequence[EnvSource], *, build_only: bool = False) -> set[str]:
    """Names the sources set for the running app (or, with build_only, only for the build)."""
    out: set[str] = set()
    for s in sources:
        out |= {st.name for st in s.settings if st.build_only == build_only}
        if not build_only:
            out |= set(s.injected)
    return out


def production_sources(project: Project) -> list[EnvSource]:
    return [s for s in project.env_sources if s.environment == "production" and s.kind != "inline"]


def inlined_names(project: Project) -> set[str]:
    """Names the build inlines into every bundle (next.config `env: {…}`): provided, server and browser."""
    return {st.name for s in project.env_sources if s.kind == "inline" for st in s.settings}


def has_production_config(project: Project) -> bool:
    return bool(production_sources(project)) or any(not d.dev_only for d in project.deploy)


def _declared(project: Project) -> dict[str, Location]:
    out: dict[str, Location] = {}
    for d in project.env_declarations:
        out.setdefault(d.name, d.location)
    for s in project.env_sources:
        for st in s.settings:
            if st.kind == "declared":
                out.setdefault(st.name, st.location)
    return out


def app_reads(project: Project) -> list[EnvRead]:
    return [r for r in project.env_reads if project.role(r) in _READ_ROLES]


def near_miss(name: str, candidates: set[str]) -> str | None:
    """A configured name that is a typo of `name` (DATABSE_URL for DATABASE_URL), not a sibling:
    STRIPE_SECRET_TEST next to STRIPE_SECRET, or REDIS_URL next to REDIS_URI, are different variables."""
    parts = name.split("_")
    for cand in difflib.get_close_matches(name, sorted(candidates), n=3, cutoff=0.85):
        if cand == name or cand.startswith(name) or name.startswith(cand) or cand.endswith(name) or name.endswith(cand):
            continue
        cparts = cand.split("_")
        if len(cparts) != len(parts):
            continue
        differing = [(a, b) for a, b in zip(parts, cparts) if a != b]
        # one word misspelled, and by letters (DATABSE/DATABASE), not a different word (URL/URI, KEY/KEYS,
        # NAME/USERNAME: one word inside the other is another word)
        if len(differing) == 1 and min(len(differing[0][0]), len(differing[0][1])) >= 4:
            a, b = differing[0]
            if a in b or b in a:
                continue
            return cand
    return None


def find(project: Project, ctx) -> Iterator[Finding]:
    reads = app_reads(project)
    by_name: dict[str, list[EnvRead]] = defaultdict(list)
    for r in reads:
        if r.name is None:
            yield DYNAMIC_READ.at(r.location, "environment variable read with a computed name",
                                  subject=f"dynamic@{r.location.path}")
            continue
        by_name[r.name].append(r)

    inlined = inlined_names(project)
    by_name = {n: rs for n, rs in by_name.items() if n not in inlined}
    yield from _client_side(project, by_name)

    prod = production_sources(project)
    injected_anywhere = injected_names(project)
    set_names = _names_in(prod) | injected_anywhere
    build_names = _names_in(prod, build_only=True) - set_names
    declared = _declared(project)
    any_config = has_production_config(project)
    with_env = {s.platform for s in prod}
    # a platform whose manifest sets no variables keeps them in its dashboard: opaque
    dashboard_only = any(not d.dev_only and d.platform not in with_env and d.platform not in ("docker", "compose")
                         for d in project.deploy)
    transparent = bool(prod) and not any(s.opaque for s in prod) and not dashboard_only
    paths = sorted({s.path for s in prod})
    where = (", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")) or "the platform config"
    switched_on = set_names | set(declared)   # an optional feature may be on where its switch is set or declared

    for name, rs in sorted(by_name.items()):
        if name in RUNTIME_PROVIDED or name in set_names:
            continue
        rs = sorted(rs, key=lambda r: (r.location.path or "", r.location.line or 0))
        if name in build_names and (is_public_name(name) or
                                    all(project.role(r) is Role.BUILD_CONFIG for r in rs)):
            continue   # inlined or read at build time, where the build-only setting is visible
        required = [r for r in rs if is_required_read(r, switched_on)]
        dev = [r for r in rs if r.has_default and is_dev_default(r.default)]
        if not required and not dev:
            continue
        primary = (required or dev)[0]
        others = tuple(r.location for r in rs if r is not primary)[:5]
        if not any_config:
            yield UNVERIFIED.at(primary.location, f"{name} is read here: make sure production sets it",
                                subject=name, related=others)
            continue
        near = near_miss(name, set_names | set(declared))
        if required and near:
            yield MISSPELLED_NAME.at(primary.location,
                                     f"{name} is read here, but production sets {near}",
                                     subject=name, fix=f"Rename one of them so both say the same: {near} or {name}.")
            continue
        if not transparent and name in declared:
            continue
        if required and name in build_names:
            build_src = next(s.path for s in prod if any(st.name == name and st.build_only for st in s.settings))
            yield UNSET_IN_PRODUCTION.at(primary.location, f"{name} is read by the running app but {build_src} sets it "
                                         "for the build only", subject=name, related=others)
        elif required:
            if transparent:
                msg = f"{name} is read here but not set in {where}"
                if name in declared:
                    msg += f" (it is only listed in {declared[name].path})"
            else:
                msg = f"{name} is read here but set or declared nowhere for production (not in {where}, " \
                      f".env.example or the README)"
            yield UNSET_IN_PRODUCTION.at(primary.location, msg, subject=name, related=others)
        else:
            d = dev[0]
            yield DEV_DEFAULT.at(d.location, f"{name} is not set in production, so it falls back to '{d.default}'",
                                 subject=name, related=others)

    read_names = set(by_name) | config_expanded(project)
    for s in prod:
        for st in s.settings:
            if st.name not in read_names and st.kind != "declared" and not consumed_by_tools(st.name) \
                    and st.name not in RUNTIME_PROVIDED and not st.build_only:   # build settings configure the build
                yield UNUSED_IN_CODE.at(st.location, f"{st.name} is set in {s.path} but no code reads it",
                                        subject=st.name)


_TOOL_VARS = re.compile(
    r"^(PORT|NODE_VERSION|PYTHON_VERSION|NPM_VERSION|YARN_VERSION|PNPM_VERSION|BUN_VERSION|NODE_ENV|NODE_OPTIONS|NODE_PATH|"
    r"WEB_CONCURRENCY|GUNICORN_CMD_ARGS|UVICORN_\w+|PYTHONUNBUFFERED|PYTHONDONTWRITEBYTECODE|PIP_\w+|POETRY_\w+|"
    r"SENTRY_\w+|DD_\w+|NEW_RELIC_\w+|OTEL_\w+|HONEYBADGER_\w+|BUGSNAG_\w+|ROLLBAR_\w+|LOG_LEVEL|TZ|LANG|"
    r"NEXT_TELEMETRY_DISABLED|NETLIFY_\w+|VERCEL_\w+|RENDER_\w+|FLY_\w+|RAILWAY_\w+|HEROKU_\w+|DATABASE_URL|"
    r"DIRECT_URL|SHADOW_DATABASE_URL|PRISMA_\w+|NPM_CONFIG_\w+|NIXPACKS_\w+|CI|DEBUG|DJANGO_SETTINGS_MODULE|"
    r"FLASK_APP|FLASK_ENV|FLASK_DEBUG|MALLOC_ARENA_MAX|GOOGLE_APPLICATION_CREDENTIALS|AWS_\w+|"
    # installers and toolchains configured in Dockerfiles
    r"DEBIAN_FRONTEND|VOLTA_\w+|NVM_DIR|PNPM_HOME|BUN_INSTALL|COREPACK_\w+|UV_\w+|PIPENV_\w+|PYTHONHASHSEED|"
    r"PYTHONFAULTHANDLER|PYTHONIOENCODING|LC_\w+|LANGUAGE|JAVA_HOME|GOPATH|CARGO_HOME|RUSTUP_HOME)$")


# Frameworks that give server code `import.meta.env` with every variable (only PUBLIC_-prefixed ones reach
# the browser): Astro, SvelteKit, Remix/React Router on Vite, Nuxt, SolidStart, Qwik.
_SSR_VITE = frozenset({"astro", "@sveltejs/kit", "@remix-run/dev", "@react-router/dev", "nuxt", "@solidjs/start",
                       "@builder.io/qwik-city", "vike", "@tanstack/react-start", "@tanstack/start"})


def _ssr_vite_roots(project: Project) -> list[str]:
    """Directories of packages that use such a framework ('' for the repo root)."""
    out = []
    for path, name, _spec, _section in project.extra.get("js_deps", []):
        if name in _SSR_VITE:
            out.append(path.rsplit("/", 1)[0] + "/" if "/" in path else "")
    return out


def _client_side(project: Project, by_name: dict[str, list[EnvRead]]) -> Iterator[Finding]:
    ssr_roots = _ssr_vite_roots(project)
    for name, rs in sorted(by_name.items()):
        for r in rs:
            if r.side != "client" or name in RUNTIME_PROVIDED:
                continue
            path = r.location.path or ""
            if r.how == "import.meta.env" and not is_public_name(name) and any(path.startswith(p) for p in ssr_roots) \
                    and not (f := project.file(path)) is None and not f.client_side:
                continue   # an Astro/SvelteKit server module: it sees every variable (the browser never runs it)
            if is_secret_name(name):
                yield SECRET_IN_CLIENT.at(r.location, f"{name} is read in code that ships to the browser",
                                          subject=name)
            elif not is_public_name(name):
                yield SERVER_VAR_IN_CLIENT.at(r.location, f"{name} is undefined in the browser: only public-prefixed "
                                                          "variables reach client code", subject=name)


def verdict(project: Project, findings: Sequence[Finding]) -> tuple[Status, str]:
    status, summary = default_verdict(project, findings)
    active = [f for f in findings if f.suppressed_by is None]
    if status is Status.PASS and any(f.rule is UNVERIFIED for f in active):
        n = sum(1 for f in active if f.rule is UNVERIFIED)
        return Status.MANUAL, f"no production config in the repo: confirm {n} variable(s) are set on the server"
    if status is Status.PASS:
        n = len({r.name for r in app_reads(project) if r.name})
        return Status.PASS, f"all {n} variable(s) the code reads are set or declared for production" if n else \
            "the code reads no environment variables"
    unset = sum(1 for f in active if f.rule in (UNSET_IN_PRODUCTION, MISSPELLED_NAME))
    client = sum(1 for f in active if f.rule in (SECRET_IN_CLIENT, SERVER_VAR_IN_CLIENT))
    warnings = sum(1 for f in active if f.severity is Severity.WARNING)
    parts = []
    if unset:
        parts.append(f"{unset} variable(s) read by the code are not set in production")
    if client:
        parts.append(f"{client} variable(s) misused in browser code")
    if warnings:
        parts.append(f"{warnings} warning(s)")
    return status, "; ".join(parts) or summary


CHECK = Check("env-vars", QUESTION,
              rules=(UNSET_IN_PRODUCTION, MISSPELLED_NAME, DEV_DEFAULT, SECRET_IN_CLIENT, SERVER_VAR_IN_CLIENT,
                     UNVERIFIED, DYNAMIC_READ, UNUSED_IN_CODE),
              find=find, verdict=verdict, title="Environment variables")
