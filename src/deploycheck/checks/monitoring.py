"""monitoring: Will someone know when it breaks: a health endpoint, error tracking, logging of failures?

Reads the routes (project.routes, with guards and handler summaries), the deploy configs' health
check paths (project.deploy), the instrumentation found in the code (project.repo.instrumentation:
error trackers, process handlers, error logging, health-check libraries) and the production
environment sources (is the tracker's DSN set there?).
"""
from __future__ import annotations

import re
from typing import Iterator, Sequence

from deploycheck.checks import _repo
from deploycheck.core import REPO, Check, Finding, Location, Rule, Severity, Status, default_verdict
from deploycheck.project.model import Project, Role, Route

QUESTION = "Will someone know when it breaks: a health endpoint, error tracking, logging of failures?"

MISSING_HEALTH_ENDPOINT = Rule(
    "monitoring/missing-health-endpoint", Severity.WARNING, "No health endpoint",
    why="Without a cheap URL that says \"I am up\", the platform cannot tell a crashed or hung app from a "
        "working one, and an uptime monitor has nothing to call: users find the outage first.",
    fix="Add a GET /healthz route that answers 200 without auth (optionally after `SELECT 1`), and point the "
        "platform's health check and an uptime monitor at it.",
    docs='Judged only when the app has routes and runs as a long-lived server (not on Vercel/Netlify/Lambda).\nBad: no /health, /healthz, /api/health, /status, /ready … route.\nGood: `app.get("/healthz", (req, res) => res.json({ ok: true }))`.')
HEALTH_PATH_MISMATCH = Rule(
    "monitoring/health-check-path-mismatch", Severity.WARNING, "Platform health check points to a missing route",
    why="The platform calls a path the app does not serve: every deploy is marked unhealthy (and rolled back "
        "or restarted), or the check is silently useless.",
    fix="Make the health check path in the deploy config match the app's health route.",
    docs='Bad: render.yaml `healthCheckPath: /health` while the app serves `/healthz`.\nGood: the same path in both.')
HEALTH_CHECK_UNSET = Rule(
    "monitoring/platform-health-check-unset", Severity.WARNING, "Platform does not call the health endpoint",
    why="The app has a health endpoint, but the platform only checks that the port is open: a release that "
        "starts but cannot reach its database still goes live and takes traffic.",
    fix="Set the platform's health check path to the health endpoint.",
    docs='Bad: fly.toml without `[[http_service.checks]]` while the app has GET /healthz.\nGood: `[[http_service.checks]]` with `path = "/healthz"`.')
HEALTH_BEHIND_AUTH = Rule(
    "monitoring/health-endpoint-behind-auth", Severity.WARNING, "Health endpoint requires login",
    why="The platform's health check and uptime monitors call it without credentials: they get 401 and "
        "report the app as down (or never as up).",
    fix="Register the health route before the auth middleware, or exempt it, and return no private data from it.",
    docs='Bad: `app.get("/health", requireLogin, …)`.\nGood: the health route registered before the auth middleware.')
HEAVY_HEALTH_CHECK = Rule(
    "monitoring/heavy-health-check", Severity.WARNING, "Health endpoint calls an outside service",
    why="Health checks run every few seconds. Calling a third-party API there costs money and rate limit, and "
        "when that service is slow the platform restarts a healthy app.",
    fix="Keep the health check cheap: answer 200, at most run `SELECT 1` on your own database.",
    docs='Bad: the health handler calls Stripe or sends an email.\nGood: `SELECT 1` on your own database at most.')
MISSING_ERROR_TRACKING = Rule(
    "monitoring/missing-error-tracking", Severity.WARNING, "No error tracking",
    why="When a request fails in production nobody is told: the error is only in the platform's log, "
        "which nobody reads until a user complains.",
    fix="Initialise an error tracker (Sentry, Bugsnag, Rollbar, Honeybadger …) at start-up with its key "
        "from an environment variable.",
    docs='Looks for Sentry, Bugsnag, Rollbar, Honeybadger, Datadog, New Relic, Highlight, PostHog (exceptions), Axiom, Logtail, Elastic APM, AppSignal, Airbrake, Raygun, Logfire, OpenTelemetry: initialised in the code, or wrapped around the start command (ddtrace-run, newrelic-admin).')
