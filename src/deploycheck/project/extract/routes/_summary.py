"""Raw per-file facts the route extractors leave for the routes linker (in `FileFacts.extra`).

They are plain frozen dataclasses (picklable, no trees). The linker turns them into final `Route`
facts: full paths, inherited guards, handler effects gathered across local helpers and files.

Markers (strings in `FnSummary.markers` and `Route.markers`):
  verifies-password  hashes-password  issues-token  sets-session  ends-session
  verifies-signature oauth-exchange  sends-email   identity-in-body
  role-check         auth-check (a body guard)     public-check (a record's public flag is checked)
  owner-check        calls-service (calls something we could not follow that looks like data access)
"""
from __future__ import annotations

from dataclasses import dataclass

from deploycheck.core import Location
from deploycheck.project.model import DataAccess, Guard

EXTRA_FUNCTIONS = "routes.functions"   # FnSummary
EXTRA_MOUNTS = "routes.mounts"         # Mount
EXTRA_EXPORTS = "routes.exports"       # Export
EXTRA_ROUTERS = "routes.routers"       # Router
EXTRA_GLOBALS = "routes.globals"       # GlobalGuard (NestJS global guards, DRF settings, Next middleware …)

# A condition that holds only outside production: `if (process.env.NODE_ENV !== 'production')`,
# `if settings.ENVIRONMENT == "local":`, `if app.debug:`.
_ENV_NAME = r"(?:NODE_ENV|ENV|ENVIRONMENT|APP_ENV|FLASK_ENV|FASTAPI_ENV|DJANGO_ENV|STAGE|MODE)"
DEV_CONDITION = (rf"(?i){_ENV_NAME}\W*!==?\s*['\"](?:production|prod)['\"]|"
                 rf"{_ENV_NAME}\W*={{2,3}}\s*['\"](?:development|dev|local|test|testing|debug)['\"]|"
                 r"^\s*\(?\s*(?:app\.debug|settings\.DEBUG|DEBUG|config\.DEBUG|app\.config\[['\"]DEBUG['\"]\]|isDev|IS_DEV|"
                 r"isDevelopment|__DEV__|import\.meta\.env\.DEV)\s*\)?\s*$")


@dataclass(frozen=True, slots=True)
class LocalCall:
    """A call from a function to something that may be a local helper: `_own_task(db, user, id)`,
    `notesService.update(id, body)`, `this.notesService.findOne(id)`."""
    callee: str                      # as written: "_own_task", "notesService.update", "this.notesService.findOne"
    line: int
    args: tuple[str, ...] = ()       # per argument: "request" | "user" | "param:N" | "other"
    bound: str | None = None         # the variable its result is bound to, when any


@dataclass(frozen=True, slots=True)
class FnSummary:
    """What one function does that matters for auth."""
    id: str                          # Function.id: "path#name@line" (a "~GET" suffix for a method branch)
    path: str
    name: str | None
    qualname: str | None             # "NotesService.findOne" for methods
    line: int
    end_line: int
    params: tuple[str, ...] = ()
    accesses: tuple[DataAccess, ...] = ()
    markers: tuple[str, ...] = ()
    calls: tuple[LocalCall, ...] = ()
    guard: str | None = None         # "auth" | "role": its body rejects unauthenticated/unauthorised callers
                                     # (401/403/redirect/throw) - it is a guard when used as middleware
    role: str | None = None          # the role it requires, when it checks one
    optional: bool = False           # reads the user but never rejects (an "attach user" middleware)
    exported: tuple[str, ...] = ()   # other names it is known by ("fastify.decorate:authenticate")
    body_guards: tuple[Guard, ...] = ()  # guards found inside it (getServerSession + 401 …)


@dataclass(frozen=True, slots=True)
class Ref:
    """Something a registration names: a middleware, a child router, a dependency. `text` as written;
    `kind` says what the extractor could tell: "router" (a local router object), "function" (a local
    function, `fn` is its summary id), "call" (a call such as `cors()` or `passport.authenticate('jwt')`),
    "ref" (an identifier or member we could not resolve in this file: the linker looks at imports)."""
    text: str
    kind: str
    fn: str | None = None            # FnSummary id, for "function"
    router: str | None = None        # Router id, for "router"
    line: int = 0


@dataclass(frozen=True, slots=True)
class Mount:
    """A registration on a router that is not a route: middleware (`app.use(mw)`, `app.addHook('onRequest', f)`,
    `@bp.before_request`) or a child router (`app.use('/api/notes', noteRoutes)`, `app.register(plugin, {prefix})`,
    `app.route('/x', sub)`, `app.register_blueprint(bp, url_prefix=…)`, `app.include_router(r, prefix=…)`,
    `path('api/', include('notes.urls'))`)."""
    parent: str                      # Router id of the parent
    prefix: str                      # path the registration applies under ("" = everything)
    location: Location
    refs: tuple[Ref, ...] = ()       # the registered things in order (middleware…, child last)
    kind: str = "use"                # "use" (express/hono: middleware or router, decided by the linker)
                                     # "hook" (fastify/flask: middleware for the whole router, order-free)
                                     # "mount" (certainly a child router)
    guards: tuple[Guard, ...] = ()   # guards given on the mount itself (include_router dependencies …)
    framework: str = ""
    encapsulated: bool = True        # False: fastify-plugin (fp) – the child's hooks apply to the parent
    dev_only: bool = False           # registered only in development (`if settings.ENV == "local":`)


@dataclass(frozen=True, slots=True)
class Export:
    """A module makes a local name available under another name ("default" for module.exports / export default)."""
    path: str
    name: str
    local: str


@dataclass(frozen=True, slots=True)
class GlobalGuard:
    """A guard that applies to every route of a framework in the app unless a route opts out."""
    framework: str                   # "nestjs" | "drf" | "django" | "nextjs"
    guard: Guard
    matcher: tuple[str, ...] = ()    # Next.js middleware config.matcher patterns (empty: all paths)
    exempt: tuple[str, ...] = ()     # path patterns the guard skips (publicRoutes, ignoredRoutes …)
    ref: Ref | None = None           # what to resolve when the guard is a class/function defined elsewhere
    prefix: str | None = None        # a global path prefix (Nest setGlobalPrefix)


@dataclass(frozen=True, slots=True)
class Router:
    """A router object (Express Router, Fastify plugin, Hono app, Flask Blueprint, APIRouter …) with its
    own prefix and guards. Routes registered on it carry `Route.mount == id`."""
    id: str                          # "path#name"
    framework: str
    prefix: str = ""                 # its own prefix (Blueprint url_prefix, APIRouter prefix, Hono basePath)
    guards: tuple[Guard, ...] = ()   # router-level guards (APIRouter dependencies, FastAPI app dependencies …)
    is_app: bool = False             # the application object itself (a root: never mounted)
    local: str = ""                  # its variable or function name in the file
    line: int = 0
