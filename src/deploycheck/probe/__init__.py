"""deploycheck probe URL: check a running (staging) deployment from the outside.

Only safe requests are ever sent (GET, HEAD, OPTIONS), at most `max_requests` of them, never
following a redirect to another host. What it checks, each mapped to a checklist item:

- monitoring:     the health endpoint answers 200 quickly (paths from the repo's routes and platform
                  health-check config when --repo is given, else the usual /health, /healthz …);
- cors:           a preflight from a foreign origin is not answered with `*` or the reflected origin,
                  least of all together with Allow-Credentials;
- auth:           endpoints the repo protects (or that look private: /api/me, /api/users …) refuse an
                  anonymous request (401/403/redirect to login) instead of answering with data;
- secrets:        /.env, /.git/config and similar are not served;
- error-handling: an unknown path answers 404 without a stack trace; no framework debug page.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urljoin, urlsplit

import httpx

from deploycheck import __version__
from deploycheck.core import Finding, Location, Rule, Severity

FOREIGN_ORIGIN = "https://deploycheck-probe.invalid"
HEALTH_PATHS = ("/health", "/healthz", "/api/health", "/api/healthz", "/status", "/ready", "/readyz", "/livez", "/ping")
PRIVATE_GUESSES = ("/api/me", "/api/user", "/api/users", "/api/account", "/api/admin", "/admin", "/api/profile")
LEAK_PATHS = ("/.env", "/.env.production", "/.git/config", "/.git/HEAD", "/config.json", "/.DS_Store",
              "/server.js.map", "/backup.sql")

NO_HEALTH = Rule("monitoring/health-endpoint-unreachable", Severity.WARNING, "No working health endpoint",
                 why="Without an endpoint that answers 200 when the app is healthy, the platform cannot tell a "
                     "broken deploy from a good one and keeps sending users to it.",
                 fix="Add GET /healthz answering 200 (and checking the database) and point the platform's health check at it.")
SLOW_HEALTH = Rule("monitoring/slow-health-endpoint", Severity.WARNING, "Health endpoint is slow",
                   why="Health checks time out after a few seconds: a slow one makes the platform restart healthy instances.",
                   fix="Keep the health endpoint cheap: a trivial query at most, no external calls.")
CORS_WILDCARD = Rule("cors/live-wildcard-origin", Severity.WARNING, "Deployment allows any origin",
                     why="Any website can call this API from a visitor's browser.",
                     fix="Answer CORS only for your own front-end origins (an allow-list from an environment variable).")
CORS_REFLECT = Rule("cors/live-reflected-origin-with-credentials", Severity.ERROR,
                    "Deployment reflects any origin with credentials",
                    why="Any website can make requests as the logged-in visitor and read the answers: their data is exposed.",
                    fix="Replace the reflected origin with an explicit allow-list; never combine it with credentials.")
OPEN_ENDPOINT = Rule("auth/live-endpoint-without-auth", Severity.ERROR, "Endpoint answers anonymous requests with data",
                     why="An endpoint that should need a login returned data to a request without any credentials.",
                     fix="Put the auth check (middleware, decorator or dependency) on this route and answer 401 without it.")
LEAKED_FILE = Rule("secrets/live-file-exposed", Severity.ERROR, "Sensitive file served publicly",
                   why="Anyone can download this file; .env and .git files contain credentials and source history.",
                   fix="Serve only the build output directory; never the project root. Rotate every secret the file held.")
STACK_TRACE = Rule("error-handling/live-stack-trace", Severity.ERROR, "Error page shows a stack trace or debug page",
                   why="A debug page or stack trace tells attackers your code, paths and sometimes secrets, and a debugger "
                       "page can even run code.",
                   fix="Turn debug mode off in production (DEBUG=False, NODE_ENV=production) and answer errors with a short message.")
SERVER_ERROR_404 = Rule("error-handling/live-unknown-path-500", Severity.WARNING, "Unknown path answers 500",
                        why="A request for a path that does not exist crashes the app instead of answering 404.",
                        fix="Add a catch-all 404 handler after your routes.")
NO_TLS = Rule("secrets/live-plain-http", Severity.WARNING, "Deployment served over plain HTTP",
              why="Passwords, cookies and tokens cross the network readable by anyone on the way.",
              fix="Serve the app over HTTPS only (every platform can do it for free) and redirect HTTP to HTTPS.")
RULES = (NO_HEALTH, SLOW_HEALTH, CORS_WILDCARD, CORS_REFLECT, OPEN_ENDPOINT, LEAKED_FILE, STACK_TRACE,
         SERVER_ERROR_404, NO_TLS)

_TRACE = re.compile(r"Traceback \(most recent call last\)|\bat [\w.<>]+ \(/[^)]+:\d+:\d+\)|Werkzeug Debugger|"
                    r"You're seeing this error because you have <code>DEBUG = True</code>|"
                    r"node_modules/|at Layer\.handle|django\.core\.exceptions|File \"/[^\"]+\.py\", line \d+", re.I)
_ENV_CONTENT = re.compile(r"^\s*[A-Z][A-Z0-9_]{2,}\s*=\s*\S", re.M)
_GIT_CONTENT = re.compile(r"\[core\]|^ref: refs/", re.M)


@dataclass(slots=True)
class ProbeStep:
    name: str
    path: str
    outcome: str          # "ok" | "problem" | "skipped"
    detail: str


@dataclass(slots=True)
class ProbeResult:
    url: str
    findings: list[Finding] = field(default_factory=list)
    checks: list[ProbeStep] = field(default_factory=list)
    requests: int = 0
    duration_s: float = 0.0
    error: str | None = None


class _Client:
    def __init__(self, base: str, timeout: float, max_requests: int, headers: dict[str, str]):
        self.base = base.rstrip("/") + "/"
        self.host = urlsplit(base).netloc
        self.max_requests = max_requests
        self.count = 0
        self.http = httpx.Client(timeout=timeout, follow_redirects=False, verify=True,
                                 headers={"User-Agent": f"deploycheck-probe/{__version__}", **headers})

    def request(self, method: str, path: str, **kw) -> httpx.Response | None:
        assert method in ("GET", "HEAD", "OPTIONS"), "probe never sends writes"
        if self.count >= self.max_requests:
            return None
        self.count += 1
        url = urljoin(self.base, path.lstrip("/"))
        try:
            resp = self.http.request(method, url, **kw)
            hops = 0
            while resp.is_redirect and hops < 3:       # follow same-host redirects only
                nxt = urljoin(url, resp.headers.get("location", ""))
                if urlsplit(nxt).netloc != self.host or self.count >= self.max_requests:
                    break
                self.count += 1
                hops += 1
                resp = self.http.request(method, nxt, **kw)
            return resp
        except httpx.HTTPError:
            return None

    def close(self) -> None:
        self.http.close()


def probe(url: str, *, health_paths: Iterable[str] = (), private_paths: Iterable[str] = (),
          api_paths: Iterable[str] = (), timeout: float = 10.0, max_requests: int = 60,
          headers: dict[str, str] | None = None) -> ProbeResult:
    started = time.perf_counter()
    result = ProbeResult(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        result.error = f"not an http(s) URL: {url}"
        return result
    client = _Client(url, timeout, max_requests, headers or {})
    loc = Location(None)
    try:
        root = client.request("GET", "/")
        if root is None:
            result.error = f"cannot reach {url}"
            return result
        if parts.scheme == "http" and not _is_local(parts.hostname or ""):
            result.findings.append(NO_TLS.at(loc, f"{url} is served over plain HTTP", subject=parts.netloc))
        _health(client, result, list(dict.fromkeys([*health_paths, *HEALTH_PATHS])))
        _cors(client, result, list(dict.fromkeys([*api_paths, "/api", "/"]))[:4])
        _auth(client, result, list(dict.fromkeys([*private_paths, *PRIVATE_GUESSES])), explicit=set(private_paths))
        _leaks(client, result)
        _errors(client, result, root)
    finally:
        result.requests = client.count
        result.duration_s = time.perf_counter() - started
        client.close()
    return result


def _is_local(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost")


def _health(client: _Client, result: ProbeResult, paths: list[str]) -> None:
    for path in paths:
        t0 = time.perf_counter()
        resp = client.request("GET", path)
        elapsed = time.perf_counter() - t0
        if resp is not None and resp.status_code == 200:
            result.checks.append(ProbeStep("health", path, "ok", f"200 in {elapsed * 1000:.0f} ms"))
            if elapsed > 2.0:
                result.findings.append(SLOW_HEALTH.at(Location(None), f"{path} took {elapsed:.1f} s", subject=path))
            return
    result.checks.append(ProbeStep("health", ", ".join(paths[:4]), "problem", "no health path answered 200"))
    result.findings.append(NO_HEALTH.at(Location(None), "none of " + ", ".join(paths[:5]) + " answered 200",
                                        subject="health"))


def _cors(client: _Client, result: ProbeResult, paths: list[str]) -> None:
    for path in paths:
        resp = client.request("OPTIONS", path, headers={"Origin": FOREIGN_ORIGIN, "Access-Control-Request-Method": "GET"})
        get = client.request("GET", path, headers={"Origin": FOREIGN_ORIGIN})
        for r in (resp, get):
            if r is None:
                continue
            allow = r.headers.get("access-control-allow-origin", "")
            creds = r.headers.get("access-control-allow-credentials", "").lower() == "true"
            if allow == FOREIGN_ORIGIN or (allow == "*" and creds):
                result.findings.append(CORS_REFLECT.at(
                    Location(None), f"{path} answers a request from {FOREIGN_ORIGIN} with Access-Control-Allow-Origin: "
                                    f"{allow}" + (" and credentials" if creds else ""), subject=f"cors:{path}"))
                result.checks.append(ProbeStep("cors", path, "problem", f"allows {allow}"))
                return
            if allow == "*":
                result.findings.append(CORS_WILDCARD.at(Location(None), f"{path} answers any origin (Access-Control-Allow-Origin: *)",
                                                        subject=f"cors:{path}"))
                result.checks.append(ProbeStep("cors", path, "problem", "allows *"))
                return
    result.checks.append(ProbeStep("cors", ", ".join(paths), "ok", "a foreign origin is not allowed"))


def _looks_like_data(resp: httpx.Response) -> bool:
    ctype = resp.headers.get("content-type", "")
    if "json" not in ctype:
        return False
    body = resp.text.strip()
    return len(body) > 2 and body not in ("{}", "[]", "null") and not re.search(r'"(error|message)"\s*:', body[:200])


def _auth(client: _Client, result: ProbeResult, paths: list[str], explicit: set[str]) -> None:
    for path in paths:
        resp = client.request("GET", path)
        if resp is None:
            continue
        if resp.status_code in (401, 403) or resp.is_redirect:
            result.checks.append(ProbeStep("auth", path, "ok", f"refused anonymously ({resp.status_code})"))
        elif resp.status_code == 200 and (path in explicit or _looks_like_data(resp)):
            result.findings.append(OPEN_ENDPOINT.at(Location(None), f"GET {path} answered 200 without credentials",
                                                    subject=f"auth:{path}"))
            result.checks.append(ProbeStep("auth", path, "problem", "200 without credentials"))


def _leaks(client: _Client, result: ProbeResult) -> None:
    for path in LEAK_PATHS:
        resp = client.request("GET", path)
        if resp is None or resp.status_code != 200:
            continue
        body = resp.text[:5000]
        if (path.startswith("/.env") and _ENV_CONTENT.search(body)) or (path.startswith("/.git") and _GIT_CONTENT.search(body)) \
                or (path.endswith(".sql") and "INSERT INTO" in body.upper()) or path.endswith(".map") and '"sources"' in body:
            result.findings.append(LEAKED_FILE.at(Location(None), f"{path} is downloadable", subject=f"leak:{path}"))
            result.checks.append(ProbeStep("files", path, "problem", "served"))
    if not any(c.name == "files" for c in result.checks):
        result.checks.append(ProbeStep("files", ", ".join(LEAK_PATHS[:3]) + " …", "ok", "not served"))


def _errors(client: _Client, result: ProbeResult, root: httpx.Response) -> None:
    missing = "/deploycheck-probe-does-not-exist-4f1c"
    resp = client.request("GET", missing)
    for r, what in ((resp, missing), (root, "/")):
        if r is not None and _TRACE.search(r.text[:20000]):
            result.findings.append(STACK_TRACE.at(Location(None), f"GET {what} shows a stack trace or debug page",
                                                  subject=f"trace:{what}"))
            result.checks.append(ProbeStep("errors", what, "problem", "stack trace in the response"))
            return
    if resp is not None and resp.status_code >= 500:
        result.findings.append(SERVER_ERROR_404.at(Location(None), f"GET {missing} answered {resp.status_code}",
                                                   subject="404"))
        result.checks.append(ProbeStep("errors", missing, "problem", f"{resp.status_code} for an unknown path"))
        return
    result.checks.append(ProbeStep("errors", missing, "ok", f"{resp.status_code if resp else 'no answer'} without a trace"))
