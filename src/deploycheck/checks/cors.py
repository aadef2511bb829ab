"""cors: Is CORS limited to the production origins (no `*`, no reflected origin with credentials)?

Reads `CorsSetting` facts (project/extract/cors.py) and judges them. The severity follows what an
attacker can do, not how the setting looks:

- Credentials (cookies, HTTP auth) + an origin that is echoed back for anyone = error. Any website
  the user visits can call the API *as that user* and read the answers. That is `origin: true`,
  an accept-all callback, `req.headers.origin` copied into the header, and also `*` + credentials in
  Flask-CORS, Starlette/FastAPI, django-cors-headers, @koa/cors and python-socketio (credentials on
  by default), which turn it into echoing the caller's origin.
- A literal `*` + credentials (Express `cors`, @fastify/cors, Hono, a hand-set header, the Vercel
  snippet) is not exploitable: browsers refuse credentials with `*`. It is the wildcard warning, with
  a note not to "fix" it by echoing the origin.
- Any origin without credentials = warning. Browsers never attach cookies to such requests, so a
  public, cookie-less API (a catalogue, a status feed) may choose it deliberately; the risk is the
  day someone adds credentials, and APIs on private networks. Whether the app uses sessions does not
  change this: without credentials the session cookie is never sent cross-origin.

Silent on: literal allow-lists, origins read from the environment or a config object, callbacks
that check the origin, settings in tests/scripts/dev config files, and settings inside an explicit
development-only branch (`if (process.env.NODE_ENV !== 'production')`, `if app.debug:`,
`isDev ? '*' : allowList`, `CORS_ALLOW_ALL_ORIGINS = DEBUG`, Django settings/dev.py): those never
run in production, and flagging them would teach people to ignore the check.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator, Sequence

from deploycheck.core import Check, Finding, Rule, Severity, Status, default_verdict
from deploycheck.project.model import CorsSetting, Project, Role

QUESTION = "Is CORS limited to the production origins (no `*`, no reflected origin with credentials)?"

REFLECTED_WITH_CREDENTIALS = Rule(
    "cors/reflected-origin-with-credentials", Severity.ERROR,
    "Any origin echoed back, with credentials allowed",
    why=("The server copies whatever Origin the browser sends into Access-Control-Allow-Origin and also "
         "allows credentials. So any website a logged-in user visits can call your API with the user's "
         "cookies and read the answers: their data, their account, every action they can take."),
    fix=("Allow only your production origins, read from an environment variable "
         "(e.g. CORS_ORIGINS=https://app.example.com), and keep credentials only if the frontend needs cookies."),
    docs="""Bad:
    app.use(cors({ origin: true, credentials: true }));
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');
    res.setHeader('Access-Control-Allow-Credentials', 'true');

Good:
    const allowed = process.env.CORS_ORIGINS.split(',');
    app.use(cors({ origin: allowed, credentials: true }));

    const origin = req.headers.origin;
    if (allowed.includes(origin)) res.setHeader('Access-Control-Allow-Origin', origin);

References: https://portswigger.net/web-security/cors ;
https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#requests_with_credentials""",
)

WILDCARD_WITH_CREDENTIALS = Rule(
    "cors/wildcard-with-credentials", Severity.ERROR,
    "Every origin allowed together with credentials (echoed back by the library)",
    why=("CORS allows every origin (`*`, or no origin option, which means every origin) and credentials are on. "
         "Flask-CORS, FastAPI/Starlette, django-cors-headers, @koa/cors and python-socketio answer that by "
         "echoing back the caller's origin together with Access-Control-Allow-Credentials, so any website a "
         "logged-in user visits can call your API with their cookies and read the answers."),
    fix=("List the production origins (from an environment variable) instead of `*`; keep credentials only "
         "if the frontend needs cookies."),
    docs="""Bad:
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    CORS(app, origins="*", supports_credentials=True)
    CORS(app, supports_credentials=True)            # no origins: every origin
    CORS_ALLOW_ALL_ORIGINS = True; CORS_ALLOW_CREDENTIALS = True
    SocketIO(app, cors_allowed_origins="*")         # credentials are on by default

Good:
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=True)
    CORS(app, origins=os.environ["CORS_ORIGINS"].split(","), supports_credentials=True)

Libraries that send a literal `*` (Express cors, @fastify/cors, Hono, a hand-set header) cannot leak
credentialed responses: browsers refuse credentials with `*`. Those are reported as
cors/wildcard-origin (warning).

References: https://flask-cors.readthedocs.io/en/latest/api.html ;
https://www.starlette.io/middleware/#corsmiddleware ;
https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS/Errors/CORSNotSupportingCredentials""",
)