TRACKER_NOT_INITIALISED = Rule(
    "monitoring/error-tracker-not-initialised", Severity.WARNING, "Error tracker installed but never started",
    why="The SDK is a dependency (or imported) but its init/start call is never made, so it reports nothing.",
    fix="Call the SDK's init (for Sentry `Sentry.init({ dsn: process.env.SENTRY_DSN })`) before the app starts.",
    docs='Bad: `const Sentry = require("@sentry/node")` and only `Sentry.captureException(err)`.\nGood: `Sentry.init({ dsn: process.env.SENTRY_DSN })` at start-up.')
TRACKER_INACTIVE = Rule(
    "monitoring/error-tracker-inactive", Severity.WARNING, "Error tracker without a key in production",
    why="The tracker is initialised, but its DSN/key is not set in the production environment (or it is "
        "disabled), so it silently sends nothing.",
    fix="Set the DSN/key in the production environment of the platform.",
    docs='Judged only when every production environment of the platform lists its variables.\nBad: `sentry_sdk.init(dsn=os.environ.get("SENTRY_DSN"))` and render.yaml without SENTRY_DSN; `Sentry.init({ enabled: false })`.\nGood: `- key: SENTRY_DSN` with `sync: false` in render.yaml and the value set in the dashboard.')
MISSING_PROCESS_HANDLERS = Rule(
    "monitoring/missing-process-handlers", Severity.INFO, "Crashes from unhandled rejections are not reported",
    why="An unhandled promise rejection or exception kills the Node process; without a tracker or a "
        "process-level handler the only trace is a stack in the platform log.",
    fix="Add an error tracker (it installs these handlers), or `process.on('unhandledRejection', …)` and "
        "`process.on('uncaughtException', …)` handlers that log and exit.",
    docs='Node servers only, and only without an error tracker (trackers install these handlers).')
UNLOGGED_FAILURES = Rule(
    "monitoring/unlogged-failures", Severity.INFO, "No failure is ever logged",
    why="Nothing in the code logs an error (console.error, logger.error, logger.exception), so when "
        "something fails there is nothing to look at.",
    fix="Log failures where they are caught (with the request path and the error) or add an error tracker.",
    docs='Info only: frameworks log unhandled errors themselves; this says nothing in your code does.')

RULES = (MISSING_HEALTH_ENDPOINT, HEALTH_PATH_MISMATCH, HEALTH_CHECK_UNSET, HEALTH_BEHIND_AUTH, HEAVY_HEALTH_CHECK,
         MISSING_ERROR_TRACKING, TRACKER_NOT_INITIALISED, TRACKER_INACTIVE, MISSING_PROCESS_HANDLERS, UNLOGGED_FAILURES)

# Platforms whose deploy config can name an HTTP health check path, and where.
HEALTH_CONFIG = {
    "render": "`healthCheckPath: /healthz` on the service in render.yaml",
    "fly": "an `[[http_service.checks]]` block with `path = \"/healthz\"` in fly.toml",
    "railway": "`\"healthcheckPath\": \"/healthz\"` under `deploy` in railway.json",
    "k8s": "`readinessProbe`/`livenessProbe` with `httpGet: {path: /healthz, port: …}` on the container",
}

HEALTH_SNIPPETS = {
    "express": "app.get('/healthz', (req, res) => res.json({ ok: true }));  // before any auth middleware",
    "fastify": "app.get('/healthz', async () => ({ ok: true }));",
    "hono": "app.get('/healthz', (c) => c.json({ ok: true }));",
    "nestjs": "@Controller('healthz') export class HealthController { @Get() check() { return { ok: true }; } }",
    "nextjs-app": "// app/api/healthz/route.ts\nexport function GET() { return Response.json({ ok: true }); }",
    "nextjs-pages": "// pages/api/healthz.ts\nexport default function handler(req, res) { res.status(200).json({ ok: true }); }",
    "flask": "@app.get(\"/healthz\")\ndef healthz():\n    return {\"ok\": True}",
    "fastapi": "@app.get(\"/healthz\", include_in_schema=False)\ndef healthz():\n    return {\"ok\": True}",
    "django": "# urls.py\npath(\"healthz/\", lambda request: JsonResponse({\"ok\": True})),",
}

