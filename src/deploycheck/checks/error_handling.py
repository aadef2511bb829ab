"""error-handling: Is every external call (database, HTTP API, email, payment, file) guarded, logged, and
answered with a useful error instead of a crash or a silent failure?

Reads the per-function call summaries (`Function.calls`, `Function.catches`) and the call graph the
calls linker computed (`raises`, `kinds`, `reached_from`). What happens to an error that escapes a
request handler depends on the framework: Express 4 loses rejected promises (the request hangs, Node
15+ crashes); Fastify, Hono, NestJS, Next.js, Flask, FastAPI and Django answer a bare 500. So:

* an unguarded database call in a framework that answers 500 is left alone (a generic 500 is the
  honest answer when the database is down); an unguarded third-party call (email, SMS, payment, an API)
  is a warning unless an app-wide error handler answers it;
* errors only where the failure is invisible (empty catch, catch that logs and answers success) or
  crashes/hangs a request or the process (Express 4 async handler, floating promise, worker loop).
"""
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.checks._callgraph import THIRD_PARTY, Graph, guarded, provider_name
from deploycheck.core import Check, Finding, Rule, Severity
from deploycheck.project.model import CallSite, CatchClause, Function, Project

QUESTION = "Is every external call (database, HTTP API, email, payment, file) guarded, logged, and answered with a useful error instead of a crash or a silent failure?"

ASYNC_HANDLER = Rule(
    "error-handling/async-handler-without-wrapper", Severity.ERROR,
    "Express 4 async handler without try/catch or wrapper",
    why="Express 4 does not catch a rejected promise from an async route handler: when the database or "
        "API call fails, the request hangs until the browser gives up, and Node logs an unhandled "
        "rejection (Node 15+ crashes the whole server).",
    fix="Wrap the handler body in try/catch and answer res.status(500).json(...) (or pass the error to "
        "next(err)), or wrap the handler with express-async-handler / a local asyncHandler(fn), or "
        "upgrade to Express 5 which forwards async errors.",
    docs="Bad:\n  router.get('/', async (req, res) => { res.json(await Note.find()) })\n"
         "Good:\n  router.get('/', asyncHandler(async (req, res) => { res.json(await Note.find()) }))")
UNGUARDED = Rule(
    "error-handling/unguarded-external-call", Severity.WARNING,
    "Third-party call in a request handler without error handling",
    why="When the email, SMS, payment or API provider is slow or down, the error escapes the handler and "
        "the user gets a bare '500 Internal Server Error' page instead of a message they can act on; "
        "nothing in your code logs what failed.",
    fix="Wrap the call in try/catch (try/except), log the error with context, and answer a clear error "
        "(e.g. 502 'could not reach the payment provider, please retry') — or register an app-wide "
        "error handler that logs and answers JSON.",
    docs="Not reported: database calls (a bare 500 is the honest answer when the database is down), "
         "webhooks (a 500 makes the provider retry), handlers covered by an app-wide handler "
         "(Fastify setErrorHandler, Flask errorhandler(Exception), FastAPI exception_handler(Exception), "
         "Express 4-arg middleware with an async wrapper or Express 5, Hono onError, NestJS filters).")
AFTER_WRITE = Rule(
    "error-handling/unguarded-call-after-write", Severity.WARNING,
    "Notification/API call after a saved write, outside try",
    why="The data is already saved when this call runs. If the provider fails, the user gets a 500 error "
        "for an action that actually succeeded, so they retry and create duplicates (double bookings, "
        "double orders).",
    fix="Wrap the call in try/except, log the failure, and still answer success (or queue the "
        "notification and retry it in the background).",
    docs="Bad:\n  conn.commit()\n  send_sms(phone, 'booked')          # a Twilio error -> 500\n"
         "Good:\n  conn.commit()\n  try:\n      send_sms(phone, 'booked')\n  except TwilioError:\n"
         "      log.exception('confirmation SMS failed')\n  return jsonify(id=appointment_id), 201")
EMPTY_CATCH = Rule(
    "error-handling/empty-catch", Severity.ERROR,
    "Empty catch / except: pass around an external call",
    why="When the call fails, the error is thrown away: nothing is logged, nobody is told, and the "
        "failure is invisible until a customer complains.",
    fix="At least log the error with context (logger.exception / console.error) and decide what the "
        "user or the job should see; catch only the exceptions you expect.",
    docs="Bad:\n  try:\n      send_sms(...)\n  except:\n      pass\n"
         "Good:\n  except TwilioError:\n      log.exception('reminder to %s failed', phone)")
