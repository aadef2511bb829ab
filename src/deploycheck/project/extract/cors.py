"""CORS facts: which origins may call the app from a browser, and whether with the user's cookies.

One `CorsSetting` per place that decides it:

- JS/TS (tree-sitter queries): the `cors` package (Express; NestJS uses it too), `@fastify/cors`,
  `hono/cors`, `@koa/cors`, NestJS `app.enableCors()` and `NestFactory.create(M, {cors})`, the
  `cors` option of a Socket.IO server, and `Access-Control-Allow-Origin` set by hand:
  `res.setHeader/header/set(...)`, `headers.set(...)`,
  header objects given to `new Response`/`NextResponse`/`res.writeHead`/a Lambda result, and the
  `{key, value}` entries of `next.config.js` `headers()`.
- Python (`ast`): Flask-CORS `CORS(...)`/`@cross_origin`, Starlette/FastAPI `CORSMiddleware`,
  django-cors-headers settings, `cors_allowed_origins` of Flask-SocketIO/python-socketio, headers
  set by hand (`response["…"] = …`, `headers={…}`).
- Config files: JSON (`vercel.json`, `firebase.json` …), `netlify.toml` `[[headers]]`, `_headers`.

The extractor records what is written (the origin as a kind, the credentials flag, whether the
code sits in an explicit development-only branch); `checks/cors.py` decides what is wrong.

Origin kinds: "default" (no origin given: the library allows any origin), "wildcard" (`*`),
"reflect" (echoes the request's Origin: `origin: true`, a callback that accepts everything,
`req.headers.origin`), "list" (literal origins or a specific regex), "env" (read from the
environment or a config object), "function" (a callback or code that checks the origin),
"disabled" (`origin: false`), "unknown" (something we cannot evaluate, e.g. an imported value).
"""
from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import replace
from typing import Any, Iterator

import tree_sitter as ts

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.model import CorsSetting, FileFacts, Language, Project, Role
from deploycheck.project.parse import FileContext

# Cheap prefilters, per language: a file with none of these is never parsed for CORS. They are
# case-sensitive on purpose ("Cors" would match every "Corsica" in a data module).
_HEADER_TRIGGERS = ("ccess-Control-Allow-Origin", "ccess-control-allow-origin")
JS_TRIGGERS = ("cors", "enableCors") + _HEADER_TRIGGERS
PY_TRIGGERS = ("flask_cors", "CORSMiddleware", "CORS_", "cors_allowed_origins") + _HEADER_TRIGGERS
ROLES = frozenset({Role.APP, Role.BUILD_CONFIG, Role.DEPLOY_CONFIG, Role.OTHER})
_CONFIG_LANGUAGES = frozenset({Language.JSON, Language.TOML, Language.OTHER})

# Raw facts for the linker (FileFacts.extra): cors(options) where the options come from a local module.
IMPORTED_OPTIONS = "cors.imported-options"   # (path, module specifier, imported name, library, dev_only)
EXPORTED_OPTIONS = "cors.exported-options"   # (path, export name, CorsSetting built with library "cors")

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
_HEADER_NAME = re.compile(r"(?i)^access-control-allow-(origin|credentials)$")

# The request's own Origin header (or an `origin` query parameter): echoing it back is reflection.
_REQ_ORIGIN = re.compile(
    r"""(?ix)
      \bheaders?\s*(?:\?\.|\.)\s*origin\b                       # req.headers.origin, ctx.request.header.origin
    | \bheaders?\s*\[\s*['"`]origin['"`]\s*\]                   # req.headers['origin'], request.headers["Origin"]
    | \.\s*(?:get|header|getheader|get_header|get_all)\s*\(\s*['"`](?:http_)?origin['"`]   # req.get('origin'), headers.get("Origin")
    | \bHTTP_ORIGIN\b                                           # request.META["HTTP_ORIGIN"], environ
    """)
_JS_ENV = re.compile(r"\b(process\s*\.\s*env|import\s*\.\s*meta\s*\.\s*env|Deno\s*\.\s*env|Bun\s*\.\s*env)\b")
_PY_ENV = re.compile(r"\b(os\.environ|os\.getenv|getenv|environ|env|config|settings|secrets|decouple)\b", re.I)
_MATCH_ALL_REGEX = {".*", ".+", "(.*)", "(.+)", "[\\s\\S]*", "[\\s\\S]+", "https?://.*", "https?://.+",
                    "https://.*", "https://.+", "http://.*", "(https?://)?.*", "https?:\\/\\/.*", "https:\\/\\/.*",
                    "\\S+", "\\S*", "[^/]+", "https?://[^/]+", "https://[^/]+"}
_STAR_TEST = re.compile(r"""(===?|!==?)\s*(['"`])\*\2|(['"`])\*\3\s*(===?|!==?)""")
_ALLOW_CALL = re.compile(r"(?i)(allow|valid|check|permit|trust|whitelist|allowlist|verify|isorigin|is_origin|accept)")

# Calls whose header objects are request headers (sent *to* another server): a frontend doing
# fetch(url, {headers: {'Access-Control-Allow-Origin': '*'}}) configures nothing.
_JS_REQUEST_CALL = re.compile(
    r"(?i)(^|[.\s])(fetch|axios|ky|got|request|superagent|ajax|\$http|\$fetch|ofetch|usefetch|useswr|xhr|"
    r"needle|undici|wretch)\b|^axios|^(http|https)\.(get|request)$|\.(get|post|put|patch|delete|head)$|^new\s+Request\b")
_JS_RESPONSE_OBJ = re.compile(r"(?i)^(res|response|reply|resp|ctx|c|context|event|h)$")
_PY_REQUEST_CALL = re.compile(
    r"(^|\.)(requests|httpx|aiohttp|urllib3?|session|client|http|urlopen|Request)\b|\.(get|post|put|patch|delete|head|request|options|fetch)$")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _regex_matches_all(pattern: str) -> bool:
    p = pattern.strip()
    if p.startswith("^"):
        p = p[1:]
    if p.endswith("$") and not p.endswith("\\$"):
        p = p[:-1]
    return p in _MATCH_ALL_REGEX


# ------------------------------------------------------------------------- dev-branch polarity


_PROD_VALUES = {"production", "prod"}
_DEV_VALUES = {"development", "dev", "local", "test", "testing", "debug"}
_PROD_NAME = re.compile(r"(?i)(^|[._$\['\"])(is_?)?(prod|production|in_?production)['\"]?\]?(\(\))?$|\.PROD$")
_DEV_NAME = re.compile(
    r"(?i)(^|[._$\['\"])(is_?)?(dev|development|local|in_?development)['\"]?\]?(\(\))?$|__DEV__$|\.DEV$"
    r"|^((current_)?app|settings|config|conf|django_settings)\.debug$|(?-i:(^|[.\['\"])DEBUG['\"]?\]?$)"
    r"|^(app|current_app)\.config(\.get\(|\[)['\"]DEBUG['\"]\)?\]?$")
_CMP = re.compile(r"^(?P<left>.+?)\s*(?P<op>===|!==|==|!=)\s*(?P<right>.+)$", re.S)
_STR = re.compile(r"""^\s*(['"`])(?P<s>[^'"`]*)\1\s*$""")


def _flip(p: str | None) -> str | None:
    return {"dev": "prod", "prod": "dev"}.get(p or "")


