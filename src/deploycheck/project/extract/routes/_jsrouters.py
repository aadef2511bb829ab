"""Router-style JavaScript frameworks: Express, Fastify and Hono register routes the same way
(`app.get(path, …middleware, handler)` on an app or router object; middleware with `use`/`addHook`;
child routers mounted under a prefix). One pass reads all three; `express.py`, `fastify.py` and
`hono.py` hold what differs (route options, hooks, plugins, basePath).

Per file it emits, for the linker:
* `Router` records (app and router objects, Fastify plugin functions, Hono sub-apps);
* raw `Route`s: the path relative to their router, route-level guards only, `mount` = router id;
* `Mount`s: every `use`/`addHook`/`register`/`route(path, sub)` in source order, with its refs;
* `Export`s: which local router/function a module exports under which name;
* `FnSummary`s for handlers and local functions (see `_js.py`).
Middleware order and prefixes are applied by the linker, which sees every file.
"""
from __future__ import annotations

import re

import tree_sitter as ts

from deploycheck.core import Location
from deploycheck.project.extract._prefilter import prefiltered
from deploycheck.project.extract.routes import _names as N
from deploycheck.project.extract.routes._js import FN_TYPES, JsAnalysis, analysis
from deploycheck.project.extract.routes._summary import (EXTRA_EXPORTS, EXTRA_FUNCTIONS, EXTRA_MOUNTS,
                                                         EXTRA_ROUTERS, Export, FnSummary, Mount, Ref, Router)
from deploycheck.project.model import FileFacts, Guard, Route
from deploycheck.project.parse import FileContext, shared_captures, shared_matches

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "del", "all", "options", "head")
_REG_METHODS = frozenset(HTTP_METHODS + ("use", "route", "register", "addHook", "on", "basePath", "mount",
                                         "decorate", "addPlugin"))
_Q_REG = shared_matches("js-routers", """
(call_expression
  function: (member_expression object: (_) @obj property: (property_identifier) @method)
  arguments: (arguments) @args) @call
""")
_Q_NEW_OR_CALL = shared_matches("js-routers", """
(variable_declarator name: (identifier) @name value: (_) @value) @decl
""")
_Q_EXPORTS = shared_captures("js-index", """
(export_statement) @export
(assignment_expression left: (member_expression) @left right: (_) @right) @assign
""")
_ROUTERISH_NAME = re.compile(r"(?i)^(app|api|server|router|routes?|fastify|instance|f|r|v\d|admin|web|hono|"
                             r"\w*router|\w*routes|\w*app|\w*api|\w*server)$")
_HOOKS_AUTH = ("onRequest", "preHandler", "preValidation", "preParsing")


# (whole-file yes/no questions: prefiltered, see _prefilter.py)
_HONO_FILE = prefiltered(r"""from\s+['"]hono['"/]|require\(\s*['"]hono['"/]|new\s+(?:Open\w*)?Hono\b""", split=True)
_FASTIFY_FILE = prefiltered(r"""from\s+['"]fastify|require\(\s*['"]fastify|\bFastify\s*\(|\.addHook\s*\(|\breply\s*\.\s*(?:code|send|status)\b|FastifyInstance|FastifyPluginAsync|\.route\(\s*\{\s*(?:method|url)\b""", split=True)
_ASYNC_REQ_REPLY = prefiltered(r"""async\s*\(\s*(?:request|req)\s*(?:,\s*reply\s*)?\)\s*=>""")
_RES_CALL = prefiltered(r"\bres\s*\.\s*(?:json|send|status|render|redirect)\b")
_EXPORT_ASYNC_FN = prefiltered(r"\bexport\s+(?:default\s+)?async\s+function\s+\w*\s*\(\s*\w+\s*(?:,\s*\w+\s*)?\)")


def detect_framework(ctx: FileContext) -> str:
    t = ctx.text
    if _HONO_FILE.test(t):
        return "hono"
    if _FASTIFY_FILE.test(t):
        return "fastify"
    if _ASYNC_REQ_REPLY.test(t) and not _RES_CALL.test(t) and _EXPORT_ASYNC_FN.test(t):
        return "fastify"
    return "express"