SWALLOWED = Rule(
    "error-handling/swallowed-error", Severity.ERROR,
    "Catch that only logs, then answers success",
    why="The request handler catches the failure of the database/payment call, writes a log line and "
        "carries on as if it worked: the user is told it succeeded, and the data was never saved.",
    fix="In the catch, answer an error status (res.status(500) / return ..., 500 / raise "
        "HTTPException) so the user knows to retry.",
    docs="Bad:\n  try { await db.order.create(...) } catch (e) { console.error(e) }\n  return res.json({ ok: true })\n"
         "Not reported: a catch around a notification only (email/SMS/API) that logs and answers "
         "success — the main action succeeded.")
UNCHECKED = Rule(
    "error-handling/unchecked-response", Severity.WARNING,
    "HTTP response used without checking its status",
    why="fetch() and requests do not fail on 4xx/5xx answers: an error page or error JSON is used as if "
        "it were the data, which shows up later as a crash on undefined or a silent wrong result.",
    fix="Check the status before using the body: `if (!res.ok) throw new Error(...)` / "
        "`resp.raise_for_status()`, and handle the error.",
    docs="Reported for fetch/undici/node-fetch, requests, httpx and aiohttp in server code (axios, got and "
         "ky throw on 4xx/5xx). Not reported: a response that is returned to the caller, handed to a "
         "helper, or a GET whose answer nobody reads.")
NO_TIMEOUT = Rule(
    "error-handling/request-without-timeout", Severity.WARNING,
    "HTTP request without a timeout",
    why="Python requests (and urlopen) wait forever by default: when the provider hangs, the worker "
        "serving this request hangs with it, and a few such requests take the whole app down.",
    fix="Pass a timeout, e.g. requests.post(url, ..., timeout=10), and handle requests.Timeout.",
    docs="httpx and aiohttp have default timeouts and are not reported.")
FLOATING = Rule(
    "error-handling/floating-promise", Severity.ERROR,
    "Promise neither awaited nor caught in a request handler",
    why="The call runs in the background with no one listening: if it rejects, Node reports an "
        "unhandled rejection and (Node 15+) the whole server process crashes, taking every user's "
        "request with it. (In Python an un-awaited coroutine never runs at all.)",
    fix="`await` it inside try/catch, or if it must run in the background add `.catch(err => "
        "logger.error(err))`.",
    docs="Not reported: a call of a local async function that cannot reject (it catches its own "
         "errors), callback-style calls, code that is not reached from a request handler.")
STARTUP_IGNORED = Rule(
    "error-handling/ignored-startup-failure", Severity.WARNING,
    "Failed database connection at start-up is logged and ignored",
    why="When the database is unreachable at start-up the error is only logged and the server starts "
        "anyway: every request then fails or hangs (Mongoose buffers queries for 10 s) instead of the "
        "deploy failing fast where the platform would show it.",
    fix="Exit when the connection fails (process.exit(1) / raise) so the platform restarts the app and "
        "the failed deploy is visible.",
    docs="Bad:\n  mongoose.connect(uri).catch((err) => console.log(err))\n"
         "Good:\n  mongoose.connect(uri).catch((err) => { console.error(err); process.exit(1) })")
WORKER_LOOP = Rule(
    "error-handling/unguarded-worker-loop", Severity.ERROR,
    "One bad item crashes the worker loop",
    why="This step runs for every queued item outside any try: one item that makes it raise crashes the "
        "worker before the failure is recorded; when the service restarts, it picks the same item again, "
        "so the whole queue is stuck behind it.",
    fix="Wrap the per-item work in try/except, record the failure on the item (attempts, last_error) and "
        "move on to the next item.",
    docs="Looks at `for` loops over items inside a `while True` poll loop (or a setInterval callback), "
         "directly or one or two calls down; the first unguarded processing step is reported. Database "
         "calls alone are not (an outage is not a bad item: crashing and restarting on it is right).")

