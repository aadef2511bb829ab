"""db-connections: Are database connections pooled, bounded and released, never opened per request?

Reads `DbClient` facts (where a pool/client/connection is created, whether it is cached, bounded,
released) and the call graph (`Function.reached_from`, `CallSite.loop`):

* a connection/client/pool created in a request handler, or in a helper a handler calls
  (`def get_conn(): return psycopg2.connect(...)`), unless it is cached (globalThis, a module
  variable, lru_cache, Flask `g`) — each request opens a new connection;
* a connection opened inside a loop over rows;
* a client borrowed from a pool (`pool.connect()`, `getconn()`, `SessionLocal()`) that is not released
  on every path (`finally`, `with`);
* a pool with no explicit size limit when the app deploys to a serverless platform.
"""
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.checks._callgraph import Graph
from deploycheck.core import Check, Finding, Location, Rule, Severity
from deploycheck.project.model import DbClient, Project

QUESTION = "Are database connections pooled, bounded and released, never opened per request?"

PER_REQUEST = Rule(
    "db-connections/connection-per-request", Severity.ERROR,
    "Database connection opened per request",
    why="Every request opens (and pays for) a new database connection. Under load the database runs out "
        "of connections ('too many connections' / 'remaining connection slots are reserved') and every "
        "request fails; connections that are not closed on errors leak until it does.",
    fix="Create one pool when the app starts (module level) and borrow from it per request: "
        "pg `new Pool()` + `pool.query`, psycopg2 `pool.ThreadedConnectionPool`, SQLAlchemy "
        "`create_engine` + a session per request, a cached PrismaClient/MongoClient.",
    docs="Bad:\n  def get_conn():\n      return psycopg2.connect(DATABASE_URL)   # called by every view\n"
         "Good:\n  pool = ThreadedConnectionPool(1, 10, DATABASE_URL)   # module level")
IN_LOOP = Rule(
    "db-connections/connection-in-loop", Severity.ERROR,
    "Database connection opened inside a loop",
    why="A new connection is opened for every item of the loop: one request can exhaust the database's "
        "connection limit, and connections that are never closed pile up.",
    fix="Open (or borrow) one connection before the loop and reuse it for every item; close it in "
        "finally.",
    docs="Loops over data (`for row in rows`, `items.forEach`); retry loops (`for attempt in range(3)`) "
         "are not reported.")
UNRELEASED = Rule(
    "db-connections/unreleased-client", Severity.ERROR,
    "Pooled client checked out and never released",
    why="The client borrowed from the pool is never given back: after `max` requests (often 10, here "
        "maybe 3) the pool is empty and every following request waits forever — the app hangs.",
    fix="Release it in a finally block: `const client = await pool.connect(); try { ... } finally { "
        "client.release() }` (Python: `with pool.connection() as conn:` / `putconn` in finally, "
        "`with SessionLocal() as db:`).",
    docs="`pool.query()` borrows and releases by itself and is never reported; a client that is "
         "returned to the caller is the caller's to release.")
LEAK_ON_ERROR = Rule(
    "db-connections/client-leak-on-error", Severity.WARNING,
    "Pooled client released only when nothing fails",
    why="The client is released on the success path only: each error leaks one connection from the pool, "
        "and after a few errors the pool is exhausted and the app hangs.",
    fix="Move the release into a finally block so it runs on every path.",
    docs="Bad:\n  const client = await pool.connect()\n  await client.query(sql)\n  client.release()\n"
         "Good:\n  try { await client.query(sql) } finally { client.release() }")
UNBOUNDED_SERVERLESS = Rule(
    "db-connections/unbounded-pool-serverless", Severity.WARNING,
    "Connection pool without a size limit on a serverless platform",
    why="On serverless platforms every concurrent function instance has its own pool; with the library "
        "default (10 connections for pg/mysql2, 100 for MongoDB) a traffic spike opens more connections "
        "than the database allows and requests start failing.",
    fix="Set a small explicit limit (pg `max: 1`–`3`, mysql2 `connectionLimit`, Mongo `maxPoolSize`) or "
        "use the provider's pooler/serverless driver (PgBouncer, Neon/Supabase pooler, Prisma Accelerate).",
    docs="Serverless means a Vercel/Netlify/Lambda/SAM/serverless.yml deploy config in the repository. "
         "PrismaClient is not judged (its limit lives in DATABASE_URL's connection_limit).")

RULES = (PER_REQUEST, IN_LOOP, UNRELEASED, LEAK_ON_ERROR, UNBOUNDED_SERVERLESS)
_NEW_CONNECTION = frozenset({"connection", "client", "pool", "engine"})


