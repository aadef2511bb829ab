"""Per-function call summaries for Python (the `ast` module).

One recursive pass over the module keeps a small context (enclosing function, try blocks, loops,
`with` bindings) and records, for every call that matters (external calls, calls of local
functions, database clients), whether it is guarded by a try/except and what that except does,
whether it runs in a loop, and for HTTP calls whether a timeout and a status check are present.

Function ids: `"<path>#<name>@<line>"` with the `def` line; module-level code is `<module>@1`.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace

from deploycheck.core import Location
from deploycheck.project.extract._pyast import dotted
from deploycheck.project.extract.calls_classify import Chain, classify_py, lib_kind, py_bounded, py_connector
from deploycheck.project.model import (CallSite, CatchClause, DbClient, ErrorHandler, ExternalCall, FileFacts,
                                       Function, Import)
from deploycheck.project.parse import FileContext

_ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete", "api_route", "websocket", "head",
                     "options"}
_HOOK_DECORATORS = {"before_request", "after_request", "before_app_request", "middleware"}
_LOG_ROOTS = {"log", "logger", "logging", "LOGGER", "LOG", "_log", "_logger", "print", "traceback",
              "sentry_sdk", "capture_exception", "warnings", "rollbar", "bugsnag", "structlog"}
_BROAD = {"Exception", "BaseException"}
@dataclass(slots=True)
class _Fn:
    id: str
    name: str
    node: ast.AST | None
    line: int
    end_line: int
    is_async: bool
    params: tuple[str, ...]
    handler: str | None = None
    cls: str | None = None
    facts: list[str] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    catches: dict[int, CatchClause] = field(default_factory=dict)
    derived: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # var -> (derived, origin)
    globals_: set[str] = field(default_factory=set)
    decorators: tuple[str, ...] = ()


@dataclass(slots=True)
class _Try:
    node: ast.Try
    section: str                      # "body" | "handler" | "else" | "finally"
    handler_line: int | None
    action: str | None
    broad: bool
    types: tuple[str, ...]


@dataclass(slots=True)
class _Ctx:
    fn: _Fn
    tries: tuple[_Try, ...] = ()
    loops: tuple[tuple[str, int], ...] = ()


class _Extractor:
    def __init__(self, ctx: FileContext, facts: FileFacts):
        self.ctx = ctx
        self.facts = facts
        self.path = ctx.path
        self.origins: dict[str, str] = {}          # name -> dotted module(.name)
        self.local_names: dict[str, _Fn] = {}       # top-level function name -> fn
        self.methods: dict[tuple[str, str], _Fn] = {}
        self.fns: list[_Fn] = []
        self.module = _Fn(f"{self.path}#<module>@1", "<module>", None, 1, len(ctx.lines) or 1, False, (),
                          facts=["module"])
        self.frameworks: set[str] = set()
        self.module_derived: dict[str, tuple[str, str | None]] = {}
        self.sessionmakers: set[str] = set()
        self.is_views = bool(re.search(r"(^|/)views(\.py$|/)", ctx.path))
        self.error_handlers: list[ErrorHandler] = []
        self.imports: list[Import] = []          # -> facts.extra["call_imports"] (see calls.py)
        self._stmt_of_call: ast.AST | None = None  # the statement whose whole value the current call is

    # ------------------------------------------------------------------ entry
    def run(self) -> None:
        tree = self.ctx.py_tree
        for node in tree.body:
            self._collect_imports(node)
            if isinstance(node, (ast.Try, ast.If)):     # try: import x / except ImportError at module level
                for sub in [*node.body, *getattr(node, "orelse", []),
                            *[s for h in getattr(node, "handlers", []) for s in h.body]]:
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        self._collect_imports(sub)
        self.frameworks = {v.split(".")[0] for v in self.origins.values()} & {"flask", "fastapi", "django",
                                                                              "starlette", "rest_framework",
                                                                              "celery", "aiohttp", "sanic",
                                                                              "quart", "litestar"}
        # pre-register top-level functions and methods so calls before definitions resolve
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.local_names.setdefault(node.name, self._make_fn(node, None))
            elif isinstance(node, ast.ClassDef):
                for sub in node.body:
                    if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self.methods.setdefault((node.name, sub.name), self._make_fn(sub, node))
        ctx = _Ctx(self.module)
        for node in tree.body:
            self._stmt(node, ctx, cls=None)
        self._emit()

    # ------------------------------------------------------------------ imports
    def _collect_imports(self, node: ast.AST, record: bool = True) -> None:
        loc = self.ctx.loc(node.lineno) if hasattr(node, "lineno") else Location(self.path)
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    self.origins[a.asname] = a.name
                    self.imports.append(Import(loc, a.asname, a.name, None))
                else:
                    top = a.name.split(".")[0]
                    self.origins.setdefault(top, top)
                    if "." in a.name:
                        self.origins.setdefault(a.name, a.name)
                    self.imports.append(Import(loc, top, a.name if "." not in a.name else top, None))
        elif isinstance(node, ast.ImportFrom):
            mod = "." * (node.level or 0) + (node.module or "")
            for a in node.names:
                if a.name == "*":
                    self.imports.append(Import(loc, "*", mod, "*"))
                    continue
                local = a.asname or a.name
                self.origins[local] = f"{mod}.{a.name}" if not mod.endswith(".") else f"{mod}{a.name}"
                self.imports.append(Import(loc, local, mod, a.name))
        elif isinstance(node, (ast.If, ast.Try)):
            for sub in ast.iter_child_nodes(node):
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    pass   # handled by the walk in run()

    # ------------------------------------------------------------------ functions
    def _make_fn(self, node: ast.FunctionDef | ast.AsyncFunctionDef, cls: ast.ClassDef | None) -> _Fn:
        args = node.args
        params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
        decos = tuple(_dotted(d.func if isinstance(d, ast.Call) else d) or "" for d in node.decorator_list)
        end = getattr(node, "end_lineno", node.lineno) or node.lineno
        fn = _Fn(f"{self.path}#{node.name}@{node.lineno}", node.name, node, node.lineno, end,
                 isinstance(node, ast.AsyncFunctionDef), params, cls=cls.name if cls else None, decorators=decos)
        return fn

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, outer: _Ctx, cls: ast.ClassDef | None) -> None:
        fn = None
        if outer.fn is self.module:
            fn = self.local_names.get(node.name) if cls is None else self.methods.get((cls.name, node.name))
            if fn is not None and fn.node is not node:
                fn = None
        if fn is None:
            fn = self._make_fn(node, cls)
        self.fns.append(fn)
        self._classify_handler(fn, node, cls)
        fn.derived = dict(outer.fn.derived) if outer.fn is not self.module else {}
        # (generator: set by _expr when it meets a yield; globals: by _stmt when it meets `global x`)
        # FastAPI dependencies run per request: Depends(get_db) is an edge from the handler
        defaults = [*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]]
        for d in defaults:
            if isinstance(d, ast.Call) and _dotted(d.func) in ("Depends", "fastapi.Depends", "Security") and d.args:
                name = _dotted(d.args[0])
                if name:
                    fn.calls.append(CallSite(callee=name, location=self.ctx.loc(d), kind=None,
                                             target=self.local_names[name].id if name in self.local_names else None,
                                             args="Depends", awaited=True))
        ctx = _Ctx(fn)
        for stmt in node.body:
            self._stmt(stmt, ctx, cls=None)

    def _classify_handler(self, fn: _Fn, node: ast.AST, cls: ast.ClassDef | None) -> None:
        for d in node.decorator_list:  # type: ignore[attr-defined]
            call = d if isinstance(d, ast.Call) else None
            name = _dotted(d.func if call else d) or ""
            last = name.rsplit(".", 1)[-1]
            if last in _ROUTE_DECORATORS and "." in name:
                fn.handler = self._fw()
                return
            if last in ("api_view", "action") or name in ("require_http_methods", "require_POST", "require_GET"):
                fn.handler = "django"
                return
            if last in _HOOK_DECORATORS and "." in name:
                fn.handler = self._fw()
                fn.facts.append("hook")
                return
            if last in ("errorhandler", "app_errorhandler", "exception_handler") and call is not None:
                what = _dotted(call.args[0]) if call.args else None
                if call.args and isinstance(call.args[0], ast.Constant):
                    what = str(call.args[0].value)
                self.error_handlers.append(ErrorHandler(
                    "fastapi" if last == "exception_handler" else "flask", self.ctx.loc(d), what or "all"))
                fn.facts.append("error-handler")
                return
            if last in ("teardown_appcontext", "teardown_request"):
                fn.facts.append("teardown")
            if last in ("task", "shared_task", "periodic_task", "job", "scheduled_job", "actor"):
                fn.facts.append("task")
            if last in ("on_event",) or name.endswith("lifespan") or last == "asynccontextmanager" and fn.name == "lifespan":
                fn.facts.append("startup")
            if last in ("lru_cache", "cache", "cached_property", "cached"):
                fn.facts.append("cached")
        if self.is_views or "django" in self.frameworks or "rest_framework" in self.frameworks:
            ps = fn.params
            if cls is None and ps[:1] == ("request",) and self.is_views:
                fn.handler = "django"
            elif cls is not None and ps[:2] == ("self", "request") and fn.name in (
                    "get", "post", "put", "patch", "delete", "list", "create", "retrieve", "update",
                    "partial_update", "destroy", "perform_create", "perform_update", "perform_destroy",
                    "form_valid", "get_queryset", "get_object", "dispatch"):
                fn.handler = "django"

    def _fw(self) -> str:
        for fw in ("fastapi", "flask", "quart", "sanic", "litestar", "starlette", "aiohttp"):
            if fw in self.frameworks:
                return fw
        return "route"

    # ------------------------------------------------------------------ statements
    def _stmt(self, node: ast.stmt, ctx: _Ctx, cls: ast.ClassDef | None) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if ctx.fn is not self.module:
                self._collect_imports(node)
            return
        if isinstance(node, ast.Global):
            ctx.fn.globals_.update(node.names)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in node.decorator_list:
                self._expr(d, ctx)
            self._function(node, ctx, cls)
            return
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for d in stmt.decorator_list:
                        self._expr(d, ctx)
                    self._function(stmt, ctx, node)
                else:
                    self._stmt(stmt, ctx, node)
            return
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self._try(node, ctx)
            return
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self._expr(node.iter, ctx)
            kind = _py_loop_kind(node)
            inner = replace(ctx, loops=ctx.loops + ((kind, node.lineno),))
            for s in node.body:
                self._stmt(s, inner, cls)
            for s in node.orelse:
                self._stmt(s, ctx, cls)
            return
        if isinstance(node, ast.While):
            self._expr(node.test, ctx)
            kind = "poll" if _is_poll_test(node.test) else "other"
            inner = replace(ctx, loops=ctx.loops + ((kind, node.lineno),))
            for s in node.body:
                self._stmt(s, inner, cls)
            for s in node.orelse:
                self._stmt(s, ctx, cls)
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._expr(item.context_expr, ctx, with_target=item.optional_vars, stmt=node)
                if item.optional_vars is not None and isinstance(item.optional_vars, ast.Name):
                    self._derive(item.optional_vars.id, item.context_expr, ctx)
            for s in node.body:
                self._stmt(s, ctx, cls)
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            value = node.value
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if value is not None:
                self._expr(value, ctx, assign_targets=targets, stmt=node)
                for t in targets:
                    if isinstance(t, ast.Name):
                        self._derive(t.id, value, ctx)
                    elif isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                        self._derive("self." + t.attr, value, ctx)
            return
        if isinstance(node, ast.If) and _is_main_guard(node.test):
            if ctx.fn is self.module:
                # functions the script entry calls: they run once in a process that then exits
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in self.local_names:
                        self.local_names[sub.func.id].facts.append("main-entry")
            for s in node.body:
                self._stmt(s, ctx, cls)
            for s in node.orelse:
                self._stmt(s, ctx, cls)
            return
        # generic: expressions first, then nested statements
        for child in _children(node):
            if isinstance(child, ast.stmt):
                self._stmt(child, ctx, cls)
            elif isinstance(child, ast.expr):
                self._expr(child, ctx, stmt=node)
            else:   # match_case, comprehension …
                for sub in _children(child):
                    if isinstance(sub, ast.stmt):
                        self._stmt(sub, ctx, cls)
                    elif isinstance(sub, ast.expr):
                        self._expr(sub, ctx, stmt=node)

    def _try(self, node: ast.Try, ctx: _Ctx) -> None:
        handlers = node.handlers
        first = handlers[0] if handlers else None
        action, broad, types = (None, False, ())
        if handlers:
            actions = [_handler_action(h, self) for h in handlers]
            # the most forgiving handler decides whether failures are swallowed
            action = actions[0]
            for a in actions:
                if a in ("empty", "log-only", "respond-success"):
                    action = a
                    break
            types = tuple(t for h in handlers for t in _handler_types(h))
            broad = any(h.type is None for h in handlers) or any(t.rsplit(".", 1)[-1] in _BROAD for t in types)
            for h, a in zip(handlers, actions):
                hbroad = h.type is None or any(t.rsplit(".", 1)[-1] in _BROAD for t in _handler_types(h))
                if h.lineno not in ctx.fn.catches:
                    logs = any(isinstance(n, ast.Call) and _is_log_call(n) for s in h.body for n in ast.walk(s))
                    ctx.fn.catches[h.lineno] = CatchClause(
                        self.ctx.loc(h), a, try_line=node.lineno, types=_handler_types(h), broad=hbroad, logs=logs)
        body_try = _Try(node, "body", first.lineno if first else None, action, broad, types)
        for s in node.body:
            self._stmt(s, replace(ctx, tries=ctx.tries + ((body_try,) if handlers else ())), None)
        for h in handlers:
            if h.type is not None:
                self._expr(h.type, ctx)
            for s in h.body:
                self._stmt(s, ctx, None)
        for s in node.orelse:
            self._stmt(s, ctx, None)
        for s in node.finalbody:
            self._stmt(s, ctx, None)

    # ------------------------------------------------------------------ expressions
    def _expr(self, node: ast.AST, ctx: _Ctx, assign_targets=None, with_target=None, stmt: ast.AST | None = None) -> None:
        stack = [(node, None)]
        Call, Lambda, Yield, YieldFrom = ast.Call, ast.Lambda, ast.Yield, ast.YieldFrom
        while stack:
            n, parent = stack.pop()
            t = type(n)
            if t is Call:
                top = n is node or (parent is node and isinstance(node, ast.Await))
                self._stmt_of_call = stmt if top else None
                self._call(n, parent, ctx, assign_targets if top else None, with_target if top else None, top=top)
            elif t is Lambda:
                continue
            elif t is Yield or t is YieldFrom:
                ctx.fn.facts.append("generator")
            for child in _children(n):
                stack.append((child, n))

    def _call(self, node: ast.Call, parent: ast.AST | None, ctx: _Ctx, assign_targets, with_target, top: bool) -> None:
        # only the outermost call of a chain: requests.get(u).json() is one call site
        ch = self._chain(node, ctx)
        if ch is None:
            return
        if isinstance(parent, ast.Attribute) and parent.value is node:
            return   # inner link; the outer call handles the chain
        fn = ctx.fn
        cls = classify_py(ch)
        connector = py_connector(ch)
        target = None
        local = False
        checkout = self._checkout(ch, ctx) if cls is None and connector is None else None
        if cls is None and connector is None and checkout is None:
            if not ch.members and ch.root in self.local_names and ch.root not in self.origins:
                target = self.local_names[ch.root].id
                local = True
            elif ch.root == "self" and len(ch.members) == 1 and fn.cls:
                m = self.methods.get((fn.cls, ch.members[0]))
                if m is not None:
                    target, local = m.id, True
            elif ch.root in self.origins and self._maybe_local(self.origins[ch.root]) and len(ch.members) <= 1:
                local = True
        if cls is None and connector is None and not local and checkout is None:
            return
        info = self._context(node, parent, ctx, top, assign_targets, with_target)
        loc = self.ctx.loc(node)
        in_try, catch_action, catch_line = info["in_try"], info["catch"], info["catch_line"]
        callee = ch.text[:120]
        if checkout is not None:
            self._db_checkout(node, ch, ctx, info, checkout)
            cls_kind = "db"
        else:
            cls_kind = cls.kind if cls is not None else None
        if connector is not None:
            what, lib = connector
            if cls_kind is None:
                cls_kind = "db" if lib_kind(lib, python=True) != "cache" else "cache"
            self._db_client(node, ch, ctx, info, what, lib)
        status_checked = False
        timeout = None
        if cls is not None and cls.fetch_like:
            status_checked = self._status_checked(node, info, ctx, ch)
        if cls is not None and cls.kind in ("http", "sms", "email", "payment") and (ch.origin or "").startswith(
                ("requests", "urllib")) or (cls is not None and cls.needs_timeout):
            timeout = not cls.needs_timeout
        # an un-awaited call in async code: a coroutine that never runs when the callee is async
        # (the linker/check confirms the callee is an async function)
        floating = info["statement"] and fn.is_async and cls is None and local and not info["awaited"]
        cs = CallSite(
            callee=callee, location=loc, kind=cls_kind, in_try=in_try, awaited=info["awaited"], floating=floating,
            status_checked=status_checked, args=self._args_text(node)[:160], result=info["result"], target=target,
            catch=catch_action, catch_line=catch_line, returned=info["returned"], loop=info["loop"],
            loop_line=info["loop_line"], in_poll_loop=info["poll"], timeout=timeout,
            write=bool(cls and cls.write) or (checkout is None and connector is None and cls_kind == "db" and _is_commit(ch)),
            provider=cls.provider if cls is not None else None,
            fetch_like=bool(cls is not None and cls.fetch_like))
        fn.calls.append(cs)
        if cls_kind is not None:
            self.facts.calls.append(ExternalCall(cls_kind, callee, loc, fn.id, "try" if in_try else None))
            if catch_line is not None and catch_line in fn.catches:
                cc = fn.catches[catch_line]
                kw = {}
                if cls_kind not in cc.kinds:
                    kw["kinds"] = cc.kinds + (cls_kind,)
                if connector is not None:
                    kw["connects"] = True
                if kw:
                    fn.catches[catch_line] = replace(cc, **kw)
            # every except of the same try sees the same body
            if in_try:
                for t in ctx.tries[-1:]:
                    for h in t.node.handlers:
                        cc = fn.catches.get(h.lineno)
                        if cc is not None and cls_kind not in cc.kinds:
                            fn.catches[h.lineno] = replace(cc, kinds=cc.kinds + (cls_kind,),
                                                           connects=cc.connects or connector is not None)

    def _maybe_local(self, origin: str) -> bool:
        if origin.startswith("."):
            return True
        top = origin.split(".")[0]
        return lib_kind(origin, python=True) is None and top not in _STDLIB_AND_COMMON

    def _target_is_async(self, ch: Chain) -> bool:
        if not ch.members and ch.root in self.local_names:
            return self.local_names[ch.root].is_async
        return False

    def _args_text(self, node: ast.Call) -> str:
        if not node.args and not node.keywords:
            return ""
        first = node.args[0] if node.args else node.keywords[0].value
        last = (node.keywords[-1].value if node.keywords else node.args[-1])
        return self._segment(first, last)

    def _segment(self, first: ast.AST, last: ast.AST) -> str:
        try:
            l1, c1 = first.lineno, first.col_offset
            l2, c2 = last.end_lineno or l1, last.end_col_offset or c1
        except AttributeError:
            return ""
        lines = self.ctx.lines
        if l1 == l2:
            return lines[l1 - 1][c1:c2] if 0 < l1 <= len(lines) else ""
        part = [lines[l1 - 1][c1:]] + lines[l1:l2 - 1] + [lines[l2 - 1][:c2]] if 0 < l1 <= l2 <= len(lines) else []
        return "\n".join(part)

    # ------------------------------------------------------------------ chains & derivations
    def _chain(self, node: ast.Call, ctx: _Ctx) -> Chain | None:
        members: list[str] = []
        cur: ast.AST = node.func
        called_first: ast.Call | None = node
        calls_in_chain: list[tuple[int, ast.Call]] = []
        while True:
            if isinstance(cur, ast.Attribute):
                members.append(cur.attr)
                cur = cur.value
            elif isinstance(cur, ast.Call):
                calls_in_chain.append((len(members), cur))
                cur = cur.func
            elif isinstance(cur, ast.Name):
                root = cur.id
                break
            elif isinstance(cur, ast.Subscript):
                cur = cur.value
            elif isinstance(cur, ast.Await):
                cur = cur.value
            else:
                return None
        members.reverse()
        # The I/O call is the first called member that is not a plain accessor: c.cursor().execute()
        # -> execute; requests.get(u).json() -> get.
        call_positions = sorted(len(members) - i for i, _ in calls_in_chain)   # member counts before each inner call
        inner_calls = {len(members) - i: c for i, c in calls_in_chain}
        core_len = len(members)
        core_call = node
        for pos in call_positions:
            if pos == 0:
                continue
            name = members[pos - 1]
            if name in ("cursor", "connection", "engine", "Session", "client", "resource", "session", "objects",
                        "bucket", "blob", "collection", "table", "db"):
                continue
            core_len = pos
            core_call = inner_calls[pos]
            break
        core = members[:core_len]
        # `import urllib.request` then `urllib.request.urlopen(...)`: the longest imported dotted prefix
        for i in range(len(core) - 1, 0, -1):
            dotted = ".".join([root, *core[:i]])
            if dotted in self.origins and dotted not in ctx.fn.derived:
                root, core = dotted, core[i:]
                break
        derived, origin = self._lookup(root, ctx)
        if root == "self" and core:
            d2, o2 = self._lookup("self." + core[0], ctx)
            if d2 or o2:
                root, core = "self." + core[0], core[1:]
                derived, origin = d2, o2
        first = core_call.args[0] if core_call.args else None
        first_text = ""
        if first is not None:
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                first_text = first.value[:300]
            elif isinstance(first, ast.JoinedStr):
                first_text = "".join(v.value for v in first.values if isinstance(v, ast.Constant)
                                     and isinstance(v.value, str))[:300]
            else:
                first_text = (_dotted(first) or "")[:300]
        kwargs = frozenset(k.arg for k in core_call.keywords if k.arg)
        root_called = bool(calls_in_chain and calls_in_chain[-1][0] == len(members)) or (not members)
        return Chain(root, core, origin, root_called, derived, False, first_text, kwargs, rest=members[core_len:])

    def _lookup(self, name: str, ctx: _Ctx) -> tuple[str | None, str | None]:
        if name in ctx.fn.derived:
            return ctx.fn.derived[name]
        if name in self.module_derived:
            return self.module_derived[name]
        origin = self.origins.get(name)
        return None, origin

    def _derive(self, name: str, value: ast.AST, ctx: _Ctx) -> None:
        v = value.value if isinstance(value, ast.Await) else value
        if not isinstance(v, ast.Call):
            if isinstance(v, ast.Name):
                d = self._lookup(v.id, ctx)
                if d[0]:
                    self._set_derived(name, d, ctx)
            return
        ch = self._chain(v, ctx)
        if ch is None:
            return
        origin = ch.origin or ""
        last = ch.members[-1] if ch.members else ch.root
        top = origin.split(".")[0]
        derived = None
        if py_connector(ch) is not None:
            what, lib = py_connector(ch)
            derived = "db-client" if lib_kind(lib, python=True) != "cache" and lib not in ("redis",) else "cache-client"
            if what == "engine":
                derived = "db-engine"
        elif last in ("sessionmaker", "async_sessionmaker", "scoped_session") and top == "sqlalchemy" or \
                last in ("sessionmaker", "async_sessionmaker"):
            self.sessionmakers.add(name)
            return
        elif self._checkout(ch, ctx) is not None:
            derived = "db-client"
        elif last == "cursor" and ch.derived in ("db-client",):
            derived = "db-client"
        elif last == "cursor":
            derived = "db-client"
        elif top == "requests" and last in ("Session", "session"):
            derived = "http-client"
        elif top == "httpx" and last in ("Client", "AsyncClient"):
            derived = "http-client"
        elif top == "aiohttp" and last == "ClientSession":
            derived = "http-client"
        elif top == "smtplib" and last in ("SMTP", "SMTP_SSL"):
            derived = "email-client"
        elif top == "flask_sqlalchemy" and last == "SQLAlchemy":
            derived = "db-client"
        elif top in ("flask_mail", "fastapi_mail") and last in ("Mail", "FastMail"):
            derived = "email-client"
        elif top == "sendgrid" and last in ("SendGridAPIClient", "SendGridAPIClient"):
            derived = "email-client"
        elif top in ("boto3", "aioboto3") and last in ("client", "resource"):
            svc = ch.first_arg.strip("'\"")
            derived = {"s3": "storage-client", "ses": "email-client", "sesv2": "email-client",
                       "dynamodb": "db-client"}.get(svc)
        elif top == "twilio" and last == "Client":
            derived = "sms-client"
        elif top == "stripe" and last in ("StripeClient",):
            derived = "payment"
        elif top == "redis" or top == "aioredis":
            derived = "cache-client"
        elif top in ("openai", "anthropic") and last in ("OpenAI", "AsyncOpenAI", "Anthropic", "AsyncAnthropic"):
            derived = "lib:" + top
        elif top == "google" and "storage" in origin:
            derived = "storage-client"
        if derived is None:
            return
        if derived.startswith("lib:"):
            self._set_derived(name, (None, derived[4:]), ctx)
            return
        self._set_derived(name, (derived, origin or None), ctx)

    def _set_derived(self, name: str, value: tuple[str | None, str | None], ctx: _Ctx) -> None:
        if ctx.fn is self.module:
            self.module_derived[name] = value
        else:
            ctx.fn.derived[name] = value

    # ------------------------------------------------------------------ context
    def _context(self, node: ast.Call, parent: ast.AST | None, ctx: _Ctx, top: bool, assign_targets, with_target) -> dict:
        out = {"parent": parent, "stmt": self._stmt_of_call,
               "awaited": isinstance(parent, ast.Await), "returned": False, "statement": False, "in_try": False,
               "catch": None, "catch_line": None, "loop": None, "loop_line": None, "poll": False, "result": None,
               "with": with_target is not None}
        if top:
            # the statement that holds this expression decides returned / statement / result
            if assign_targets:
                t = assign_targets[0]
                if isinstance(t, ast.Name):
                    out["result"] = t.id
            if with_target is not None and isinstance(with_target, ast.Name):
                out["result"] = with_target.id
        stmt_kind = self._statement_kind(node)
        if stmt_kind == "return":
            out["returned"] = True
        elif stmt_kind == "expr":
            out["statement"] = True
        # try blocks: innermost first; a rethrowing except passes the error to the next one out
        tries = [t for t in ctx.tries if t.section == "body"]
        if tries:
            out["in_try"] = True
            chosen = None
            for t in reversed(tries):
                if chosen is None:
                    chosen = t
                if t.action != "rethrow":
                    chosen = t
                    break
            out["catch"], out["catch_line"] = chosen.action, chosen.handler_line
        if ctx.loops:
            kind, line = ctx.loops[-1]
            out["loop"], out["loop_line"] = kind, line
            out["poll"] = any(k == "poll" for k, _ in ctx.loops)
        return out

    def _statement_kind(self, node: ast.Call) -> str | None:
        """'return' / 'expr' when the call (maybe awaited) is the whole value of a return / expression
        statement."""
        p = self._stmt_of_call
        if isinstance(p, ast.Return):
            return "return"
        if isinstance(p, ast.Expr):
            return "expr"
        return None

    # ------------------------------------------------------------------ http status
    def _status_checked(self, node: ast.Call, info: dict, ctx: _Ctx, ch: Chain) -> bool:
        # requests.get(u).raise_for_status() / .json() on the spot
        if ch.rest:
            return ch.rest[0] in ("raise_for_status", "status_code", "ok", "status")
        verb = ch.members[-1] if ch.members else ch.root
        if info["statement"] and (verb in ("get", "head") or (verb == "request" and ch.first_arg.upper() in ("GET", "HEAD"))):
            return True   # a GET whose answer nobody reads (a ping): nothing depends on it
        p = info.get("parent")
        if isinstance(p, ast.Attribute) and p.value is node:
            return p.attr in ("raise_for_status", "status_code", "ok", "status")
        name = info.get("result")
        if info["returned"]:
            return True
        if not name:
            return False
        fn = ctx.fn
        start = node.end_lineno or node.lineno
        end = fn.end_line if fn.node is not None else len(self.ctx.lines)
        text = "\n".join(self.ctx.lines[start - 1:end])
        n = re.escape(name)
        if re.search(r"\b" + n + r"\s*\.\s*(raise_for_status|status_code|ok|status|is_success|is_error|"
                     r"is_client_error|is_server_error)\b", text):
            return True
        if re.search(r"\breturn\s+" + n + r"\s*$", text, re.M):
            return True
        if re.search(r"\b(?!print\b|len\b|str\b)\w+\(\s*" + n + r"\s*[,)]", text) and not re.search(
                r"\b" + n + r"\s*\.\s*(json|text|content|read)\b", text):
            return True
        return False

    # ------------------------------------------------------------------ database clients
    def _checkout(self, ch: Chain, ctx: _Ctx) -> str | None:
        """'checkout' for calls that borrow a pooled connection/session: pool.getconn(), pool.acquire(),
        engine.connect(), SessionLocal(), Session(engine)."""
        last = ch.members[-1] if ch.members else None
        if last in ("getconn", "acquire") and ch.members and (ch.derived in ("db-client",) or "pool" in (
                ch.root + "".join(ch.members[:-1])).lower()):
            return "checkout"
        if last in ("connect", "begin") and (ch.derived == "db-engine" or ch.root.lower().endswith("engine")):
            return "checkout"
        if not ch.members and (ch.root in self.sessionmakers or re.match(
                r"^(Async)?Session(Local|Factory)$|^(async_session|session_local|session_factory|SessionMaker)$",
                ch.root) or (ch.root == "Session" and (
                    self.origins.get("Session", "").startswith(("sqlalchemy", "sqlmodel"))))):
            origin = self.origins.get(ch.root, "")
            if origin.startswith(("requests", "aiohttp", "flask", "httpx")):
                return None
            return "checkout"
        return None

    def _db_checkout(self, node: ast.Call, ch: Chain, ctx: _Ctx, info: dict, what: str) -> None:
        fn = ctx.fn
        var = info["result"]
        released = None
        if info["with"]:
            released = "with"
        elif var:
            released = self._released(var, node, fn)
        elif self._attr_target(info):
            # `request.state.db = SessionLocal()`: stored on an object, released where it is closed
            var = self._attr_target(info)
            released = self._released(var, node, fn)
            if released == "never":
                released = "escapes"
        elif info["returned"]:
            released = "escapes"
        else:
            released = "never"
        lib = "sqlalchemy" if (ch.root in self.sessionmakers or "ession" in ch.root or "engine" in ch.root.lower()) else (
            (ch.origin or "pool").split(".")[0])
        self.facts.db_clients.append(DbClient(
            library=lib, location=self.ctx.loc(node), what="checkout",
            scope="module" if fn is self.module else "function", function=None if fn is self.module else fn.id,
            variable=var, released=released, in_loop=info["loop"] == "items"))

    @staticmethod
    def _attr_target(info: dict) -> str | None:
        stmt = info.get("stmt")
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Attribute):
                return _dotted(targets[0])
        return None

    def _released(self, var: str, node: ast.Call, fn: _Fn) -> str:
        if fn.node is None:
            return "escapes"
        v = re.escape(var)
        rx = re.compile(r"\b" + v + r"\s*\.\s*(close|release)\s*\(|\.(putconn|release)\s*\(\s*" + v + r"\b")
        found = []
        for n in _walk_shallow(fn.node):
            if isinstance(n, ast.Try):
                for part, name in ((n.body, "body"), (n.finalbody, "finally"), (n.orelse, "body")):
                    for s in part:
                        if rx.search(self._segment(s, s)):
                            found.append(name)
                for h in n.handlers:
                    for s in h.body:
                        if rx.search(self._segment(s, s)):
                            found.append("catch")
        start = node.end_lineno or node.lineno
        text = "\n".join(self.ctx.lines[start:fn.end_line])
        any_release = bool(rx.search(text))
        if "finally" in found:
            return "finally"
        if re.search(r"\byield\s+" + v + r"\b", text) and not any_release:
            return "never"
        if "catch" in found and ("body" in found or any_release):
            return "all-paths"
        if any_release:
            return "success-path"
        if re.search(r"\breturn\s+" + v + r"\b(?!\s*[.(\[])", text) or re.search(r"\b(g|self|app\.state)\.\w+\s*=\s*" + v + r"\b", text):
            return "escapes"
        return "never"

    def _db_client(self, node: ast.Call, ch: Chain, ctx: _Ctx, info: dict, what: str, lib: str) -> None:
        fn = ctx.fn
        cache = None
        var = info["result"]
        stmt_parent = info.get("stmt")
        target_text = ""
        if isinstance(stmt_parent, (ast.Assign, ast.AnnAssign)):
            targets = stmt_parent.targets if isinstance(stmt_parent, ast.Assign) else [stmt_parent.target]
            target_text = " ".join(_dotted(t) or "" for t in targets)
        if fn is not self.module:
            if "cached" in fn.facts:
                cache = "lru_cache"
            elif target_text and (target_text.split(".")[0] in fn.globals_):
                cache = "module-var"
            elif re.match(r"^(g|flask\.g)\.\w+", target_text) or re.search(r"setattr\(\s*g\b", self._segment(node, node)):
                cache = "flask-g"
            elif re.match(r"^(app\.state|self|cls|current_app)\.", target_text) or target_text.startswith("app."):
                cache = "module-var"
            elif "startup" in fn.facts or fn.name in ("lifespan", "startup", "on_startup", "init_db", "create_app",
                                                         "init_app", "setup"):
                cache = "startup"
            elif var and re.search(r"\bglobal\b", "\n".join(self.ctx.lines[fn.line - 1:fn.end_line])) and \
                    var in fn.globals_:
                cache = "module-var"
        kwargs = ch.kwargs
        self.facts.db_clients.append(DbClient(
            library=lib, location=self.ctx.loc(node), what=what,
            scope="module" if fn is self.module else "function", function=None if fn is self.module else fn.id,
            bounded=py_bounded(kwargs, what, lib, len(node.args)), singleton=cache is not None and cache != "flask-g",
            variable=var, in_loop=info["loop"] == "items", cache=cache,
            returned=info["returned"] or bool(var and fn is not self.module and re.search(
                r"\breturn\s+" + re.escape(var) + r"\b(?!\s*[.(\[])", "\n".join(self.ctx.lines[node.lineno - 1:fn.end_line])))))
        if info["catch_line"] is not None and info["catch_line"] in fn.catches:
            fn.catches[info["catch_line"]] = replace(fn.catches[info["catch_line"]], connects=True)

    # ------------------------------------------------------------------ emit
    def _emit(self) -> None:
        out = []
        if self.module.calls:
            out.append(self.module)
        out.extend(self.fns)
        for fn in out:
            loc = Location(self.path, fn.line, (getattr(fn.node, "col_offset", 0) or 0) + 1) if fn.node else Location(self.path, 1)
            self.facts.functions.append(Function(
                id=fn.id, name=fn.name, location=loc, end_line=fn.end_line, is_async=fn.is_async, params=fn.params,
                calls=tuple(fn.calls), facts=tuple(dict.fromkeys(fn.facts)), exported=not fn.name.startswith("_"),
                handler=fn.handler, catches=tuple(fn.catches[k] for k in sorted(fn.catches))))
        if self.error_handlers:
            self.facts.extra.setdefault("error_handlers", []).extend(self.error_handlers)
        if self.imports:
            self.facts.extra.setdefault("call_imports", []).extend(self.imports)


_STDLIB_AND_COMMON = {
    "os", "sys", "re", "json", "time", "datetime", "logging", "typing", "collections", "functools", "itertools",
    "pathlib", "dataclasses", "enum", "uuid", "hashlib", "hmac", "base64", "secrets", "random", "math", "decimal",
    "asyncio", "contextlib", "abc", "copy", "io", "csv", "string", "textwrap", "traceback", "warnings",
    "threading", "subprocess", "shutil", "tempfile", "glob", "pickle", "email", "html", "urllib", "http",
    "socket", "ssl", "struct", "zlib", "gzip", "zipfile", "tarfile", "argparse", "inspect", "types", "operator",
    "statistics", "fractions", "numbers", "queue", "signal", "platform", "getpass", "pprint", "heapq", "bisect",
    "weakref", "flask", "fastapi", "django", "pydantic", "pydantic_settings", "starlette", "werkzeug", "jinja2",
    "jwt", "bcrypt", "passlib", "dotenv", "click", "typer", "celery", "numpy", "pandas", "sentry_sdk",
    "uvicorn", "gunicorn", "marshmallow", "wtforms", "flask_login", "flask_cors", "flask_wtf", "rest_framework",
    "itsdangerous", "dateutil", "pytz", "zoneinfo", "yaml", "toml", "tomllib", "PIL", "markdown", "bleach",
    "cryptography", "attr", "attrs", "structlog", "rich", "tqdm", "alembic", "authlib", "jose", "orjson",
}


def _is_commit(ch: Chain) -> bool:
    return bool(ch.members) and ch.members[-1] == "commit"


def _dotted(node: ast.AST | None) -> str | None:
    return dotted(node, through_calls=True)


def _walk_shallow(fn_node: ast.AST):
    """Walk a function body without descending into nested functions/classes."""
    stack = list(ast.iter_child_nodes(fn_node))
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(n))


def _py_loop_kind(node: ast.For | ast.AsyncFor) -> str:
    it = node.iter
    if isinstance(it, ast.Call):
        name = _dotted(it.func) or ""
        if name in ("range", "enumerate") and (name == "range" or (it.args and isinstance(it.args[0], ast.Call)
                                                                   and _dotted(it.args[0].func) == "range")):
            return "range"
        if name.endswith(("items", "keys", "values")) and isinstance(it.func, ast.Attribute) and \
                _dotted(it.func.value) in ("os.environ", "kwargs", "options", "config", "headers", "settings"):
            return "other"
    if isinstance(it, (ast.List, ast.Tuple, ast.Set, ast.Constant)):
        return "other"
    return "items"


def _is_poll_test(test: ast.AST) -> bool:
    if isinstance(test, ast.Constant) and test.value in (True, 1):
        return True
    name = _dotted(test.operand if isinstance(test, ast.UnaryOp) else test) or ""
    return bool(re.match(r"^(self\.)?_?(running|is_running|keep_running|should_run|alive|stop|stopped|"
                         r"shutdown|shutting_down|stop_event\.is_set\(\))$", name))


def _is_main_guard(test: ast.AST) -> bool:
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"


def _handler_types(h: ast.ExceptHandler) -> tuple[str, ...]:
    if h.type is None:
        return ()
    elts = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
    return tuple(_dotted(e) or "?" for e in elts)


def _handler_action(h: ast.ExceptHandler, ex: _Extractor) -> str:
    body = [s for s in h.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                      and isinstance(s.value.value, str))]
    if not body or all(isinstance(s, (ast.Pass, ast.Continue)) or (
            isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and s.value.value is Ellipsis) for s in body):
        return "empty"
    nodes = [n for s in body for n in [s, *_walk_shallow(s)]]
    if any(isinstance(n, ast.Raise) for n in nodes):
        return "rethrow"
    calls = [n for n in nodes if isinstance(n, ast.Call)]
    names = [(_dotted(c.func) or "") for c in calls]
    if any(n in ("sys.exit", "exit", "os._exit", "quit", "os.abort") for n in names):
        return "exit"
    if any(n.rsplit(".", 1)[-1] == "abort" for n in names):
        return "respond-error"
    for n in nodes:
        if isinstance(n, ast.Return) and n.value is not None:
            if _is_error_response(n.value):
                return "respond-error"
    for n in nodes:
        if isinstance(n, ast.Return):
            v = n.value
            if v is not None and _is_response(v):
                return "respond-success"
            return "return"
    if all(isinstance(s, ast.Expr) and isinstance(s.value, (ast.Call, ast.Await)) and _is_log_call(
            s.value.value if isinstance(s.value, ast.Await) else s.value) for s in body) or all(
            (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and _is_log_call(s.value))
            or isinstance(s, (ast.Pass, ast.Continue)) for s in body):
        return "log-only"
    return "other"


def _is_log_call(call: ast.AST) -> bool:
    if not isinstance(call, ast.Call):
        return False
    name = _dotted(call.func) or ""
    root = name.split(".")[0]
    if root in _LOG_ROOTS or name in ("print",):
        return True
    if re.match(r"^(app|current_app|self|cls)\.(logger|log)\.", name) or re.search(r"(^|\.)(logger|log|_log|_logger)\.", name):
        return True
    return name.endswith(("capture_exception", "capture_message", "print_exc", "print_exception", "exception"))


def _is_error_response(v: ast.AST) -> bool:
    if isinstance(v, ast.Tuple) and len(v.elts) >= 2:
        st = v.elts[1]
        if isinstance(st, ast.Constant) and isinstance(st.value, int) and st.value >= 400:
            return True
        if isinstance(st, ast.Attribute) and re.search(r"HTTP_[45]\d\d|(INTERNAL|BAD|NOT_FOUND|SERVICE|GATEWAY|ERROR)",
                                                       _dotted(st) or ""):
            return True
    if isinstance(v, ast.Call):
        for k in v.keywords:
            if k.arg in ("status", "status_code") and isinstance(k.value, ast.Constant) and \
                    isinstance(k.value.value, int) and k.value.value >= 400:
                return True
        name = _dotted(v.func) or ""
        if re.search(r"(Error|NotFound|BadRequest|ServerError|Forbidden|Unauthorized)\w*$", name):
            return True
        for a in v.args[1:2]:
            if isinstance(a, ast.Constant) and isinstance(a.value, int) and a.value >= 400:
                return True
    if isinstance(v, ast.Dict):
        keys = [k.value for k in v.keys if isinstance(k, ast.Constant)]
        if any(k in ("error", "errors", "detail") for k in keys):
            return True
    return False


def _is_response(v: ast.AST) -> bool:
    target = v.elts[0] if isinstance(v, ast.Tuple) and v.elts else v
    if isinstance(target, ast.Call):
        name = (_dotted(target.func) or "").rsplit(".", 1)[-1]
        return name in ("jsonify", "JSONResponse", "Response", "make_response", "render_template", "redirect",
                        "JsonResponse", "HttpResponse", "render", "PlainTextResponse", "HTMLResponse")
    return False


def extract(ctx: FileContext, facts: FileFacts) -> None:
    ex = _Extractor(ctx, facts)
    ex.run()


_SCALAR_FIELDS = frozenset({"ctx", "id", "attr", "arg", "kind", "type_comment", "n", "s", "level", "module", "name",
                            "asname", "conversion", "is_async", "lineno", "col_offset", "end_lineno",
                            "end_col_offset", "type_ignores", "names"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _children(n: ast.AST):
    """ast.iter_child_nodes without the generic field walk: fields are looked up once per node type."""
    fields = _FIELDS.get(type(n))
    if fields is None:
        fields = _FIELDS[type(n)] = tuple(f for f in type(n)._fields if f not in _SCALAR_FIELDS)
    for name in fields:
        v = getattr(n, name, None)
        if v is None:
            continue
        if type(v) is list:
            for x in v:
                if isinstance(x, ast.AST):
                    yield x
        elif isinstance(v, ast.AST):
            yield v