TRACKER_SNIPPETS = {
    "node": "npm install @sentry/node, then first thing at start-up:\n"
            "  const Sentry = require('@sentry/node');\n"
            "  Sentry.init({ dsn: process.env.SENTRY_DSN, environment: process.env.NODE_ENV, tracesSampleRate: 0.1 });\n"
            "and set SENTRY_DSN in production.",
    "express": "npm install @sentry/node; in a file loaded first: `Sentry.init({ dsn: process.env.SENTRY_DSN })`; after "
               "the routes: `Sentry.setupExpressErrorHandler(app)`; set SENTRY_DSN in production.",
    "fastify": "npm install @sentry/node; `node --import ./instrument.js` with `Sentry.init({ dsn: process.env.SENTRY_DSN })`, "
               "then `Sentry.setupFastifyErrorHandler(app)`; set SENTRY_DSN in production.",
    "nextjs": "npx @sentry/wizard@latest -i nextjs (it writes instrumentation.ts and sentry.*.config.ts); set "
              "SENTRY_DSN / NEXT_PUBLIC_SENTRY_DSN in production.",
    "python": "pip install sentry-sdk; at start-up: `import sentry_sdk; sentry_sdk.init(dsn=os.environ.get(\"SENTRY_DSN\"), "
              "traces_sample_rate=0.1)`; set SENTRY_DSN in production.",
    "flask": "pip install \"sentry-sdk[flask]\"; before `app = Flask(__name__)`: `sentry_sdk.init(dsn=os.environ.get(\"SENTRY_DSN\"))`; "
             "set SENTRY_DSN in production.",
    "fastapi": "pip install \"sentry-sdk[fastapi]\"; before `app = FastAPI()`: `sentry_sdk.init(dsn=os.environ.get(\"SENTRY_DSN\"))`; "
               "set SENTRY_DSN in production.",
    "django": "pip install sentry-sdk; in settings.py: `sentry_sdk.init(dsn=os.environ.get(\"SENTRY_DSN\"))`; set SENTRY_DSN "
              "in production.",
}

_TRACKER_PACKAGES = re.compile(
    r"^(@sentry/[\w-]+|sentry-sdk|raven|@bugsnag/[\w-]+|bugsnag|rollbar|@honeybadger-io/[\w-]+|honeybadger|dd-trace|ddtrace"
    r"|newrelic|@highlight-run/[\w-]+|highlight-io|@axiomhq/[\w-]+|next-axiom|@logtail/[\w-]+|elastic-apm-node|elastic-apm"
    r"|@appsignal/[\w-]+|appsignal|@airbrake/[\w-]+|pybrake|raygun\w*|logfire)$", re.I)
_TRACKER_CLI = re.compile(r"\bddtrace-run\b|\bnewrelic-admin\s+run-program\b|-r\s+dd-trace/init|--require\s+@sentry/node/preload"
                          r"|\bopentelemetry-instrument\b|dd-trace/init|newrelic(/\S*)?\s")


# ============================================================================ health


_OPTIONAL_GUARD = re.compile(r"(?i)allow_?any|optional|or_?read_?only|or_?login_?not_?required|public|anonymous")


def health_routes(project: Project) -> list[Route]:
    return [r for r in project.routes if r.method.upper() in ("GET", "ANY", "HEAD") and _repo.is_health_path(r.path)]


def health_libraries(project: Project) -> list:
    return [i for i in project.repo.instrumentation if i.kind == "health-lib"]


def _route_for(project: Project, path: str) -> Route | None:
    return next((r for r in project.routes if r.method.upper() in ("GET", "ANY", "HEAD")
                 and _repo.path_matches(r.path, path)), None)


