"""localhost: is any development URL hard-coded where production code runs?

In production, `localhost` is the server (or the container) itself: the database, the API or the
front-end the developer ran on their laptop is not there, so every call fails with ECONNREFUSED.
Silent on tests, scripts, dev-only config, docs, example env files, comments, log messages,
comparisons (`host === 'localhost'`), `if __name__ == "__main__":` blocks, development-only
branches, a server's bind address (`listen(PORT, '0.0.0.0')`, `--bind 0.0.0.0:$PORT`) and
health probes that run inside the container (`HEALTHCHECK curl http://localhost:8080/health`).
"""
from __future__ import annotations

import re
from typing import Iterator

from deploycheck.core import Check, Finding, Rule, Severity
from deploycheck.project.model import Project, Role, UrlLiteral

QUESTION = ("Is any development URL (localhost, 127.0.0.1, 0.0.0.0, :3000, :5432 …) hard-coded where "
            "production code runs?")

HARDCODED_URL = Rule(
    "localhost/hardcoded-url", Severity.ERROR, "Hard-coded localhost URL",
    why="In production, localhost is the server itself: the database or API that ran on your laptop "
        "is not there, so every request that needs it fails (ECONNREFUSED) and users see errors.",
    fix="Read the address from an environment variable (e.g. process.env.DATABASE_URL / "
        "os.environ['DATABASE_URL']), set it in your hosting platform, and fail at start-up when it is missing.",
    docs="""Bad:
    const pool = new Pool({ connectionString: "postgres://localhost:5432/app" });
Good:
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
Not flagged: tests, scripts, dev-only config, bind addresses (`app.listen(PORT, '0.0.0.0')`),
health probes inside the container, `if __name__ == "__main__":` blocks, development-only branches.""")

DEV_FALLBACK = Rule(
    "localhost/dev-fallback", Severity.WARNING, "localhost as the fallback of an environment variable",
    why="If the variable is missing in production (a typo, a different name on the platform), the app "
        "silently falls back to localhost and fails at the first request instead of at start-up, "
        "with an error that does not mention the missing variable.",
    fix="Remove the localhost fallback (keep it only in .env for development) and fail at start-up with a "
        "clear message when the variable is missing.",
    docs="""Bad:
    const uri = process.env.MONGODB_URI || 'mongodb://localhost:27017/notes';
Good:
    const uri = process.env.MONGODB_URI;
    if (!uri) throw new Error('MONGODB_URI is not set');""")

# Roles whose code or config runs in production.
_PRODUCTION_ROLES = frozenset({Role.APP, Role.MIGRATION, Role.BUILD_CONFIG, Role.DEPLOY_CONFIG, Role.ENV_FILE})
_BIND_HOSTS = frozenset({"0.0.0.0", "::", "[::]"})
_BIND_CALLEE = re.compile(r"(^|\.)(listen|run|serve|bind|createServer|start|run_app|run_simple)$")
_BIND_KEY = re.compile(r"^(host|hostname|bind|bind_address|listen|listen_address|address|server_host|HOST|BIND|SERVER_HOST)$", re.I)
# A bare host (no scheme) is only an address the app connects to when it sits in a connection slot.
_HOST_KEY = re.compile(r"host|url|uri|endpoint|server|addr|dsn|connection|base|api|domain|redis|mongo|postgres|mysql|"
                       r"database|db|broker|smtp|proxy|upstream|target|backend", re.I)
_CONNECT_CALLEE = re.compile(r"(^|\.)(Redis|createClient|connect|Pool|Client|createConnection|createPool|MongoClient|"
                             r"Sequelize|knex|fetch|axios|get|post|put|request|got|create_engine|StrictRedis|"
                             r"from_url|Elasticsearch|AsyncClient|Session)$")
# A bare host handed to a database query is data being compared (`Site.objects.filter(hostname="localhost")`).
_QUERY_CALLEE = re.compile(r"\.objects\.(get|filter|exclude|exists|count)$|(^|\.)(filter|exclude|filter_by|where|find|"
                           r"find_one|findOne|findFirst|findUnique|findMany|count|exists)$")   # reads, not get_or_create
