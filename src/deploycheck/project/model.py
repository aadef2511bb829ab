"""The project model: facts extracted from the files, and nothing that judges them.

Every fact is a small frozen dataclass with a `location`. None holds a syntax tree, so facts are
cheap to pickle across the process pool and to cache by content hash. Checks read facts only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Iterable, Iterator, TypeVar

from deploycheck.core import Location, Skipped


class Role(StrEnum):
    """What a file is for, decided once in classify.py."""
    APP = "app"                      # code that runs in production
    TEST = "test"                    # tests, fixtures, e2e seeds, mocks
    SCRIPT = "script"                # one-off scripts: seeds, maintenance, scripts/ folder
    DEV_CONFIG = "dev-config"        # vite/webpack/jest/playwright configs, local compose, .env.development
    DEPLOY_CONFIG = "deploy-config"  # render.yaml, fly.toml, Dockerfile, k8s, systemd, Procfile …
    CI = "ci"                        # .github/workflows, .gitlab-ci.yml …
    DOCS = "docs"                    # README, docs/
    ENV_EXAMPLE = "env-example"      # .env.example / .sample / .template / .dist
    ENV_FILE = "env-file"            # .env, .env.local, .env.production … (real values)
    MANIFEST = "manifest"            # package.json, requirements.txt, pyproject.toml, lockfiles
    MIGRATION = "migration"          # database migrations (run in production, reversible or not)
    BUILD_CONFIG = "build-config"    # next.config.js, tsconfig, babel … (runs at build time)
    OTHER = "other"


class Language(StrEnum):
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    TSX = "tsx"
    PYTHON = "python"
    JSON = "json"
    YAML = "yaml"
    TOML = "toml"
    DOTENV = "dotenv"
    DOCKERFILE = "dockerfile"
    INI = "ini"                      # also systemd units, alembic.ini, setup.cfg
    SHELL = "shell"
    MARKDOWN = "markdown"
    SQL = "sql"
    TEXT = "text"                    # Procfile, requirements.txt, .nvmrc …
    OTHER = "other"

    @property
    def is_js(self) -> bool:
        return self in (Language.JAVASCRIPT, Language.TYPESCRIPT, Language.TSX)

    @property
    def is_code(self) -> bool:
        return self.is_js or self is Language.PYTHON


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str                # relative, "/" separators
    language: Language
    role: Role
    size: int
    lines: int
    sha256: str
    partial: str | None = None       # why the analysis is incomplete (syntax error at 12:4 …)
    client_side: bool = False        # code that ships to the browser ('use client', React pages, vite src)


# ---------------------------------------------------------------------------------------- env
@dataclass(frozen=True, slots=True)
class EnvRead:
    """A read of an environment variable by the code."""
    name: str | None                 # None: dynamic (process.env[name]) and not resolvable
    location: Location
    how: str                         # "process.env", "process.env[]", "destructure", "import.meta.env",
                                     # "os.environ[]", "os.environ.get", "os.getenv", "BaseSettings",
                                     # "wrapper:<fn>" (a local helper such as required('X'))
    has_default: bool = False
    default: str | None = None       # the literal default, when it is a literal
    raises_when_missing: bool = False  # os.environ["X"], BaseSettings field without default, required()
    side: str = "server"             # "server" | "client" (ships to the browser)
    function: str | None = None      # enclosing function name, when any
    conditional: bool = False        # used only to test presence/equality (if process.env.X ..., === 'true')
    only_if: tuple[str, ...] = ()    # read only where these variables are present: inside `if X:`,
                                     # `if "X" in os.environ:`, `X ? f(X) : …`, `X && f(X)` (its own name:
                                     # optional by design; other names: an optional feature switched on by them)


@dataclass(frozen=True, slots=True)
class EnvSetting:
    """A variable set (or declared) by an environment source."""
    name: str
    location: Location
    value: str | None = None         # literal value when the source has one; never printed
    kind: str = "value"              # "value" | "secret-ref" | "generated" | "from-service" | "declared" | "interpolated"
    build_only: bool = False         # only the build sees it (Dockerfile ARG, netlify.toml environment,
                                     # vercel.json build.env, Fly build args): not there when the server runs
    used_in_config: bool = False     # the config itself expands it ($APP_HOME in a Dockerfile WORKDIR/RUN/CMD):
                                     # consumed even when no code reads it


@dataclass(frozen=True, slots=True)
class EnvSource:
    """One environment: a deploy manifest's service/context, a dotenv file, a CI job …"""
    name: str                        # display name: "render.yaml: tasks-api", ".env.production"
    kind: str                        # "platform" | "dotenv" | "compose" | "k8s" | "systemd" | "dockerfile" | "ci" | "example" | "docs"
    environment: str                 # "production" | "staging" | "preview" | "development" | "test" | "ci" | "example"
    path: str
    platform: str | None = None      # "render", "fly", "railway", "vercel", "netlify", "heroku" …
    settings: tuple[EnvSetting, ...] = ()
    env_files: tuple[str, ...] = ()  # files it loads (compose env_file, systemd EnvironmentFile)
    references: tuple[str, ...] = () # ConfigMap/Secret names (k8s envFrom)
    injected: tuple[str, ...] = ()   # variables the platform sets itself (PORT, FLY_APP_NAME, add-ons …)
    opaque: bool = False             # sets variables we cannot see (EnvironmentFile outside the repo,
                                     # envFrom a Secret, "set in the dashboard")

    @property
    def names(self) -> frozenset[str]:
        return frozenset(s.name for s in self.settings) | frozenset(self.injected)

    @property
    def deploys(self) -> bool:
        return self.environment in ("production", "staging", "preview")