def _health_findings(project: Project) -> Iterator[Finding]:
    routes = project.routes
    health = health_routes(project)
    libs = health_libraries(project)
    platform = _repo.platform_id(project)
    configs = [d for d in _repo.deploy_configs(project) if d.health_path]
    fw = _repo.framework_guess(project)
    for d in configs:
        path = d.health_path or ""
        if routes and not libs and not path.startswith(("http://", "https://")) and _route_for(project, path) is None:
            near = ", ".join(sorted({r.path for r in health})) or "none"
            yield HEALTH_PATH_MISMATCH.at(d.location, f"{d.path} checks `{path}`, but the app has no GET route "
                                          f"for it (health routes: {near})", subject=f"{d.path}:{path}",
                                          related=tuple(r.location for r in health[:2]))
    for r in health:
        auth = [g for g in r.guards if g.is_auth and not _OPTIONAL_GUARD.search(g.name)]
        if auth:
            yield HEALTH_BEHIND_AUTH.at(r.location, f"{r.method} {r.path} is behind `{auth[0].name}`",
                                        subject=f"{r.method} {r.path}")
        fn = project.function(r.handler)
        if fn is not None:
            heavy = [c for c in fn.calls if c.kind in ("http", "email", "payment", "sms", "storage")]
            if heavy:
                yield HEAVY_HEALTH_CHECK.at(heavy[0].location, f"{r.path} calls `{heavy[0].callee}` on every check",
                                            subject=f"{r.path}:{heavy[0].callee}")
    if not routes or health or libs or not _needs_health_endpoint(project):
        if (health or libs) and platform in HEALTH_CONFIG and not configs:
            cfg = next((d for d in _repo.deploy_configs(project) if _platform_key(d.platform) == platform), None)
            if cfg is not None:
                target = health[0].path if health else "/healthz"
                yield HEALTH_CHECK_UNSET.at(cfg.location, f"{cfg.path} sets no health check path; the app "
                                            f"serves {target}", subject=cfg.path,
                                            fix=f"Add {HEALTH_CONFIG[platform].replace('/healthz', target)}.")
        return
    snippet = HEALTH_SNIPPETS.get(fw or "", HEALTH_SNIPPETS["express"] if _is_js(project) else HEALTH_SNIPPETS["flask"])
    cfg = HEALTH_CONFIG.get(platform or "")
    fix = f"Add a health route:\n{snippet}" + (f"\nThen point the platform at it: {cfg}." if cfg else
                                               "\nThen point an uptime monitor at it.")
    yield MISSING_HEALTH_ENDPOINT.at(REPO, f"none of the app's {len(routes)} routes is a health check "
                                     "(/health, /healthz, /api/health …)", subject="health", fix=fix)


def _needs_health_endpoint(project: Project) -> bool:
    """Serverless platforms run no long-lived process to check: there a health endpoint is optional."""
    platform = _repo.platform_id(project)
    if platform in _repo.SERVERLESS:
        return False
    fws = _repo.frameworks(project)
    return not (platform is None and fws and all(f.startswith("nextjs") for f in fws))


def _only_nextjs(project: Project) -> bool:
    """Every route is a Next.js route, or (no routes: a site of pages only) the app depends on Next.js."""
    fws = _repo.frameworks(project)
    if fws:
        return all(f.startswith("nextjs") for f in fws)
    return _repo.framework_guess(project) == "nextjs"


def _platform_key(kind: str) -> str:
    return {"kubernetes": "k8s"}.get(kind, kind)


def _is_js(project: Project) -> bool:
    return "node" in _repo.app_languages(project)


# ============================================================================ error tracking


def _trackers(project: Project) -> list:
    return [i for i in project.repo.instrumentation if i.kind == "error-tracker" and project.role(i) in (Role.APP, Role.BUILD_CONFIG)]


def _cli_tracker(project: Project) -> str | None:
    cmds = [c for c, _, _ in _repo.deploy_commands(project)]
    cmds += [c for m in project.repo.manifest_facts for n, c in m.scripts if n in ("start", "serve", "prod", "start:prod")]
    return next((c for c in cmds if _TRACKER_CLI.search(c + " ")), None)


