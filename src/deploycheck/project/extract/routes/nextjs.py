"""Next.js: App Router route handlers, Pages Router API routes, server actions and middleware.

* `app/**/route.(ts|js)`: exported `GET`/`POST`/… functions (declarations, `export const GET = …`,
  `export { handler as GET }`); route groups `(group)` and `@slot`s vanish from the path, `[id]`,
  `[...slug]` and `[[...slug]]` stay as written, `_private` folders are not routes.
* `pages/api/**`: the default-exported handler; its methods come from `req.method` comparisons
  (`if (req.method === 'GET') {…}`, `if (req.method !== 'POST') return 405`, `switch (req.method)`),
  one route per method, each with only the code that runs for it (a guard after the GET branch does
  not protect GET).
* Server actions: exported functions of a `'use server'` module and functions whose body starts with
  `'use server'` (callable by anyone with a POST).
* `middleware.(ts|js)` / `proxy.(ts|js)`: when it authenticates, a guard for the paths its
  `config.matcher` (and the path tests in its body) cover - the linker applies it.
"""
from __future__ import annotations

import re

import tree_sitter as ts

from deploycheck.core import Location
from deploycheck.project.extract.routes import _names as N
from deploycheck.project.extract.routes._js import FN_TYPES, analysis
from deploycheck.project.extract.routes._summary import EXTRA_FUNCTIONS, EXTRA_GLOBALS, FnSummary, GlobalGuard, Ref
from deploycheck.project.model import FileFacts, Guard, Role, Route
from deploycheck.project.parse import FileContext, shared_captures

HTTP = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_APP_ROUTE = re.compile(r"(?:^|/)app/(.*/)?route\.(?:[cm]?[jt]sx?)$")
_PAGES_API = re.compile(r"(?:^|/)pages/api/(.+)\.(?:[cm]?[jt]sx?)$")
_MIDDLEWARE = re.compile(r"^(?:(?:.*/)?src/|(?:apps|packages)/[^/]+/(?:src/)?)?(?:middleware|proxy)\.(?:[cm]?[jt]s)$")
_Q_EXPORTS = shared_captures("js-index", "(export_statement) @export")
_METHOD_CMP = re.compile(r"""(?:\b\w+\s*\.\s*)?\bmethod\s*(===|==|!==|!=)\s*['"]([A-Za-z]+)['"]|['"]([A-Za-z]+)['"]\s*(===|==|!==|!=)\s*(?:\w+\s*\.\s*)?method\b""")
_METHOD_IN = re.compile(r"""\[([^\]]*)\]\s*\.\s*includes\s*\(\s*(?:\w+\s*\.\s*)?method\b""")


def app_route_path(rel: str) -> str | None:
    m = _APP_ROUTE.search(rel)
    if not m:
        return None
    segs = (m.group(1) or "").strip("/").split("/") if m.group(1) else []
    return _join(segs)


def pages_api_path(rel: str) -> str | None:
    m = _PAGES_API.search(rel)
    if not m:
        return None
    segs = ["api"] + m.group(1).split("/")
    if segs[-1] == "index":
        segs = segs[:-1]
    return _join(segs)


def _join(segs: list[str]) -> str | None:
    out = []
    for s in segs:
        if not s:
            continue
        if s.startswith("_"):
            return None           # private folder: not routable
        if s.startswith("(") and s.endswith(")") or s.startswith("@"):
            continue
        out.append(s)
    return "/" + "/".join(out)


def run(ctx: FileContext, facts: FileFacts) -> None:
    rel = ctx.path
    if _MIDDLEWARE.match(rel):
        _middleware(ctx, facts)
        return
    path = app_route_path(rel)
    if path is not None:
        _app_route(ctx, facts, path)
        return
    path = pages_api_path(rel)
    if path is not None:
        _pages_api(ctx, facts, path)
        return
    if "use server" in ctx.text:
        _server_actions(ctx, facts)