_ORIGIN_KEY = re.compile(r"origin|cors|allowed_?hosts|csrf_?trusted|trusted_?origins|redirect_?ur[il]s?|callback", re.I)


def _is_bind(url: UrlLiteral) -> bool:
    """A server's own listen address, not a URL the app calls."""
    if url.callee == "bind":
        return True
    if url.scheme is None and url.host in _BIND_HOSTS:
        return True   # '0.0.0.0' without a scheme is always a listen address
    if url.scheme is None and url.callee and _BIND_CALLEE.search(url.callee):
        return True   # app.listen(3000, 'localhost'), app.run(host='127.0.0.1')
    if url.scheme is None and url.key and _BIND_KEY.match(url.key) and url.host in _BIND_HOSTS:
        return True
    return False


def _production_env_file(project: Project, path: str) -> bool:
    return any(s.path == path and s.environment in ("production", "staging") for s in project.env_sources)


_LOCAL_NAMES_KEY = re.compile(r"(?i)(?:^|_)(?:local_?hosts?|localhost_?\w*|local_?(?:domains|addresses|names|ips)|"
                              r"loopback_?(?:hosts?|domains|addresses|names|ips))$")

# the port the server itself listens on, in a template: a call to the same process
_OWN_PORT = re.compile(r"^[a-z]+://(?:localhost|127\.0\.0\.1):\$\{\s*(?:process\.env\.PORT|PORT|port|env\.PORT)\b")

# A container health check (Dockerfile `HEALTHCHECK CMD node healthcheck.js`) runs next to the server it
# probes: localhost is exactly the address it must call.
_HEALTHCHECK_FILE = re.compile(r"(?:^|/)health[-_.]?check\.(?:[cm]?js|ts|py|sh)$", re.I)


def find(project: Project, ctx) -> Iterator[Finding]:
    # a value only the build sees (a builder stage's ENV DATABASE_URL=…dummy, an ARG): nothing connects to it
    build_only = {(st.location.path, st.location.line) for s in project.env_sources for st in s.settings
                  if st.build_only}
    for url in project.urls:
        role = project.role(url)
        if role not in _PRODUCTION_ROLES or not url.is_local:
            continue
        if role is Role.DEPLOY_CONFIG and (url.location.path, url.location.line) in build_only:
            continue
        if role is Role.ENV_FILE and not _production_env_file(project, url.location.path or ""):
            continue
        if url.in_main_guard or url.in_dev_branch or url.callee == "probe" or _is_bind(url):
            continue
        if _HEALTHCHECK_FILE.search(url.location.path or ""):
            continue
        if _OWN_PORT.search(url.value or ""):
            continue   # `http://localhost:${process.env.PORT ?? 3000}`: the server calling itself (SSR), right anywhere
        if url.key and _ORIGIN_KEY.search(url.key):
            continue   # an allow-list entry for local development, not an address the app calls
        if url.scheme is None and url.key and _LOCAL_NAMES_KEY.search(url.key):
            continue   # `localhost_domains = ["localhost", "127.0.0.1"]`: the list of local names, to compare with
        if url.scheme is None and url.callee and _QUERY_CALLEE.search(url.callee):
            continue   # a value a query compares with, not an address
        if url.scheme is None and not ((url.key and _HOST_KEY.search(url.key)) or
                                       (url.callee and _CONNECT_CALLEE.search(url.callee)) or url.fallback_for):
            continue   # a bare '127.0.0.1' as a header value, a list of known hostnames …
        where = f"{url.host}:{url.port}" if url.port else url.host
        if url.fallback_for:
            yield DEV_FALLBACK.at(
                url.location, f"{url.fallback_for} falls back to {url.value} when it is not set",
                subject=f"{url.fallback_for}={where}",
                fix=f"Drop the fallback and fail at start-up when {url.fallback_for} is missing; "
                    f"set {url.fallback_for} on your hosting platform.")
        else:
            what = f"'{url.key}' is" if url.key and not url.key.startswith(("value", "env")) else "This address is"
            yield HARDCODED_URL.at(url.location, f"{what} hard-coded to {url.value}", subject=where)


CHECK = Check("localhost", QUESTION, rules=(HARDCODED_URL, DEV_FALLBACK), find=find, title="No localhost URLs")