# ---------------------------------------------------------------------------------------- literals
@dataclass(frozen=True, slots=True)
class UrlLiteral:
    """A string literal that names a host: a URL, host:port, or a bare host in a host-ish slot."""
    value: str                       # the literal text (credentials masked by the extractor)
    host: str
    port: int | None
    scheme: str | None
    location: Location
    is_local: bool                   # localhost, 127.0.0.0/8, 0.0.0.0, ::1, *.localhost
    fallback_for: str | None = None  # env var it is the default of (process.env.X || 'url')
    key: str | None = None           # variable or property it is assigned to ("host", "API_URL")
    callee: str | None = None        # function it is an argument of ("app.listen", "app.run")
    in_main_guard: bool = False      # inside `if __name__ == "__main__":`
    in_dev_branch: bool = False      # inside `if (process.env.NODE_ENV !== 'production')` and similar


@dataclass(frozen=True, slots=True)
class SecretCandidate:
    """Something that looks like a credential. Never holds the value: only a mask and a hash."""
    location: Location
    kind: str                        # "stripe-secret-key", "aws-access-key-id", "private-key",
                                     # "db-url-password", "generic", "env-file", "public-env-secret" …
    provider: str                    # human name: "Stripe", "AWS", "generic"
    masked: str                      # first 4 characters and the length
    digest: str                      # sha256 of the value: identity for baselines
    name: str | None = None          # the variable/key it is assigned to, when any
    entropy: float = 0.0
    placeholder: bool = False        # looks like a placeholder / example / test value
    fallback_for: str | None = None  # the env var it is the default of
    in_comment: bool = False
    snippet: str | None = None       # the source line with the value already masked (never the value)