# ------------------------------------------------------------------------------------- app router
def _exports(ctx: FileContext) -> dict[str, tuple[ts.Node, ts.Node]]:
    """Exported name -> (value node, export statement)."""
    js = analysis(ctx)
    out: dict[str, tuple[ts.Node, ts.Node]] = {}
    for node in ctx.captures(_Q_EXPORTS).get("export", []):
        decl = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        if decl is not None:
            if decl.type in ("function_declaration", "generator_function_declaration"):
                n = decl.child_by_field_name("name")
                if n is not None:
                    out[js.text(n)] = (decl, node)
                if any(c.type == "default" for c in node.children):
                    out["default"] = (decl, node)
            elif decl.type in ("lexical_declaration", "variable_declaration"):
                for d in decl.named_children:
                    if d.type != "variable_declarator":
                        continue
                    n = d.child_by_field_name("name")
                    v = d.child_by_field_name("value")
                    if n is not None and v is not None:
                        if n.type == "identifier":
                            out[js.text(n)] = (v, node)
                        elif n.type == "object_pattern":       # export const { GET, POST } = handlers
                            for k in js.pattern_keys(n):
                                out[k] = (v, node)
        elif value is not None:
            out["default"] = (value, node)
        else:
            clause = next((c for c in node.named_children if c.type == "export_clause"), None)
            if clause is not None:
                for spec in clause.named_children:
                    if spec.type != "export_specifier":
                        continue
                    n = spec.child_by_field_name("name")
                    a = spec.child_by_field_name("alias")
                    if n is None:
                        continue
                    local = js.text(n)
                    fn = js.top_functions.get(local)
                    target = fn if fn is not None else n
                    out[js.text(a) if a is not None else local] = (target, node)
    return out


def _resolve_handler(ctx: FileContext, value: ts.Node) -> tuple[ts.Node | None, list[Guard], str | None]:
    """The function behind an exported value, and wrapper guards (`withAuth(handler)`)."""
    js = analysis(ctx)
    guards: list[Guard] = []
    n = js.unwrap(value)
    name = None
    hops = 0
    while n is not None and hops < 4:
        hops += 1
        if n.type in FN_TYPES:
            return n, guards, name
        if n.type == "identifier":
            name = js.text(n)
            fn = js.top_functions.get(name)
            if fn is not None:
                return fn, guards, name
            decl = _decl_value(ctx, name)
            if decl is None:
                return None, guards, name
            n = js.unwrap(decl)
            continue
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            ftext = js.text(fn) if fn is not None else ""
            args = n.child_by_field_name("arguments")
            kids = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
            target = next((k for k in kids if k.type in FN_TYPES or k.type == "identifier"), None)
            opts_public = False
            if target is None and kids and kids[0].type == "object":
                # withApiWrapper({ auth: "both", handler: async (…) => … }): the handler is an option
                props = js.object_props(kids[0])
                target = next((props[k] for k in ("handler", "fn", "action", "execute") if props.get(k) is not None), None)
                auth_opt = props.get("auth") or props.get("authentication") or props.get("requireAuth")
                opts_public = auth_opt is not None and js.text(auth_opt).strip("'\"` ") in ("none", "false", "public", "null")
            if target is None:
                return None, guards, name
            # withAuth(handler): a wrapper named for auth around the handler (not NextAuth(options)).
            # withWorkspace(handler), actionClient.inputSchema(s).action(handler): a wrapper or an action
            # client whose name says nothing; the linker reads its code (`judge`) and makes it an auth
            # guard when it checks the caller first. A chain is named by the identifier it starts from.
            root = _chain_root(fn)
            gname = js.text(root) if root is not None else None
            prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
            if prop is not None and fn.child_by_field_name("object").type == "identifier" and \
                    N.name_says_auth(js.text(prop)):
                gname = ftext                      # auth0.withApiAuthRequired(handler)
            if gname and not opts_public and not re.match(r"^(?:NextAuth|Auth|auth)$", gname):
                said = N.name_says_auth(gname)
                guards.append(Guard(gname, "decorator", Location(ctx.path, n.start_point[0] + 1),
                                    scope="route", is_auth=bool(said), role=N.role_from_name(gname) if said else None))
            n = js.unwrap(target)
            continue
        break
    return None, guards, name