def find(project: Project, ctx) -> Iterator[Finding]:
    g = Graph(project)
    app = [d for d in project.db_clients if project.role(d) is not None and project.role(d).value == "app"]
    reported_loop: set[tuple[str | None, int | None]] = set()
    creators: dict[str, list[DbClient]] = {}
    for d in app:
        if d.scope == "function" and d.function and d.what in _NEW_CONNECTION and not d.singleton \
                and d.cache is None:
            creators.setdefault(d.function, []).append(d)
    for d in app:
        fn = g.fn(d.function)
        label = _label(d)
        if d.what == "checkout":
            if d.released == "never" and _one_off(fn):
                continue   # a script entry (`if __name__ == "__main__": init()`): the process exits and closes it
            if d.released == "never":
                yield UNRELEASED.at(d.location, f"{label} borrows a client from the pool and never releases it: "
                                                f"once the pool is empty every request hangs",
                                    subject=f"{d.function}:{d.variable}")
            elif d.released == "success-path":
                yield LEAK_ON_ERROR.at(d.location, f"{label} is released only when nothing fails: each error "
                                                  f"leaks a pooled connection", subject=f"{d.function}:{d.variable}")
            continue
        if d.in_loop and d.what in _NEW_CONNECTION:
            reported_loop.add((d.location.path, d.location.line))
            yield IN_LOOP.at(d.location, f"{label} opens a new connection for every item of the loop",
                             subject=f"{d.function}:{d.library}")
            continue
        if d.function in creators and d in creators[d.function] and fn is not None:
            entries = g.entry_points(fn)
            if entries:
                related = tuple(_call_sites_into(g, fn.id))[:5]
                who = _who(g, fn, entries)
                yield PER_REQUEST.at(d.location, f"{label} opens a new database connection {who}: one connection "
                                                 f"per request, no pool", subject=f"{d.function}:{d.library}",
                                     related=related)
                continue
        if d.what in ("pool", "client", "connect") and d.bounded is False and g.serverless:
            yield UNBOUNDED_SERVERLESS.at(
                d.location, f"{label} has no size limit and the app deploys to {g.serverless}: every function "
                            f"instance opens its own pool of up to {_default_size(d)} connections",
                subject=f"{d.location.path}:{d.library}")
    # a call inside a loop that reaches a helper which opens a connection: c2 = get_conn()
    for fn in project.functions:
        if not g.is_app(fn):
            continue
        for cs in fn.calls:
            if cs.loop != "items" or not cs.target:
                continue
            made = _opens(g, cs.target, creators, 0)
            if made is None:
                continue
            key = (cs.location.path, cs.location.line)
            if key in reported_loop:
                continue
            reported_loop.add(key)
            yield IN_LOOP.at(cs.location, f"`{cs.callee}()` opens a new {made.library} connection on every "
                                          f"iteration of this loop", subject=f"{fn.id}:{cs.callee}")


def _one_off(fn) -> bool:
    """A function only the file's script entry runs, never a request handler: its process ends after it."""
    return fn is not None and "main-entry" in fn.facts and not fn.handler and not fn.reached_from


def _opens(g: Graph, fid: str, creators: dict[str, list[DbClient]], depth: int) -> DbClient | None:
    if fid in creators:
        return creators[fid][0]
    if depth >= 2:
        return None
    fn = g.fn(fid)
    if fn is None:
        return None
    for cs in fn.calls:
        if cs.target:
            d = _opens(g, cs.target, creators, depth + 1)
            if d is not None:
                return d
    return None


def _label(d: DbClient) -> str:
    names = {"pg": "pg", "psycopg2": "psycopg2.connect()", "psycopg": "psycopg.connect()", "asyncpg": "asyncpg",
             "mongoose": "mongoose", "mongodb": "MongoClient", "prisma": "new PrismaClient()",
             "sqlalchemy": "SQLAlchemy", "mysql2": "mysql2", "sqlite3": "sqlite3.connect()", "redis": "redis"}
    base = names.get(d.library, d.library)
    if d.what == "checkout":
        return f"`{d.variable or 'client'}`" + (f" ({base})" if d.library in names else "")
    if d.what == "pool":
        return f"this {base} pool"
    if d.what == "engine":
        return f"this {base} engine"
    return base if base.endswith("()") else f"this {base} {d.what}"


def _default_size(d: DbClient) -> str:
    return {"mongoose": "100", "mongodb": "100"}.get(d.library, "10")


def _who(g: Graph, fn, entries) -> str:
    if fn.handler:
        return f"inside the request handler {g.where(fn)}"
    n = len(fn.reached_from)
    first = entries[0]
    name = f"{fn.name}()" if fn.name else "this function"
    more = f" and {n - 1} more" if n > 1 else ""
    return f"each time {name} runs — it is called for every request by {g.where(first)}" \
           f" ({first.location.path}:{first.location.line}){more}"


def _call_sites_into(g: Graph, target: str):
    for fn in g.project.functions:
        for cs in fn.calls:
            if cs.target == target:
                yield Location(cs.location.path, cs.location.line)


CHECK = Check("db-connections", QUESTION, rules=RULES, find=find, title="Database connections")