def _tracker_findings(project: Project) -> Iterator[Finding]:
    trackers = _trackers(project)
    app_code = any(f.role is Role.APP and f.language.is_code for f in project.files)
    if not app_code:
        return
    if trackers or _cli_tracker(project):
        yield from _inactive(project, trackers)
        return
    imports = [i for i in project.repo.instrumentation if i.kind == "tracker-import" and project.role(i) is Role.APP]
    if imports:
        i = imports[0]
        yield TRACKER_NOT_INITIALISED.at(i.location, f"{i.name} is imported but never initialised", subject=i.name)
        return
    deps = [(d, m) for m in project.repo.manifest_facts if not m.dev_only
            for d in m.dependencies if not d.dev and _TRACKER_PACKAGES.match(d.name)]
    if deps:
        d, m = deps[0]
        yield TRACKER_NOT_INITIALISED.at(d.location, f"{d.name} is a dependency in {m.path} but nothing starts it",
                                         subject=d.name)
        return
    yield MISSING_ERROR_TRACKING.at(REPO, "no error tracker is set up: production errors reach nobody",
                                    subject="error-tracking", fix=_tracker_fix(project))


def _tracker_fix(project: Project) -> str:
    fw = _repo.framework_guess(project) or ""
    key = "nextjs" if fw.startswith("nextjs") else fw
    if key in TRACKER_SNIPPETS:
        return TRACKER_SNIPPETS[key]
    return TRACKER_SNIPPETS["node" if _is_js(project) else "python"]


def _inactive(project: Project, trackers: list) -> Iterator[Finding]:
    envs = [s for s in project.deploy_envs if s.environment == "production" and s.kind == "platform"]
    declared = {d.name for d in project.env_declarations}
    everywhere = {n for s in project.env_sources for n in s.names}
    for t in trackers:
        if t.detail == "off":
            yield TRACKER_INACTIVE.at(t.location, f"{t.name} is initialised with `enabled: false`", subject=t.name)
            continue
        var = t.detail
        if not var or var == "?" or not envs or any(s.opaque for s in envs):
            continue
        if any(var in s.names for s in envs) or var in declared or var in everywhere:
            continue
        yield TRACKER_INACTIVE.at(t.location, f"{t.name} reads its key from {var}, which no production environment "
                                  f"sets ({', '.join(s.name for s in envs[:2])})", subject=f"{t.name}:{var}",
                                  fix=f"Set {var} in the production environment of the platform.")


# ============================================================================ process handlers, logs


def _process_findings(project: Project) -> Iterator[Finding]:
    if _trackers(project) or _cli_tracker(project):
        return
    if "node" not in _repo.app_languages(project) or _repo.platform_id(project) in _repo.SERVERLESS:
        return
    if _only_nextjs(project):
        return                                     # Next.js runs its own server and reports what it catches
    if any(i.kind == "process-handler" for i in project.repo.instrumentation):
        return
    if not project.routes and not any(f.role is Role.APP and f.language.is_js for f in project.files):
        return
    yield MISSING_PROCESS_HANDLERS.at(REPO, "no unhandledRejection/uncaughtException handler and no error tracker: "
                                      "a crash leaves only a stack trace in the platform log", subject="process-handlers")


def _log_findings(project: Project) -> Iterator[Finding]:
    if _trackers(project):
        return
    if not any(f.role is Role.APP and f.language.is_code for f in project.files):
        return
    if any(i.kind == "error-log" and project.role(i) is Role.APP for i in project.repo.instrumentation):
        return
    yield UNLOGGED_FAILURES.at(REPO, "no code logs an error (console.error, logger.error, logger.exception)",
                               subject="logging")


# ============================================================================ check


def find(project: Project, ctx) -> Iterator[Finding]:
    if _repo.looks_like_library(project):
        return
    yield from _health_findings(project)
    yield from _tracker_findings(project)
    yield from _process_findings(project)
    yield from _log_findings(project)


def verdict(project: Project, findings: Sequence[Finding]) -> tuple[Status, str]:
    if not any(f.role is Role.APP and f.language.is_code for f in project.files):
        return Status.MANUAL, "no application code found: confirm how failures in production reach you"
    if _repo.looks_like_library(project):
        return Status.MANUAL, _repo.LIBRARY_SUMMARY
    return default_verdict(project, findings)


CHECK = Check("monitoring", QUESTION, rules=RULES, find=find, verdict=verdict, title="Monitoring")