def _chain_root(fn: ts.Node | None) -> ts.Node | None:
    """The identifier a call chain starts from: `withAuth` of `withAuth(h)`, `authActionClient` of
    `authActionClient.inputSchema(s).action(h)`."""
    n = fn
    for _ in range(12):
        if n is None:
            return None
        if n.type == "identifier":
            return n
        if n.type == "member_expression":
            n = n.child_by_field_name("object")
        elif n.type == "call_expression":
            n = n.child_by_field_name("function")
        else:
            return None
    return None


def _decl_value(ctx: FileContext, name: str) -> ts.Node | None:
    return analysis(ctx).module_value(name)


def _app_route(ctx: FileContext, facts: FileFacts, path: str) -> None:
    js = analysis(ctx)
    exports = _exports(ctx)
    summaries: list[FnSummary] = []
    for method in HTTP:
        if method not in exports:
            continue
        value, stmt = exports[method]
        fn, wrap_guards, name = _resolve_handler(ctx, value)
        loc = Location(ctx.path, stmt.start_point[0] + 1, stmt.start_point[1] + 1)
        hid = hloc = None
        guards = list(wrap_guards)
        if fn is not None:
            s = js.summarize(fn, request_params=(1,))
            summaries.append(s)
            hid, hloc = s.id, Location(ctx.path, s.line)
            guards.extend(s.body_guards)
            name = name or js.fn(fn).name
        elif value is not None and ("nextauth" in path.lower() or re.search(r"(?i)handlers|NextAuth", js.text(value))):
            name = name or js.text(value)[:40]
        facts.routes.append(Route(method, path, "nextjs-app", loc, handler=hid, handler_location=hloc,
                                  guards=tuple(guards), params=_params(path), name=name))
    if summaries:
        facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(summaries)


# ------------------------------------------------------------------------------------- pages/api
def _pages_api(ctx: FileContext, facts: FileFacts, path: str) -> None:
    js = analysis(ctx)
    exports = _exports(ctx)
    if "default" not in exports:
        return
    value, stmt = exports["default"]
    fn, wrap_guards, name = _resolve_handler(ctx, value)
    loc = Location(ctx.path, stmt.start_point[0] + 1, stmt.start_point[1] + 1)
    if fn is None:
        facts.routes.append(Route("ANY", path, "nextjs-pages", loc, guards=tuple(wrap_guards), params=_params(path),
                                  name=name))
        return
    loc = Location(ctx.path, fn.start_point[0] + 1, fn.start_point[1] + 1) if stmt.start_point[0] == fn.start_point[0] or \
        js.fn(fn).name == name else loc
    base = js.fn(fn)
    hid_base = js.fn_id(fn)
    branches = method_branches(ctx, fn)
    summaries = []
    if not branches:
        s = js.summarize(fn)
        summaries.append(s)
        facts.routes.append(Route("ANY", path, "nextjs-pages", loc, handler=s.id, handler_location=Location(ctx.path, s.line),
                                  guards=tuple(wrap_guards) + s.body_guards, params=_params(path), name=base.name))
    else:
        for method, ranges in branches:
            s = js.summarize(fn, ranges=ranges, suffix=f"~{method}")
            summaries.append(s)
            facts.routes.append(Route(method, path, "nextjs-pages", loc, handler=hid_base,
                                      handler_location=Location(ctx.path, base.line),
                                      guards=tuple(wrap_guards) + s.body_guards, params=_params(path), name=base.name))
    facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(summaries)