REFLECTED = Rule(
    "cors/reflected-origin", Severity.WARNING,
    "Any origin echoed back",
    why=("The server copies the caller's Origin into Access-Control-Allow-Origin, so every website may read "
         "the API's responses. Without credentials browsers send no cookies, so this is only as open as `*`; "
         "but it is one `credentials: true` away from letting any site act as your users."),
    fix="Allow only your production origins, read from an environment variable.",
    docs="""Bad:
    app.use(cors({ origin: true }));
    await app.register(cors, { origin: (origin, cb) => cb(null, true) });

Good:
    app.use(cors({ origin: process.env.CORS_ORIGINS.split(',') }));

References: https://github.com/expressjs/cors#configuration-options""",
)

WILDCARD = Rule(
    "cors/wildcard-origin", Severity.WARNING,
    "Every origin allowed (`*`)",
    why=("Access-Control-Allow-Origin is `*`: any website may call the API from its visitors' browsers and "
         "read the answers. Browsers send no cookies with `*`, so this is a legitimate choice for a public, "
         "read-only API; for anything else it exposes more than your own frontend needs, and an API that sits "
         "on a private network becomes readable from the internet. With credentials also switched on, browsers "
         "refuse logged-in requests; the usual copy-pasted 'fix', echoing the Origin back, lets every site act "
         "as your users."),
    fix="If only your frontend calls the API, allow just its production origin (from an environment variable).",
    docs="""Bad (unless the API is deliberately public):
    app.use(cors({ origin: '*' }));
    res.setHeader('Access-Control-Allow-Origin', '*');
    app.add_middleware(CORSMiddleware, allow_origins=["*"])
    CORS_ALLOW_ALL_ORIGINS = True

Good:
    app.use(cors({ origin: process.env.FRONTEND_URL }));
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins)

A public API that wants `*` can keep it and silence this line:
    // deploycheck: ignore[cors/wildcard-origin] public read-only catalogue

Not reported: settings that only run in development (`if (process.env.NODE_ENV !== 'production')`,
`isDev ? '*' : allowList`, `if app.debug:`, `CORS_ALLOW_ALL_ORIGINS = DEBUG`, settings/dev.py),
tests, scripts and dev-server configs (vite, webpack), and comments.""",
)

LIBRARY_DEFAULT = Rule(
    "cors/library-default-any-origin", Severity.WARNING,
    "CORS middleware with no origin option (every origin allowed)",
    why=("A CORS middleware called without an origin (`cors()`, `CORS(app)`, `app.enableCors()`, "
         "`register(cors)`) allows every origin, like `*`. It is usually copied from a tutorial to make a "
         "local frontend work, and it ships to production unchanged. (Where the library then echoes the origin "
         "because credentials are on, it is reported as cors/wildcard-with-credentials.)"),
    fix="Pass the production origins explicitly, read from an environment variable.",
    docs="""Bad:
    app.use(cors());
    CORS(app)
    app.enableCors();

Good:
    app.use(cors({ origin: process.env.CORS_ORIGINS.split(',') }));
    CORS(app, origins=os.environ["CORS_ORIGINS"].split(","))
    app.enableCors({ origin: process.env.CORS_ORIGINS.split(',') });
    if (process.env.NODE_ENV !== 'production') app.use(cors());   // development only: not reported

References: https://github.com/expressjs/cors#configuration-options ;
https://flask-cors.readthedocs.io/en/latest/api.html""",
)

# Production code and the config files that set response headers in production.
_ROLES = {Role.APP, Role.BUILD_CONFIG, Role.DEPLOY_CONFIG, Role.OTHER}

# Libraries that answer `*` + credentials by echoing the caller's origin.
_REFLECTS_WILDCARD_WITH_CREDENTIALS = {"flask-cors", "flask-cors-config", "fastapi", "django-cors-headers",
                                       "@koa/cors", "python-socketio"}

_NAMES = {
    "cors": "cors()", "@fastify/cors": "@fastify/cors", "hono/cors": "Hono cors()", "@koa/cors": "@koa/cors",
    "koa2-cors": "koa2-cors", "nestjs": "NestJS CORS",
    "socket.io": "Socket.IO server", "python-socketio": "Socket.IO server",
    "flask-cors": "Flask-CORS", "flask-cors-config": "Flask-CORS config", "fastapi": "CORSMiddleware",
    "django-cors-headers": "django-cors-headers", "header": "Access-Control-Allow-Origin",
    "next-headers": "next.config headers()", "platform-headers": "Access-Control-Allow-Origin",
}