RULES = (ASYNC_HANDLER, UNGUARDED, AFTER_WRITE, EMPTY_CATCH, SWALLOWED, UNCHECKED, NO_TIMEOUT, FLOATING,
         STARTUP_IGNORED, WORKER_LOOP)
_SIGNIFICANT = frozenset({"db", "http", "email", "payment", "sms", "storage"})



def find(project: Project, ctx) -> Iterator[Finding]:
    g = Graph(project)
    seen: set[tuple[str, str | None, int | None]] = set()

    def emit(f: Finding) -> Iterator[Finding]:
        key = (f.rule.id, f.location.path, f.location.line)
        if key not in seen:
            seen.add(key)
            yield f

    for fn in project.functions:
        if not g.is_app(fn):
            continue
        for f in _catches(g, fn):
            yield from emit(f)
        for f in _calls(g, fn):
            yield from emit(f)
        if fn.handler:
            for f in _handler(g, fn):
                yield from emit(f)
    for f in _workers(g):
        yield from emit(f)


# ---------------------------------------------------------------------------------- catches


def _try_calls(fn: Function, cc: CatchClause) -> list[CallSite]:
    lines = {c.location.line for c in fn.catches if c.try_line is not None and c.try_line == cc.try_line} \
        if cc.try_line is not None else {cc.location.line}
    lines.add(cc.location.line)
    return [c for c in fn.calls if c.catch_line in lines]


def _catches(g: Graph, fn: Function) -> Iterator[Finding]:
    for cc in fn.catches:
        if cc.action not in ("empty", "log-only", "respond-success"):
            continue
        calls = _try_calls(fn, cc)
        kinds = set(cc.kinds)
        for c in calls:
            kinds |= g.reaches(c)
        significant = kinds & _SIGNIFICANT
        if not significant:
            continue
        if cc.types and not cc.broad:
            continue   # `except KeyError: pass` / `except DatabaseError: pass`: a named failure, a decision
        if cc.action == "empty" and "browser" in fn.facts and not fn.reached_from:
            continue   # fire-and-forget beacons in browser code
        what = _what(g, calls, significant)
        if cc.action == "empty":
            yield EMPTY_CATCH.at(
                cc.location, f"{_catch_word(cc)} throws away any failure of {what}: nothing is logged, "
                             f"the failure is invisible", subject=f"{fn.name}:{what}")
            continue
        entry = fn.handler is not None
        side_effects_only = _only_side_effects(g, calls)
        if cc.action == "respond-success" and (entry or fn.reached_from) and not (side_effects_only and cc.logs):
            # (logging a failed notification and still answering success is the right call)
            yield SWALLOWED.at(
                cc.location, f"when {what} fails, this catch answers as if it worked: the user sees "
                             f"success and nothing was done", subject=f"{fn.name}:{what}")
            continue
        if cc.action == "log-only" and entry and (significant & {"db", "payment", "storage"}) and \
                not side_effects_only:
            yield SWALLOWED.at(
                cc.location, f"when {what} fails, this catch only logs and {g.where(fn)} carries on to "
                             f"answer success: the user is never told", subject=f"{fn.name}:{what}")
            continue
        if cc.action == "log-only" and cc.connects and not fn.handler and not fn.reached_from:
            yield STARTUP_IGNORED.at(
                cc.location, f"a failed database connection ({what}) is only logged here and the process keeps "
                             f"running: the platform never sees a failed start, and requests fail or hang instead",
                subject=f"{fn.name}:connect")


def _only_side_effects(g: Graph, calls: list[CallSite]) -> bool:
    """True when everything in the try is a notification (email/SMS/API); logging and moving on is
    then a reasonable choice. False when a database write or payment is among them."""
    for c in calls:
        k = g.reaches(c)
        if k & {"payment", "storage"} or ("db" in k and (g.writes(c) or c.kind == "db")):
            return False
    return True


def _catch_word(cc: CatchClause) -> str:
    if cc.chained:
        return "`.catch(() => {})`"
    if cc.types or cc.broad and cc.location.path and cc.location.path.endswith(".py"):
        return "`except: pass`" if not cc.types else f"`except {cc.types[0]}: pass`"
    return "empty `catch {}`"


def _what(g: Graph, calls: list[CallSite], kinds: set[str]) -> str:
    for k in ("payment", "sms", "email", "storage", "http", "db"):
        if k in kinds:
            for c in calls:
                if k in g.reaches(c):
                    return g.describe(c)
    return "the call"


