"""Extractor module: what each function does — its calls (database, HTTP, email, payment …), how their
failures are handled, the database clients it opens — plus the imports that let the calls linker
follow a handler into the local modules it uses.

* `calls_js` (tree-sitter) and `calls_py` (ast) produce `Function` (with `CallSite`s and
  `CatchClause`s), `ExternalCall`, `DbClient` and `Import` facts, and `extra["error_handlers"]`
  (`ErrorHandler`: app-wide error handlers) and `extra["handler_refs"]` (route registrations that
  name their handler).
* `deps` reads package.json: the versions of the web frameworks (Express 4 vs 5 matters).
* `calls_link.link_calls` (a linker) resolves imports and call targets across files and computes,
  per function, the external kinds it reaches, the failures that can escape it and the request
  handlers it is reached from.
"""
from __future__ import annotations

from deploycheck.project.extract import JS, PY, Extractor
from deploycheck.project.extract import calls_js  # noqa: F401  (declares its shared whole-file query now)
from deploycheck.project.model import FileFacts, Language, Role
from deploycheck.project.parse import FileContext

# A file with none of these tokens makes no asynchronous or external call and has no try/catch: nothing
# in it can fail in a way these checks report, and it reaches nothing that can.
JS_TRIGGERS = ("await", ".then(", "catch", "fetch(", "query", "execute", "prisma", "mongoose", "Pool(",
               "createPool", "createConnection", "MongoClient", "PrismaClient", "Sequelize", "knex", ".connect(",
               "stripe", "twilio", "axios", "redis", "Redis", "setErrorHandler", "onError", "setInterval",
               "sendMail", "nodemailer", "s3", "S3", "express-async-errors", "useGlobalFilters", "@Catch",
               # route registrations: every handler gets a Function fact the routes can point at
               "router.", "app.get(", "app.post(", "app.put(", "app.patch(", "app.delete(", "app.use(", ".route(")
PY_TRIGGERS = ("import", "def ", "try", "except")

_CODE_ROLES = frozenset({Role.APP, Role.SCRIPT, Role.MIGRATION, Role.OTHER})

# package.json dependencies whose versions the checks use
_DEPS_OF_INTEREST = frozenset({
    "express", "fastify", "hono", "koa", "next", "@nestjs/core", "express-async-errors", "express-async-handler",
    "express-promise-router", "@awaitjs/express", "restify", "@hapi/hapi", "@netlify/plugin-nextjs",
    "@vercel/node", "serverless", "serverless-http", "@sentry/node", "@sentry/nextjs",
    # Vite-based SSR frameworks (env-vars: their server modules see every import.meta.env variable)
    "astro", "@sveltejs/kit", "@remix-run/dev", "@react-router/dev", "nuxt", "@solidjs/start",
    "@builder.io/qwik-city", "vike", "@tanstack/react-start", "@tanstack/start",
})


def _run_js(ctx: FileContext, facts: FileFacts) -> None:
    from deploycheck.project.extract import calls_js
    calls_js.extract(ctx, facts)


def _run_py(ctx: FileContext, facts: FileFacts) -> None:
    from deploycheck.project.extract import calls_py
    calls_py.extract(ctx, facts)


def _run_deps(ctx: FileContext, facts: FileFacts) -> None:
    if not ctx.path.endswith("package.json") or ctx.path.rsplit("/", 1)[-1] != "package.json":
        return
    data = ctx.json_data
    if not isinstance(data, dict):
        return
    out = []
    for section in ("dependencies", "devDependencies", "peerDependencies"):
        deps = data.get(section)
        if not isinstance(deps, dict):
            continue
        for name, spec in deps.items():
            if name in _DEPS_OF_INTEREST and isinstance(spec, str):
                out.append((ctx.path, name, spec, section))
    if out:
        facts.extra.setdefault("js_deps", []).extend(out)


EXTRACTORS = (
    Extractor("calls-js", _run_js, languages=JS, roles=_CODE_ROLES, triggers=JS_TRIGGERS),
    Extractor("calls-py", _run_py, languages=PY, roles=_CODE_ROLES, triggers=PY_TRIGGERS),
    Extractor("js-deps", _run_deps, languages=frozenset({Language.JSON}), roles=frozenset({Role.MANIFEST}),
              triggers=("dependencies",)),
)


def _link(project) -> None:
    from deploycheck.project.extract.calls_link import link_calls
    link_calls(project)


LINKERS = (_link,)