def _strip_parens(s: str) -> str:
    s = s.strip()
    while s.startswith("(") and s.endswith(")") and _balanced(s[1:-1]):
        s = s[1:-1].strip()
    return s


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _split_top(s: str, op: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    quote = None
    while i < len(s):
        ch = s[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and s.startswith(op, i):
            parts.append(s[start:i])
            i += len(op)
            start = i
            continue
        i += 1
    parts.append(s[start:])
    return [p.strip() for p in parts]


def _atom_polarity(atom: str) -> str | None:
    a = _strip_parens(atom)
    neg = False
    while a.startswith("!") and not a.startswith("!="):
        neg = not neg
        a = _strip_parens(a[1:])
    m = _CMP.match(a)
    pol: str | None = None
    if m:
        left, op, right = m.group("left").strip(), m.group("op"), m.group("right").strip()
        for lit, other in ((right, left), (left, right)):
            s = _STR.match(lit)
            if s and re.search(r"(?i)env|mode|stage|environment|flavor|tier", other):
                value = s.group("s").lower()
                pol = "prod" if value in _PROD_VALUES else "dev" if value in _DEV_VALUES else None
                if pol and op in ("!==", "!="):
                    pol = _flip(pol)
                break
        else:
            if re.fullmatch(r"(?i)(true|True)", right) and not neg:
                pol = _atom_polarity(left)
    elif re.fullmatch(r"[\w.$\[\]'\"()]+", a):
        if _PROD_NAME.search(a):
            pol = "prod"
        elif _DEV_NAME.search(a):
            pol = "dev"
    return _flip(pol) if neg else pol


def polarity(cond: str) -> tuple[str | None, str | None]:
    """What a condition being true / false says about the environment: ("dev" | "prod" | None) each.
    Works on JS and Python condition text (`not`/`and`/`or` are normalised)."""
    c = _strip_parens(cond)
    c = re.sub(r"\bnot\s+", "!", c)
    c = re.sub(r"\s+and\s+", " && ", c)
    c = re.sub(r"\s+or\s+", " || ", c)
    if c.startswith("!") and not c.startswith("!=") and c[1:].lstrip().startswith("("):
        inner = c[1:].lstrip()
        if _strip_parens(inner) != inner:
            t, f = polarity(inner)
            return f, t
    ors = _split_top(c, "||")
    if len(ors) > 1:
        pols = [polarity(p) for p in ors]
        true = "dev" if all(p[0] == "dev" for p in pols) else "prod" if all(p[0] == "prod" for p in pols) else None
        false = "dev" if any(p[1] == "dev" for p in pols) else "prod" if any(p[1] == "prod" for p in pols) else None
        return true, false
    ands = _split_top(c, "&&")
    if len(ands) > 1:
        pols = [polarity(p) for p in ands]
        trues = {p[0] for p in pols} - {None}
        true = trues.pop() if len(trues) == 1 else None
        false = "dev" if all(p[1] == "dev" for p in pols) else "prod" if all(p[1] == "prod" for p in pols) else None
        return true, false
    pol = _atom_polarity(c)
    return pol, _flip(pol)


# ------------------------------------------------------------------------- JavaScript / TypeScript


_JS_LIBS = {"cors": "cors", "@fastify/cors": "@fastify/cors", "fastify-cors": "@fastify/cors",
            "hono/cors": "hono/cors", "@koa/cors": "@koa/cors", "kcors": "@koa/cors", "koa2-cors": "koa2-cors",
            "socket.io": "socket.io"}
_EXPORTS = {"hono/cors": ("cors",), "socket.io": ("Server", "default")}
_NAMED_ONLY = {"hono/cors"}   # the middleware is a named export, not the module

_FUNCS = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                    "generator_function_declaration", "generator_function", "function"})
_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression",
                       "non_null_expression", "await_expression", "type_assertion"})

_Q_IMPORTS = """
(import_statement (import_clause) @clause source: (string (string_fragment) @src))
(variable_declarator name: (identifier) @name
  value: (call_expression function: (identifier) @fn arguments: (arguments . (string (string_fragment) @src)))
  (#eq? @fn "require"))
(variable_declarator name: (identifier) @name
  value: (member_expression object: (call_expression function: (identifier) @fn
           arguments: (arguments . (string (string_fragment) @src))) property: (property_identifier) @prop)
  (#eq? @fn "require"))
(variable_declarator name: (object_pattern) @pattern
  value: (call_expression function: (identifier) @fn arguments: (arguments . (string (string_fragment) @src)))
  (#eq? @fn "require"))
"""
_Q_MEMBER_CALLS = """
(call_expression function: (member_expression object: (_) @obj property: (property_identifier) @m)
  arguments: (arguments) @args (#match? @m "^(register|enableCors|create)$")) @call
"""
_Q_REQUIRE_CALLS = """
(call_expression function: (call_expression function: (identifier) @fn arguments: (arguments . (string (string_fragment) @src)))
  arguments: (arguments) @args (#eq? @fn "require")) @call
"""
_Q_HEADER_CALLS = """
(call_expression function: (member_expression property: (property_identifier) @m)
  arguments: (arguments . [(string) (template_string)] @name . (_) @value)
  (#match? @m "^(setHeader|header|set|append|add|setHeaders|writeHeader)$")
  (#match? @name "(?i)^.access-control-allow-(origin|credentials).$")) @call
"""
_Q_HEADER_PAIRS = """
(pair key: (string) @name value: (_) @value (#match? @name "(?i)^.access-control-allow-(origin|credentials).$")) @pair
"""
_Q_KEY_VALUE = """
(pair key: [(property_identifier) (string)] @k value: [(string) (template_string)] @name
  (#match? @k "^.?key.?$") (#match? @name "(?i)^.access-control-allow-(origin|credentials).$")) @pair
"""
_Q_LOCAL_IMPORTS = """
(import_statement (import_clause) @clause source: (string (string_fragment) @src))
(variable_declarator name: (identifier) @local
  value: (call_expression function: (identifier) @fn arguments: (arguments . (string (string_fragment) @src)))
  (#eq? @fn "require"))
(variable_declarator name: (identifier) @local
  value: (member_expression object: (call_expression function: (identifier) @fn
           arguments: (arguments . (string (string_fragment) @src))) property: (property_identifier) @prop)
  (#eq? @fn "require"))
"""
_Q_EXPORTS = """
(export_statement value: (_) @value)
(export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name value: (_) @value)))
(assignment_expression
  left: (member_expression object: (identifier) @module property: (property_identifier) @exports)
  right: (_) @value (#eq? @module "module") (#eq? @exports "exports"))
(assignment_expression
  left: (member_expression object: (member_expression object: (identifier) @module property: (property_identifier) @exports)
                           property: (property_identifier) @name)
  right: (_) @value (#eq? @module "module") (#eq? @exports "exports"))
(assignment_expression
  left: (member_expression object: (identifier) @exports property: (property_identifier) @name)
  right: (_) @value (#eq? @exports "exports"))
"""
_Q_DECLS = """
(variable_declarator name: (identifier) @name value: (_) @value)
(function_declaration name: (identifier) @name) @fn
"""
_Q_ORIGIN_CHECKS = """
(binary_expression operator: ["===" "!==" "==" "!=" "in" "instanceof"]) @check
(call_expression function: (member_expression property: (property_identifier) @m)
  (#match? @m "^(includes|indexOf|lastIndexOf|has|test|match|matchAll|exec|startsWith|endsWith|some|find|findIndex|every|filter|isMatch)$")) @check
(call_expression function: [(identifier) (member_expression)] @fn) @callcheck
(subscript_expression index: (identifier) @index) @subscript
(switch_statement value: (_) @check)
"""