# ---------------------------------------------------------------------------------- per call


def unchecked(g: Graph, fn: Function, cs: CallSite) -> bool:
    """An HTTP response used without looking at its status, in server code."""
    if not cs.fetch_like or cs.status_checked or cs.returned or not g.is_server(fn):
        return False
    if (fn.location.path or "").endswith((".tsx", ".jsx")) and not (fn.handler or fn.reached_from):
        return False   # React components and their helpers: browser code
    return not _is_component(fn)


def _calls(g: Graph, fn: Function) -> Iterator[Finding]:
    server = g.is_server(fn)
    for cs in fn.calls:
        if unchecked(g, fn, cs):
            also = " (and a network error is not caught either)" if fn.handler and g.escapes(cs) else ""
            yield UNCHECKED.at(
                cs.location, f"`{cs.callee}()` result is used without checking the status: an error answer "
                             f"({_provider_or(cs, 'the server')} returning 4xx/5xx) is treated as success{also}",
                subject=f"{fn.name}:{cs.callee}")
        if cs.timeout is False and server:
            yield NO_TIMEOUT.at(
                cs.location, f"`{cs.callee}()` has no timeout: if {_provider_or(cs, 'the server')} hangs, this "
                             f"request (and the worker serving it) hangs forever", subject=f"{fn.name}:{cs.callee}")
        if cs.floating and server and (fn.handler or fn.reached_from):
            why = _floating(g, fn, cs)
            if why:
                yield FLOATING.at(cs.location, why, subject=f"{fn.name}:{cs.callee}")


def _provider_or(cs: CallSite, default: str) -> str:
    return provider_name(cs.provider) if cs.provider else default


def _is_component(fn: Function) -> bool:
    path = fn.location.path or ""
    name = fn.name or ""
    return path.endswith((".tsx", ".jsx")) and (name[:1].isupper() or name.startswith("use")) \
        and name not in ("GET", "POST", "PUT", "PATCH", "DELETE")


_SERVERLESS_HANDLERS = frozenset({"nextjs-app", "nextjs-pages", "nextjs-ssr", "server-action", "lambda", "remix",
                                  "sveltekit", "trpc"})


def _floating(g: Graph, fn: Function, cs: CallSite) -> str | None:
    path = fn.location.path or ""
    if path.endswith(".py"):
        t = g.fn(cs.target)
        if t is not None and t.is_async:
            return f"`{cs.callee}()` is an async function called without await: it never runs"
        return None
    entries = g.entry_points(fn)
    serverless = bool(entries) and all(g.framework(e) in _SERVERLESS_HANDLERS for e in entries)
    consequence = ("the function may be frozen as soon as the response is sent, so it may never finish, and a "
                   "failure is never handled" if serverless else
                   "a failure becomes an unhandled rejection, which crashes the Node server process (Node 15+)")
    if cs.kind:
        if cs.kind in ("fs",):
            return None
        return f"{g.describe(cs)} is started but neither awaited nor `.catch`ed: {consequence}"
    t = g.fn(cs.target)
    if t is not None and t.is_async and t.raises:
        return (f"`{cs.callee}()` is async and can fail ({', '.join(t.raises)}), but it is neither awaited nor "
                f"`.catch`ed: {consequence}")
    return None


# ---------------------------------------------------------------------------------- handlers