class JsRouterFile:
    def __init__(self, ctx: FileContext, facts: FileFacts):
        self.ctx = ctx
        self.facts = facts
        self.js = analysis(ctx)
        self.framework = detect_framework(ctx)
        self.routers: dict[str, Router] = {}          # local identity key -> Router
        self.var_routers: dict[str, str] = {}         # module-level variable name -> router id
        self.summaries: dict[str, FnSummary] = {}
        self.mounts: list[Mount] = []
        self.routes: list[Route] = []
        self.decls: dict[str, ts.Node] = {}           # variable name -> value node (last seen)

    # ------------------------------------------------------------------ entry
    def run(self) -> None:
        js = self.js
        for _i, m in self.ctx.matches(_Q_NEW_OR_CALL):
            name = js.text(m["name"][0])
            value = m["value"][0]
            self.decls[name] = value
            fw = self._constructs_router(value)
            if fw:
                rid = f"{self.ctx.path}#{name}"
                prefix = ""
                bp = re.search(r"""\.basePath\(\s*['"`]([^'"`]*)['"`]""", js.text(value))
                if bp:
                    prefix = bp.group(1)
                self.routers[rid] = Router(rid, fw, prefix=prefix, is_app=fw.endswith("!app"), local=name,
                                           line=value.start_point[0] + 1)
                self.routers[rid] = _fw(self.routers[rid])
                self.var_routers[name] = rid
        regs = []
        for _i, m in self.ctx.matches(_Q_REG):
            method = js.text(m["method"][0])
            if method not in _REG_METHODS:
                continue
            regs.append((m["call"][0], m["obj"][0], method, m["args"][0]))
        regs.sort(key=lambda r: r[0].start_byte)
        for call, obj, method, args in regs:
            try:
                self._registration(call, obj, method, args)
            except RecursionError:  # pragma: no cover
                continue
        self._route_modules()
        self._exports()
        if not self.routes and not self.mounts:
            if self.summaries:
                self.facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(self.summaries.values())
            return
        self.facts.routes.extend(self.routes)
        self.facts.extra.setdefault(EXTRA_ROUTERS, []).extend(self.routers.values())
        self.facts.extra.setdefault(EXTRA_MOUNTS, []).extend(self.mounts)
        self.facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(self.summaries.values())

    # ------------------------------------------------------------------ routers
    def _constructs_router(self, value: ts.Node) -> str | None:
        t = self.js.text(value)
        t = re.sub(r"^await\s+", "", t.strip())
        if re.match(r"^(?:express|require\(\s*['\"]express['\"]\s*\))\s*\(\s*\)", t):
            return "express!app"
        if re.match(r"^(?:express\s*\.\s*Router|Router|require\(\s*['\"]express['\"]\s*\)\s*\.\s*Router|new\s+Router|express\.Router)\s*\(", t):
            return "express"
        if re.match(r"^(?:Fastify|fastify|require\(\s*['\"]fastify['\"]\s*\))\s*\(", t):
            return "fastify!app"
        if re.match(r"^new\s+(?:OpenAPI)?Hono\b", t):
            return "hono!app" if not re.search(r"""\.basePath\(""", t) or True else "hono"
        return None

    def _router_for(self, obj: ts.Node) -> tuple[str, str] | None:
        """(router id, framework) for the receiver of a registration call, creating plugin/param routers."""
        js = self.js
        # chained: app.get(...).post(...) / router.route('/x').get(...)
        base = obj
        while base.type == "call_expression":
            fn = base.child_by_field_name("function")
            if fn is None or fn.type != "member_expression":
                break
            base = fn.child_by_field_name("object")
        if base.type != "identifier":
            if base.type == "member_expression" and js.text(base).startswith("this."):
                return None
            return None
        name = js.text(base)
        if name in self.var_routers:
            rid = self.var_routers[name]
            return rid, self.routers[rid].framework
        # a parameter of the enclosing function: a Fastify plugin / a route-registering function
        fn_node = js.enclosing_fn(obj)
        while fn_node is not None:
            f = js.fn(fn_node)
            if f.params and name in f.params[0]:
                rid = f"{self.ctx.path}#{f.name or '<anonymous>@' + str(f.line)}"
                if rid not in self.routers:
                    fw = self.framework if self.framework != "express" or not _looks_fastify_plugin(js.text(fn_node)) else "fastify"
                    self.routers[rid] = Router(rid, fw, local=f.name or "", line=f.line)
                return rid, self.routers[rid].framework
            fn_node = js.enclosing_fn(fn_node)
        # an app object imported or created elsewhere: accept router-ish names
        if _ROUTERISH_NAME.match(name) and name not in ("res", "req", "reply", "request", "response"):
            rid = f"{self.ctx.path}#{name}"
            if rid not in self.routers:
                self.routers[rid] = Router(rid, self.framework, local=name, line=obj.start_point[0] + 1)
                self.var_routers[name] = rid
            return rid, self.routers[rid].framework
        return None

    # ------------------------------------------------------------------ registrations
    def _registration(self, call: ts.Node, obj: ts.Node, method: str, args: ts.Node) -> None:
        js = self.js
        arg_nodes = [a for a in args.named_children if a.type != "comment"]
        if method == "route" and obj is not None:
            # router.route('/x') alone is handled when its .get() is met; Fastify route({...}) / Hono route('/x', sub)
            if len(arg_nodes) == 1 and arg_nodes[0].type == "object":
                got = self._router_for(obj)
                if got:
                    self._fastify_route_object(call, got[0], arg_nodes[0])
                return
            if len(arg_nodes) >= 2:
                got = self._router_for(obj)
                if got:
                    prefix = js.string_value(arg_nodes[0]) or ""
                    self._mount(call, got[0], prefix, arg_nodes[1:], kind="mount")
            return
        if method in ("decorate",):
            self._decorate(arg_nodes)
            return
        if method == "basePath":
            return
        got = self._router_for(obj)
        if got is None:
            return
        rid, fw = got
        if method in HTTP_METHODS:
            # router.route('/p').get(...): the path comes from the chain
            prefix_path = None
            cur = obj
            while cur is not None and cur.type == "call_expression":
                fn = cur.child_by_field_name("function")
                if fn is None or fn.type != "member_expression":
                    break
                prop = js.text(fn.child_by_field_name("property"))
                if prop == "route":
                    rargs = cur.child_by_field_name("arguments")
                    if rargs is not None and rargs.named_children:
                        prefix_path = js.string_value(rargs.named_children[0])
                    break
                if prop not in HTTP_METHODS:
                    break
                cur = fn.child_by_field_name("object")
            if prefix_path is not None:
                self._route(call, rid, fw, method, prefix_path, arg_nodes)
            elif arg_nodes:
                path = self._path_value(arg_nodes[0])
                if path is None:
                    # Express allows app.get(handler)? no - but Hono/Express `get` with a setting name
                    if method == "get" and len(arg_nodes) == 1:
                        return
                    return
                self._route(call, rid, fw, method, path, arg_nodes[1:])
            return
        if method == "on" and fw == "hono" and len(arg_nodes) >= 3:
            methods = js.string_value(arg_nodes[0])
            ms = [methods] if methods else [js.string_value(c) or "" for c in arg_nodes[0].named_children]
            path = self._path_value(arg_nodes[1])
            if path is not None:
                for m in ms:
                    if m:
                        self._route(call, rid, fw, m.lower(), path, arg_nodes[2:])
            return
        if method in ("use", "mount"):
            prefix = ""
            rest = arg_nodes
            if arg_nodes:
                p = self._path_value(arg_nodes[0])
                if p is not None:
                    prefix, rest = p, arg_nodes[1:]
            if rest:
                self._mount(call, rid, prefix, rest, kind="use")
            return
        if method == "register" and arg_nodes:
            self._register(call, rid, arg_nodes)
            return
        if method == "addHook" and len(arg_nodes) >= 2:
            hook = js.string_value(arg_nodes[0]) or ""
            if hook in _HOOKS_AUTH:
                self._mount(call, rid, "", arg_nodes[1:], kind="hook")
            return

    def _path_value(self, node: ts.Node) -> str | None:
        js = self.js
        v = js.string_value(node)
        if v is not None:
            return v
        if node.type == "array":
            vals = [js.string_value(c) for c in node.named_children]
            vals = [v for v in vals if v is not None]
            return vals[0] if vals else None
        if node.type == "identifier" and js.text(node) in self.decls:
            return js.string_value(self.decls[js.text(node)])
        if node.type == "template_string":
            return re.sub(r"\$\{[^}]*\}", ":param", js.text(node)[1:-1])
        if node.type == "regex":
            return js.text(node)
        return None

    def _route(self, call: ts.Node, rid: str, fw: str, method: str, path: str, rest: list[ts.Node],
               options: dict | None = None) -> None:
        js = self.js
        if not rest and options is None:
            return
        handler_node = rest[-1] if rest else None
        middles = rest[:-1] if rest else []
        # `app.all('/api/*', requireAuth)` / `router.get('*', checkUser)`: middleware registered like a route
        if rest and fw in ("express", "hono") and (method == "all" or path.endswith("*")) and self._is_middleware(handler_node):
            self._mount(call, rid, path, rest, kind="use")
            return
        guards: list[Guard] = []
        # Fastify: app.get(path, { onRequest: [...] }, handler) / app.get(path, opts) with opts.handler
        for m in middles:
            mm = js.unwrap(m)
            if mm is not None and mm.type == "object":
                guards.extend(self._route_options(mm))
            elif mm is not None and mm.type == "identifier" and fw == "fastify" and js.text(mm) in self.decls and \
                    self.decls[js.text(mm)].type == "object":
                guards.extend(self._route_options(self.decls[js.text(mm)]))
            else:
                guards.extend(self._guards_from(m))
        if handler_node is not None and js.unwrap(handler_node) is not None and js.unwrap(handler_node).type == "object" \
                and "handler" in js.object_props(js.unwrap(handler_node)):
            obj = js.unwrap(handler_node)
            guards.extend(self._route_options(obj))
            handler_node = js.object_props(obj)["handler"]
        if options:
            guards.extend(options.get("guards", []))
            handler_node = options.get("handler", handler_node)
        handler_id, handler_loc, name = self._handler(handler_node)
        loc = self.ctx.loc(call)
        meth = "DELETE" if method == "del" else ("ANY" if method == "all" else method.upper())
        self.routes.append(Route(
            method=meth, path=path, framework=fw, location=Location(loc.path, loc.line, loc.column),
            handler=handler_id, handler_location=handler_loc, guards=tuple(guards), params=_params(path),
            mount=rid, name=name, markers=("dev-only",) if js.dev_only(call) else ()))

    def _is_middleware(self, node: ts.Node | None) -> bool:
        """A function that passes control on (`next()` / `await next()`), or a name that says it guards."""
        js = self.js
        n = js.unwrap(node) if node is not None else None
        if n is None:
            return False
        if n.type == "identifier" and n.text is not None and js.text(n) in js.top_functions:
            n = js.top_functions[js.text(n)]
        if n.type in FN_TYPES:
            f = js.fn(n)
            return len(f.params) >= 3 or bool(re.search(r"\bnext\s*\(", js.text(n))) and len(f.params) >= 2
        return bool(N.name_says_auth(js.text(n)))

    def _handler(self, node: ts.Node | None) -> tuple[str | None, Location | None, str | None]:
        """(Function.id, location, name as written) of a handler expression; summarises it."""
        js = self.js
        if node is None:
            return None, None, None
        n = js.unwrap(node)
        # asyncHandler(async (req, res) => …) / catchAsync(fn) / wrap(fn)
        hops = 0
        while n is not None and n.type == "call_expression" and hops < 3:
            args = n.child_by_field_name("arguments")
            inner = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
            if len(inner) == 1 and (inner[0].type in FN_TYPES or inner[0].type in ("identifier", "member_expression")):
                n = inner[0]
                hops += 1
            else:
                break
        if n is None:
            return None, None, None
        if n.type in FN_TYPES:
            s = self._summarize(n)
            return s.id, Location(self.ctx.path, s.line), js.fn(n).name
        if n.type == "identifier":
            name = js.text(n)
            fn_node = js.top_functions.get(name)
            if fn_node is not None:
                s = self._summarize(fn_node)
                return s.id, Location(self.ctx.path, s.line), name
            return None, None, name
        if n.type == "member_expression":
            return None, None, js.text(n).replace("?.", ".")
        return None, None, None

    def _summarize(self, fn_node: ts.Node) -> FnSummary:
        s = self.js.summarize(fn_node)
        self.summaries[s.id] = s
        return s

    def _guards_from(self, node: ts.Node) -> list[Guard]:
        """Route-level middleware: an identifier, member, call, array of those, or an inline function."""
        js = self.js
        n = js.unwrap(node) or node
        if n.type == "array":
            return [g for c in n.named_children for g in self._guards_from(c)]
        if n.type == "spread_element":
            inner = n.named_children[0] if n.named_children else None
            if inner is not None and inner.type == "identifier" and js.text(inner) in self.decls:
                return self._guards_from(self.decls[js.text(inner)])
            return []
        ref = self.ref(n)
        if ref is None:
            return []
        return [self.guard_for(ref, kind="middleware", scope="route", loc=self.ctx.loc(n))]

    def ref(self, n: ts.Node) -> Ref | None:
        js = self.js
        n = js.unwrap(n) or n
        text = js.text(n).replace("?.", ".")
        line = n.start_point[0] + 1
        if n.type in FN_TYPES:
            s = self._summarize(n)
            return Ref(f"<inline@{s.line}>", "function", fn=s.id, line=line)
        if n.type == "identifier":
            if text in self.var_routers:
                return Ref(text, "router", router=self.var_routers[text], line=line)
            fn_node = js.top_functions.get(text)
            if fn_node is not None:
                s = self._summarize(fn_node)
                return Ref(text, "function", fn=s.id, line=line)
            val = self.decls.get(text)
            if val is not None and re.match(r"^(?:await\s+)?(?:require|import)\s*\(", js.text(val)):
                return Ref(text, "ref", line=line)
            if val is not None and val.type == "call_expression":
                # const auth = passport.authenticate('jwt') / const requireAdmin = requireRole('admin')
                return Ref(js.text(val)[:80], "call", line=line)
            return Ref(text, "ref", line=line)
        if n.type == "member_expression":
            return Ref(text, "ref", line=line)
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            ftext = js.text(fn) if fn is not None else ""
            if ftext in ("require",):
                args = n.child_by_field_name("arguments")
                spec = js.string_value(args.named_children[0]) if args is not None and args.named_children else None
                return Ref(f"require:{spec}", "ref", line=line) if spec else None
            if re.match(r"^(?:express\.Router|Router)$", ftext):
                return Ref(text[:80], "router", line=line)
            # a local factory: requireRole('admin') defined here
            if fn is not None and fn.type == "identifier" and ftext in js.top_functions:
                s = self._summarize(js.top_functions[ftext])
                return Ref(re.sub(r"\s+", " ", text)[:80], "function", fn=s.id, line=line)
            return Ref(re.sub(r"\s+", " ", text)[:80], "call", line=line)
        if n.type in ("object", "string", "template_string", "number", "regex"):
            return None
        return Ref(re.sub(r"\s+", " ", text)[:80], "ref", line=line)

    def guard_for(self, ref: Ref, *, kind: str, scope: str, loc: Location) -> Guard:
        """A Guard for a middleware reference, judged by its body when it is local, else by name."""
        is_auth: bool | None = None
        role = None
        if ref.kind == "function" and ref.fn in self.summaries:
            s = self.summaries[ref.fn]
            is_auth = s.guard is not None
            role = s.role if s.guard == "role" else None
            if is_auth is False and N.name_says_auth(ref.text):
                # a factory (requireRole('admin') returns the middleware): the summary covers the inner one
                is_auth = any(g for g in s.body_guards)
        if is_auth is None:
            said = N.name_says_auth(ref.text)
            is_auth = bool(said)
        if role is None and is_auth:
            role = N.role_from_name(ref.text)
        name = ref.text if not ref.text.startswith("<inline") else "inline middleware"
        return Guard(name, kind, Location(loc.path, loc.line), scope=scope, is_auth=is_auth, role=role)

    def _mount(self, call: ts.Node, parent: str, prefix: str, rest: list[ts.Node], *, kind: str,
               encapsulated: bool = True, guards: tuple[Guard, ...] = ()) -> None:
        refs = []
        for r in rest:
            rr = self.js.unwrap(r) or r
            if rr.type == "array":
                refs.extend(x for x in (self.ref(c) for c in rr.named_children) if x is not None)
            else:
                x = self.ref(r)
                if x is not None:
                    refs.append(x)
        if not refs:
            return
        loc = self.ctx.loc(call)
        self.mounts.append(Mount(parent, prefix, Location(loc.path, loc.line, loc.column), tuple(refs), kind=kind,
                                 guards=guards, framework=self.routers[parent].framework if parent in self.routers else "",
                                 encapsulated=encapsulated, dev_only=self.js.dev_only(call)))

    def _route_modules(self) -> None:
        """`require('./routes/users')(app)` / `registerRoutes(app)`: a function that registers routes on the app
        it is given is mounted where it is called (in order, so earlier `app.use(auth)` covers it)."""
        js = self.js
        if not self.var_routers:
            return
        for call in js.items("call", 0, len(self.ctx.data)):
            args = call.child_by_field_name("arguments")
            if args is None or args.type != "arguments":
                continue
            kids = [a for a in args.named_children if a.type != "comment"]
            if not kids or kids[0].type != "identifier" or js.text(kids[0]) not in self.var_routers:
                continue
            fn = call.child_by_field_name("function")
            if fn is None:
                continue
            if fn.type == "member_expression" and js.text(fn.child_by_field_name("property")) in _REG_METHODS:
                continue
            ref = self.ref(fn)
            if ref is None or ref.kind == "router":
                continue
            if ref.kind == "function" and ref.fn:
                f = next((x for x in js.functions if f"{self.ctx.path}#{x.name or '<anonymous>'}@{x.line}" == ref.fn), None)
                if f is not None:
                    ref = Ref(ref.text, "router", router=f"{self.ctx.path}#{f.name or '<anonymous>@' + str(f.line)}",
                              line=ref.line)
            rid = self.var_routers[js.text(kids[0])]
            loc = self.ctx.loc(call)
            self.mounts.append(Mount(rid, "", Location(loc.path, loc.line, loc.column), (ref,), kind="use",
                                     framework=self.routers[rid].framework, dev_only=js.dev_only(call)))

    # ------------------------------------------------------------------ framework specifics (fastify.py / hono.py)
    def _route_options(self, obj: ts.Node) -> list[Guard]:
        from deploycheck.project.extract.routes.fastify import route_option_guards
        return route_option_guards(self, obj)

    def _fastify_route_object(self, call: ts.Node, rid: str, obj: ts.Node) -> None:
        from deploycheck.project.extract.routes.fastify import route_object
        route_object(self, call, rid, obj)

    def _register(self, call: ts.Node, rid: str, arg_nodes: list[ts.Node]) -> None:
        from deploycheck.project.extract.routes.fastify import register
        register(self, call, rid, arg_nodes)

    def _decorate(self, arg_nodes: list[ts.Node]) -> None:
        from deploycheck.project.extract.routes.fastify import decorate
        decorate(self, arg_nodes)

    # ------------------------------------------------------------------ exports
    def _exports(self) -> None:
        js = self.js
        out: list[Export] = []
        path = self.ctx.path
        caps = self.ctx.captures(_Q_EXPORTS)
        for node in caps.get("export", []):
            decl = node.child_by_field_name("declaration")
            value = node.child_by_field_name("value")
            is_default = any(c.type == "default" for c in node.children)
            if decl is not None:
                if decl.type in ("function_declaration", "generator_function_declaration", "class_declaration"):
                    n = decl.child_by_field_name("name")
                    if n is not None:
                        out.append(Export(path, "default" if is_default else js.text(n), js.text(n)))
                        if is_default:
                            out.append(Export(path, js.text(n), js.text(n)))
                elif decl.type == "lexical_declaration":
                    for d in decl.named_children:
                        if d.type == "variable_declarator":
                            n = d.child_by_field_name("name")
                            if n is not None and n.type == "identifier":
                                out.append(Export(path, js.text(n), js.text(n)))
            elif value is not None:
                v = js.unwrap(value)
                if v is not None and v.type == "identifier":
                    out.append(Export(path, "default", js.text(v)))
                elif v is not None and v.type in FN_TYPES:
                    f = js.fn(v)
                    out.append(Export(path, "default", f.name or f"<anonymous>@{f.line}"))
                elif v is not None and v.type == "call_expression":
                    # export default fp(plugin) / export default router.handler()
                    inner = _call_single_ident_or_fn(js, v)
                    if inner:
                        out.append(Export(path, "default", inner))
            else:
                clause = next((c for c in node.named_children if c.type == "export_clause"), None)
                if clause is not None:
                    for spec in clause.named_children:
                        if spec.type == "export_specifier":
                            n = spec.child_by_field_name("name")
                            a = spec.child_by_field_name("alias")
                            if n is not None:
                                out.append(Export(path, js.text(a) if a is not None else js.text(n), js.text(n)))
        for node in caps.get("assign", []):
            left = js.text(node.child_by_field_name("left"))
            right = js.unwrap(node.child_by_field_name("right"))
            if right is None:
                continue
            if left == "module.exports":
                if right.type == "identifier":
                    out.append(Export(path, "default", js.text(right)))
                elif right.type in FN_TYPES:
                    f = js.fn(right)
                    out.append(Export(path, "default", f.name or f"<anonymous>@{f.line}"))
                elif right.type == "object":
                    for k, v in js.object_props(right).items():
                        if v is not None:
                            vv = js.unwrap(v)
                            if vv is not None and vv.type in FN_TYPES:
                                f = js.fn(vv)
                                out.append(Export(path, k, f.name or f"<anonymous>@{f.line}"))
                            else:
                                out.append(Export(path, k, js.text(v)))
                elif right.type == "call_expression":
                    inner = _call_single_ident_or_fn(js, right)
                    if inner:
                        out.append(Export(path, "default", inner))
            elif left.startswith(("module.exports.", "exports.")):
                name = left.rsplit(".", 1)[-1]
                if right.type == "identifier":
                    out.append(Export(path, name, js.text(right)))
                elif right.type in FN_TYPES:
                    f = js.fn(right)
                    out.append(Export(path, name, f.name or f"<anonymous>@{f.line}"))
        if out:
            self.facts.extra.setdefault(EXTRA_EXPORTS, []).extend(out)


def _call_single_ident_or_fn(js: JsAnalysis, call: ts.Node) -> str | None:
    args = call.child_by_field_name("arguments")
    kids = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
    if len(kids) >= 1:
        k = js.unwrap(kids[0])
        if k is not None and k.type == "identifier":
            return js.text(k)
        if k is not None and k.type in FN_TYPES:
            f = js.fn(k)
            return f.name or f"<anonymous>@{f.line}"
    return None


def _fw(r: Router) -> Router:
    if r.framework.endswith("!app"):
        from dataclasses import replace
        return replace(r, framework=r.framework[:-4], is_app=True)
    return r


def _looks_fastify_plugin(text: str) -> bool:
    return bool(re.search(r"\breply\b|\.addHook\(|\.register\(|FastifyInstance|fastify", text))


def _params(path: str) -> tuple[str, ...]:
    return tuple(re.findall(r"(:\w+\??|\{\w+\}|<[^>]+>|\[\.{0,3}\w+\])", path or ""))


def run(ctx: FileContext, facts: FileFacts) -> None:
    JsRouterFile(ctx, facts).run()
