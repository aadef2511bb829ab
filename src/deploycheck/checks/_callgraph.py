"""Questions the error-handling and db-connections checks both ask of the call facts.

Facts only: which functions are request handlers and for which framework, what the framework does
with an error that escapes a handler, what a call site can fail with, which routes a handler serves.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from deploycheck.project.model import CallSite, Function, Project, Role

THIRD_PARTY = frozenset({"http", "email", "payment", "sms", "storage"})   # failures worth their own message
KIND_LABEL = {"db": "database", "http": "HTTP API", "email": "email", "payment": "payment", "sms": "SMS",
              "storage": "file storage", "cache": "cache", "fs": "file system"}
JS_FRAMEWORKS = ("express", "fastify", "hono", "koa", "@nestjs/core", "next", "restify", "@hapi/hapi")
SERVERLESS_PLATFORMS = frozenset({"vercel", "netlify", "aws-sam", "serverless", "amplify", "lambda",
                                  "cloudflare", "cloudflare-workers"})


def major(spec: str | None) -> int | None:
    if not spec:
        return None
    m = re.search(r"(\d+)", spec)
    return int(m.group(1)) if m else None


@dataclass
class Graph:
    project: Project
    _fn: dict[str, Function] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._fn = {f.id: f for f in self.project.functions}

    # ---------------------------------------------------------------- functions
    def fn(self, fid: str | None) -> Function | None:
        return self._fn.get(fid) if fid else None

    def is_app(self, fn: Function) -> bool:
        f = self.project.file(fn.location.path)
        return f is not None and f.role is Role.APP

    def is_server(self, fn: Function) -> bool:
        """Production code that runs on the server (not a 'use client' module, not browser code)."""
        f = self.project.file(fn.location.path)
        if f is None or f.role is not Role.APP:
            return False
        if fn.handler or fn.reached_from:
            return True
        return not f.client_side and "browser" not in fn.facts

    @cached_property
    def deps(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for path, name, spec, _section in self.project.extra.get("js_deps", []):
            if name not in out or path.count("/") < 1:
                out[name] = spec
        return out

    @cached_property
    def project_framework(self) -> str | None:
        """The JS web framework the project's package.json names (for handlers found by shape)."""
        for name in JS_FRAMEWORKS:
            if name in self.deps:
                return {"@nestjs/core": "nestjs", "@hapi/hapi": "hapi", "next": "nextjs"}.get(name, name)
        return None

    @cached_property
    def python_framework(self) -> str | None:
        """The Python web framework of the project, for routes declared in files that do not import it
        (`from app import app` then `@app.route`)."""
        seen = {f.handler for f in self.project.functions
                if f.handler in ("flask", "fastapi", "django", "quart", "starlette")}
        for fw in ("fastapi", "flask", "django", "quart", "starlette"):
            if fw in seen:
                return fw
        return None

    def framework(self, fn: Function) -> str | None:
        h = fn.handler
        if h in ("route", "req-res"):
            if fn.location.path and fn.location.path.endswith((".py", ".pyw")):
                return self.python_framework or h
            fw = self.project_framework
            if fw in (None, "nextjs") and h == "req-res":
                return "express" if fw is None and self._imports_express(fn) else (fw or h)
            return fw or h
        return h

    def _imports_express(self, fn: Function) -> bool:
        return any(i.source == "express" and i.location.path == fn.location.path
                   for i in self.project.extra.get("call_imports", ()))

    @cached_property
    def express_major(self) -> int | None:
        return major(self.deps.get("express"))

    @cached_property
    def error_handlers(self) -> list:
        return list(self.project.extra.get("error_handlers", []))

    def has_global_handler(self, framework: str | None) -> bool:
        """A custom app-wide handler that logs and answers every error the handler lets through."""
        if framework is None:
            return False
        for h in self.error_handlers:
            if framework == "express" and h.framework == "express":
                return True
            if framework == "fastify" and h.framework == "fastify":
                return True
            if framework in ("hono",) and h.framework == "hono":
                return True
            if framework == "nestjs" and h.framework == "nestjs":
                return True
            if framework in ("flask", "quart") and h.framework == "flask" and str(h.catches).rsplit(".", 1)[-1] in (
                    "Exception", "BaseException", "500", "InternalServerError", "all"):
                return True
            if framework in ("fastapi", "starlette") and h.framework == "fastapi" and str(h.catches).rsplit(".", 1)[-1] in (
                    "Exception", "BaseException", "500", "all"):
                return True
        return False

    @cached_property
    def express_async_covered(self) -> bool:
        """Express routes rejected promises to the error handler: Express 5, or a patch such as
        express-async-errors loaded somewhere."""
        if self.express_major is not None and self.express_major >= 5:
            return True
        return any(h.framework == "express-async-errors" for h in self.error_handlers)

    # ---------------------------------------------------------------- calls
    def escapes(self, cs: CallSite) -> frozenset[str]:
        """Kinds of failure that leave this call site unhandled (into the function that made it)."""
        if cs.floating or guarded(cs):
            return frozenset()
        if cs.kind:
            return frozenset({cs.kind})
        t = self.fn(cs.target)
        return frozenset(t.raises) if t is not None else frozenset()

    def reaches(self, cs: CallSite) -> frozenset[str]:
        if cs.kind:
            return frozenset({cs.kind})
        t = self.fn(cs.target)
        return frozenset(t.kinds) if t is not None else frozenset()

    def writes(self, cs: CallSite, depth: int = 0, seen: set[str] | None = None) -> bool:
        if cs.write:
            return True
        if depth > 3 or cs.kind is not None:
            return False
        t = self.fn(cs.target)
        if t is None:
            return False
        seen = seen or set()
        if t.id in seen:
            return False
        seen.add(t.id)
        return any(self.writes(c, depth + 1, seen) for c in t.calls)

    def describe(self, cs: CallSite) -> str:
        """`send_sms()` (SMS via Twilio) — what a call is, for messages."""
        name = cs.callee.split("<callback:")[0] or cs.callee
        label = f"`{name}()`"
        kinds = self.reaches(cs) - {"fs", "cache"}
        third = [k for k in ("payment", "sms", "email", "storage", "http", "db") if k in kinds]
        provider = cs.provider or self._provider_of(cs)
        if third:
            what = KIND_LABEL[third[0]]
            if provider:
                what += f" via {provider_name(provider)}"
            return f"{label} ({what})"
        return label

    def _provider_of(self, cs: CallSite, depth: int = 0) -> str | None:
        t = self.fn(cs.target)
        if t is None or depth > 2:
            return None
        for c in t.calls:
            if c.provider:
                return c.provider
            p = self._provider_of(c, depth + 1) if c.target else None
            if p:
                return p
        return None

    def routes_of(self, fn: Function) -> list[str]:
        """'METHOD /path' of the routes this function handles (an index built once, not a scan per call)."""
        index = self.__dict__.get("_routes_index")
        if index is None:
            index = {}
            for r in self.project.routes:
                label = f"{r.method} {r.path}"
                if r.handler:
                    index.setdefault(r.handler, []).append(label)
                if r.handler_location and r.handler_location.path:
                    key = (r.handler_location.path, r.handler_location.line)
                    if not r.handler or key != _loc_key(r.handler):
                        index.setdefault(key, []).append(label)
            self.__dict__["_routes_index"] = index
        out = list(index.get(fn.id, ()))
        for label in index.get((fn.location.path, fn.location.line), ()):
            if label not in out:
                out.append(label)
        return out

    def where(self, fn: Function) -> str:
        routes = self.routes_of(fn)
        if routes:
            return routes[0]
        if fn.name and fn.name not in ("<anonymous>", "<module>"):
            return f"{fn.name}()"
        return "this handler"

    def entry_points(self, fn: Function) -> list[Function]:
        """The handler itself, or the handlers it is reached from."""
        if fn.handler:
            return [fn]
        return [h for h in (self.fn(x) for x in fn.reached_from) if h is not None]

    @cached_property
    def serverless(self) -> str | None:
        for d in self.project.deploy:
            if d.platform in SERVERLESS_PLATFORMS and not d.dev_only:
                return d.platform
        for name, platform in (("vercel.json", "vercel"), ("netlify.toml", "netlify"),
                               ("serverless.yml", "serverless"), ("serverless.yaml", "serverless"),
                               ("serverless.ts", "serverless"), ("samconfig.toml", "aws-sam")):
            if any(f.path == name or f.path.endswith("/" + name) for f in self.project.files):
                return platform
        for dep, platform in (("@netlify/plugin-nextjs", "netlify"), ("@vercel/node", "vercel"),
                              ("serverless-http", "lambda")):
            if dep in self.deps:
                return platform
        return None


def guarded(cs: CallSite) -> bool:
    if not (cs.in_try or cs.has_catch):
        return False
    return cs.catch not in ("rethrow",)


_PROVIDERS = {"stripe": "Stripe", "twilio": "Twilio", "postmark": "Postmark", "sendgrid": "SendGrid",
              "resend": "Resend", "mailgun": "Mailgun", "slack": "Slack", "openai": "OpenAI", "s3": "S3",
              "smtplib": "SMTP", "nodemailer": "SMTP", "convertkit": "ConvertKit", "anthropic": "Anthropic",
              "brevo": "Brevo"}


def provider_name(p: str) -> str:
    return _PROVIDERS.get(p, p)


def _loc_key(fid: str) -> tuple[str, int | None]:
    """("path", line) of a Function id "path#name@line"."""
    path, _, rest = fid.partition("#")
    try:
        return path, int(rest.rsplit("@", 1)[1])
    except (IndexError, ValueError):
        return path, None