# ---------------------------------------------------------------------------------------- cors
@dataclass(frozen=True, slots=True)
class CorsSetting:
    """One place that decides which origins may call the app: a CORS middleware's options, or an
    Access-Control-Allow-Origin header set by hand or in a platform/framework config file."""
    location: Location               # the origin option / header line; the call when no origin is given
    library: str                     # "cors", "@fastify/cors", "hono/cors", "@koa/cors", "koa2-cors",
                                     # "nestjs", "socket.io", "flask-cors", "flask-cors-config",
                                     # "fastapi" (Starlette CORSMiddleware), "django-cors-headers",
                                     # "python-socketio", "header", "next-headers", "platform-headers"
    origin: str                      # "default" (library default: any origin), "wildcard", "reflect",
                                     # "list", "env", "function", "disabled", "unknown"
    credentials: bool | None = None  # None: set from something we cannot evaluate
    origins: tuple[str, ...] = ()    # literal origins, when listed
    value: str = ""                  # the origin setting as written, shortened: "origin: true",
                                     # "origins='*'", a header's value "req.headers.origin || '*'"
    dev_only: bool = False           # inside an explicit development-only branch / dev settings module
    credentials_location: Location | None = None   # where credentials are switched on, when elsewhere


# ---------------------------------------------------------------------------------------- routes & code
@dataclass(frozen=True, slots=True)
class Guard:
    name: str                        # "requireLogin", "login_required", "Depends(get_current_user)"
    kind: str                        # "middleware" | "decorator" | "dependency" | "body" | "config" | "hook"
                                     # | "global" (NestJS global guard) | "mixin" (Django) | "framework" (Django admin)
    location: Location | None = None
    scope: str = "route"             # "app" | "router" | "route" | "body" | "middleware.ts"
    is_auth: bool = True             # False for middleware that is known not to authenticate
    role: str | None = None          # a role/permission guard: what it requires ("admin", "editor", "role")
    public: bool = False             # an explicit opt-out marker (@Public(), @login_not_required, AllowAny)


@dataclass(frozen=True, slots=True)
class Route:
    method: str                      # "GET", "POST", …, "ANY"
    path: str                        # full path, prefixes resolved
    framework: str                   # "express", "nextjs-app", "nextjs-pages", "flask", "fastapi" …
    location: Location               # where it is registered (decorator / app.get line / file)
    handler: str | None = None       # Function.id of the handler, when known
    handler_location: Location | None = None
    guards: tuple[Guard, ...] = ()
    params: tuple[str, ...] = ()     # path parameters (":id", "<int:id>", "{id}", "[id]")
    # what the handler does that matters for auth (its own body plus local helpers it calls;
    # completed across files by the routes linker)
    accesses: tuple["DataAccess", ...] = ()
    markers: tuple[str, ...] = ()    # "verifies-password", "sets-session", "issues-token", "ends-session",
                                     # "verifies-signature", "oauth-exchange", "hashes-password",
                                     # "sends-email", "identity-in-body", "public-check", "role-check",
                                     # "calls-service", "trivial" … (see routes/_summary.py)
    mount: str | None = None         # identity of the router object it is registered on ("path#var"), for the linker
    name: str | None = None          # handler function/method name, when it has one


@dataclass(frozen=True, slots=True)
class DataAccess:
    """A read or write of stored records by a handler (or a local helper it calls), as auth needs it."""
    location: Location
    op: str                          # "read" | "create" | "update" | "delete" | "write" (unknown write)
    callee: str                      # "Note.findByIdAndUpdate", "pool.query", "cur.execute", "db.get"
    target: str | None = None        # model or table: "Note", "posts"
    single: bool = False             # one record selected by a key (findById, get, WHERE id = …)
    key: str | None = None           # where the selecting key comes from: "request" (path/query/body),
                                     # "user" (the session's own id), "param:N" (the Nth parameter of the
                                     # enclosing function; resolved by the linker), "other", None (no key)
    key_text: str | None = None      # "req.params.id"
    scoped: bool = False             # filtered by owner/user/tenant, or checked against the user after the load
    public: bool = False             # filtered by (or checked for) a published/public/shared flag
    counter: bool = False            # an UPDATE that only bumps a counter (SET n = n + 1)
    scope_param: str | None = None   # also filtered (or checked after the load) by a parameter of the enclosing
                                     # function, as "param:N" or "param:N.prop" for a destructured one
                                     # (`where: { id, programId }`, `if (d.programId !== programId) throw`):
                                     # scoped when the caller passes a value of the signed-in user's


