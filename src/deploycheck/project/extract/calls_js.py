"""Per-function call summaries for JavaScript / TypeScript (tree-sitter).

One query returns every function, call, `new`, import, try statement and declarator of the file (in
C); Python then looks only at the calls that matter: external calls (database, HTTP, email …),
calls of local functions (for the call graph) and database clients. For each of those a short walk
up the parents (stopping at the enclosing function) says whether it is awaited, returned, floating,
inside a try whose catch handles it, inside a loop.

Function ids follow the convention shared with the route extractors: `"<path>#<name>@<line>"`, with
`name` the declared name (function, method, the variable/property/export an arrow is bound to) or
`<anonymous>` for inline callbacks, and `line` the 1-based start line of the function node.
Top-level code that makes calls of interest is summarised as a pseudo-function `<module>` (line 1).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import tree_sitter as ts

from deploycheck.core import Location
from deploycheck.project.extract._js import FUNCTIONS_QUERY
from deploycheck.project.extract._prefilter import prefiltered
from deploycheck.project.extract.calls_link import BASEURL_DIRS
from deploycheck.project.extract.calls_classify import (Chain, Classified, classify_js, is_local_module,
                                                        js_connector, lib_kind)
from deploycheck.project.model import (CallSite, CatchClause, DbClient, ErrorHandler, ExternalCall, FileFacts,
                                       Function, Import)
from deploycheck.project.parse import FileContext, shared_captures

FN_TYPES = frozenset({"function_declaration", "generator_function_declaration", "function_expression",
                      "arrow_function", "method_definition", "function"})
LOOP_TYPES = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
_WRAP = frozenset({"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression",
                   "type_assertion"})
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "options", "head", "use"})
HTTP_EXPORTS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_NON_WRAPPERS = frozenset({"setTimeout", "setInterval", "setImmediate", "Promise", "describe", "it", "test",
                           "useEffect", "useCallback", "useMemo", "queueMicrotask", "process.nextTick"})
_LOOP_CALLBACKS = frozenset({"forEach", "map", "flatMap", "filter", "reduce", "some", "every", "find", "each",
                             "mapSeries", "eachSeries"})
_FW_IMPORTS = {"express": "express", "fastify": "fastify", "hono": "hono", "koa": "koa", "@koa/router": "koa",
               "koa-router": "koa", "@nestjs/common": "nestjs", "restify": "restify", "@hapi/hapi": "hapi",
               "polka": "express", "h3": "h3", "elysia": "elysia"}

QUERY = shared_captures("js-index", """
(function_declaration name: (identifier) @fname)
(generator_function_declaration name: (identifier) @fname)
(variable_declarator name: (identifier) @vname value: [(arrow_function) (function_expression)])
(call_expression) @call
(new_expression) @new
(import_statement) @import
(export_statement source: (_)) @reexport
(variable_declarator name: (_) value: [(new_expression) (call_expression) (await_expression) (binary_expression)]) @decl
(assignment_expression left: (_) right: [(new_expression) (call_expression) (await_expression) (binary_expression)]) @assign
""")

_LOG_STMT = re.compile(
    r"^\s*(await\s+)?((console|logger|log|this\.logger|this\.log|fastify\.log|app\.log|server\.log|request\.log|"
    r"req\.log|ctx\.log|winston|pino|debug|Sentry|bugsnag|Bugsnag|rollbar|Rollbar|newrelic|Honeybadger|"
    r"errorReporter|logging)\b[\w.]*\s*\(|(captureException|reportError|logError|logger\w*|log\w*|debug)\s*\()",
    re.S)
_RESP_ERR = re.compile(
    r"(\.status\(\s*(?:[45]\d\d|\w+\.(?:status|statusCode|code)|(?:err|error|e)\w*\.\w+)"
    r"|\.code\(\s*[45]\d\d|sendStatus\(\s*[45]\d\d|status(?:Code)?\s*[:=]\s*[45]\d\d"
    r"|\.json\([^;]*,\s*[45]\d\d\s*\)|\b(?:notFound|redirect|unauthorized|forbidden|badRequest|internalServerError)\s*\("
    r"|createError\(|Boom\.|new\s+\w*(?:Exception|HttpError|HTTPException)\b|\berror\s*\(\s*[45]\d\d)")
_RESP_OK = re.compile(r"\b(res|response|reply|ctx|c)\.(json|send|end|render|redirect|status\(\s*2\d\d)|"
                      r"NextResponse\.json\(|Response\.json\(|new\s+Response\(")


_PAGES_API_PATH = re.compile(r"(^|/)pages/api/")
_PAGES_PATH = re.compile(r"(^|/)pages/")
_APP_ROUTE_PATH = re.compile(r"(^|/)app/(.*/)?route\.[cm]?[jt]sx?$")
_LAMBDA_DIR_PATH = re.compile(r"(^|/)(netlify/functions|functions|api|lambda|lambdas|handlers)/")
_SVELTEKIT_PATH = re.compile(r"\+server\.[jt]s$")
_REMIX_ROUTE_PATH = re.compile(r"(^|/)app/routes/")
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_DEFAULT_EXPORT = re.compile(r"^\s*(?:export\s+default|module\.exports\s*=)\s+(?:([\w$.]+)\(\s*)?([A-Za-z_$][\w$]*)\s*\)?\s*;?\s*$",
                             re.M)


@dataclass(slots=True)
class Fn:
    node: ts.Node
    id: str
    name: str
    line: int
    end_line: int
    is_async: bool
    params: tuple[str, ...]
    exported: bool = False
    handler: str | None = None
    wrapped: str | None = None
    cls: str | None = None
    facts: list[str] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    catches: dict[int, CatchClause] = field(default_factory=dict)
    interesting: bool = False


class _File:
    def __init__(self, ctx: FileContext, facts: FileFacts):
        self.ctx = ctx
        self.facts = facts
        self.path = ctx.path
        self.origins: dict[str, str] = {}        # local binding -> module specifier
        self.import_kind: dict[str, str] = {}    # local binding -> "default" | "named" | "namespace"
        self.derived: dict[str, str] = {}        # variable -> "db-client" | "model" | "db-result" | "model-class" | "lib:<module>"
        self.var_what: dict[str, str] = {}       # variable -> "pool" | "client" | "connection" (what its constructor opened)
        self.fns: dict[tuple[int, int], Fn] = {}         # made on demand (get_fn)
        self.fn_nodes_by_name: dict[str, ts.Node] = {}
        self.hot_roots: set[str] = set()
        self.module: Fn | None = None
        self.frameworks: set[str] = set()
        self.try_actions: dict[int, tuple[str, int, ts.Node]] = {}
        self.ext: dict[str, object] = {}
        self.refs: list[tuple[str, str, str, int, str]] = []
        self.imports: list[Import] = []           # -> facts.extra["call_imports"] (see calls.py)
        self._fn_index: tuple[list[int], list[int], list[ts.Node]] | None = None
        self.text = ctx.text
        self.is_pages_api = bool(_PAGES_API_PATH.search(ctx.path))
        self.is_pages = bool(_PAGES_PATH.search(ctx.path)) and not self.is_pages_api
        self.is_app_route = bool(_APP_ROUTE_PATH.search(ctx.path))
        self.is_lambda_dir = bool(_LAMBDA_DIR_PATH.search(ctx.path))
        self.is_sveltekit = bool(_SVELTEKIT_PATH.search(ctx.path))
        self.is_remix_route = bool(_REMIX_ROUTE_PATH.search(ctx.path))
        head = ctx.text.lstrip()[:40]
        self.use_server = head.startswith(("'use server'", '"use server"'))

    # ------------------------------------------------------------------ helpers
    def fn_index(self) -> tuple[list[int], list[int], list[ts.Node]]:
        """FN_TYPES nodes by (start, -end): outer before inner at the same start."""
        if self._fn_index is None:
            fns = [n for n in self.ctx.captures(FUNCTIONS_QUERY).get("fn", []) if n.type in FN_TYPES]
            fns.sort(key=lambda n: (n.start_byte, -n.end_byte))
            self._fn_index = ([n.start_byte for n in fns], [n.end_byte for n in fns], fns)
        return self._fn_index

    def text_of(self, node: ts.Node | None) -> str:
        return self.ctx.node_text(node) if node is not None else ""

    def line(self, node: ts.Node) -> int:
        return node.start_point[0] + 1


def extract(ctx: FileContext, facts: FileFacts) -> None:
    f = _File(ctx, facts)
    caps = ctx.captures(QUERY)
    calls = caps.get("call", [])
    for node in caps.get("import", []):
        _import_statement(f, node)
    for node in caps.get("reexport", []):
        _reexport(f, node)
    if "require" in ctx.text:
        for node in calls:
            _require_call(f, node)
    f.frameworks = {fw for mod in f.origins.values() for m, fw in _FW_IMPORTS.items() if mod == m}
    # imported names worth following: local modules, libraries we classify, web frameworks
    f.hot_roots = {local for local, origin in f.origins.items()
                   if is_local_module(origin) or lib_kind(origin) or origin in _FW_IMPORTS
                   or _maybe_local_package(origin) or origin == "require"}
    text = ctx.text
    # (the pattern needs "module.exports", or both "export" and "default")
    m = _DEFAULT_EXPORT.search(text) if "module.exports" in text or ("default" in text and "export" in text) \
        else None
    if m:
        f.ext["default_export"] = m.group(2)
        if m.group(1):
            f.ext.setdefault("wrapped_names", {})[m.group(2)] = m.group(1)
    # named functions, for calls within the file (the Fn summaries themselves are made on demand)
    for n in caps.get("fname", []):
        f.fn_nodes_by_name.setdefault(f.text_of(n), n.parent)
    for n in caps.get("vname", []):
        value = n.parent.child_by_field_name("value") if n.parent is not None else None
        if value is not None:
            f.fn_nodes_by_name.setdefault(f.text_of(n), value)
    if f.is_app_route or f.is_pages_api or f.is_pages or f.is_sveltekit or f.is_remix_route or f.use_server \
            or f.is_lambda_dir:
        for node in f.fn_nodes_by_name.values():   # file-convention handlers: exported GET/POST, default export …
            if node.parent is not None and (node.parent.type in ("export_statement", "program") or (
                    node.parent.parent is not None and node.parent.parent.parent is not None
                    and node.parent.parent.parent.type == "export_statement")):
                get_fn(f, node)
    for node in sorted(caps.get("decl", []) + caps.get("assign", []), key=lambda n: n.start_byte):
        _derive(f, node)
    for node in sorted(calls, key=lambda n: n.start_byte):
        _call(f, node)
    for node in caps.get("new", []):
        _new(f, node)
    _callbacks(f)
    _error_handlers(f, calls)
    _emit(f)


# ---------------------------------------------------------------------------------- imports


def _string_value(f: _File, node: ts.Node | None) -> str | None:
    if node is None or node.type not in ("string", "template_string"):
        return None
    t = f.text_of(node)
    return t[1:-1] if len(t) >= 2 else None


def _import_statement(f: _File, node: ts.Node) -> None:
    src = _string_value(f, node.child_by_field_name("source"))
    if src is None:
        return
    loc = f.ctx.loc(node)
    clause = next((c for c in node.named_children if c.type == "import_clause"), None)
    if clause is None:
        f.imports.append(Import(loc, "", src, None))   # side-effect import: `import 'express-async-errors'`
        return
    for part in clause.named_children:
        if part.type == "identifier":
            _bind(f, part.text.decode(), src, "default", loc, None)
        elif part.type == "namespace_import":
            ident = next((c for c in part.named_children if c.type == "identifier"), None)
            if ident is not None:
                _bind(f, ident.text.decode(), src, "namespace", loc, "*")
        elif part.type == "named_imports":
            for spec in part.named_children:
                if spec.type != "import_specifier":
                    continue
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias")
                if name is None:
                    continue
                imported = f.text_of(name)
                _bind(f, f.text_of(alias or name), src, "named", loc, imported)


def _reexport(f: _File, node: ts.Node) -> None:
    src = _string_value(f, node.child_by_field_name("source"))
    if src is None:
        return
    loc = f.ctx.loc(node)
    clause = next((c for c in node.named_children if c.type == "export_clause"), None)
    if clause is None:
        f.imports.append(Import(loc, "*", src, "*"))
        return
    for spec in clause.named_children:
        if spec.type != "export_specifier":
            continue
        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
        if name is not None:
            f.imports.append(Import(loc, f.text_of(alias or name), src, f.text_of(name)))


def _bind(f: _File, local: str, src: str, how: str, loc: Location, imported: str | None) -> None:
    f.origins[local] = src
    f.import_kind[local] = how
    f.imports.append(Import(loc, local, src, imported))


def _require_call(f: _File, node: ts.Node) -> None:
    fn = node.child_by_field_name("function")
    if fn is None or fn.type != "identifier" or fn.text != b"require":
        return
    args = node.child_by_field_name("arguments")
    src = _string_value(f, args.named_children[0]) if args is not None and args.named_children else None
    if src is None:
        return
    loc = f.ctx.loc(node)
    # climb: require('x').default / require('x')(opts) / require('x').Pool
    top = node
    member = None
    while top.parent is not None and top.parent.type in frozenset({"member_expression", "call_expression"}) | _WRAP:
        p = top.parent
        if p.type == "member_expression" and p.child_by_field_name("object") == top:
            prop = f.text_of(p.child_by_field_name("property"))
            member = prop if member is None and prop != "default" else member
            top = p
        elif p.type == "call_expression" and p.child_by_field_name("function") == top:
            top = p
        elif p.type in _WRAP:
            top = p
        else:
            break
    parent = top.parent
    if parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        if name is not None and name.type == "identifier":
            _bind(f, f.text_of(name), src, "named" if member else "default", loc, member)
            return
        if name is not None and name.type == "object_pattern":
            for prop in name.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    n = f.text_of(prop)
                    _bind(f, n, src, "named", loc, n)
                elif prop.type == "pair_pattern":
                    key, val = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if key is not None and val is not None and val.type == "identifier":
                        _bind(f, f.text_of(val), src, "named", loc, f.text_of(key))
            return
    if parent is not None and parent.type == "expression_statement":
        f.imports.append(Import(loc, "", src, None))
        return
    if parent is not None and parent.type == "assignment_expression":
        left = f.text_of(parent.child_by_field_name("left"))
        if left == "module.exports":
            f.imports.append(Import(loc, "*reexport", src, None))
        else:
            m = re.match(r"^(?:module\.)?exports\.([\w$]+)$", left)
            if m:   # module.exports.userService = require('./user.service')
                f.imports.append(Import(loc, m.group(1), src, member))
    if parent is not None and parent.type == "pair":
        # module.exports = { userService: require('./user.service') }
        key = parent.child_by_field_name("key")
        if key is not None:
            f.imports.append(Import(loc, f.text_of(key), src, member))


# ---------------------------------------------------------------------------------- functions


def _fn_name(f: _File, node: ts.Node) -> tuple[str, bool]:
    """(name, exported) for a function node."""
    t = node.type
    name_node = node.child_by_field_name("name")
    exported = False
    parent = node.parent
    while parent is not None and parent.type in _WRAP:
        parent = parent.parent
    if parent is not None and parent.type == "export_statement":
        exported = True
    if t in ("function_declaration", "generator_function_declaration", "method_definition"):
        name = f.text_of(name_node) if name_node is not None else "<anonymous>"
        if parent is not None and parent.type == "export_statement" and "default" in [
                c.type for c in parent.children]:
            f.ext.setdefault("default_export", name)
        return name, exported
    # a named function expression keeps its own name: `const a = function named() {}` -> named
    if t == "function_expression" and name_node is not None:
        return f.text_of(name_node), exported or _bound_export(f, parent)
    # arrow / function expression: the binding it is assigned to
    if parent is not None:
        if parent.type == "variable_declarator" and parent.child_by_field_name("value") is not None:
            nm = parent.child_by_field_name("name")
            if nm is not None and nm.type == "identifier":
                decl = parent.parent
                exp = decl is not None and decl.parent is not None and decl.parent.type == "export_statement"
                return f.text_of(nm), exp
        if parent.type == "assignment_expression":
            left = f.text_of(parent.child_by_field_name("left"))
            if left == "module.exports":
                return (f.text_of(name_node) if name_node is not None else "<anonymous>"), True
            m = re.match(r"^(?:module\.)?exports\.([\w$]+)$", left)
            if m:
                return m.group(1), True
            m = re.match(r"^(?:this\.)?([\w$]+)$", left) or re.match(r"^[\w$.]+\.([\w$]+)$", left)
            if m:
                return m.group(1), False
        if parent.type == "pair":
            key = parent.child_by_field_name("key")
            if key is not None:
                return f.text_of(key).strip("'\""), False
        if parent.type in ("public_field_definition", "field_definition"):
            key = parent.child_by_field_name("name") or parent.child_by_field_name("property")
            if key is not None:
                return f.text_of(key), False
        if parent.type == "export_statement":
            return "<anonymous>", True
    if name_node is not None:
        return f.text_of(name_node), exported
    return "<anonymous>", exported


def _bound_export(f: _File, parent: ts.Node | None) -> bool:
    if parent is None:
        return False
    if parent.type == "assignment_expression":
        return bool(re.match(r"^(module\.)?exports\b", f.text_of(parent.child_by_field_name("left"))))
    if parent.type == "variable_declarator":
        decl = parent.parent
        return decl is not None and decl.parent is not None and decl.parent.type == "export_statement"
    return parent.type == "export_statement"


def _params(f: _File, node: ts.Node) -> tuple[str, ...]:
    ps = node.child_by_field_name("parameters")
    if ps is None:
        single = node.child_by_field_name("parameter")
        return (f.text_of(single),) if single is not None else ()
    out = []
    for p in ps.named_children:
        if p.type in ("required_parameter", "optional_parameter"):
            pat = p.child_by_field_name("pattern")
            out.append(f.text_of(pat) if pat is not None else f.text_of(p))
        elif p.type == "assignment_pattern":
            out.append(f.text_of(p.child_by_field_name("left")))
        elif p.type in ("identifier", "object_pattern", "array_pattern", "rest_pattern"):
            out.append(f.text_of(p))
        elif p.type != "comment":
            out.append(f.text_of(p))
    return tuple(x.split(":")[0].strip() for x in out)


def get_fn(f: _File, node: ts.Node) -> Fn:
    """The summary of a function node, made the first time something in or about it matters."""
    key = (node.start_byte, node.end_byte)
    fn = f.fns.get(key)
    if fn is not None:
        return fn
    name, exported = _fn_name(f, node)
    line = f.line(node)
    is_async = any(c.type == "async" for c in node.children[:3])
    params = _params(f, node)
    fn = Fn(node, f"{f.path}#{name}@{line}", name, line, node.end_point[0] + 1, is_async, params, exported)
    p = node.parent
    if node.type == "method_definition" and p is not None and p.parent is not None:
        cls = p.parent.child_by_field_name("name")
        fn.cls = f.text_of(cls) if cls is not None else None
    f.fns[key] = fn
    if node.type in ("generator_function_declaration",) or (node.type == "method_definition" and any(
            c.type == "*" for c in node.children[:3])):
        fn.facts.append("generator")
    if _is_default_export(f, fn) or _module_exports_value(f, node) or (
            name != "<anonymous>" and f.ext.get("default_export") == name and fn.node.parent is not None
            and fn.node.parent.type in ("program", "export_statement", "variable_declarator")):
        fn.facts.append("export-default")
    _classify_handler(f, fn)
    return fn


_ERR_MIDDLEWARE = re.compile(r"\(\s*_?(?:err|error|e|ex)\b[^,()]*,\s*_?(?:req|request)\b[^,()]*,\s*_?(?:res|response)\b"
                             r"[^,()]*,\s*_?next\b[^,()]*\)\s*(?:=>|\{)")


_REQ = re.compile(r"^_?(req|request)$")
_RES = re.compile(r"^_?(res|reply|response)$")
_RESPONDS = re.compile(r"\b_?(res|reply|response)\s*\.\s*(json|send|status|end|render|redirect|sendStatus|code|"
                       r"sendFile|download|type|header|set|write|writeHead|jsonp|format|cookie)\b|\bnext\s*\(")


def _classify_handler(f: _File, fn: Fn) -> None:
    node = fn.node
    parent = node.parent
    while parent is not None and parent.type in _WRAP:
        parent = parent.parent
    # 1. inline argument of a route registration, possibly through a wrapper call
    if parent is not None and parent.type == "arguments":
        call = parent.parent
        route = _route_call(f, call)
        if route:
            fn.handler = route
            return
        if call is not None and call.type == "call_expression":
            wname = f.text_of(call.child_by_field_name("function"))
            outer = call.parent
            while outer is not None and outer.type in _WRAP:
                outer = outer.parent
            if outer is not None and outer.type == "arguments":
                route = _route_call(f, outer.parent)
                if route and wname not in _NON_WRAPPERS:
                    fn.handler = route
                    fn.wrapped = wname
                    return
            if outer is not None and outer.type in ("export_statement",) or (
                    outer is not None and outer.type == "assignment_expression"
                    and f.text_of(outer.child_by_field_name("left")) in ("module.exports", "exports.default")):
                fn.wrapped = wname if wname not in _NON_WRAPPERS else None
                if f.is_pages_api:
                    fn.handler = "nextjs-pages"
                    return
            if outer is not None and outer.type == "variable_declarator" and wname not in _NON_WRAPPERS:
                # const list = asyncHandler(async (req, res) => ...)
                if len(fn.params) >= 2 and _REQ.match(fn.params[0]) and _RES.match(fn.params[1]):
                    fn.wrapped = wname
                    fn.handler = "req-res"
                    nm = outer.child_by_field_name("name")
                    if nm is not None:
                        f.ext.setdefault("wrapped_names", {})[f.text_of(nm)] = wname
                    return
            if _is_trpc(f, call):
                fn.handler = "trpc"
                return
    if parent is not None and parent.type == "pair":
        key = f.text_of(parent.child_by_field_name("key"))
        if key in ("handler",) and parent.parent is not None and parent.parent.parent is not None:
            call = parent.parent.parent.parent
            if call is not None and call.type == "call_expression" and f.text_of(
                    call.child_by_field_name("function")).endswith(".route"):
                fn.handler = "fastify"
                return
    name = fn.name
    # 2. file-convention handlers
    if f.is_app_route and fn.exported and name in HTTP_EXPORTS:
        fn.handler = "nextjs-app"
        return
    if f.is_sveltekit and fn.exported and name in HTTP_EXPORTS:
        fn.handler = "sveltekit"
        return
    if f.is_pages_api and ("export-default" in fn.facts or f.ext.get("default_export") == name):
        fn.handler = "nextjs-pages"
        return
    if f.is_pages and fn.exported and name in ("getServerSideProps",):
        fn.handler = "nextjs-ssr"
        return
    if f.is_remix_route and fn.exported and name in ("loader", "action"):
        fn.handler = "remix"
        return
    if fn.exported and name == "handler" and (len(fn.params) <= 3) and (
            not fn.params or re.match(r"^_?(event|evt|e|req|request)$", fn.params[0])):
        fn.handler = "lambda"
        return
    if f.use_server and fn.exported and fn.is_async:
        fn.handler = "server-action"
        return
    # 3. NestJS controller methods
    if fn.node.type == "method_definition":
        prev = fn.node.prev_named_sibling
        while prev is not None and prev.type == "decorator":
            dec = f.text_of(prev)
            if re.match(r"@(Get|Post|Put|Patch|Delete|All|Head|Options)\b", dec):
                fn.handler = "nestjs"
                return
            prev = prev.prev_named_sibling
    # 4. shape: (req, res[, next]) that answers the request
    ps = fn.params
    if len(ps) >= 2 and _REQ.match(ps[0]) and _RES.match(ps[1]) and len(ps) <= 3:
        body = f.text_of(node.child_by_field_name("body"))
        if _RESPONDS.search(body):
            fn.handler = "req-res"


def _module_exports_value(f: _File, node: ts.Node) -> bool:
    p = node.parent
    while p is not None and p.type in _WRAP:
        p = p.parent
    return p is not None and p.type == "assignment_expression" and \
        f.text_of(p.child_by_field_name("left")) in ("module.exports", "exports.default")


def _is_default_export(f: _File, fn: Fn) -> bool:
    p = fn.node.parent
    return p is not None and p.type == "export_statement" and any(c.type == "default" for c in p.children)


def _route_call(f: _File, call: ts.Node | None) -> str | None:
    """Framework name when `call` registers a route: app.get('/x', ...), router.post(...), app.use(...)."""
    if call is None or call.type != "call_expression":
        return None
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return None
    prop = f.text_of(callee.child_by_field_name("property"))
    if prop not in ROUTE_METHODS and prop not in ("route",):
        return None
    args = call.child_by_field_name("arguments")
    if args is None or not args.named_children:
        return None
    first = args.named_children[0]
    obj = callee.child_by_field_name("object")
    obj_text = f.text_of(obj)
    if obj_text.split(".")[0] in ("axios", "http", "https", "got", "ky", "superagent", "map", "cache", "redis",
                                  "headers", "params", "searchParams", "cookies", "store", "client", "supertest",
                                  "request", "$", "Object", "Reflect"):
        return None
    if prop == "use":
        if first.type in FN_TYPES or first.type == "identifier" or first.type in ("string", "template_string"):
            return _framework_of(f)
        return None
    if first.type not in ("string", "template_string", "regex", "array") and prop != "route":
        if not (first.type in FN_TYPES and f.frameworks):
            return None
    return _framework_of(f)


def _framework_of(f: _File) -> str:
    for fw in ("express", "fastify", "hono", "koa", "nestjs", "elysia", "h3", "restify", "hapi"):
        if fw in f.frameworks:
            return fw
    return "route"


def _is_trpc(f: _File, call: ts.Node) -> bool:
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return False
    prop = f.text_of(callee.child_by_field_name("property"))
    return prop in ("query", "mutation") and "rocedure" in f.text_of(callee.child_by_field_name("object"))[:200]


def _enclosing_fn(f: _File, node: ts.Node) -> Fn | None:
    """The nearest ancestor of FN_TYPES: the innermost such function whose bytes contain the node
    (nodes nest, so containment is ancestry), found in the file's function index rather than by
    walking parents (each `.parent` is a walk down from the root in tree-sitter)."""
    starts, ends, nodes = f.fn_index()
    s, e = node.start_byte, node.end_byte
    i = bisect.bisect_right(starts, s) - 1
    while i >= 0:
        if ends[i] >= e and (starts[i] != s or ends[i] != e):
            return get_fn(f, nodes[i])
        i -= 1
    return None


def _method_of_class(f: _File, node: ts.Node, name: str) -> Fn | None:
    """`this.name()`: the method of the class the call is in."""
    p = node.parent
    while p is not None and p.type != "class_body":
        p = p.parent
    if p is None:
        return None
    for child in p.named_children:
        if child.type == "method_definition":
            n = child.child_by_field_name("name")
            if n is not None and f.text_of(n) == name:
                return get_fn(f, child)
    return None


def _module_fn(f: _File) -> Fn:
    if f.module is None:
        root = f.ctx.js_root
        f.module = Fn(root, f"{f.path}#<module>@1", "<module>", 1, root.end_point[0] + 1, False, (), facts=["module"])
    return f.module


# ---------------------------------------------------------------------------------- chains


@dataclass(slots=True)
class _ChainInfo:
    chain: Chain
    outer: ts.Node                 # the outermost call node of the chain
    core_call: ts.Node             # the call node of the first called member (the I/O call)
    suffix: list[tuple[str, ts.Node]]   # then/catch/finally calls after the core
    this_member: bool = False


def _chain(f: _File, outer: ts.Node) -> _ChainInfo | None:
    """Decompose `a.b(x).c.d(y).then(z).catch(w)` into root a, members, suffix then/catch."""
    links: list[tuple[str, bool, ts.Node]] = []   # (name, called, call node)
    node = outer
    called_pending: ts.Node | None = None
    root = None
    root_called = False
    is_new = False
    first_arg = ""
    depth = 0
    while node is not None and depth < 40:
        depth += 1
        t = node.type
        if t == "call_expression":
            called_pending = node
            node = node.child_by_field_name("function")
            continue
        if t in _WRAP:
            node = node.named_children[0] if node.named_child_count else None
            continue
        if t == "member_expression":
            prop = node.child_by_field_name("property")
            links.append((f.text_of(prop), called_pending is not None, called_pending))
            called_pending = None
            node = node.child_by_field_name("object")
            continue
        if t == "subscript_expression":
            node = node.child_by_field_name("object")
            called_pending = None
            continue
        if t in ("identifier", "this", "super"):
            root = f.text_of(node)
            root_called = called_pending is not None
            if root_called:
                links.append(("", True, called_pending))
            break
        if t == "new_expression":
            ctor = node.child_by_field_name("constructor")
            root = f.text_of(ctor)
            is_new = True
            break
        if t == "await_expression":
            node = node.named_children[0] if node.named_child_count else None
            continue
        return None
    if root is None:
        return None
    links.reverse()
    root_link = None
    if links and links[0][0] == "":
        root_link = links.pop(0)
    this_member = False
    if root in ("this", "super") and links:
        root = links[0][0]
        this_member = True
        root_called = links[0][1]
        root_link = links[0] if root_called else None
        links = links[1:]
    members: list[str] = []
    core_call = root_link[2] if root_link else None
    suffix: list[tuple[str, ts.Node]] = []
    rest_started = core_call is not None
    rest: list[str] = []
    for name, called, call in links:
        if name in ("then", "catch", "finally") and called:
            suffix.append((name, call))
            continue
        if suffix:
            continue
        if not rest_started:
            members.append(name)
            if called:
                core_call = call
                rest_started = True
        else:
            rest.append(name)
    if core_call is None:
        return None
    args = core_call.child_by_field_name("arguments")
    if args is not None:
        if args.type == "template_string":
            first_arg = f.text_of(args)[:300]
        elif args.named_children:
            first_arg = f.text_of(args.named_children[0])[:300]
    origin_key = ("this." + root) if this_member else root
    origin = f.origins.get(origin_key) or (f.origins.get(root) if not this_member else None)
    derived = f.derived.get(origin_key) or (f.derived.get(root) if not this_member else None)
    if derived and derived.startswith("lib:"):
        origin, derived = derived[4:], None
    ch = Chain(root, members, origin, root_called, derived, is_new, first_arg, rest=rest)
    return _ChainInfo(ch, outer, core_call, suffix, this_member)


def _is_inner_link(node: ts.Node) -> bool:
    """True for `a.b()` inside `a.b().c()` / `f()` inside `f()()`: only the outermost call is analysed."""
    p = node.parent
    while p is not None and p.type in _WRAP:
        node, p = p, p.parent
    if p is None:
        return False
    if p.type == "member_expression" and p.child_by_field_name("object") == node:
        gp = p.parent
        return gp is not None and gp.type == "call_expression" and gp.child_by_field_name("function") == p
    if p.type == "call_expression" and p.child_by_field_name("function") == node:
        return True
    return False


# ---------------------------------------------------------------------------------- derivations


def _derive(f: _File, node: ts.Node) -> None:
    """Remember where variables come from: `const pool = new Pool()`, `const stripe = Stripe(key)`."""
    if node.type == "variable_declarator":
        name_node, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    else:
        name_node, value = node.child_by_field_name("left"), node.child_by_field_name("right")
    if name_node is None or value is None:
        return
    name = f.text_of(name_node)
    if name_node.type not in ("identifier", "member_expression") or len(name) > 80:
        return
    v = value
    while v is not None and v.type in _WRAP | {"await_expression"} and v.named_child_count:
        v = v.named_children[0]
    if v is None:
        return
    if v.type == "binary_expression":   # globalThis.prisma || new PrismaClient()
        right = v.child_by_field_name("right")
        v = right if right is not None else v
        while v is not None and v.type in _WRAP | {"await_expression"} and v.named_child_count:
            v = v.named_children[0]
    if v.type == "new_expression":
        ctor = f.text_of(v.child_by_field_name("constructor"))
        root = ctor.split(".")[0]
        origin = f.origins.get(root)
        if origin and not is_local_module(origin) and lib_kind(origin):
            f.derived[name] = "lib:" + origin
            conn = js_connector(ctor.split(".")[-1], origin, True, ctor.split(".")[1:] or [ctor], root)
            if conn is not None:
                f.var_what[name] = conn[0]
            return
        if origin and is_local_module(origin) and ctor[:1].isupper():
            f.derived[name] = "model"
        return
    if v.type == "call_expression":
        if not _worth_a_look(f, v):
            return
        info = _chain(f, v)
        if info is None:
            return
        ch = info.chain
        if ch.root == "require":
            return
        if ch.origin and not is_local_module(ch.origin) and lib_kind(ch.origin):
            last = ch.members[-1] if ch.members else ""
            if ch.origin == "mongoose" and last == "model":
                f.derived[name] = "model-class"
                return
            if last in ("connect", "getConnection", "acquire") and ("pool" in ch.root.lower() or ch.derived):
                f.derived[name] = "db-client"
                return
            f.derived[name] = "lib:" + ch.origin
            conn = js_connector(ch.members[-1] if ch.members else ch.root, ch.origin, False, ch.members, ch.root)
            if conn is not None:
                f.var_what[name] = conn[0]
            return
        if ch.derived == "db-client" or "pool" in ch.root.lower() and ch.members[-1:] in (["connect"], ["getConnection"]):
            f.derived[name] = "db-client"
            return
        c = classify_js(ch)
        if c is not None and c.kind == "db":
            f.derived[name] = "db-result"


# ---------------------------------------------------------------------------------- calls


_ROOT = re.compile(rb"\(?\s*(?:await\s+)?(?:new\s+)?([A-Za-z_$][\w$]*)")   # (used with match(data, pos))
_TAIL = re.compile(rb"\.\s*([A-Za-z_$][\w$]*)\s*$")
_ALWAYS = frozenset({"fetch", "this", "super", "window", "globalThis", "self", "setInterval", "axios", "got",
                     "ky", "superagent", "ofetch", "$fetch", "needle", "http", "https", "mongoose"})
_NAME_HINT = re.compile(r"prisma|stripe|twilio|redis|^(db|database|pool|knex|sql|pg|supabase|sequelize|conn|"
                        r"connection|client|trx|tx|transporter|mailer|sgMail|resend|postmark|mailgun|mg|s3|"
                        r"s3Client|r2|dbPool|pgPool|mongo|firestore|drizzle|kysely|cursor|cur)$|(Repo|Repository)$",
                        re.I)


# what a route wrapper calls its handler parameter (`withErrors = (handler) => async (req) => handler(req)`)
_HANDLER_PARAMS = frozenset({"handler", "fn", "func", "callback", "cb", "route", "action", "wrapped", "inner",
                             "routeHandler", "apiHandler", "handle", "h"})


def _worth_a_look(f: _File, node: ts.Node) -> bool:
    """Cheap prefilter on the callee text: a call whose root name is not imported, derived, a local function,
    a known client name or a route registration cannot be anything we report."""
    callee = node.child_by_field_name("function")
    if callee is None:
        return False
    data = f.ctx.data
    m = _ROOT.match(data, callee.start_byte, min(callee.end_byte, callee.start_byte + 120))
    if m is None:
        return True    # unusual shape (IIFE, subscript): let the full analysis decide
    root = m.group(1).decode("utf-8", "replace")
    if root in f.hot_roots or root in f.derived or root in f.fn_nodes_by_name or root in _ALWAYS \
            or root in f.var_what or _NAME_HINT.search(root) or root in _HANDLER_PARAMS:
        return True
    t = _TAIL.search(data, max(callee.start_byte, callee.end_byte - 40), callee.end_byte)
    return t is not None and t.group(1).decode() in ROUTE_METHODS | {"route", "then", "catch"}


def _outer_param(f: _File, node: ts.Node, name: str) -> bool:
    """Is `name` a parameter of a function around the one that holds `node` (a wrapper's handler)?"""
    depth = 0
    p = node.parent
    while p is not None:
        if p.type in FN_TYPES:
            depth += 1
            if depth >= 2:
                params = p.child_by_field_name("parameters") or p.child_by_field_name("parameter")
                if params is not None and re.search(rf"(?<![\w$.]){re.escape(name)}(?![\w$])", f.text_of(params)):
                    return True
        p = p.parent
    return False


def _call(f: _File, node: ts.Node) -> None:
    if not _worth_a_look(f, node) or _is_inner_link(node):
        return
    info = _chain(f, node)
    if info is None:
        return
    ch = info.chain
    if ch.root == "require" and not ch.members:
        return
    fn = _enclosing_fn(f, node)
    if not ch.is_new and _is_checkout(f, info):
        _callback_edges(f, node, info, fn if fn is not None else _module_fn(f))
        _checkout_or_connector(f, info, fn if fn is not None else _module_fn(f), fn)
        return
    cls = classify_js(ch)
    if cls is not None and info.this_member and not ch.members and _method_of_class(f, node, ch.root) is not None:
        cls = None      # `this.fetch(url)`: a method of this class (followed below), not the global of that name
    connector = None
    if not ch.is_new:
        connector = js_connector(ch.root if not ch.members else ch.members[-1], ch.origin, False, ch.members,
                                 ch.root) if (ch.origin and not is_local_module(ch.origin)) else None
        if connector is None and ch.root_called and not ch.members and ch.origin and lib_kind(ch.origin) == "db":
            connector = js_connector(ch.root, ch.origin, False, [], ch.root)
    target = None
    local = False
    if cls is None:
        if not ch.members and ch.root_called and ch.root in f.fn_nodes_by_name and ch.root not in f.origins:
            target = get_fn(f, f.fn_nodes_by_name[ch.root]).id
            local = True
        elif info.this_member and ch.root_called and not ch.members:
            cand = _method_of_class(f, node, ch.root)
            if cand is not None:
                target, local = cand.id, True
        elif ch.root in f.origins and is_local_module(f.origins[ch.root]) and len(ch.members) <= 1:
            local = True
        elif ch.root in f.origins and not lib_kind(f.origins[ch.root]) and len(ch.members) <= 1 \
                and _maybe_local_package(f.origins[ch.root]):
            local = True
    owner = fn if fn is not None else _module_fn(f)
    # inline callbacks as edges: rows.forEach(async r => ...) — the callback's calls belong to it,
    # but the enclosing function reaches them.
    _callback_edges(f, node, info, owner)
    if cls is None and not local and connector is None:
        if not ch.members and ch.root_called and _outer_param(f, node, ch.root):
            # a wrapper calling the handler it was given (`return await handler(req)`): its try/catch, if
            # any, is recorded so that the routes it wraps count as covered
            _context(f, info.outer, fn)
            owner.interesting = True
            owner.facts.append("calls-wrapped-handler")
        _checkout_or_connector(f, info, owner, fn)
        return
    ctxinfo = _context(f, info.outer, fn)
    loc = f.ctx.loc(info.core_call if cls is not None else node)
    has_catch, catch_node = _suffix_catch(f, info)
    callee = ch.text if not info.this_member else "this." + ch.text
    result = _result_name(f, info.outer)
    status_checked = False
    returned = ctxinfo["returned"]
    if cls is not None and cls.fetch_like:
        if ch.rest:     # (await fetch(url)).json(): the body is read on the spot
            status_checked = ch.rest[0] in ("ok", "status")
        elif ctxinfo["statement"] and not info.suffix and not re.search(
                r"""method\s*:\s*['"`]?(POST|PUT|PATCH|DELETE)""", ch.first_arg + f.text_of(
                    info.core_call.child_by_field_name("arguments")), re.I):
            status_checked = True   # a GET whose answer nobody reads (a ping): nothing depends on it
        else:
            status_checked = _status_checked(f, info, result, fn)
        if ch.rest or any(n == "then" for n, _ in info.suffix):
            returned = returned and status_checked   # what is returned is the body, not the response
    catch_action, catch_line = ctxinfo["catch"], ctxinfo["catch_line"]
    if has_catch and catch_node is not None:
        catch_action, catch_line = _chained_catch(f, catch_node, owner, cls)
    kind = cls.kind if cls is not None else None
    args_node = info.core_call.child_by_field_name("arguments")
    callback_style = args_node is not None and any(a.type in FN_TYPES for a in args_node.named_children)
    # transporter.sendMail(opts, (err, info) => ...): errors go to the callback, no promise is left behind
    floating = (ctxinfo["statement"] and not ctxinfo["awaited"] and not has_catch and not callback_style
                and not ctxinfo["consumed"] and (cls is None or cls.is_async))
    cs = CallSite(
        callee=callee[:120], location=loc, kind=kind, in_try=ctxinfo["in_try"] or has_catch,
        awaited=ctxinfo["awaited"], floating=floating, has_catch=has_catch, status_checked=status_checked,
        args=f.text_of(info.core_call.child_by_field_name("arguments"))[:160], result=result, target=target,
        catch=catch_action, catch_line=catch_line, returned=returned, loop=ctxinfo["loop"],
        loop_line=ctxinfo["loop_line"], in_poll_loop=ctxinfo["poll"], timeout=None,
        write=bool(cls and cls.write), provider=cls.provider if cls else None, fetch_like=bool(cls and cls.fetch_like))
    owner.calls.append(cs)
    owner.interesting = True
    if kind is not None:
        if catch_line is not None and catch_line in owner.catches:
            cc = owner.catches[catch_line]
            if kind not in cc.kinds:
                owner.catches[catch_line] = _replace_catch(cc, kinds=cc.kinds + (kind,))
        f.facts.calls.append(ExternalCall(kind, callee[:120], loc, owner.id,
                                          "catch" if has_catch else ("try" if ctxinfo["in_try"] else None)))
    if connector is not None:
        _db_client(f, info, owner, fn, connector, ctxinfo)
        if catch_line is not None and catch_line in owner.catches:
            owner.catches[catch_line] = _replace_catch(owner.catches[catch_line], connects=True)
    elif kind == "db" and (ch.members[-1:] in (["connect"], ["$connect"], ["authenticate"], ["initialize"])):
        if catch_line is not None and catch_line in owner.catches:
            owner.catches[catch_line] = _replace_catch(owner.catches[catch_line], connects=True)


def _maybe_local_package(spec: str) -> bool:
    """Bare specifiers that are repo-local through a tsconfig/jsconfig baseUrl ('lib/db', 'services/mail');
    'next/server' or 'react-dom/client' are packages."""
    return spec.startswith("~") or ("/" in spec and spec.split("/", 1)[0] in BASEURL_DIRS)


def _replace_catch(cc: CatchClause, **kw) -> CatchClause:
    from dataclasses import replace
    return replace(cc, **kw)


def _callback_edges(f: _File, node: ts.Node, info: _ChainInfo, owner: Fn) -> None:
    """Route registrations name their handler; setInterval callbacks are long-running loops. (The edges
    from a function to the inline callbacks it passes are added by _callbacks once we know which
    callbacks matter.)"""
    framework = _route_call(f, node)
    if framework:
        _handler_ref(f, node, framework)
        args = node.child_by_field_name("arguments")
        for a in (args.named_children if args is not None else ()):
            inner = a
            if a.type == "call_expression":      # router.get('/', asyncHandler(async (req, res) => ...))
                wargs = a.child_by_field_name("arguments")
                inner = wargs.named_children[-1] if wargs is not None and wargs.named_children else a
            if inner.type in FN_TYPES:
                get_fn(f, inner)                 # every handler is a fact, even one that does nothing of note
        return
    if info.chain.root == "setInterval" and not info.chain.members:
        args = node.child_by_field_name("arguments")
        for a in (args.named_children if args is not None else ()):
            if a.type in FN_TYPES:
                get_fn(f, a).facts.append("interval-callback")


def _callbacks(f: _File) -> None:
    """`rows.forEach(async r => { await db.query(...) })`: the callback's calls are its own, but the function
    that passes it reaches them. Add that edge for every inline callback that does something of interest."""
    queue = [fn for fn in f.fns.values() if fn.calls]
    done: set[str] = set()
    while queue:
        cb = queue.pop()
        if cb.id in done or cb.handler:
            continue
        done.add(cb.id)
        parent = cb.node.parent
        while parent is not None and parent.type in _WRAP:
            parent = parent.parent
        if parent is None or parent.type != "arguments" or parent.parent is None:
            continue
        call = parent.parent
        if call.type not in ("call_expression", "new_expression"):
            continue
        callee = call.child_by_field_name("function") or call.child_by_field_name("constructor")
        ctext = f.text_of(callee) if callee is not None else ""
        method = ctext.rsplit(".", 1)[-1]
        outer = _enclosing_fn(f, call)
        owner = outer if outer is not None else _module_fn(f)
        loop = "items" if method in _LOOP_CALLBACKS else None
        if loop:
            cb.facts.append("loop-callback")
        ctxinfo = _context(f, call, outer)
        owner.calls.append(CallSite(
            callee=f"<callback:{method[:40]}>", location=f.ctx.loc(cb.node), kind=None, in_try=ctxinfo["in_try"],
            awaited=ctxinfo["awaited"], target=cb.id, catch=ctxinfo["catch"], catch_line=ctxinfo["catch_line"],
            loop=loop or ctxinfo["loop"], loop_line=f.line(call) if loop else ctxinfo["loop_line"],
            in_poll_loop=ctxinfo["poll"], returned=ctxinfo["returned"]))
        owner.interesting = True
        if owner is not f.module:
            queue.append(owner)


_PROMISE_COMBINATOR = re.compile(r"^Promise\.(all|allSettled|race|any)$")


def _context(f: _File, node: ts.Node, fn: Fn | None) -> dict:
    """Walk up from a call to its function: await/return/statement, try/catch, loops."""
    out = {"awaited": False, "returned": False, "statement": False, "in_try": False, "catch": None,
           "catch_line": None, "loop": None, "loop_line": None, "poll": False, "consumed": False}
    child = node
    p = node.parent
    direct = True          # still in the expression that holds the value
    tries: list[ts.Node] = []
    while p is not None:
        t = p.type
        if t in FN_TYPES:
            if direct and t == "arrow_function" and p.child_by_field_name("body") == child:
                out["returned"] = True
            break
        if direct:
            if t == "await_expression":
                out["awaited"] = True
            elif t == "return_statement":
                out["returned"] = True
                direct = False
            elif t == "expression_statement":
                if not out["awaited"]:
                    out["statement"] = True
                direct = False
            elif t == "unary_expression" and f.text_of(p).startswith("void"):
                pass
            elif t.endswith("statement") or t in ("variable_declarator", "lexical_declaration", "pair",
                                                   "assignment_expression", "arguments", "array",
                                                   "yield_expression"):
                if t == "arguments" and not out["awaited"]:
                    # Promise.all([a(), b()]) is judged by what happens to the combined promise; a promise
                    # handed to any other function (waitUntil(p), after(p), queue.add(p)) is that
                    # function's to settle, so it is not left floating here.
                    call = p.parent
                    fn_node = call.child_by_field_name("function") if call is not None else None
                    if fn_node is None or not _PROMISE_COMBINATOR.search(f.text_of(fn_node)):
                        out["consumed"] = True
                        direct = False
                elif t == "array" and not out["awaited"]:
                    pass
                elif t != "arguments":
                    direct = False
        if t == "statement_block" and p.parent is not None and p.parent.type == "try_statement" \
                and p.parent.child_by_field_name("body") == p:
            if p.parent.child_by_field_name("handler") is not None:
                tries.append(p.parent)
        elif t in LOOP_TYPES and out["loop"] is None:
            body = p.child_by_field_name("body")
            if body is not None and body.start_byte <= child.start_byte and child.end_byte <= body.end_byte:
                out["loop"], out["loop_line"] = _loop_kind(f, p), f.line(p)
                if out["loop"] == "poll":
                    out["poll"] = True
        elif t in ("while_statement", "do_statement", "for_statement") and _loop_kind(f, p) == "poll":
            out["poll"] = True
        child = p
        p = p.parent
    if tries:
        out["in_try"] = True
        owner = fn if fn is not None else _module_fn(f)
        chosen = None
        for tr in tries:
            action, line = _try_action(f, tr, owner)
            if chosen is None:
                chosen = (action, line)
            if action not in ("rethrow",):
                chosen = (action, line)
                break
        out["catch"], out["catch_line"] = chosen
    return out


def _loop_kind(f: _File, loop: ts.Node) -> str:
    t = loop.type
    if t == "for_in_statement":
        right = f.text_of(loop.child_by_field_name("right"))
        if re.match(r"^(Object\.(keys|entries|values)\(\s*(options|opts|config|headers)|\[)", right):
            return "other"
        return "items"
    if t in ("while_statement", "do_statement"):
        cond = f.text_of(loop.child_by_field_name("condition")).strip("() \n")
        if cond in ("true", "1", "!0") or re.match(r"^!?\s*(this\.)?(running|isRunning|keepRunning|shouldRun|"
                                                   r"stop|stopped|shuttingDown|shutdown|alive)$", cond):
            return "poll"
        return "other"
    if t == "for_statement":
        head = f.text_of(loop)[:80]
        if re.match(r"^for\s*\(\s*;\s*;\s*\)", head):
            return "poll"
        if re.search(r"(attempt|retry|retries|tries|try)\w*\s*[<+]", head, re.I):
            return "range"
        return "other"
    return "other"


def _try_action(f: _File, try_node: ts.Node, owner: Fn) -> tuple[str, int]:
    key = try_node.start_byte
    if key in f.try_actions:
        action, line, _ = f.try_actions[key]
        return action, line
    handler = try_node.child_by_field_name("handler")
    body = handler.child_by_field_name("body") if handler is not None else None
    action = _catch_body_action(f, body)
    line = f.line(handler) if handler is not None else f.line(try_node)
    f.try_actions[key] = (action, line, try_node)
    if line not in owner.catches:
        owner.catches[line] = CatchClause(f.ctx.loc(handler), action, try_line=f.line(try_node),
                                          logs=_logs(f, body))
    return action, line


_LOGS = re.compile(r"\b(console\.(error|warn|log|info)|logger\.\w+|log\.(error|warn|warning|info|exception)|"
                   r"captureException|Sentry\.|reportError|logError|\.log\.(error|warn))\s*\(")


def _logs(f: _File, node: ts.Node | None) -> bool:
    return node is not None and bool(_LOGS.search(_strip_comments(f.text_of(node))))


def _strip_comments(text: str) -> str:
    return _COMMENTS.sub("", text)


def _catch_body_action(f: _File, body: ts.Node | None) -> str:
    if body is None:
        return "other"
    stmts = [c for c in body.named_children if c.type != "comment"]
    if body.type != "statement_block":
        # expression-bodied arrow in .catch(e => console.log(e))
        text = _strip_comments(f.text_of(body)).strip()
        if not text or text in ("null", "undefined", "{}", "void 0"):
            return "empty"
        stmts = [body]
    if not stmts:
        return "empty"
    text = _strip_comments("\n".join(f.text_of(s) for s in stmts))
    if re.search(r"\bthrow\b|\breject\s*\(|Promise\.reject\(", text):
        return "rethrow"
    if re.search(r"\bnext\s*\(\s*\w+", text):
        return "next"
    if re.search(r"process\.exit\s*\(|process\.exitCode\s*=", text):
        return "exit"
    if _RESP_ERR.search(text):
        return "respond-error"
    if _RESP_OK.search(text):
        return "respond-success"
    if re.search(r"\breturn\b", text):
        return "return"
    if all(s.type == "expression_statement" and _LOG_STMT.match(f.text_of(s)) for s in stmts) or (
            body.type != "statement_block" and _LOG_STMT.match(text)):
        return "log-only"
    if all(s.type in ("empty_statement",) for s in stmts):
        return "empty"
    return "other"


def _suffix_catch(f: _File, info: _ChainInfo) -> tuple[bool, ts.Node | None]:
    for name, call in info.suffix:
        if name == "catch":
            return True, call
        if name == "then":
            args = call.child_by_field_name("arguments")
            if args is not None and len(args.named_children) >= 2:
                return True, call
    return False, None


def _chained_catch(f: _File, call: ts.Node, owner: Fn, cls: Classified | None) -> tuple[str, int]:
    args = call.child_by_field_name("arguments")
    cb = args.named_children[-1] if args is not None and args.named_children else None
    action = "other"
    if cb is not None and cb.type in FN_TYPES:
        action = _catch_body_action(f, cb.child_by_field_name("body"))
    elif cb is not None:
        text = f.text_of(cb)
        if re.match(r"^(console\.\w+|logger\.\w+|log\.\w+)$", text):
            action = "log-only"
        elif text in ("next",):
            action = "next"
        elif re.match(r"^(\(\)\s*=>\s*(\{\s*\}|null|undefined)|noop|_\.noop)$", text):
            action = "empty"
    callee = call.child_by_field_name("function")
    anchor = callee.child_by_field_name("property") if callee is not None and callee.type == "member_expression" \
        else call
    line = f.line(anchor)
    if line not in owner.catches:
        owner.catches[line] = CatchClause(f.ctx.loc(anchor), action, try_line=None, chained=True,
                                          kinds=(cls.kind,) if cls else (),
                                          logs=action == "log-only" or _logs(f, cb))
    return action, line


def _result_name(f: _File, outer: ts.Node) -> str | None:
    p = outer.parent
    while p is not None and p.type in _WRAP | {"await_expression"}:
        p = p.parent
    if p is None:
        return None
    if p.type == "variable_declarator":
        nm = p.child_by_field_name("name")
        return f.text_of(nm) if nm is not None and nm.type == "identifier" else None
    if p.type == "assignment_expression":
        left = p.child_by_field_name("left")
        return f.text_of(left) if left is not None and left.type == "identifier" else None
    return None


_STATUS_USE = r"\s*\.\s*(ok|status|statusCode|statusText)\b"


def _status_checked(f: _File, info: _ChainInfo, result: str | None, fn: Fn | None) -> bool:
    for name, call in info.suffix:
        if name == "then" and re.search(r"\.\s*(ok|status|statusCode)\b|raiseForStatus|checkStatus|throwIfNot",
                                        f.text_of(call.child_by_field_name("arguments"))):
            return True
    if result is None:
        return False
    scope = fn.node if fn is not None else f.ctx.js_root
    after = f.ctx.data[info.outer.end_byte:scope.end_byte].decode("utf-8", "replace")
    r = re.escape(result)
    if re.search(r"\b" + r + _STATUS_USE, after):
        return True
    if re.search(r"\breturn\s+" + r + r"\s*[;}\n]", after):
        return True
    # handed to a helper that checks it: handleResponse(res), checkStatus(res)
    if re.search(r"\b(?!console\b)[\w.]+\(\s*(await\s+)?" + r + r"\s*[,)]", after) and not re.search(
            r"\b" + r + r"\s*\.\s*(json|text|blob|arrayBuffer)\s*\(", after):
        return True
    return False


# ---------------------------------------------------------------------------------- database clients


_BOUND_KEYS = re.compile(r"\b(max|connectionLimit|maxPoolSize|poolSize|max_connections|maxConnections|"
                         r"connection_limit|pool_size)\s*:")


def _bounded(f: _File, call: ts.Node, library: str, what: str) -> bool | None:
    if library in ("prisma", "@prisma/client"):
        return None
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return None
    objs = [a for a in args.named_children if a.type == "object"]
    text = " ".join(f.text_of(o) for o in objs)
    if _BOUND_KEYS.search(text) or re.search(r"connection_limit=|max=\d", f.text_of(args)):
        return True
    if what in ("pool",) and not objs and args.named_children:
        return None
    if library in ("mongoose", "mongodb") and what in ("connect", "client"):
        return False if args.named_children else None
    if what == "pool":
        return False if (objs or not args.named_children) else None
    return None


def _db_client(f: _File, info: _ChainInfo, owner: Fn, fn: Fn | None, connector: tuple[str, str],
               ctxinfo: dict | None = None, call_node: ts.Node | None = None) -> None:
    what, library = connector
    node = call_node or info.core_call
    ctxinfo = ctxinfo or _context(f, node, fn)
    variable = _result_name(f, info.outer) if info is not None else _result_name(f, node)
    stmt = _statement_text(f, node)
    cache = None
    if re.search(r"\bglobal(This)?\b|\bglobal\.|\bwindow\.", stmt):
        cache = "global"
    elif fn is not None:
        cache = _module_var_cache(f, node, fn)
    returned = ctxinfo["returned"] or bool(variable and fn is not None and re.search(
        r"\breturn\s+" + re.escape(variable) + r"\b(?!\s*[.(\[])", f.text_of(fn.node)))
    f.facts.db_clients.append(DbClient(
        library=library, location=f.ctx.loc(node), what=what, scope="module" if fn is None else "function",
        function=owner.id if fn is not None else None, bounded=_bounded(f, node, library, what),
        singleton=cache is not None, variable=variable, in_loop=ctxinfo["loop"] == "items", cache=cache,
        returned=returned))
    owner.interesting = True


def _statement_text(f: _File, node: ts.Node) -> str:
    p = node
    while p.parent is not None and not p.type.endswith(("statement", "declaration")) and p.type not in FN_TYPES:
        p = p.parent
    return f.text_of(p)[:400]


def _module_var_cache(f: _File, node: ts.Node, fn: Fn) -> str | None:
    """`client = new MongoClient()` where `client` is declared outside the function, or
    `cached.promise = mongoose.connect()`: the connection is made once and reused."""
    p = node.parent
    while p is not None and p.type in _WRAP | {"await_expression", "call_expression", "member_expression",
                                                 "binary_expression", "parenthesized_expression"}:
        p = p.parent
    if p is None:
        return None
    if p.type == "assignment_expression" or p.type == "augmented_assignment_expression":
        left = p.child_by_field_name("left")
        lt = f.text_of(left)
        if left is not None and left.type == "member_expression" and not lt.startswith("this."):
            return "module-var"
        if left is not None and left.type == "identifier":
            body = f.text_of(fn.node)
            if not re.search(r"\b(let|const|var)\s+" + re.escape(lt) + r"\b", body):
                return "module-var"
    if p.type == "variable_declarator":
        name = f.text_of(p.child_by_field_name("name"))
        # `if (cached) return cached` / `if (!client) ...` guard around a module-level cache
        if re.search(r"\bif\s*\(\s*!?\s*(cached|global|globalThis)\b", f.text_of(fn.node)):
            return "module-var"
        del name
    if re.search(r"readyState|isConnected|\bcached\.(conn|promise|client)\b", f.text_of(fn.node)):
        return "module-var"
    return None


def _new(f: _File, node: ts.Node) -> None:
    ctor = node.child_by_field_name("constructor")
    if ctor is None:
        return
    text = f.text_of(ctor)
    root = text.split(".")[0]
    last = text.split(".")[-1]
    origin = f.origins.get(root)
    if origin is None and last == "PrismaClient":
        origin = "@prisma/client"
    if origin is None or is_local_module(origin):
        return
    connector = js_connector(last, origin, True, text.split(".")[1:] or [last], root)
    if connector is None:
        return
    fn = _enclosing_fn(f, node)
    owner = fn if fn is not None else _module_fn(f)
    ctxinfo = _context(f, node, fn)
    _db_client(f, None, owner, fn, connector, ctxinfo, call_node=node)   # type: ignore[arg-type]
    if ctxinfo["catch_line"] is not None and ctxinfo["catch_line"] in owner.catches:
        owner.catches[ctxinfo["catch_line"]] = _replace_catch(owner.catches[ctxinfo["catch_line"]], connects=True)


def _is_checkout(f: _File, info: _ChainInfo) -> bool:
    ch = info.chain
    if len(ch.members) != 1 or ch.members[0] not in ("connect", "getConnection", "acquire"):
        return False
    what = f.var_what.get(ch.root)
    if what is not None:
        return what == "pool"
    return "pool" in ch.root.lower()


def _checkout_or_connector(f: _File, info: _ChainInfo, owner: Fn, fn: Fn | None) -> None:
    """`const client = await pool.connect()` (pg) / `pool.getConnection()` (mysql2): a client borrowed from
    a pool, which must be released on every path."""
    ch = info.chain
    if not _is_checkout(f, info):
        return
    args = info.core_call.child_by_field_name("arguments")
    if args is not None and any(a.type in FN_TYPES for a in args.named_children):
        return   # callback style: pool.connect((err, client, done) => ...)
    variable = _result_name(f, info.outer)
    ctxinfo = _context(f, info.outer, fn)
    released = _released(f, variable, fn, info.outer) if variable else ("escapes" if ctxinfo["returned"] else "never")
    f.facts.db_clients.append(DbClient(
        library=ch.origin or "pg", location=f.ctx.loc(info.core_call), what="checkout",
        scope="function" if fn is not None else "module", function=owner.id if fn else None, bounded=None,
        variable=variable, released=released, in_loop=ctxinfo["loop"] == "items"))
    owner.interesting = True
    # the checkout itself is a database call that can fail
    owner.calls.append(CallSite(
        callee=ch.text, location=f.ctx.loc(info.core_call), kind="db", in_try=ctxinfo["in_try"],
        awaited=ctxinfo["awaited"], catch=ctxinfo["catch"], catch_line=ctxinfo["catch_line"],
        returned=ctxinfo["returned"], loop=ctxinfo["loop"], loop_line=ctxinfo["loop_line"],
        in_poll_loop=ctxinfo["poll"], result=variable))


def _released(f: _File, var: str, fn: Fn | None, after: ts.Node) -> str:
    scope = fn.node if fn is not None else f.ctx.js_root
    body_text = f.ctx.data[after.end_byte:scope.end_byte].decode("utf-8", "replace")
    v = re.escape(var)
    rel = list(re.finditer(r"\b" + v + r"\s*\.\s*(release|end|close|destroy)\s*\(|\brelease\s*\(\s*" + v + r"\b|"
                           r"\b\w+\.releaseConnection\s*\(\s*" + v, body_text))
    if not rel:
        if re.search(r"\breturn\s+" + v + r"\b(?!\s*[.(\[])", body_text) or re.search(
                r"\b(resolve|callback|cb|done)\s*\(\s*(null\s*,\s*)?" + v + r"\b", body_text):
            return "escapes"
        return "never"
    base = after.end_byte
    in_finally = in_catch = in_body = False
    for m in rel:
        off = base + len(body_text[:m.start()].encode("utf-8"))
        node = scope.descendant_for_byte_range(off, off + 1)
        where = _block_kind(node, scope)
        if where == "finally":
            in_finally = True
        elif where == "catch":
            in_catch = True
        else:
            in_body = True
    if in_finally:
        return "finally"
    if in_catch and in_body:
        return "all-paths"
    return "success-path"


def _block_kind(node: ts.Node | None, scope: ts.Node) -> str:
    p = node
    while p is not None and p != scope:
        if p.type == "finally_clause":
            return "finally"
        if p.type == "catch_clause":
            return "catch"
        if p.type == "call_expression":
            callee = p.child_by_field_name("function")
            if callee is not None and callee.type == "member_expression" and \
                    callee.child_by_field_name("property") is not None and \
                    callee.child_by_field_name("property").text == b"finally":
                return "finally"
        p = p.parent
    return "body"


# ---------------------------------------------------------------------------------- error handlers


def _error_handlers(f: _File, calls: list[ts.Node]) -> None:
    handlers = f.facts.extra.setdefault("error_handlers", [])
    for m in _ERR_MIDDLEWARE.finditer(f.text):
        handlers.append(ErrorHandler("express", Location(f.path, f.ctx.offset_to_line(m.start())), "all"))
    if not any(t in f.text for t in ("setErrorHandler", "onError", "useGlobalFilters")):
        calls = []
    for node in calls:
        callee = node.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            continue
        prop = callee.child_by_field_name("property")
        if prop is None:
            continue
        name = prop.text.decode()
        if name == "setErrorHandler":
            handlers.append(ErrorHandler("fastify", f.ctx.loc(node)))
        elif name == "onError" and ("hono" in f.frameworks or f.origins.get("Hono") == "hono"):
            handlers.append(ErrorHandler("hono", f.ctx.loc(node)))
        elif name == "useGlobalFilters":
            handlers.append(ErrorHandler("nestjs", f.ctx.loc(node)))
    for imp in f.imports:
        if imp.source in ("express-async-errors", "@awaitjs/express", "express-promise-router"):
            handlers.append(ErrorHandler("express-async-errors", imp.location))
    if "@Catch(" in f.text:
        m = re.search(r"@Catch\(", f.text)
        if m:
            handlers.append(ErrorHandler("nestjs", Location(f.path, f.ctx.offset_to_line(m.start()))))
    if not handlers:
        f.facts.extra.pop("error_handlers", None)


# ---------------------------------------------------------------------------------- emit


_BROWSER = prefiltered(r"\b(window|document|navigator|localStorage|sessionStorage)\s*\.\s*[a-zA-Z]", split=True)


def _emit(f: _File) -> None:
    refs = f.ext.get("wrapped_names") or {}
    fns = sorted(f.fns.values(), key=lambda x: x.node.start_byte)
    if f.module is not None:
        fns.insert(0, f.module)
    # code that runs in the browser (a tracker script, a React helper): its fetch() failures are not the
    # server's, and fire-and-forget beacons are deliberate
    browser = not any(fn.handler for fn in fns) and _BROWSER.test(f.text)
    for fn in fns:
        if browser:
            fn.facts.append("browser")
        keep = fn.interesting or fn.handler or fn.calls or fn.catches or "export-default" in fn.facts or (
            fn.name != "<anonymous>" and (
            fn.node.parent is not None and fn.node.parent.type in ("program", "export_statement", "class_body",
                                                                    "variable_declarator", "pair",
                                                                    "assignment_expression")))
        if not keep:
            continue
        wrapped = fn.wrapped or (refs.get(fn.name) if isinstance(refs, dict) else None)
        f.facts.functions.append(Function(
            id=fn.id, name=fn.name, location=Location(f.path, fn.line, fn.node.start_point[1] + 1)
            if fn.name != "<module>" else Location(f.path, 1), end_line=fn.end_line, is_async=fn.is_async,
            params=fn.params, calls=tuple(fn.calls), facts=tuple(dict.fromkeys(fn.facts)), exported=fn.exported,
            handler=fn.handler, wrapped=wrapped, catches=tuple(fn.catches[k] for k in sorted(fn.catches))))
    if f.imports:
        f.facts.extra.setdefault("call_imports", []).extend(f.imports)
    refs_out = _handler_refs(f)
    if refs_out:
        f.facts.extra.setdefault("handler_refs", []).extend(refs_out)


def _handler_ref(f: _File, call: ts.Node, framework: str) -> None:
    """`router.get('/', auth, ctrl.list)` / `router.post('/', asyncHandler(create))`: the handler is named, not
    inline; the linker finds the function (in this file or an imported module) and marks it."""
    args = call.child_by_field_name("arguments")
    if args is None or not args.named_children:
        return
    last = args.named_children[-1]
    wrapper = ""
    if last.type == "call_expression":
        inner = last.child_by_field_name("arguments")
        if inner is None or len(inner.named_children) != 1:
            return
        wrapper = f.text_of(last.child_by_field_name("function"))
        last = inner.named_children[0]
    if last.type not in ("identifier", "member_expression"):
        return
    name = f.text_of(last)
    if name in ("req", "res", "next", "router", "app") or len(name) > 80 or name.count(".") > 1:
        return
    f.refs.append((f.path, name, framework, f.line(call), wrapper))


def _handler_refs(f: _File) -> list[tuple[str, str, str, int, str]]:
    return list(f.refs)