def _handler(g: Graph, fn: Function) -> Iterator[Finding]:
    framework = g.framework(fn)
    if not g.is_server(fn) and framework not in ("server-action",):
        return
    escaping = [(cs, g.escapes(cs)) for cs in fn.calls]
    escaping = [(cs, k) for cs, k in escaping if k & _SIGNIFICANT]
    express_lost = (framework == "express" and fn.is_async and not fn.wrapped and not g.express_async_covered)
    if express_lost and escaping:
        # reported once per handler, at the call most likely to fail: a third-party call before the database
        first = min(escaping, key=lambda e: (not (e[1] & THIRD_PARTY), e[0].location.line or 0))[0]
        yield ASYNC_HANDLER.at(
            first.location, f"async handler for {g.where(fn)} has no try/catch and no async wrapper: if "
                            f"{g.describe(first)} fails, Express 4 never answers (the request hangs) and Node "
                            f"reports an unhandled rejection", subject=f"{fn.id}")
        return
    if framework == "express" and fn.is_async and not fn.wrapped and not g.express_async_covered:
        return
    if _is_webhook(g, fn):
        return   # a webhook answering 500 makes the provider retry: that is the error handling
    # an app-wide handler, or a route wrapper (`withWorkspace(handler)`) whose try/catch answers every error
    covered = g.has_global_handler(framework) or "wrapper-catches" in fn.facts
    wrote_at: int | None = None
    for cs in sorted(fn.calls, key=lambda c: (c.location.line or 0, c.location.column or 0)):
        esc = g.escapes(cs)
        third = esc & THIRD_PARTY
        if third and wrote_at is not None and (cs.location.line or 0) > wrote_at:
            yield AFTER_WRITE.at(
                cs.location, f"{g.describe(cs)} runs after the data was saved (line {wrote_at}) and is not in a "
                             f"try: if it fails, the user gets a 500 for an action that succeeded and will retry",
                subject=f"{fn.id}:{cs.callee}")
        elif third and not covered and not unchecked(g, fn, cs):
            yield UNGUARDED.at(
                cs.location, f"{g.describe(cs)} in {g.where(fn)} is not in a try/catch: when "
                             f"{_provider_or(cs, 'the provider') if cs.provider else 'it'} fails the user gets a "
                             f"bare 500 error and the failure is not logged with context",
                subject=f"{fn.id}:{cs.callee}")
        if wrote_at is None and g.writes(cs) and not cs.floating:
            wrote_at = cs.location.line


def _is_webhook(g: Graph, fn: Function) -> bool:
    where = (fn.location.path or "") + " " + (fn.name or "") + " " + " ".join(g.routes_of(fn))
    if "webhook" in where.lower():
        return True
    return any("constructEvent" in c.callee or "webhooks." in c.callee for c in fn.calls)


# ---------------------------------------------------------------------------------- workers


def _workers(g: Graph) -> Iterator[Finding]:
    """Long-running loops (`while True:` / setInterval) whose per-item work is unguarded."""
    for fn in g.project.functions:
        if not g.is_app(fn) or fn.handler:
            continue
        interval = "interval-callback" in fn.facts
        poll_calls = [c for c in fn.calls if (c.in_poll_loop or interval) and not guarded(c)]
        if not poll_calls:
            continue
        visited: set[str] = set()
        # per-item loops in this function, inside the poll loop
        yield from _item_loops(g, fn, only_in_poll=not interval)
        for cs in poll_calls:
            t = g.fn(cs.target)
            if t is None or t.id in visited:
                continue
            visited.add(t.id)
            yield from _item_loops(g, t, only_in_poll=False)
            for c2 in t.calls:
                t2 = g.fn(c2.target)
                if t2 is not None and not guarded(c2) and t2.id not in visited and c2.loop != "items":
                    visited.add(t2.id)
                    yield from _item_loops(g, t2, only_in_poll=False)


def _item_loops(g: Graph, fn: Function, only_in_poll: bool) -> Iterator[Finding]:
    loops: dict[int, list[CallSite]] = {}
    for c in fn.calls:
        if c.loop == "items" and c.loop_line is not None and (c.in_poll_loop or not only_in_poll):
            loops.setdefault(c.loop_line, []).append(c)
    for line, calls in loops.items():
        # the loop does real work per item (an external call somewhere in it)
        if not any(g.reaches(c) & _SIGNIFICANT for c in calls):
            continue
        # item-dependent steps: local processing code and third-party calls (a database outage is not a
        # bad item: restarting on it is the right thing)
        risky = [c for c in calls if not guarded(c) and not c.floating and (
            c.target or (c.kind in THIRD_PARTY))]
        if not risky:
            continue
        first = min(risky, key=lambda c: (c.location.line or 0, c.location.column or 0))
        yield WORKER_LOOP.at(
            first.location, f"{g.describe(first)} runs for each item outside any try: one bad item raises, the "
                            f"worker crashes before recording the failure, and after a restart it takes the same "
                            f"item again", subject=f"{fn.id}:{line}")


CHECK = Check("error-handling", QUESTION, rules=RULES, find=find, title="Error handling")