class _JsFile:
    def __init__(self, ctx: FileContext, facts: FileFacts):
        self.ctx = ctx
        self.facts = facts
        self.root = ctx.js_root
        self._decls: dict[str, list[tuple[ts.Node, ts.Node]]] | None = None
        base = ctx.path.rsplit("/", 1)[-1]
        self.header_library = "next-headers" if base.startswith("next.config") else "header"

    # -- small helpers
    def text(self, node: ts.Node) -> str:
        return self.ctx.node_text(node)

    def unquote(self, node: ts.Node) -> str:
        t = self.text(node)
        return t[1:-1] if len(t) >= 2 and t[0] in "'\"`" and t[-1] == t[0] else t

    @staticmethod
    def unwrap(node: ts.Node) -> ts.Node:
        while node.type in _WRAPPERS and node.named_child_count:
            inner = [c for c in node.named_children if c.type != "comment"]
            if not inner:
                break
            # as_expression: (expr) as Type -> first child is the expression
            node = inner[0]
        return node

    @staticmethod
    def args(args: ts.Node | None) -> list[ts.Node]:
        if args is None:
            return []
        return [c for c in args.named_children if c.type != "comment"]

    @staticmethod
    def scope_of(node: ts.Node) -> ts.Node:
        p = node.parent
        while p is not None:
            if p.type in _FUNCS:
                return p
            if p.parent is None:
                return p
            p = p.parent
        return node

    @staticmethod
    def inside(node: ts.Node, scope: ts.Node) -> bool:
        return scope.start_byte <= node.start_byte and node.end_byte <= scope.end_byte

    def loc(self, node: ts.Node) -> Location:
        return self.ctx.loc(node)

    # -- declarations in this file
    def decls(self) -> dict[str, list[tuple[ts.Node, ts.Node]]]:
        if self._decls is None:
            found: dict[str, list[tuple[ts.Node, ts.Node]]] = {}
            for _, m in self.ctx.matches(_Q_DECLS):
                name = m.get("name")
                target = (m.get("value") or m.get("fn") or [None])[0]
                if name and target is not None:
                    found.setdefault(self.text(name[0]), []).append((name[0], target))
            self._decls = found
        return self._decls

    def lookup(self, name: str, use: ts.Node) -> ts.Node | None:
        """The value a name is bound to where it is used: the closest preceding declaration whose scope
        contains the use (a function declaration counts too)."""
        cands = self.decls().get(name)
        if not cands:
            return None
        best = None
        for decl, value in cands:
            if decl.start_byte <= use.start_byte <= decl.end_byte:
                continue   # the declaration itself
            scope = self.scope_of(decl)
            if self.inside(use, scope) and decl.start_byte < use.start_byte:
                best = value
        if best is None:
            visible = [v for d, v in cands if self.scope_of(d).parent is None]   # module level
            best = visible[0] if visible else None
        return best

    def resolve(self, node: ts.Node, depth: int = 0) -> ts.Node:
        node = self.unwrap(node)
        if node.type == "identifier" and depth < 4:
            target = self.lookup(self.text(node), node)
            if target is not None:
                return self.resolve(target, depth + 1)
        return node

    # -- development-only branches
    def dev_only(self, node: ts.Node) -> bool:
        child, p = node, node.parent
        while p is not None:
            t = p.type
            if t == "if_statement" or t == "ternary_expression":
                cond = p.child_by_field_name("condition")
                if cond is not None and child != cond:
                    when_true, when_false = polarity(self.text(cond))
                    if child == p.child_by_field_name("consequence") and when_true == "dev":
                        return True
                    if child == p.child_by_field_name("alternative") and when_false == "dev":
                        return True
            elif t == "binary_expression" and child == p.child_by_field_name("right"):
                op = p.child_by_field_name("operator")
                left = p.child_by_field_name("left")
                if op is not None and left is not None:
                    when_true, when_false = polarity(self.text(left))
                    if (op.type == "&&" and when_true == "dev") or (op.type == "||" and when_false == "dev"):
                        return True
            child, p = p, p.parent
        return False

    # -- is the origin compared against anything in this scope?
    def checks_origin(self, scope: ts.Node, names: set[str]) -> bool:
        words = {n for n in names if n}
        rx = re.compile(r"(?i)origin" + "".join(rf"|\b{re.escape(n)}\b" for n in words))
        for _, m in self.ctx.matches(_Q_ORIGIN_CHECKS, scope):
            if "subscript" in m:
                if self.text(m["index"][0]) in words:
                    return True
                continue
            if "callcheck" in m:
                if not _ALLOW_CALL.search(self.text(m["fn"][0]).rsplit(".", 1)[-1]):
                    continue
                node = m["callcheck"][0]
                args = node.child_by_field_name("arguments")
                if args is not None and rx.search(re.sub(r"(?i)access-control-allow-origin", "", self.text(args))):
                    return True
                continue
            node = m["check"][0]
            if rx.search(re.sub(r"(?i)access-control-allow-origin", "", self.text(node))):
                return True
        return False

    # -- values
    def classify(self, node: ts.Node, depth: int = 0) -> tuple[str, tuple[str, ...]]:
        node = self.unwrap(node)
        t = node.type
        if t == "string":
            s = self.unquote(node).strip()
            return ("wildcard", ()) if s == "*" else ("list", (s,)) if s else ("disabled", ())
        if t == "template_string":
            if not any(c.type == "template_substitution" for c in node.named_children):
                s = self.unquote(node).strip()
                return ("wildcard", ()) if s == "*" else ("list", (s,))
            txt = self.text(node)
            if _REQ_ORIGIN.search(txt):
                return "reflect", ()
            return ("env", ()) if _JS_ENV.search(txt) else ("unknown", ())
        if t == "true":
            return "reflect", ()
        if t in ("false", "null"):
            return "disabled", ()
        if t == "undefined":
            return "default", ()
        if t == "regex":
            pat = node.child_by_field_name("pattern")
            p = self.text(pat) if pat is not None else ""
            return ("reflect", ()) if _regex_matches_all(p) else ("list", (self.text(node),))
        if t == "array":
            return self.classify_many([e for e in node.named_children if e.type != "comment"], depth)
        if t in _FUNCS:
            return self.classify_function(node), ()
        txt = self.text(node)
        if t == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is not None and op.type in ("||", "??"):
                left = node.child_by_field_name("left")
                if left is not None:
                    return self.classify(left, depth)
            return ("env", ()) if _JS_ENV.search(txt) else ("unknown", ())
        if t == "ternary_expression":
            return self.classify_ternary(node, depth)
        if t in ("member_expression", "subscript_expression", "call_expression") and _REQ_ORIGIN.search(txt):
            return "reflect", ()
        if _JS_ENV.search(txt):
            return "env", ()
        if t in ("member_expression", "subscript_expression"):
            return "env", ()          # config.corsOrigins, settings.allowedOrigins: read from configuration
        if t == "identifier":
            if txt == "undefined":
                return "default", ()
            target = self.lookup(txt, node) if depth < 4 else None
            if target is not None:
                return self.classify(target, depth + 1)
            return "unknown", ()
        if t == "new_expression":
            ctor = node.child_by_field_name("constructor")
            args = self.args(node.child_by_field_name("arguments"))
            if ctor is not None and self.text(ctor) == "RegExp" and args and args[0].type == "string":
                p = self.unquote(args[0])
                return ("reflect", ()) if _regex_matches_all(p) else ("list", (p,))
        return "unknown", ()

    def classify_many(self, items: list[ts.Node], depth: int) -> tuple[str, tuple[str, ...]]:
        kinds, origins = set(), []
        for e in items:
            if e.type == "spread_element":
                inner = e.named_children[0] if e.named_children else e
                k, o = self.classify(inner, depth + 1)
            else:
                k, o = self.classify(e, depth + 1)
                if k == "wildcard":
                    # cors/@fastify/cors/hono compare array entries literally: ['*'] matches no origin
                    k, o = "list", ("*",)
            kinds.add(k)
            origins.extend(o)
        if "reflect" in kinds:
            return "reflect", ()
        if kinds <= {"list", "disabled"}:
            return "list", tuple(origins)
        if "env" in kinds and kinds <= {"list", "env", "disabled"}:
            return "env", tuple(origins)
        return "unknown", tuple(origins)

    def classify_ternary(self, node: ts.Node, depth: int) -> tuple[str, tuple[str, ...]]:
        cond = node.child_by_field_name("condition")
        cons = node.child_by_field_name("consequence")
        alt = node.child_by_field_name("alternative")
        if cond is None or cons is None or alt is None:
            return "unknown", ()
        when_true, when_false = polarity(self.text(cond))
        if when_true == "prod" or when_false == "dev":
            return self.classify(cons, depth)
        if when_true == "dev" or when_false == "prod":
            return self.classify(alt, depth)
        a, b = self.classify(cons, depth), self.classify(alt, depth)
        if a[0] == b[0]:
            return a[0], a[1] + b[1]
        if "reflect" in (a[0], b[0]) and not self.checks_origin(cond, set()):
            return "reflect", ()      # origin ? origin : '*'
        return "unknown", ()

    def params(self, fn: ts.Node) -> list[str]:
        ps = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
        if ps is None:
            return []
        if ps.type == "identifier":
            return [self.text(ps)]
        names = []
        for p in ps.named_children:
            if p.type in ("required_parameter", "optional_parameter"):
                p = p.child_by_field_name("pattern") or p
            if p.type == "assignment_pattern":
                p = p.child_by_field_name("left") or p
            names.append(self.text(p) if p.type == "identifier" else "")
        return names

    def classify_function(self, fn: ts.Node) -> str:
        """An origin callback: "reflect" when it accepts every origin without looking at it
        (`(origin, cb) => cb(null, true)`, `(origin) => origin`), else "function"."""
        if fn.type == "function_declaration" and fn.parent is None:
            return "function"
        names = self.params(fn)
        origin = names[0] if names else ""
        callback = names[1] if len(names) > 1 else ""
        body = fn.child_by_field_name("body")
        if body is None:
            return "function"
        if self.checks_origin(body, {origin} if origin else set()):
            return "function"

        def accepts(value: ts.Node | None) -> bool:
            if value is None:
                return False
            value = self.unwrap(value)
            txt = self.text(value)
            return value.type == "true" or (bool(origin) and txt == origin) or bool(_REQ_ORIGIN.search(txt))

        if body.type != "statement_block":
            if accepts(body):
                return "reflect"
            return "reflect" if self.calls_back_true(body, callback, accepts) else "function"
        if self.calls_back_true(body, callback, accepts):
            return "reflect"
        for n in self.ctx.captures("(return_statement) @r", body).get("r", []):
            vals = [c for c in n.named_children if c.type != "comment"]
            if vals and accepts(vals[0]) and self.scope_of(n) == fn:
                return "reflect"
        return "function"

    def calls_back_true(self, body: ts.Node, callback: str, accepts) -> bool:
        if not callback:
            return False
        if body.type == "call_expression":
            calls = [body]
        else:
            calls = self.ctx.captures("(call_expression function: (identifier) @f) @c", body).get("c", [])
        for c in calls:
            f = c.child_by_field_name("function")
            if f is None or self.text(f) != callback:
                continue
            args = self.args(c.child_by_field_name("arguments"))
            if len(args) >= 2 and self.text(args[0]) in ("null", "undefined") and accepts(args[1]):
                return True
        return False

    # -- bindings of CORS libraries
    def bindings(self) -> dict[str, str]:
        """Local names bound to a CORS library's middleware (or to Socket.IO's server)."""
        out: dict[str, str] = {}
        for _, m in self.ctx.matches(_Q_IMPORTS):
            src = self.text(m["src"][0])
            lib = _JS_LIBS.get(src)
            if lib is None:
                continue
            exports = _EXPORTS.get(src, ("default", "cors"))
            whole = src not in _NAMED_ONLY       # the module itself (default / namespace / require) is callable
            if "clause" in m:
                for part in m["clause"][0].named_children:
                    if part.type == "identifier" and whole:
                        out[self.text(part)] = lib
                    elif part.type == "namespace_import" and whole:
                        ids = [c for c in part.named_children if c.type == "identifier"]
                        if ids:
                            out[self.text(ids[0])] = lib
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            if spec.type != "import_specifier":
                                continue
                            name = spec.child_by_field_name("name")
                            alias = spec.child_by_field_name("alias") or name
                            if name is not None and alias is not None and self.text(name) in exports:
                                out[self.text(alias)] = lib
            elif "name" in m:
                prop = m.get("prop")
                if (prop and self.text(prop[0]) not in exports) or (not prop and not whole):
                    continue
                out[self.text(m["name"][0])] = lib
            elif "pattern" in m:
                for part in m["pattern"][0].named_children:
                    if part.type == "shorthand_property_identifier_pattern" and self.text(part) in exports:
                        out[self.text(part)] = lib
                    elif part.type == "pair_pattern":
                        k, v = part.child_by_field_name("key"), part.child_by_field_name("value")
                        if k is not None and v is not None and self.text(k) in exports:
                            out[self.text(v)] = lib
        return out

    def plugin_library(self, node: ts.Node, bindings: dict[str, str]) -> str | None:
        node = self.unwrap(node)
        if node.type == "identifier":
            return bindings.get(self.text(node))
        if node.type == "call_expression":
            f = node.child_by_field_name("function")
            args = self.args(node.child_by_field_name("arguments"))
            if f is not None and self.text(f) in ("require", "import") and args and args[0].type == "string":
                return _JS_LIBS.get(self.unquote(args[0]))
        return None

    # -- emit
    def add(self, **kw: Any) -> None:
        self.facts.cors.append(CorsSetting(**kw))

    def options(self, library: str, call: ts.Node, opts: ts.Node | None) -> None:
        if opts is not None:
            target = self.unwrap(opts)
            if target.type == "identifier":
                imported = self.imported_from(target)
                if imported is not None:      # options from a local module: the linker joins them
                    self.facts.extra.setdefault(IMPORTED_OPTIONS, []).append(
                        (self.ctx.path, imported[0], imported[1], library, self.dev_only(call)))
        self.facts.cors.append(self.build_options(library, call, opts))

    def build_options(self, library: str, call: ts.Node, opts: ts.Node | None) -> CorsSetting:
        """The CorsSetting of a middleware called at `call` with the options expression `opts`."""
        dev = self.dev_only(call)
        if opts is None:
            return CorsSetting(self.loc(call), library, "default", False, dev_only=dev)
        target = self.resolve(opts)
        if target.type in _FUNCS:
            return CorsSetting(self.loc(call), library, "function", None, value=_short(self.text(opts)), dev_only=dev)
        if target.type != "object":
            kind, origins = ("env", ()) if _JS_ENV.search(self.text(target)) else ("unknown", ())
            return CorsSetting(self.loc(call), library, kind, None, origins, _short(self.text(opts)), dev)
        pairs = self.pairs(target)
        cred = pairs.get("credentials")
        credentials: bool | None = False
        cred_loc = None
        if cred is not None:
            credentials = self.truthy(cred[1])
            cred_loc = self.loc(cred[0])
        origin = pairs.get("origin")
        if origin is None:
            return CorsSetting(self.loc(call), library, "default", credentials, dev_only=dev,
                               credentials_location=cred_loc)
        pair, value = origin
        kind, origins = self.classify(value)
        return CorsSetting(self.loc(pair), library, kind, credentials, origins, _short(self.text(pair)),
                           dev or self.dev_only(pair), cred_loc)

    def imported_from(self, ident: ts.Node) -> tuple[str, str] | None:
        """(module specifier, imported name or "default") when `ident` is imported from a relative module."""
        name = self.text(ident)
        for _, m in self.ctx.matches(_Q_LOCAL_IMPORTS):
            spec = self.text(m["src"][0])
            if not spec.startswith("."):
                continue
            if "local" in m and self.text(m["local"][0]) == name:
                prop = m.get("prop")
                return spec, self.text(prop[0]) if prop else "default"
            if "clause" in m:
                for part in m["clause"][0].named_children:
                    if part.type == "identifier" and self.text(part) == name:
                        return spec, "default"
                    if part.type == "named_imports":
                        for spec_node in part.named_children:
                            n = spec_node.child_by_field_name("name")
                            alias = spec_node.child_by_field_name("alias") or n
                            if n is not None and alias is not None and self.text(alias) == name:
                                return spec, self.text(n)
        return None

    def exported_options(self) -> None:
        """Objects with an `origin`/`credentials` key that this module exports, for the linker."""
        for _, m in self.ctx.matches(_Q_EXPORTS):
            value = m["value"][0]
            target = self.resolve(value)
            if target.type != "object" or not ({"origin", "credentials"} & set(self.pairs(target))):
                continue
            name = self.text(m["name"][0]) if "name" in m else "default"
            setting = self.build_options("cors", target, target)
            self.facts.extra.setdefault(EXPORTED_OPTIONS, []).append((self.ctx.path, name, setting))

    def pairs(self, obj: ts.Node) -> dict[str, tuple[ts.Node, ts.Node]]:
        out = {}
        for p in obj.named_children:
            if p.type == "pair":
                k, v = p.child_by_field_name("key"), p.child_by_field_name("value")
                if k is not None and v is not None:
                    out[self.unquote(k) if k.type == "string" else self.text(k)] = (p, v)
            elif p.type == "shorthand_property_identifier":
                out[self.text(p)] = (p, p)
            elif p.type == "method_definition":          # { origin(origin, cb) { … } }
                k = p.child_by_field_name("name")
                if k is not None:
                    out[self.text(k)] = (p, p)
        return out

    def truthy(self, node: ts.Node) -> bool | None:
        node = self.resolve(node)
        if node.type == "true":
            return True
        if node.type in ("false", "null", "undefined"):
            return False
        if node.type in ("string", "template_string"):
            return self.unquote(node).strip().lower() == "true"
        return None

    def run(self) -> None:
        bindings = self.bindings()
        if bindings:
            names = "|".join(re.escape(n) for n in sorted(bindings))
            q = f'(call_expression function: (identifier) @fn arguments: (arguments) @args (#match? @fn "^({names})$")) @call'
            q += f' (new_expression constructor: (identifier) @fn arguments: (arguments) @args (#match? @fn "^({names})$")) @call'
            for _, m in self.ctx.matches(q):
                lib = bindings[self.text(m["fn"][0])]
                if lib == "@fastify/cors":
                    continue      # a Fastify plugin is registered, not called
                args = self.args(m["args"][0])
                if lib == "socket.io":
                    self.cors_option(lib, m["call"][0], args)
                elif m["call"][0].type == "call_expression":
                    self.options(lib, m["call"][0], args[0] if args else None)
        for _, m in self.ctx.matches(_Q_REQUIRE_CALLS):
            lib = _JS_LIBS.get(self.text(m["src"][0]))
            args = self.args(m["args"][0])
            if lib == "socket.io":
                self.cors_option(lib, m["call"][0], args)
            elif lib and lib != "@fastify/cors":
                self.options(lib, m["call"][0], args[0] if args else None)
        for _, m in self.ctx.matches(_Q_MEMBER_CALLS):
            method = self.text(m["m"][0])
            call = m["call"][0]
            args = self.args(m["args"][0])
            if method == "register":
                if args and self.plugin_library(args[0], bindings) == "@fastify/cors":
                    self.options("@fastify/cors", call, args[1] if len(args) > 1 else None)
            elif method == "enableCors":
                self.options("nestjs", call, args[0] if args else None)
            elif method == "create" and self.text(m["obj"][0]) == "NestFactory":
                self.cors_option("nestjs", call, args[1:])
        self.headers()
        if "origin" in self.ctx.text or "credentials" in self.ctx.text:
            self.exported_options()

    def cors_option(self, library: str, call: ts.Node, args: list[ts.Node]) -> None:
        """A `cors` option inside an options object: NestFactory.create(M, { cors }), new Server(http, { cors })."""
        for a in args:
            a = self.resolve(a)
            if a.type != "object":
                continue
            cors = self.pairs(a).get("cors")
            if cors is None:
                continue
            value = self.resolve(cors[1])
            if value.type == "true":
                self.add(location=self.loc(cors[0]), library=library, origin="default", credentials=False,
                         value="cors: true", dev_only=self.dev_only(call))
            elif value.type != "false":
                self.options(library, cors[0], cors[1])

    # -- Access-Control-Allow-* headers set by hand
    def headers(self) -> None:
        if "ccess-control-allow-origin" not in self.ctx.text.lower():
            return
        events: list[tuple[str, ts.Node, ts.Node, ts.Node]] = []   # (which, where, value, scope)
        for _, m in self.ctx.matches(_Q_HEADER_CALLS):
            call = m["call"][0]
            fn = call.child_by_field_name("function")
            obj = fn.child_by_field_name("object") if fn is not None else None
            if obj is not None and _JS_REQUEST_CALL.search(self.text(obj)) and not _JS_RESPONSE_OBJ.match(self.text(obj)):
                continue
            events.append((self.header_kind(m["name"][0]), call, m["value"][0], self.scope_of(call)))
        for _, m in self.ctx.matches(_Q_HEADER_PAIRS):
            pair = m["pair"][0]
            if self.request_headers(pair) or self.sent_with_a_request(pair):
                continue
            events.append((self.header_kind(m["name"][0]), pair, m["value"][0], self.scope_of(pair)))
        for _, m in self.ctx.matches(_Q_KEY_VALUE):
            pair = m["pair"][0]
            obj = pair.parent
            if obj is None or obj.type != "object":
                continue
            value = self.pairs(obj).get("value")
            if value is None or self.request_headers(pair):
                continue
            group = obj.parent if obj.parent is not None and obj.parent.type == "array" else self.scope_of(obj)
            events.append((self.header_kind(m["name"][0]), pair, value[1], group))
        creds = [(where, value) for which, where, value, _ in events if which == "credentials" and self.truthy(value)]
        for which, where, value, scope in events:
            if which != "origin":
                continue
            kind, origins = self.classify(value)
            if kind == "reflect":
                v = self.unwrap(value)
                names = {self.text(v)} if v.type == "identifier" else set()
                if self.checks_origin(self.scope_of(where), names):
                    kind = "function"
            elif kind == "default":
                kind = "unknown"
            elif kind == "wildcard" and self.under_star_test(where):
                kind = "unknown"      # a generic helper: sends `*` only when its caller configured `*`
            cred = next((w for w, _ in creds if self.inside(w, scope)), None)
            self.add(location=self.loc(where), library=self.header_library, origin=kind,
                     credentials=cred is not None, origins=origins, value=_short(self.text(value)),
                     dev_only=self.dev_only(where),
                     credentials_location=self.loc(cred) if cred is not None else None)

    def under_star_test(self, node: ts.Node) -> bool:
        """Inside `if (origin === '*')` / `opts.origin === '*' ? … : …` within the same function."""
        child, p = node, node.parent
        while p is not None and p.type not in _FUNCS:
            if p.type in ("if_statement", "ternary_expression"):
                cond = p.child_by_field_name("condition")
                if cond is not None and child != cond and _STAR_TEST.search(self.text(cond)):
                    return True
            child, p = p, p.parent
        return False

    def header_kind(self, name: ts.Node) -> str:
        return "origin" if ACAO in self.unquote(name).lower() else "credentials"

    def sent_with_a_request(self, pair: ts.Node) -> bool:
        """`const headers = {'Access-Control-Allow-Origin': '*'}` later given to fetch/axios only."""
        obj = pair.parent
        decl = obj.parent if obj is not None else None
        if decl is None or decl.type != "variable_declarator":
            return False
        name = decl.child_by_field_name("name")
        if name is None or name.type != "identifier":
            return False
        ident = self.text(name)
        uses = [n for n in self.ctx.captures(f'((identifier) @id (#eq? @id "{ident}"))').get("id", [])
                if n != name] + [n for n in self.ctx.captures(
                    f'((shorthand_property_identifier) @id (#eq? @id "{ident}"))').get("id", [])]
        return bool(uses) and all(self.request_headers(u) for u in uses)

    def request_headers(self, node: ts.Node) -> bool:
        """Is this header object an argument of a request (fetch/axios/…) rather than a response?"""
        p = node.parent
        while p is not None and p.type in ("object", "pair", "array", "parenthesized_expression",
                                           "as_expression", "satisfies_expression", "spread_element"):
            p = p.parent
        if p is None or p.type != "arguments":
            return False
        call = p.parent
        if call is None or call.type not in ("call_expression", "new_expression"):
            return False
        fn = call.child_by_field_name("function") or call.child_by_field_name("constructor")
        if fn is None:
            return False
        text = ("new " if call.type == "new_expression" else "") + self.text(fn)
        if call.type == "new_expression" and self.text(fn) in ("Response", "NextResponse", "Headers"):
            return False
        obj = fn.child_by_field_name("object") if fn.type == "member_expression" else None
        if obj is not None and _JS_RESPONSE_OBJ.match(self.text(obj)):
            return False
        return bool(_JS_REQUEST_CALL.search(text))