def method_branches(ctx: FileContext, fn: ts.Node) -> list[tuple[str, list[tuple[int, int]]]]:
    """Per method the byte ranges of the handler that run for it (see module docstring)."""
    js = analysis(ctx)
    start, end = fn.start_byte, fn.end_byte
    blocks: list[tuple[str, int, int]] = []       # (method, block start, block end)
    only: list[tuple[list[str], int]] = []          # (allowed methods, offset after which they hold)
    for node in js.items("if", start, end):
        cond = js.text(node.child_by_field_name("condition"))
        cons = node.child_by_field_name("consequence")
        hits = [(m.group(1) or m.group(4), (m.group(2) or m.group(3)).upper()) for m in _METHOD_CMP.finditer(cond)]
        inc = _METHOD_IN.search(cond)
        if inc:
            ms = [x.upper() for x in re.findall(r"['\"](\w+)['\"]", inc.group(1))]
            if cond.lstrip("( ").startswith("!"):
                only.append((ms, node.end_byte))
            else:
                blocks.extend((m, cons.start_byte, cons.end_byte) for m in ms)
            continue
        if not hits or cons is None:
            continue
        if all(op in ("===", "==") for op, _m in hits):
            for _op, m in hits:
                if m in HTTP:
                    blocks.append((m, cons.start_byte, cons.end_byte))
        elif all(op in ("!==", "!=") for op, _m in hits) and re.search(r"\b405\b|return|throw", js.text(cons)):
            only.append(([m for _op, m in hits if m in HTTP], node.end_byte))
    blocks.extend(_switches(ctx, fn))
    out: list[tuple[str, list[tuple[int, int]]]] = []
    seen: set[str] = set()
    if blocks:
        for method, bs, be in sorted(blocks, key=lambda b: b[1]):
            if method in seen:
                continue
            seen.add(method)
            others = [(s, e) for m, s, e in blocks if m != method and s < be and not (s <= bs and be <= e)]
            ranges = _subtract([(start, be)], others)
            out.append((method, ranges))
        return out
    if only:
        methods, _after = only[0]
        return [(m, [(start, end)]) for m in methods]
    return []


def _switches(ctx: FileContext, fn: ts.Node) -> list[tuple[str, int, int]]:
    js = analysis(ctx)
    out = []
    for node in _descendants(fn, "switch_statement"):
        value = js.text(node.child_by_field_name("value"))
        if not re.search(r"\bmethod\b", value):
            continue
        body = node.child_by_field_name("body")
        if body is None:
            continue
        cases = [c for c in body.named_children if c.type == "switch_case"]
        pending: list[str] = []
        for c in cases:
            v = c.child_by_field_name("value")
            m = js.string_value(v) if v is not None else None
            if m:
                pending.append(m.upper())
            stmts = [x for x in c.named_children if x is not v]
            if stmts:
                for p in pending:
                    if p in HTTP:
                        out.append((p, stmts[0].start_byte, c.end_byte))
                pending = []
    return out


def _descendants(node: ts.Node, type_: str) -> list[ts.Node]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if n.type == type_:
            out.append(n)
        stack.extend(n.children)
    return out