_FIX = {
    "cors": "Use cors({ origin: process.env.CORS_ORIGINS.split(',') }) (and credentials: true only if needed).",
    "nestjs": "Use app.enableCors({ origin: process.env.CORS_ORIGINS.split(',') }).",
    "@fastify/cors": "Use app.register(cors, { origin: process.env.CORS_ORIGINS.split(',') }).",
    "hono/cors": "Use cors({ origin: env.CORS_ORIGINS.split(',') }).",
    "@koa/cors": "Pass origin: a function that returns ctx.get('Origin') only when it is in your allow-list.",
    "flask-cors": 'Use CORS(app, origins=os.environ["CORS_ORIGINS"].split(",")).',
    "flask-cors-config": 'Set CORS_ORIGINS = os.environ["CORS_ORIGINS"].split(",").',
    "fastapi": "Use allow_origins=settings.cors_origins (a list read from the environment).",
    "socket.io": "Use cors: { origin: process.env.CORS_ORIGINS.split(',') } in the Socket.IO server options.",
    "python-socketio": 'Use cors_allowed_origins=os.environ["CORS_ORIGINS"].split(",").',
    "django-cors-headers": ('Remove CORS_ALLOW_ALL_ORIGINS and set '
                            'CORS_ALLOWED_ORIGINS = os.environ["CORS_ALLOWED_ORIGINS"].split(",").'),
    "header": ("Compare the request's Origin with an allow-list before echoing it, or send your one production "
               "origin; never echo it unchecked."),
    "next-headers": "Set the value to your production origin (e.g. process.env.FRONTEND_URL).",
    "platform-headers": "Set the value to your production origin.",
}


def _what(s: CorsSetting) -> str:
    """The setting as the user wrote it: "cors() with origin: true", "Access-Control-Allow-Origin: '*'"."""
    if s.library in ("header", "next-headers"):
        return f"Access-Control-Allow-Origin: {s.value}"
    if s.library == "platform-headers":
        return f"{(s.location.path or '').rsplit('/', 1)[-1]} sets Access-Control-Allow-Origin: {s.value}"
    name = _NAMES.get(s.library, s.library)
    if s.origin == "default":
        return f"{name} without an origin option"
    return f"{name} with {s.value}" if s.value else name


def _judge(s: CorsSetting) -> tuple[Rule, str] | None:
    what = _what(s)
    if s.origin == "reflect":
        if s.credentials is True:
            return REFLECTED_WITH_CREDENTIALS, f"{what} echoes back any Origin, and credentials are allowed"
        return REFLECTED, f"{what} echoes back any Origin"
    if s.origin in ("wildcard", "default"):
        if s.credentials is True and s.library in _REFLECTS_WILDCARD_WITH_CREDENTIALS:
            default = " (on by default)" if s.credentials_location is None else ""
            return WILDCARD_WITH_CREDENTIALS, (f"{what} allows every origin together with credentials{default}: "
                                               "the library then echoes back any Origin")
        note = ("; credentials are also on, which browsers refuse with `*` (do not 'fix' it by echoing the "
                "Origin back)") if s.credentials is True else ""
        if s.origin == "default":
            return LIBRARY_DEFAULT, f"{what} allows every origin{note}"
        return WILDCARD, f"{what} allows every origin{note}"
    return None


def find(project: Project, ctx: object) -> Iterator[Finding]:
    settings = [s for s in project.cors if not s.dev_only and project.role(s) in _ROLES]
    # Flask-CORS reads CORS_ORIGINS from the app config: `CORS(app)` plus a config value is not a default,
    # and a CORS_ORIGINS setting means nothing in a project that does not use Flask-CORS.
    flask_used = any(s.library == "flask-cors" for s in project.cors)
    flask_configured = flask_used and any(s.library == "flask-cors-config" for s in settings)
    flask_credentials = any(s.library == "flask-cors" and s.credentials for s in settings)
    settings = [s for s in settings if s.library != "flask-cors-config" or flask_used]
    seen: dict[tuple[str | None, str, str], int] = {}
    for s in sorted(settings, key=lambda s: (s.location.path or "", s.location.line or 0)):
        if s.library == "flask-cors" and s.origin == "default" and flask_configured:
            continue
        if s.library == "flask-cors-config" and flask_credentials and not s.credentials:
            s = _with_credentials(s)
        judged = _judge(s)
        if judged is None:
            continue
        rule, message = judged
        # One policy written twice in a row (app.use(cors()); app.options('*', cors())) is one finding.
        key = (s.location.path, rule.id, f"{s.library}:{s.value}")
        line = s.location.line or 0
        if key in seen and line - seen[key] <= 3:
            seen[key] = line
            continue
        seen[key] = line
        related = ()
        if s.credentials and s.credentials_location and s.credentials_location.line != s.location.line:
            related = (s.credentials_location,)
        yield rule.at(s.location, message, subject=f"{s.library}:{s.value or s.origin}",
                      fix=_FIX.get(s.library), related=related)


def _with_credentials(s: CorsSetting) -> CorsSetting:
    return replace(s, credentials=True)


def verdict(project: Project, findings: Sequence[Finding]) -> tuple[Status, str]:
    status, summary = default_verdict(project, findings)
    if status is Status.PASS:
        live = [s for s in project.cors if not s.dev_only and project.role(s) in _ROLES]
        if not live:
            return status, "no cross-origin access configured (same-origin only)"
        return status, "CORS is limited to listed or configured origins"
    return status, summary


CHECK = Check("cors", QUESTION,
              rules=(REFLECTED_WITH_CREDENTIALS, WILDCARD_WITH_CREDENTIALS, REFLECTED, WILDCARD, LIBRARY_DEFAULT),
              find=find, verdict=verdict, title="CORS")