def extract_js(ctx: FileContext, facts: FileFacts) -> None:
    _JsFile(ctx, facts).run()


# ------------------------------------------------------------------------- Python


_FLASK_CORS_MODULES = ("flask_cors",)
_STARLETTE_CORS = ("fastapi.middleware.cors", "starlette.middleware.cors")
_DJANGO_ALL = ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
_DJANGO_REGEXES = ("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST")
_DJANGO_LISTS = ("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST")
_FLASK_CONFIG = ("CORS_ORIGINS", "CORS_SUPPORTS_CREDENTIALS", "CORS_RESOURCES")
_DEV_SETTINGS = re.compile(r"(?i)(^|[_/])(dev|development|local|test|testing|ci)(_settings|_config)?\.py$|"
                           r"(^|/)(local_settings|settings_local|settings_dev|dev_settings|test_settings)\.py$")
_PY_MEMBERSHIP = {"startswith", "endswith", "match", "fullmatch", "search", "get", "__contains__", "count", "index"}


def _py_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _unparse(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:   # pragma: no cover - ast.unparse handles every node the parser makes
        return ""


class _PyFile:
    def __init__(self, ctx: FileContext, facts: FileFacts):
        self.ctx = ctx
        self.facts = facts
        self.tree = ctx.py_tree
        self.names: dict[str, str] = {}          # local name -> "CORS" | "cross_origin" | "CORSMiddleware" | "flask_cors"
        self.foreign: set[str] = set()           # CORSMiddleware names imported from other modules
        self.request_dicts: set[int] = set()     # id() of header dicts that are sent with a request
        self.star_tests = 0                      # depth of `if x == "*":` blocks around the current node
        self.star_guarded: set[int] = set()      # id() of header events inside such a block
        self.assigns: dict[str, list[tuple[ast.AST, ast.AST, ast.AST | None]]] = {}   # name -> (target, value, scope)
        self.events: list[tuple[str, ast.AST, ast.AST, ast.AST | None, bool]] = []   # header events
        self.django: dict[str, tuple[ast.AST, ast.AST, bool]] = {}
        self.flask_config: dict[str, tuple[ast.AST, ast.AST, bool]] = {}

    def loc(self, node: ast.AST) -> Location:
        return self.ctx.loc(node)

    # -- pass 1: imports and assignments
    def collect(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    local = a.asname or a.name
                    if node.module in _FLASK_CORS_MODULES and a.name in ("CORS", "cross_origin"):
                        self.names[local] = a.name
                    elif node.module in _STARLETTE_CORS and a.name == "CORSMiddleware":
                        self.names[local] = "CORSMiddleware"
                    elif "CORSMiddleware" in (a.name, local):
                        self.foreign.add(local)   # someone else's CORSMiddleware
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in _FLASK_CORS_MODULES:
                        self.names[a.asname or a.name] = "flask_cors"
            elif isinstance(node, ast.ClassDef) and node.name == "CORSMiddleware":
                self.foreign.add(node.name)     # the app's own middleware class

    def scan_assigns(self, body: list[ast.stmt], scope: ast.AST | None) -> None:
        for node in body:
            for sub in self.walk_scope(node):
                targets: list[ast.AST] = []
                value = None
                if isinstance(sub, ast.Assign):
                    targets, value = sub.targets, sub.value
                elif isinstance(sub, ast.AnnAssign) and sub.value is not None:
                    targets, value = [sub.target], sub.value
                for t in targets:
                    if isinstance(t, ast.Name) and value is not None:
                        self.assigns.setdefault(t.id, []).append((t, value, scope))

    @staticmethod
    def walk_scope(node: ast.AST) -> Iterator[ast.AST]:
        """Nodes of one scope: does not descend into nested functions, classes or lambdas."""
        stack = [node]
        while stack:
            n = stack.pop()
            yield n
            for c in ast.iter_child_nodes(n):
                if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                    stack.append(c)

    def lookup(self, name: str, use: ast.AST, scope: ast.AST | None) -> ast.AST | None:
        cands = self.assigns.get(name, [])
        line = getattr(use, "lineno", 0)
        for want in (scope, None):
            best = None
            for target, value, s in cands:
                if s is want and target.lineno <= line:
                    best = value
            if best is None and want is None:
                best = next((v for _, v, s in cands if s is None), None)
            if best is not None:
                return best
        return None

    # -- values
    def classify(self, node: ast.AST, scope: ast.AST | None, regex: bool = False, depth: int = 0) -> tuple[str, tuple[str, ...]]:
        s = _py_str(node)
        if s is not None:
            s = s.strip()
            if s == "*":
                return "wildcard", ()
            if regex and _regex_matches_all(s):
                return "reflect", ()
            return ("list", (s,)) if s else ("disabled", ())
        if isinstance(node, ast.Constant):
            return ("disabled", ()) if node.value in (None, False) else ("unknown", ())
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            kinds, origins = set(), []
            for e in node.elts:
                k, o = self.classify(e.value if isinstance(e, ast.Starred) else e, scope, regex, depth + 1)
                kinds.add(k)
                origins.extend(o)
            for k in ("wildcard", "reflect"):
                if k in kinds:
                    return k, ()
            if kinds <= {"list", "disabled"}:
                return "list", tuple(origins)
            if "env" in kinds and kinds <= {"list", "env", "disabled"}:
                return "env", tuple(origins)
            return "unknown", tuple(origins)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and node.values:
            return self.classify(node.values[0], scope, regex, depth)
        if isinstance(node, ast.IfExp):
            when_true, when_false = polarity(_unparse(node.test))
            if when_true == "prod" or when_false == "dev":
                return self.classify(node.body, scope, regex, depth)
            if when_true == "dev" or when_false == "prod":
                return self.classify(node.orelse, scope, regex, depth)
            a, b = self.classify(node.body, scope, regex, depth), self.classify(node.orelse, scope, regex, depth)
            if a[0] == b[0]:
                return a[0], a[1] + b[1]
            if "reflect" in (a[0], b[0]) and not re.search(r"==|!=|\bin\b", _unparse(node.test)):
                return "reflect", ()
            return "unknown", ()
        if isinstance(node, ast.Name):
            target = self.lookup(node.id, node, scope) if depth < 4 else None
            if target is not None:
                return self.classify(target, scope, regex, depth + 1)
            return "unknown", ()
        text = _unparse(node)
        if _REQ_ORIGIN.search(text):
            return "reflect", ()
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile" \
                and node.args and _py_str(node.args[0]) is not None:
            p = _py_str(node.args[0]) or ""
            return ("reflect", ()) if _regex_matches_all(p) else ("list", (p,))
        if _PY_ENV.search(text):
            return "env", ()
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            return "env", ()
        return "unknown", ()

    def truthy(self, node: ast.AST | None, scope: ast.AST | None = None, depth: int = 0) -> bool | None:
        if node is None:
            return False
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return node.value.strip().lower() == "true"
            return bool(node.value) if node.value in (True, False, None, 0, 1) else None
        if isinstance(node, ast.Name) and depth < 4:
            target = self.lookup(node.id, node, scope)
            if target is not None:
                return self.truthy(target, scope, depth + 1)
        return None

    def checks_origin(self, scope: ast.AST | None, names: set[str]) -> bool:
        words = {n for n in names if n}
        rx = re.compile(r"(?i)origin" + "".join(rf"|\b{re.escape(n)}\b" for n in words))
        root = scope if scope is not None else self.tree
        for n in ast.walk(root):
            text = None
            if isinstance(n, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)) for op in n.ops):
                text = _unparse(n)
            elif isinstance(n, ast.Call):
                fn = n.func
                attr = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
                if attr in _PY_MEMBERSHIP and isinstance(fn, ast.Attribute):
                    text = _unparse(fn.value) + " " + " ".join(_unparse(a) for a in n.args)
                    if attr == "get" and not words & {_unparse(a) for a in n.args}:
                        text = None     # headers.get("Origin") reads it, it does not check it
                elif _ALLOW_CALL.search(attr):
                    text = " ".join(_unparse(a) for a in n.args)
            if text and rx.search(re.sub(r"(?i)access-control-allow-origin|http_origin|['\"]origin['\"]", "", text)):
                return True
        return False

    # -- pass 2: the walk
    def visit(self, node: ast.AST, scope: ast.AST | None, dev: bool, call: ast.Call | None) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in node.decorator_list:
                self.decorator(d, dev)
                self.visit(d, scope, dev, None)
            for d in node.args.defaults + node.args.kw_defaults:
                if d is not None:
                    self.visit(d, scope, dev, None)
            for stmt in node.body:
                self.visit(stmt, node, dev, None)
            return
        if isinstance(node, ast.If):
            test = _unparse(node.test)
            when_true, when_false = polarity(test)
            star = bool(_STAR_TEST.search(test))
            self.visit(node.test, scope, dev, None)
            self.star_tests += star
            for stmt in node.body:
                self.visit(stmt, scope, dev or when_true == "dev", None)
            for stmt in node.orelse:
                self.visit(stmt, scope, dev or when_false == "dev", None)
            self.star_tests -= star
            return
        if isinstance(node, ast.Call):
            self.call(node, scope, dev)
            self.visit(node.func, scope, dev, None)
            for a in node.args:
                self.visit(a, scope, dev, node)
            for k in node.keywords:
                self.visit(k.value, scope, dev, node)
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            self.assign(node, scope, dev)
        elif isinstance(node, ast.Dict):
            self.dict_headers(node, scope, dev, call)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            name = _py_str(node.elts[0])
            if name and _HEADER_NAME.match(name.strip()):
                self.event(self.which(name), node, node.elts[1], scope, dev)
        keep_call = isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.keyword))
        for child in ast.iter_child_nodes(node):
            self.visit(child, scope, dev, call if keep_call else None)

    def event(self, which: str, where: ast.AST, value: ast.AST, scope: ast.AST | None, dev: bool) -> None:
        self.events.append((which, where, value, scope, dev))
        if self.star_tests:
            self.star_guarded.add(id(where))

    @staticmethod
    def which(name: str) -> str:
        return "origin" if name.strip().lower() == ACAO else "credentials"

    def callee(self, func: ast.AST) -> str | None:
        if isinstance(func, ast.Name):
            if func.id in self.names:
                return self.names[func.id]
            if func.id == "CORSMiddleware" and func.id not in self.foreign:
                return "CORSMiddleware"     # imported with a star or through a re-export
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                self.names.get(func.value.id) == "flask_cors" and func.attr in ("CORS", "cross_origin"):
            return func.attr
        return None

    def call(self, node: ast.Call, scope: ast.AST | None, dev: bool) -> None:
        kind = self.callee(node.func)
        kws = {k.arg: k for k in node.keywords if k.arg}
        if "cors_allowed_origins" in kws:      # python-engineio's option: Flask-SocketIO, python-socketio
            self.socketio(kws, scope, dev)
            return
        if kind == "CORS":
            if node.args or "app" in kws:
                self.flask_cors(node, kws, scope, dev)
            return          # CORS(**options) now, cors.init_app(app) later: read at init_app

        if kind == "cross_origin":
            self.flask_cors(node, kws, scope, dev)
            return
        if kind == "CORSMiddleware":
            self.starlette(node, kws, scope, dev)
            return
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr == "init_app":
                deferred = self.deferred_cors(func.value)
                if deferred is not None:
                    merged = {k.arg: k for k in deferred.keywords if k.arg}
                    merged.update(kws)
                    self.flask_cors(node, merged, scope, dev)
                return
            if func.attr in ("add_middleware", "Middleware"):
                if node.args and self.callee(node.args[0]) == "CORSMiddleware":
                    self.starlette(node, kws, scope, dev)
                return
            if func.attr in ("add", "set", "setdefault", "set_header", "add_header", "__setitem__", "append") and \
                    len(node.args) >= 2:
                name = _py_str(node.args[0])
                if name and _HEADER_NAME.match(name.strip()):
                    self.event(self.which(name), node, node.args[1], scope, dev)
        elif isinstance(func, ast.Name) and func.id == "Middleware" and node.args and \
                self.callee(node.args[0]) == "CORSMiddleware":
            self.starlette(node, kws, scope, dev)

    def deferred_cors(self, value: ast.AST) -> ast.Call | None:
        """`cors = CORS(**options)` (no app yet) for `cors.init_app(app)`."""
        if not isinstance(value, ast.Name):
            return None
        target = self.lookup(value.id, value, None)
        if isinstance(target, ast.Call) and self.callee(target.func) == "CORS" and not target.args:
            return target
        return None

    def decorator(self, d: ast.AST, dev: bool) -> None:
        if self.callee(d) == "cross_origin":      # bare @cross_origin
            self.add(self.loc(d), "flask-cors", "default", False, (), "@cross_origin", dev)

    def add(self, location: Location, library: str, origin: str, credentials: bool | None,
            origins: tuple[str, ...] = (), value: str = "", dev: bool = False,
            cred_loc: Location | None = None) -> None:
        self.facts.cors.append(CorsSetting(location, library, origin, credentials, origins, _short(value), dev,
                                           cred_loc))

    def flask_cors(self, node: ast.Call, kws: dict[str, ast.keyword], scope: ast.AST | None, dev: bool) -> None:
        cred_kw = kws.get("supports_credentials")
        credentials = self.truthy(cred_kw.value, scope) if cred_kw else False
        cred_loc = self.loc(cred_kw) if cred_kw else None
        origins_kw = kws.get("origins")
        resources = kws.get("resources")
        if resources is not None:
            res = resources.value
            if isinstance(res, ast.Name):
                res = self.lookup(res.id, res, scope) or res
            if isinstance(res, ast.Dict):
                for key, value in zip(res.keys, res.values):
                    if not isinstance(value, ast.Dict):
                        continue
                    opts = {_py_str(k): (k, v) for k, v in zip(value.keys, value.values) if _py_str(k)}
                    c = credentials
                    c_loc = cred_loc
                    if "supports_credentials" in opts:
                        c = self.truthy(opts["supports_credentials"][1], scope)
                        c_loc = self.loc(opts["supports_credentials"][0])
                    if "origins" in opts:
                        k_node, v_node = opts["origins"]
                        kind, origins = self.classify(v_node, scope, regex=True)
                        self.add(self.loc(k_node), "flask-cors", kind, c, origins, f"origins={_unparse(v_node)}",
                                 dev, c_loc)
                    elif origins_kw is not None:
                        kind, origins = self.classify(origins_kw.value, scope, regex=True)
                        self.add(self.loc(origins_kw), "flask-cors", kind, c, origins, _unparse(origins_kw), dev, c_loc)
                    else:
                        self.add(self.loc(key or node), "flask-cors", "default", c, (), "", dev, c_loc)
                return
        if origins_kw is not None:
            kind, origins = self.classify(origins_kw.value, scope, regex=True)
            self.add(self.loc(origins_kw), "flask-cors", kind, credentials, origins, _unparse(origins_kw), dev, cred_loc)
        else:
            self.add(self.loc(node), "flask-cors", "default", credentials, (), "", dev, cred_loc)

    def starlette(self, node: ast.Call, kws: dict[str, ast.keyword], scope: ast.AST | None, dev: bool) -> None:
        cred_kw = kws.get("allow_credentials")
        credentials = self.truthy(cred_kw.value, scope) if cred_kw else False
        cred_loc = self.loc(cred_kw) if cred_kw else None
        emitted = False
        if "allow_origins" in kws:
            kw = kws["allow_origins"]
            kind, origins = self.classify(kw.value, scope)
            self.add(self.loc(kw), "fastapi", kind, credentials, origins, _unparse(kw), dev, cred_loc)
            emitted = True
        if "allow_origin_regex" in kws:
            kw = kws["allow_origin_regex"]
            kind, origins = self.classify(kw.value, scope, regex=True)
            if kind not in ("disabled",):
                self.add(self.loc(kw), "fastapi", kind, credentials, origins, _unparse(kw), dev, cred_loc)
                emitted = True
        if not emitted:   # Starlette's default allows no origin at all
            self.add(self.loc(node), "fastapi", "list", credentials, (), "", dev, cred_loc)

    def socketio(self, kws: dict[str, ast.keyword], scope: ast.AST | None, dev: bool) -> None:
        """Socket.IO servers echo back the caller's origin when it is allowed, and allow credentials
        unless cors_credentials=False."""
        kw = kws["cors_allowed_origins"]
        cred_kw = kws.get("cors_credentials")
        credentials = self.truthy(cred_kw.value, scope) if cred_kw else True
        kind, origins = self.classify(kw.value, scope)
        if kind == "disabled":
            return
        self.add(self.loc(kw), "python-socketio", kind, credentials, origins, _unparse(kw), dev,
                 self.loc(cred_kw) if cred_kw else None)

    def assign(self, node: ast.Assign | ast.AnnAssign, scope: ast.AST | None, dev: bool) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        if value is None:
            return
        for t in targets:
            if isinstance(t, ast.Subscript):
                name = _py_str(t.slice)
                if name and _HEADER_NAME.match(name.strip()):
                    self.event(self.which(name), t, value, scope, dev)
                elif name in _FLASK_CONFIG:
                    self.flask_config[name] = (t, value, dev)
            elif isinstance(t, ast.Name):
                if t.id in _DJANGO_ALL + _DJANGO_REGEXES + ("CORS_ALLOW_CREDENTIALS",):
                    self.django[t.id] = (t, value, dev)
                elif t.id in _FLASK_CONFIG:
                    self.flask_config[t.id] = (t, value, dev)

    def dict_headers(self, node: ast.Dict, scope: ast.AST | None, dev: bool, call: ast.Call | None) -> None:
        if call is not None and _PY_REQUEST_CALL.search(_unparse(call.func)):
            return
        if id(node) in self.request_dicts:
            return
        for k, v in zip(node.keys, node.values):
            name = _py_str(k)
            if name and _HEADER_NAME.match(name.strip()):
                self.event(self.which(name), k, v, scope, dev)

    # -- after the walk
    def finish(self) -> None:
        creds = [(where, scope, dev) for which, where, value, scope, dev in self.events
                 if which == "credentials" and self.truthy(value, scope)]
        for which, where, value, scope, dev in self.events:
            if which != "origin":
                continue
            kind, origins = self.classify(value, scope)
            if kind == "reflect":
                names = {value.id} if isinstance(value, ast.Name) else set()
                if self.checks_origin(scope, names):
                    kind = "function"
            elif kind == "wildcard" and id(where) in self.star_guarded:
                kind = "unknown"
            cred = next((w for w, s, _ in creds if s is scope), None)
            self.add(self.loc(where), "header", kind, cred is not None, origins, _unparse(value), dev,
                     self.loc(cred) if cred is not None else None)
        self.finish_django()
        self.finish_flask_config()

    def settings_dev(self) -> bool:
        return bool(_DEV_SETTINGS.search(self.ctx.path))

    def finish_django(self) -> None:
        if not self.django:
            return
        file_dev = self.settings_dev()
        cred = self.django.get("CORS_ALLOW_CREDENTIALS")
        credentials: bool | None = False
        cred_loc = None
        if cred is not None and not cred[2]:
            credentials = self.truthy(cred[1])
            cred_loc = self.loc(cred[0])
        for name in _DJANGO_ALL:
            if name not in self.django:
                continue
            target, value, dev = self.django[name]
            kind = self.django_flag(value)
            if kind is None:
                continue
            dev_value = kind == "dev"
            self.add(self.loc(target), "django-cors-headers", "wildcard" if kind in ("on", "dev") else kind,
                     credentials, (), f"{name} = {_unparse(value)}", dev or file_dev or dev_value, cred_loc)
        for name in _DJANGO_REGEXES:
            if name in self.django:
                target, value, dev = self.django[name]
                kind, origins = self.classify(value, None, regex=True)
                self.add(self.loc(target), "django-cors-headers", kind, credentials, origins,
                         f"{name} = {_unparse(value)}", dev or file_dev, cred_loc)

    def django_flag(self, value: ast.AST) -> str | None:
        """CORS_ALLOW_ALL_ORIGINS = <value>: "on", "dev" (True only when DEBUG), "env", or None (off)."""
        if isinstance(value, ast.Constant):
            return "on" if value.value is True else None
        if isinstance(value, ast.IfExp):
            when_true, when_false = polarity(_unparse(value.test))
            on_body, on_else = self.django_flag(value.body), self.django_flag(value.orelse)
            if when_true == "dev" or when_false == "prod":
                return "dev" if on_body == "on" and on_else is None else on_else
            if when_true == "prod" or when_false == "dev":
                return on_body
            return "env"
        text = _unparse(value)
        when_true, _ = polarity(text)
        if when_true == "dev":
            return "dev"
        if when_true == "prod":
            return None
        return "env"

    def finish_flask_config(self) -> None:
        """flask-cors also reads CORS_ORIGINS / CORS_SUPPORTS_CREDENTIALS from the app config."""
        if "CORS_ORIGINS" not in self.flask_config and "CORS_RESOURCES" not in self.flask_config:
            return
        if not re.search(r"\b(flask|Flask|config|Config|CORS)\b", self.ctx.text):
            return
        cred = self.flask_config.get("CORS_SUPPORTS_CREDENTIALS")
        credentials = self.truthy(cred[1]) if cred else False
        name = "CORS_ORIGINS" if "CORS_ORIGINS" in self.flask_config else "CORS_RESOURCES"
        target, value, dev = self.flask_config[name]
        if name == "CORS_ORIGINS":
            kind, origins = self.classify(value, None, regex=True)
        else:
            kind, origins = "unknown", ()
        self.add(self.loc(target), "flask-cors-config", kind, credentials, origins, f"{name} = {_unparse(value)}",
                 dev or self.settings_dev(), self.loc(cred[0]) if cred else None)

    def find_request_dicts(self) -> None:
        """Header dicts bound to a name that is only ever passed to requests/httpx/…: request headers."""
        sent, other = set(), set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                request = bool(_PY_REQUEST_CALL.search(_unparse(node.func)))
                for a in list(node.args) + [k.value for k in node.keywords]:
                    if isinstance(a, ast.Name):
                        (sent if request else other).add(a.id)
        for name in sent - other:
            for _, value, _ in self.assigns.get(name, []):
                if isinstance(value, ast.Dict):
                    self.request_dicts.add(id(value))

    def run(self) -> None:
        self.collect()
        self.scan_assigns(self.tree.body, None)
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.scan_assigns(node.body, node)
        self.find_request_dicts()
        for stmt in self.tree.body:
            self.visit(stmt, None, False, None)
        self.finish()