@dataclass(frozen=True, slots=True)
class Import:
    location: Location
    local: str                       # local binding name ("noteRoutes", "db", "*ns")
    source: str                      # module specifier as written ("./routes/notes", "app.db")
    imported: str | None = None      # imported name (None: default / whole module)
    resolved: str | None = None      # repo-relative path of the module, when local


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call inside a function body, as the handler checks need it."""
    callee: str                      # dotted text: "db.query", "fetch", "Note.findById", "requests.post"
    location: Location
    kind: str | None = None          # "db" | "http" | "email" | "payment" | "fs" | "cache" | "storage" | "sms" | None
    in_try: bool = False             # inside try (with a catch/except that handles it)
    awaited: bool = False
    floating: bool = False           # a promise neither awaited, returned nor chained with .catch
    has_catch: bool = False          # .catch(...) chained
    status_checked: bool = False     # res.ok / response.status / raise_for_status() seen for its result
    args: str = ""                   # short text of the arguments (for IDOR/ownership heuristics)
    result: str | None = None        # the name the result is bound to
    # -- added for error-handling / db-connections (all defaulted)
    target: str | None = None        # Function.id of the local function called (same file: extractor;
                                     # imported: the calls linker)
    catch: str | None = None         # what the guarding catch/except does: "empty" | "log-only" |
                                     # "rethrow" | "respond-error" | "respond-success" | "exit" | "return" | "other"
    catch_line: int | None = None    # line of that catch/except clause (or of the chained .catch)
    returned: bool = False           # its value is returned (the caller deals with failures)
    loop: str | None = None          # innermost loop around it in this function: "items" (for x of rows),
                                     # "poll" (while true), "range" (for i in range / retry), "other"
    loop_line: int | None = None
    in_poll_loop: bool = False       # some enclosing loop in this function is a `while true` poll loop
    timeout: bool | None = None      # HTTP calls whose library has no default timeout: was one given?
    write: bool = False              # a database write / commit
    provider: str | None = None      # "twilio", "stripe", "postmark" … when the URL/library says so
    fetch_like: bool = False         # HTTP call that resolves on 4xx/5xx (fetch, requests, httpx): the
                                     # status must be checked (see status_checked)


@dataclass(frozen=True, slots=True)
class Function:
    """A function or a handler body, summarised."""
    id: str                          # "path#name@line"
    name: str | None
    location: Location
    end_line: int
    is_async: bool = False
    params: tuple[str, ...] = ()
    calls: tuple[CallSite, ...] = ()
    facts: tuple[str, ...] = ()      # free-form markers extractors agree on, e.g. "auth-check",
                                     # "early-401", "owner-scoped", "reads-param-id", "empty-catch"
    exported: bool = False
    # -- added for error-handling / db-connections (all defaulted)
    handler: str | None = None       # recognised as a request handler: "express", "fastify", "hono", "koa",
                                     # "nextjs-app", "nextjs-pages", "nextjs-ssr", "lambda", "flask",
                                     # "fastapi", "django", "nestjs", "route" (framework unknown), "req-res"
    wrapped: str | None = None       # name of the async wrapper around it (asyncHandler, catchAsync …)
    catches: tuple["CatchClause", ...] = ()
    kinds: tuple[str, ...] = ()      # external kinds it touches, directly or through local calls (linker)
    raises: tuple[str, ...] = ()     # kinds whose failures can escape it unhandled (linker)
    reached_from: tuple[str, ...] = ()  # ids of request handlers that call it, directly or not (linker)


@dataclass(frozen=True, slots=True)
class CatchClause:
    """A catch/except clause (or a chained `.catch(cb)`) and what it does with the error."""
    location: Location               # the `catch`/`except` line
    action: str                      # "empty" | "log-only" | "rethrow" | "respond-error" | "respond-success"
                                     # | "exit" | "return" | "next" | "other"
    try_line: int | None = None
    types: tuple[str, ...] = ()      # exception types named (Python); () = catches everything
    broad: bool = True               # bare except / Exception / BaseException / JS catch
    kinds: tuple[str, ...] = ()      # kinds of external calls directly in the try body
    connects: bool = False           # the try body opens a database connection / pool
    chained: bool = False            # a `.catch(cb)` on a promise rather than a try statement
    logs: bool = False               # the handler logs or reports the error (console/logger/Sentry …)


@dataclass(frozen=True, slots=True)
class ErrorHandler:
    """An app-wide error handler: Express 4-arg middleware, Fastify setErrorHandler, Flask errorhandler …"""
    framework: str                   # "express" | "express-async-errors" | "fastify" | "hono" | "koa" |
                                     # "nestjs" | "flask" | "fastapi"
    location: Location
    catches: str = "all"             # "all" | "500" | the exception type named


@dataclass(frozen=True, slots=True)
class ExternalCall:
    kind: str                        # "db" | "http" | "email" | "payment" | "fs" | "cache" | "storage" | "sms"
    callee: str
    location: Location
    function: str | None = None      # Function.id
    guarded_by: str | None = None    # "try" | "catch" | "wrapper" | "framework" | None


@dataclass(frozen=True, slots=True)
class DbClient:
    library: str                     # "pg", "mysql2", "mongoose", "prisma", "psycopg2", "sqlalchemy" …
    location: Location
    what: str                        # "pool" | "client" | "connection" | "engine" | "connect" | "checkout"
                                     # (a client borrowed from a pool: pool.connect(), getconn(), SessionLocal())
    scope: str                       # "module" | "function"
    function: str | None = None
    bounded: bool | None = None      # max/pool_size given
    singleton: bool = False          # globalThis cache / lru_cache / module-level guard
    # -- added for db-connections (all defaulted)
    variable: str | None = None      # the name it is bound to
    released: str | None = None      # checkouts (what="checkout"): "finally" | "with" | "all-paths" |
                                     # "success-path" | "never" | "escapes" (returned / handed on)
    in_loop: bool = False            # created inside a loop over items
    cache: str | None = None         # how it is reused: "global", "module-var", "lru_cache", "flask-g", "startup"
    returned: bool = False           # the function returns it (a connection factory such as get_conn())


# ---------------------------------------------------------------------------------------- deploy & repo
@dataclass(frozen=True, slots=True)
class DeployConfig:
    platform: str                    # "render", "fly", "railway", "vercel", "netlify", "heroku", "app-engine",
                                     # "cloud-run", "aws-sam", "serverless", "amplify", "k8s", "docker",
                                     # "compose", "systemd"
    path: str
    location: Location
    health_path: str | None = None
    images: tuple[tuple[str, Location], ...] = ()     # container images referenced
    commands: tuple[tuple[str, Location], ...] = ()   # build/start/release commands
    command_kinds: tuple[str, ...] = ()                # one per command, same order: "build" | "start" |
                                                       # "release" (runs once per deploy, before start: Heroku
                                                       # release, Fly release_command, Render preDeployCommand) |
                                                       # "worker" | "cron" | "setup" | "deploy"
    runtime: str | None = None                         # pinned runtime version, if the config pins one
    environments: tuple[str, ...] = ()                 # environment names it defines
    dev_only: bool = False                             # e.g. a compose file for local development


@dataclass(frozen=True, slots=True)
class EnvDeclaration:
    """A variable named somewhere that documents it (README, .env.example, a config comment)."""
    name: str
    location: Location
    source: str                      # "env-example" | "docs" | "config-comment"


# ---------------------------------------------------------------------------------------- repository
# Facts about the repository as a whole: manifests and lockfiles, runtime pins, migrations, tests, CI,
# deploy scripts, instrumentation. Extracted one file at a time (project/extract/repo.py), gathered
# into RepoFacts by a linker (project/extract/repo.py LINKERS), read by rollback / monitoring /
# tested-flow and by platform detection (project/platform.py).


@dataclass(frozen=True, slots=True)
class Dependency:
    name: str
    spec: str                        # as written: "^4.21.1", "==2.0.1", ">=1.0", "" (no constraint)
    location: Location
    dev: bool = False                # devDependencies / a dev-only requirements file
    pinned: bool = False             # one exact version (==1.2.3, 1.2.3, a commit, a hash-checked line)


@dataclass(frozen=True, slots=True)
class Manifest:
    path: str
    ecosystem: str                   # "npm" | "python"
    kind: str                        # "package.json" | "requirements" | "pyproject" | "pipfile"
    location: Location
    dependencies: tuple[Dependency, ...] = ()
    scripts: tuple[tuple[str, str], ...] = ()    # package.json scripts: (name, command)
    script_lines: tuple[tuple[str, int], ...] = ()   # (script name, line) for findings about a script
    package_manager: str | None = None           # packageManager field ("pnpm@9.1.0")
    workspaces: tuple[str, ...] = ()             # workspace globs this manifest declares
    includes: tuple[str, ...] = ()               # requirements: -r / -c files it pulls in
    dev_only: bool = False                       # requirements-dev.txt, test-requirements.txt …
    lock_tool: str | None = None                 # pyproject: "poetry" | "uv" | "pdm" | "hatch" …
    publishable: bool = False                    # looks like a package for a registry (library), not an app


@dataclass(frozen=True, slots=True)
class Lockfile:
    path: str
    kind: str                        # "npm" | "yarn" | "pnpm" | "bun" | "poetry" | "uv" | "pdm" | "pipenv"
    location: Location
    packages: frozenset[str] = frozenset()        # every package name it locks
    # what the lockfile recorded of each workspace's manifest: (dir relative to the lockfile, ((name, spec), …))
    importers: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    entries: frozenset[str] = frozenset()         # yarn: "name@spec" keys
    parsed: bool = True              # False: could not read it (then nothing is judged against it)


@dataclass(frozen=True, slots=True)
class RuntimePin:
    runtime: str                     # "node" | "python" | "bun" | "deno"
    version: str                     # as written: "20.x", "3.12.7", "lts/*", ">=18"
    location: Location
    source: str                      # "engines" | ".nvmrc" | ".node-version" | ".python-version" | "runtime.txt"
                                     # ".tool-versions" | "volta" | "requires-python" | "pipfile" | "image" | "platform"
    pinned: bool = True              # names a release line (20, 20.x, 3.12), not an alias (lts/*, latest, >=18)


@dataclass(frozen=True, slots=True)
class Migration:
    path: str
    tool: str                        # "knex" | "node-pg-migrate" | "sequelize" | "typeorm" | "kysely" | "mikro-orm"
                                     # "alembic" | "django" | "prisma" | "drizzle" | "sql" | "dbmate" | "flyway" | "unknown"
    location: Location               # the up()/upgrade() definition, else the file
    reversible: bool | None = None   # None: the tool keeps no down migrations (Prisma, Drizzle) or unknown
    reason: str = ""                 # why not reversible: "no down()", "downgrade() only passes" …
    down_location: Location | None = None
    destructive: tuple[tuple[str, Location], ...] = ()   # ("drops table comments", loc), upgrade direction only
    revision: str | None = None      # alembic revision id / django migration name
    parents: tuple[str, ...] = ()    # alembic down_revision(s) / django dependencies of the same app


@dataclass(frozen=True, slots=True)
class TestFile:
    __test__ = False                 # not a pytest test class
    path: str
    language: str                    # "js" | "python"
    frameworks: tuple[str, ...] = () # "jest", "vitest", "mocha", "node:test", "playwright", "cypress",
                                     # "supertest", "fastify-inject", "pytest", "unittest", "django", "testclient" …
    kind: str = "unit"               # "e2e" (browser) | "integration" (drives the app or a real service) | "unit"
    cases: int = 0                   # test cases seen
    requests: tuple[tuple[str, str, Location], ...] = ()   # (METHOD or "ANY", path, where) sent to the app
    named_routes: bool = False       # requests built from route names (reverse(), url_for(), route()): paths unknown


@dataclass(frozen=True, slots=True)
class CiWorkflow:
    path: str
    system: str                      # "github" | "gitlab" | "circleci" | "bitbucket" | "azure" | "travis" | "other"
    location: Location
    on_push: bool = True             # runs on pushes or merge/pull requests (not only by hand or on a schedule)
    on_pr: bool = False
    commands: tuple[tuple[str, Location], ...] = ()   # shell commands its steps run
    uses: tuple[tuple[str, Location], ...] = ()       # actions / orbs / pipes / images it uses
    environments: tuple[str, ...] = ()               # deployment environments named (staging, production …)


@dataclass(frozen=True, slots=True)
class Script:
    """A shell script or Makefile: the commands it runs, for deploy-path and test-runner questions."""
    path: str
    kind: str                        # "shell" | "makefile"
    location: Location
    commands: tuple[tuple[str, Location], ...] = ()
    targets: tuple[tuple[str, tuple[str, ...]], ...] = ()   # makefile: (target, commands)


@dataclass(frozen=True, slots=True)
class Instrumentation:
    """Something in the code that makes failures visible, or guards a release."""
    kind: str                        # "error-tracker" (an SDK initialised) | "tracker-import" | "process-handler"
                                     # "error-log" | "flag-sdk" | "health-lib"
    name: str                        # "sentry", "unhandledRejection", "console.error", "launchdarkly" …
    location: Location
    detail: str = ""                 # error-tracker: env var that holds the DSN/key, "off" when disabled


@dataclass(frozen=True, slots=True)
class Platform:
    id: str                          # "vercel" | "netlify" | "render" | "railway" | "fly" | "heroku" | "app-engine"
                                     # "cloud-run" | "aws-sam" | "serverless" | "amplify" | "k8s" | "docker-vps"
                                     # "systemd-vps" | "vps" | "docker" | "cloudflare" | "digitalocean" | "firebase"
    name: str                        # "Fly.io"
    evidence: tuple[str, ...] = ()   # "fly.toml", "flyctl deploy in .github/workflows/ci.yml"
    also: tuple[str, ...] = ()       # other platforms found (ids)


@dataclass(slots=True)
class RepoFacts:
    manifests: list[str] = field(default_factory=list)          # package.json, pyproject.toml …
    lockfiles: list[str] = field(default_factory=list)
    runtime_pins: list[tuple[str, Location]] = field(default_factory=list)   # ("node 20.x", loc)
    migrations: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    ci_workflows: list[str] = field(default_factory=list)
    gitignore_patterns: list[str] = field(default_factory=list)  # root .gitignore lines (for "is X ignored")
    extra: dict[str, object] = field(default_factory=dict)       # facts a check family adds (issue 4)
    # typed details of the lists above (issue 4); filled by the repo linker
    manifest_facts: list[Manifest] = field(default_factory=list)
    lockfile_facts: list[Lockfile] = field(default_factory=list)
    runtime_facts: list[RuntimePin] = field(default_factory=list)
    migration_facts: list[Migration] = field(default_factory=list)
    test_facts: list[TestFile] = field(default_factory=list)
    ci_facts: list[CiWorkflow] = field(default_factory=list)
    script_facts: list[Script] = field(default_factory=list)
    instrumentation: list[Instrumentation] = field(default_factory=list)
    platform: Platform | None = None                             # project/platform.py


@dataclass(slots=True)
class FileFacts:
    """Everything extracted from one file. Returned by the per-file pass, merged into the Project."""
    file: SourceFile
    env_reads: list[EnvRead] = field(default_factory=list)
    urls: list[UrlLiteral] = field(default_factory=list)
    secrets: list[SecretCandidate] = field(default_factory=list)
    cors: list[CorsSetting] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    calls: list[ExternalCall] = field(default_factory=list)
    db_clients: list[DbClient] = field(default_factory=list)
    deploy: list[DeployConfig] = field(default_factory=list)
    env_sources: list[EnvSource] = field(default_factory=list)
    env_declarations: list[EnvDeclaration] = field(default_factory=list)
    suppressions: list["InlineSuppression"] = field(default_factory=list)
    extra: dict[str, list] = field(default_factory=dict)   # per-family raw facts for the linkers
    error: str | None = None                               # extraction crashed: reason (file kept)


@dataclass(frozen=True, slots=True)
class InlineSuppression:
    location: Location               # the line it applies to
    ids: tuple[str, ...]             # rule or check ids
    reason: str = ""
    comment_line: int = 0            # where the comment itself is


F = TypeVar("F")


@dataclass(slots=True)
class Project:
    root: Path
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    env_reads: list[EnvRead] = field(default_factory=list)
    urls: list[UrlLiteral] = field(default_factory=list)
    secrets: list[SecretCandidate] = field(default_factory=list)
    cors: list[CorsSetting] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    calls: list[ExternalCall] = field(default_factory=list)
    db_clients: list[DbClient] = field(default_factory=list)
    deploy: list[DeployConfig] = field(default_factory=list)
    env_sources: list[EnvSource] = field(default_factory=list)
    env_declarations: list[EnvDeclaration] = field(default_factory=list)
    suppressions: list[InlineSuppression] = field(default_factory=list)
    repo: RepoFacts = field(default_factory=RepoFacts)
    extra: dict[str, list] = field(default_factory=dict)
    _by_path: dict[str, SourceFile] = field(default_factory=dict, repr=False)
    _fn_by_id: dict[str, Function] = field(default_factory=dict, repr=False)

    # -- building
    MERGED = ("env_reads", "urls", "secrets", "cors", "routes", "imports", "functions", "calls",
              "db_clients", "deploy", "env_sources", "env_declarations", "suppressions")

    def add(self, facts: FileFacts) -> None:
        self.files.append(facts.file)
        self._by_path[facts.file.path] = facts.file
        for name in self.MERGED:
            getattr(self, name).extend(getattr(facts, name))
        for key, values in facts.extra.items():
            self.extra.setdefault(key, []).extend(values)

    # -- queries
    def file(self, path: str | None) -> SourceFile | None:
        return self._by_path.get(path) if path else None

    def role(self, fact_or_path: object) -> Role | None:
        path = fact_or_path if isinstance(fact_or_path, str) else getattr(
            getattr(fact_or_path, "location", None), "path", None)
        f = self.file(path)
        return f.role if f else None

    def files_with(self, *roles: Role) -> Iterator[SourceFile]:
        return (f for f in self.files if f.role in roles)

    def function(self, fid: str | None) -> Function | None:
        if fid is None:
            return None
        if len(self._fn_by_id) != len(self.functions):
            self._fn_by_id = {f.id: f for f in self.functions}
        return self._fn_by_id.get(fid)

    def has_file(self, *names: str) -> bool:
        return any(f.path in names or f.path.rsplit("/", 1)[-1] in names for f in self.files)

    @property
    def deploy_envs(self) -> list[EnvSource]:
        """Environment sources that feed a deployed environment."""
        return [s for s in self.env_sources if s.deploys]


def only(items: Iterable[F], role: Role, project: Project) -> list[F]:
    return [i for i in items if project.role(i) is role]