def _subtract(ranges: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = ranges
    for hs, he in sorted(holes):
        nxt = []
        for a, b in out:
            if he <= a or hs >= b:
                nxt.append((a, b))
                continue
            if a < hs:
                nxt.append((a, hs))
            if he < b:
                nxt.append((he, b))
        out = nxt
    return out


# ------------------------------------------------------------------------------------- server actions
def _server_actions(ctx: FileContext, facts: FileFacts) -> None:
    js = analysis(ctx)
    root = ctx.js_root
    module_level = False
    for c in root.named_children:
        if c.type == "comment":
            continue
        if c.type == "expression_statement" and js.text(c).strip(" ;") in ("'use server'", '"use server"'):
            module_level = True
        break
    actions: list[tuple[ts.Node, str, Location, list[Guard]]] = []
    if module_level:
        for name, (value, stmt) in _exports(ctx).items():
            fn, wrap_guards, _n = _resolve_handler(ctx, value)
            if fn is not None:
                # (wrap_guards: `authActionClient.schema(s).action(fn)`, `withAuth(fn)`: the action client or
                # wrapper, judged by the linker from its code)
                actions.append((fn, name if name != "default" else (js.fn(fn).name or "default"),
                                Location(ctx.path, stmt.start_point[0] + 1, stmt.start_point[1] + 1), wrap_guards))
    else:
        for f in js.functions:
            body = f.node.child_by_field_name("body")
            if body is None or body.type != "statement_block":
                continue
            first = next((c for c in body.named_children if c.type != "comment"), None)
            if first is not None and first.type == "expression_statement" and \
                    js.text(first).strip(" ;") in ("'use server'", '"use server"'):
                actions.append((f.node, f.name or "<anonymous>", Location(ctx.path, f.line, f.node.start_point[1] + 1), []))
    summaries = []
    for fn, name, loc, wrap_guards in actions:
        n_params = len(js.fn(fn).params)
        s = js.summarize(fn, request_params=tuple(range(n_params)))
        summaries.append(s)
        facts.routes.append(Route("POST", f"action:{name}", "nextjs-action", loc, handler=s.id,
                                  handler_location=Location(ctx.path, s.line), guards=tuple(wrap_guards) + s.body_guards,
                                  name=name))
    if summaries:
        facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(summaries)


# ------------------------------------------------------------------------------------- middleware
def _middleware(ctx: FileContext, facts: FileFacts) -> None:
    js = analysis(ctx)
    exports = _exports(ctx)
    matcher: list[str] = []
    if "config" in exports:
        cfg = js.unwrap(exports["config"][0])
        m = js.object_props(cfg).get("matcher") if cfg is not None else None
        if m is not None:
            v = js.string_value(m)
            if v is not None:
                matcher = [v]
            elif m.type == "array":
                for c in m.named_children:
                    sv = js.string_value(c)
                    if sv is None and c.type == "object":
                        src = js.object_props(c).get("source")
                        sv = js.string_value(src) if src is not None else None
                    if sv:
                        matcher.append(sv)
    text = ctx.text
    guard: Guard | None = None
    exempt: list[str] = []
    value = exports.get("default", exports.get("middleware", exports.get("proxy", (None, None))))[0]
    loc = Location(ctx.path, 1)
    helper_ref = None
    if re.search(r"""export\s*\{\s*default\s*\}\s*from\s*['"]next-auth/middleware['"]""", text) or \
            re.search(r"""export\s+default\s+withAuth\b""", text):
        guard = Guard("next-auth middleware", "middleware", loc, scope="middleware.ts")
    elif re.search(r"""export\s*\{\s*auth\s+as\s+(?:middleware|default|proxy)\s*\}|export\s+default\s+(?:NextAuth\([^)]*\)\.)?auth\b""", text):
        # Auth.js v5: `export { auth as middleware }` - the `authorized` callback decides, usually "signed in"
        guard = Guard("Auth.js middleware (authorized callback)", "middleware", loc, scope="middleware.ts")
    elif value is not None:
        fn, wrap_guards, _name = _resolve_handler(ctx, value)
        vtext = js.text(value)
        if re.search(r"\bauthMiddleware\s*\(", vtext):                 # Clerk v4: everything but publicRoutes
            guard = Guard("authMiddleware (Clerk)", "middleware", loc, scope="middleware.ts")
            pub = re.search(r"publicRoutes\s*:\s*\[([^\]]*)\]", text)
            if pub:
                exempt = re.findall(r"['\"]([^'\"]+)['\"]", pub.group(1))
        elif re.search(r"\bclerkMiddleware\s*\(", vtext):
            if re.search(r"\.protect\s*\(", text):
                guard = Guard("clerkMiddleware + auth.protect()", "middleware", loc, scope="middleware.ts")
                pm = re.search(r"(?:isProtectedRoute|protectedRoutes?|isPrivateRoute)\s*=\s*createRouteMatcher\s*\(\s*\[([^\]]*)\]", text)
                pubm = re.search(r"(?:isPublicRoute|publicRoutes?)\s*=\s*createRouteMatcher\s*\(\s*\[([^\]]*)\]", text)
                if pm:
                    matcher = _narrow(matcher, re.findall(r"['\"]([^'\"]+)['\"]", pm.group(1)))
                if pubm:
                    exempt = re.findall(r"['\"]([^'\"]+)['\"]", pubm.group(1))
        else:
            s = js.summarize(fn) if fn is not None else None
            if wrap_guards:
                guard = Guard(wrap_guards[0].name, "middleware", loc, scope="middleware.ts")
            elif s is not None and s.guard is not None:
                guard = Guard(s.body_guards[0].name if s.body_guards else "middleware", "middleware", loc,
                              scope="middleware.ts", role=s.role)
            if guard is None and s is not None:
                # `return await updateSession(request)`: a helper in another module may do the checking
                helper = next((c.callee for c in s.calls if "." not in c.callee or c.callee.count(".") == 1), None)
                if helper:
                    helper_ref = Ref(helper, "ref", line=loc.line or 1)
                    guard = Guard(helper, "middleware", loc, scope="middleware.ts", is_auth=False)
            if guard is not None and fn is not None:
                # path tests inside the body narrow what it protects (`if (pathname.startsWith('/dashboard')
                # && !token) redirect`) or let paths through before the check (`if (pathname.startsWith(
                # '/api/auth')) return NextResponse.next()`)
                body = js.text(fn)
                protected, passed = _path_tests(body)
                exempt = exempt + [q for p in passed for q in (p, p.rstrip("/") + "/:path*")]   # startsWith: a prefix
                if protected and not re.search(r"""(?:public|PUBLIC|isPublic|publicPaths|publicRoutes)""", body):
                    matcher = _narrow(matcher, [p.rstrip("/") + "/:path*" for p in protected] + protected)
                pub = re.search(r"(?:public\w*|PUBLIC\w*)\s*=\s*\[([^\]]*)\]", text)
                if pub:
                    exempt = re.findall(r"['\"]([^'\"]+)['\"]", pub.group(1))
    if guard is None:
        return
    facts.extra.setdefault(EXTRA_GLOBALS, []).append(
        GlobalGuard("nextjs", guard, matcher=tuple(matcher), exempt=tuple(exempt), ref=helper_ref))


_PATH_TEST = re.compile(
    r"""if\s*\((?P<cond>[^{};]*?pathname\s*\.\s*startsWith\s*\(\s*['"](?P<path>[^'"]+)['"]\s*\)[^{};]*?)\)\s*"""
    r"""(?P<block>\{[^{}]*\}|[^;{}\n]*;)""")
_LETS_THROUGH = re.compile(r"""NextResponse\.next\s*\(|status\s*:\s*200\b|return\s*;|return\s+new\s+Response\(\s*['"`]""")


def _path_tests(body: str) -> tuple[list[str], list[str]]:
    """(paths the middleware protects, paths it lets through before any check) from its if-tests."""
    from deploycheck.project.extract.routes._js import _AUTH_REJECT
    protected, passed = [], []
    for m in _PATH_TEST.finditer(body):
        cond, path, block = m.group("cond"), m.group("path"), m.group("block")
        negated = bool(re.search(r"!\s*(?:\w+\.)*pathname\s*\.\s*startsWith", cond))
        rejects = bool(_AUTH_REJECT.search(block))
        through = bool(_LETS_THROUGH.search(block)) and not rejects
        if through:
            (protected if negated else passed).append(path)
        elif rejects or re.search(r"\b(token|session|user|auth)\b", cond, re.I):
            (passed if negated else protected).append(path)
    return protected, passed


def _narrow(matcher: list[str], protected: list[str]) -> list[str]:
    return protected if protected else matcher


def _params(path: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\[\[?\.{0,3}\w+\]?\]", path or ""))


def _extractor():
    from deploycheck.project.extract import JS, Extractor
    return Extractor("routes.nextjs", run, languages=JS, roles=frozenset({Role.APP}),
                     triggers=("export", "use server", "module.exports"))


EXTRACTORS = (_extractor(),)