def extract_py(ctx: FileContext, facts: FileFacts) -> None:
    _PyFile(ctx, facts).run()


# ------------------------------------------------------------------------- config files


def _header_dicts(data: Any) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(origin value, the header group it sits in) for every Access-Control-Allow-Origin in a
    JSON/TOML document, in document order. A group is the list of headers applied together."""
    if isinstance(data, dict):
        group = _group_of_mapping(data)
        if group:
            for name, value in group:
                if name == ACAO:
                    yield value, group
        for v in data.values():
            if isinstance(v, list) and any(isinstance(i, dict) and "key" in i and "value" in i for i in v):
                group = [(str(i.get("key", "")).strip().lower(), str(i.get("value", "")).strip())
                         for i in v if isinstance(i, dict) and isinstance(i.get("value"), (str, bool, int))]
                for name, value in group:
                    if name == ACAO:
                        yield value, group
                continue
            if isinstance(v, (dict, list)):
                yield from _header_dicts(v)
    elif isinstance(data, list):
        for item in data:
            yield from _header_dicts(item)


def _group_of_mapping(d: dict) -> list[tuple[str, str]]:
    return [(str(k).strip().lower(), str(v).strip()) for k, v in d.items()
            if isinstance(k, str) and _HEADER_NAME.match(k.strip()) and isinstance(v, (str, bool))]


def _header_lines(ctx: FileContext) -> list[int]:
    return [n for n, line in ctx.iter_lines()
            if ACAO in line.lower() and not line.lstrip().startswith(("//", "#"))]


def _structured(ctx: FileContext, facts: FileFacts, data: Any) -> None:
    lines = _header_lines(ctx)
    for i, (value, group) in enumerate(_header_dicts(data)):
        line = lines[i] if i < len(lines) else (lines[-1] if lines else 1)
        credentials = any(n == ACAC and v.lower() == "true" for n, v in group)
        v = value.strip()
        kind = "wildcard" if v == "*" else "list" if v else "disabled"
        facts.cors.append(CorsSetting(ctx.loc(line), "platform-headers", kind, credentials,
                                      (v,) if kind == "list" else (), _short(v)))


def _headers_file(ctx: FileContext, facts: FileFacts) -> None:
    """Netlify / Cloudflare Pages `_headers`: a path line, then indented `Name: value` lines."""
    block: list[tuple[int, str, str]] = []

    def flush() -> None:
        credentials = any(n == ACAC and v.lower() == "true" for _, n, v in block)
        for line, n, v in block:
            if n == ACAO:
                kind = "wildcard" if v == "*" else "list" if v else "disabled"
                facts.cors.append(CorsSetting(ctx.loc(line), "platform-headers", kind, credentials,
                                              (v,) if kind == "list" else (), _short(v)))

    for n, line in ctx.iter_lines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[:1].isspace():
            flush()
            block = []
            continue
        name, sep, value = line.strip().partition(":")
        if sep:
            block.append((n, name.strip().lower(), value.strip()))
    flush()


def extract_config(ctx: FileContext, facts: FileFacts) -> None:
    if ACAO not in ctx.text.lower():
        return
    name = ctx.path.rsplit("/", 1)[-1]
    if ctx.language is Language.JSON:
        if ctx.role is Role.MANIFEST:
            return
        data = ctx.json_data
        if data is not None:
            _structured(ctx, facts, data)
    elif ctx.language is Language.TOML and name == "netlify.toml":
        _structured(ctx, facts, ctx.toml_data.get("headers", []))
    elif name == "_headers":
        _headers_file(ctx, facts)


# ------------------------------------------------------------------------- entry point


def _guarded(extract):
    def run(ctx: FileContext, facts: FileFacts) -> None:
        if ctx.client_side:
            return      # a browser bundle cannot decide who may call the server
        extract(ctx, facts)
        _dedupe(facts)
    return run


def _dedupe(facts: FileFacts) -> None:
    """One options object used twice (app.use(cors(opts)); app.options('*', cors(opts))) is one setting."""
    seen, out = set(), []
    for s in facts.cors:
        key = (s.location.line, s.location.column, s.library, s.origin)
        if key not in seen:
            seen.add(key)
            out.append(s)
    facts.cors[:] = out


EXTRACTORS = (
    Extractor("cors-js", _guarded(extract_js), languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT,
                                                                    Language.TSX}),
              roles=ROLES, triggers=JS_TRIGGERS),
    Extractor("cors-py", _guarded(extract_py), languages=frozenset({Language.PYTHON}), roles=ROLES,
              triggers=PY_TRIGGERS),
    Extractor("cors-config", _guarded(extract_config), languages=_CONFIG_LANGUAGES, roles=ROLES,
              triggers=_HEADER_TRIGGERS),
)


# ------------------------------------------------------------------------- linker


_JS_EXTENSIONS = ("", ".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", ".mts", ".cts",
                  "/index.js", "/index.ts", "/index.mjs", "/index.cjs")


def link_imported_options(project: Project) -> None:
    """`app.use(cors(corsOptions))` with `corsOptions` from `./config/corsOptions`: the setting is
    the exported object's, located where its origin is written, judged as the using library's."""
    imported = project.extra.get(IMPORTED_OPTIONS) or []
    exported = project.extra.get(EXPORTED_OPTIONS) or []
    if not imported or not exported:
        return
    by_key = {(path, name): setting for path, name, setting in exported}
    added = set()
    for path, spec, name, library, dev in imported:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(path), spec))
        spec_base = re.sub(r"\.(js|mjs|cjs|jsx)$", "", base)     # TS sources imported as './x.js'
        for candidate in (base, spec_base):
            target = next((candidate + ext for ext in _JS_EXTENSIONS if project.file(candidate + ext)), None)
            if target is not None:
                break
        if target is None:
            continue
        setting = by_key.get((target, name))
        if setting is None and name != "default":
            setting = by_key.get((target, "default"))   # module.exports = corsOptions; require('./x').corsOptions
        if setting is None or (setting.location, library) in added:
            continue
        added.add((setting.location, library))
        project.cors.append(replace(setting, library=library, dev_only=setting.dev_only or dev))


LINKERS = (link_imported_options,)
