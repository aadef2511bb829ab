"""probe against real HTTP servers on loopback: a careless deployment and a careful one."""
from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deploycheck.cli import main
from deploycheck.cli.environment import Environment
from deploycheck.probe import FOREIGN_ORIGIN, probe


class _App(BaseHTTPRequestHandler):
    careless = True
    seen: list[tuple[str, str]] = []

    def log_message(self, *args):   # keep test output clean
        pass

    def _send(self, status: int, body: str = "", ctype: str = "application/json", headers: dict | None = None):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        origin = self.headers.get("Origin")
        if self.careless and origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Credentials", "true")
        elif origin == "https://app.example.com":
            self.send_header("Access-Control-Allow-Origin", origin)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_OPTIONS(self):
        type(self).seen.append(("OPTIONS", self.path))
        self._send(204)

    def do_POST(self):  # must never be called
        type(self).seen.append(("POST", self.path))
        self._send(500, "{}")

    do_PUT = do_DELETE = do_PATCH = do_POST

    def do_GET(self):
        type(self).seen.append(("GET", self.path))
        p = self.path
        if self.careless:
            if p == "/.env":
                return self._send(200, "DATABASE_URL=postgres://u:p@db/x\nSECRET_KEY=abc\n", "text/plain")
            if p == "/api/me":
                return self._send(200, json.dumps({"id": 1, "email": "a@example.com"}))
            if p in ("/", "/api"):
                return self._send(200, "<h1>hi</h1>", "text/html")
            return self._send(500, "Traceback (most recent call last):\n  File \"/app/app.py\", line 3, in x\nKeyError: 'k'",
                              "text/plain")
        if p == "/healthz":
            return self._send(200, '{"ok": true}')
        if p in ("/api/me", "/api/users", "/admin"):
            return self._send(401, '{"error": "Please sign in"}')
        if p in ("/", "/api"):
            return self._send(200, "<h1>hi</h1>", "text/html")
        return self._send(404, '{"error": "Not found"}')


@pytest.fixture(params=[True, False], ids=["careless", "careful"])
def server(request):
    handler = type("App", (_App,), {"careless": request.param, "seen": []})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", handler, request.param
    srv.shutdown()
    srv.server_close()


def test_probe_finds_what_a_careless_deployment_gets_wrong(server):
    url, handler, careless = server
    result = probe(url, timeout=5)
    rules = {f.rule.id for f in result.findings}
    if careless:
        assert rules == {"monitoring/health-endpoint-unreachable", "cors/live-reflected-origin-with-credentials",
                         "auth/live-endpoint-without-auth", "secrets/live-file-exposed", "error-handling/live-stack-trace"}
        assert any(FOREIGN_ORIGIN in f.message for f in result.findings)
    else:
        assert rules == set()
        assert any(c.name == "health" and c.path == "/healthz" and c.outcome == "ok" for c in result.checks)
        assert any(c.name == "auth" and c.outcome == "ok" for c in result.checks)
    assert {m for m, _ in handler.seen} <= {"GET", "OPTIONS"}        # never a write
    assert result.requests == len(handler.seen) <= 60


def test_probe_cli_exit_codes_and_json(server):
    url, _, careless = server
    out, err = io.StringIO(), io.StringIO()
    code = main(["probe", url, "--format", "json", "--timeout", "5"], Environment(stdout=out, stderr=err, vars={}))
    doc = json.loads(out.getvalue())
    assert code == (1 if careless else 0)
    assert doc["version"] == 1 and doc["requests"] > 0
    assert all(f["path"] is None for f in doc["findings"])


def test_probe_respects_the_request_budget(server):
    url, handler, _ = server
    result = probe(url, timeout=5, max_requests=3)
    assert len(handler.seen) <= 3 and result.requests <= 3


def test_probe_unreachable_and_bad_url():
    assert probe("ftp://example.com").error
    assert "cannot reach" in (probe("http://127.0.0.1:9", timeout=1).error or "")
    out, err = io.StringIO(), io.StringIO()
    assert main(["probe", "http://127.0.0.1:9", "--timeout", "1"], Environment(stdout=out, stderr=err, vars={})) == 2
    assert "cannot reach" in err.getvalue()
