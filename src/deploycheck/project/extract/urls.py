"""Host literals: strings naming localhost, 127.x, 0.0.0.0 or [::1], with the context a check needs
to tell a hard-coded development URL from a server's bind address, a dev-only branch or a fallback.

Code (JS/TS via tree-sitter, Python via ast): only string literals whose whole value is a URL or
host[:port] count, so messages and comments never do. Config files (deploy manifests, Dockerfiles,
Procfiles, dotenv files): each non-comment line, with the flag or key the value belongs to.
"""
from __future__ import annotations

import ast
import re

import tree_sitter as ts

from deploycheck.project.extract import Extractor, JS, PY
from deploycheck.project.extract._pyast import dotted
from deploycheck.project.extract._js import (callee_of_argument, enclosing_function, in_dev_context,
                                             is_parameter_default, key_of, skip_wrappers_up, string_value)
from deploycheck.project.model import FileFacts, Language, Role, UrlLiteral
from deploycheck.project.parse import FileContext
from deploycheck.redact import redact_line

_LOCAL = r"(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\]|::1|[a-z0-9-]+\.localhost)"
_WHOLE = re.compile(
    r"^(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://)?(?:[^@/\s]*@)?(?P<host>" + _LOCAL + r")"
    r"(?::(?P<port>\d{1,5}|\$\{[^}]*\}|\{[^}]*\}))?(?P<rest>[/?#][^\s]*)?$", re.I)
_IN_LINE = re.compile(
    r"(?<![\w.-])(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://)?(?:[^@/\s'\"]*@)?(?P<host>" + _LOCAL + r")"
    r"(?::(?P<port>\d{1,5}))?(?P<rest>/[^\s'\"]*)?(?![\w-])", re.I)
TRIGGERS = ("localhost", "127.0.", "0.0.0.0", "::1")
_JS_QUERY = r"""
((string) @s (#match? @s "localhost|127\\.0\\.|0\\.0\\.0\\.0|::1"))
((template_string) @s (#match? @s "localhost|127\\.0\\.|0\\.0\\.0\\.0|::1"))
"""
_LOG_CALLEE = re.compile(r"(^|\.)(log|info|warn|warning|error|debug|trace|print|echo|write|fatal|critical|success)$|^print$|^console\.")
_COMPARE_CALLEE = re.compile(r"\.(startsWith|endsWith|includes|indexOf|match|test|replace|search|split)$")


def _host_literal(ctx: FileContext, value: str, loc, **context) -> UrlLiteral | None:
    m = _WHOLE.match(value.strip())
    if not m:
        return None
    port = m.group("port")
    return UrlLiteral(
        value=redact_line(value.strip())[:200], host=m.group("host").lower(),
        port=int(port) if port and port.isdigit() else None, scheme=(m.group("scheme") or "").lower() or None,
        location=loc, is_local=True, **context)


# ----------------------------------------------------------------------------------------- JS


def extract_js(ctx: FileContext, out: FileFacts) -> None:
    for node in ctx.captures(_JS_QUERY).get("s", ()):
        value = string_value(ctx, node)
        if value is None or _used_as_pattern(ctx, node) or is_parameter_default(node):
            continue
        callee = callee_of_argument(ctx, node)
        if callee and _LOG_CALLEE.search(callee):
            continue
        key = key_of(ctx, node)
        if _url_base_argument(ctx, node) or (key and _only_a_url_base(ctx, node, key)):
            continue
        fallback = _js_fallback_for(ctx, node)
        lit = _host_literal(ctx, value, ctx.loc(node), fallback_for=fallback, key=key,
                            callee=callee, in_dev_branch=in_dev_context(ctx, node) or _labelled_dev(ctx, node))
        if lit is not None:
            out.urls.append(lit)


_DEV_LABEL = re.compile(r"(?i)\b(?:dev|development|local|localhost|test|testing|sandbox)\b")


def _labelled_dev(ctx: FileContext, node: ts.Node) -> bool:
    """A URL in an object that labels it as the development one: OpenAPI's
    `servers: [{ url: "http://localhost:3000", description: "Dev server" }]`."""
    pair = node.parent
    obj = pair.parent if pair is not None and pair.type == "pair" else None
    if obj is None or obj.type != "object":
        return False
    for p in obj.named_children:
        if p is pair or p.type != "pair":
            continue
        k = p.child_by_field_name("key")
        v = p.child_by_field_name("value")
        if k is not None and v is not None and ctx.node_text(k).strip("'\"") in (
                "description", "name", "label", "env", "environment", "title") and v.type == "string" and \
                _DEV_LABEL.search(ctx.node_text(v)):
            return True
    return False


def _url_base_argument(ctx: FileContext, node: ts.Node) -> bool:
    """`const u = new URL(path, 'https://localhost'); u.pathname`: a base to parse a relative URL against, when
    the URL is only taken apart (not fetched, redirected to or handed back to a caller)."""
    parent = node.parent
    if parent is None or parent.type != "arguments" or parent.named_child_count < 2 or parent.named_children[1] != node:
        return False
    call = parent.parent
    if call is None or call.type != "new_expression":
        return False
    ctor = call.child_by_field_name("constructor")
    if ctor is None or ctx.node_text(ctor) != "URL":
        return False
    holder = call.parent
    if holder is not None and holder.type == "expression_statement":
        return True                                   # `new URL(value, base)` only to validate
    if holder is None or holder.type != "variable_declarator" or holder.child_by_field_name("value") != call:
        return False
    name = holder.child_by_field_name("name")
    scope = enclosing_function(node) or ctx.js_root
    return name is not None and not _handed_on(ctx.node_text(scope), ctx.node_text(name))


# A URL value used for a request, a redirect or returned to the caller (which may do either).
def _handed_on(text: str, var: str) -> bool:
    v = re.escape(var)
    return bool(re.search(r"(\breturn\s+|[\w$.]+\(\s*(?:[^()]*,\s*)?|=\s*|\[\s*|:\s*)" + v + r"\s*(?:[,)\];}]|$)"
                          r"|\b" + v + r"\.(href|toString\(\))", text, re.M))


def _only_a_url_base(ctx: FileContext, node: ts.Node, key: str) -> bool:
    """`const base = host ? `https://${host}` : 'https://localhost'; new URL(url, base)`: the variable the
    literal is bound to serves only as the base of `new URL(…, base)` in its scope."""
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", key):
        return False
    scope = enclosing_function(node) or ctx.js_root
    text = ctx.node_text(scope)
    uses = len(re.findall(r"(?<![\w$.])" + re.escape(key) + r"(?![\w$])", text))
    base = r"new\s+URL\([^()]*(?:\([^()]*\)[^()]*)*,\s*" + re.escape(key) + r"\s*\)"
    bases = len(re.findall(base, text))
    decls = len(re.findall(r"\b(?:const|let|var)\s+" + re.escape(key) + r"(?![\w$])", text))
    if not (bases > 0 and decls > 0 and uses == bases + decls):   # declarations plus URL bases, nothing else
        return False
    # each `new URL(…, base)` is bound to a variable that is only taken apart
    bound = re.findall(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*" + base, text)
    return len(bound) == bases and not any(_handed_on(text, v) for v in bound)


def _used_as_pattern(ctx: FileContext, node: ts.Node) -> bool:
    """`host === 'localhost'`, `origin.startsWith('http://localhost')`, `case 'localhost':`."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "binary_expression":
        op = parent.child_by_field_name("operator")
        if op is not None and op.type in ("===", "!==", "==", "!=", "in"):
            return True
    if parent.type == "switch_case":
        return True
    if parent.type == "arguments":
        callee = callee_of_argument(ctx, node, max_depth=1)
        if callee and _COMPARE_CALLEE.search(callee):
            return True
    if parent.type == "array" and parent.parent is not None and parent.parent.type == "member_expression":
        return True   # ['localhost', '127.0.0.1'].includes(host)
    return False


_ENV_REF = re.compile(r"(?:process\??\.env\??\.|import\.meta\.env\??\.|Bun\.env\??\.)(\w+)")


def _js_fallback_for(ctx: FileContext, node: ts.Node) -> str | None:
    """'http://localhost:3000' in `process.env.API_URL || '…'` → "API_URL"."""
    top = skip_wrappers_up(node)
    parent = top.parent
    if parent is None:
        return None
    if parent.type == "binary_expression":
        op = parent.child_by_field_name("operator")
        right = parent.child_by_field_name("right")
        left = parent.child_by_field_name("left")
        if op is not None and op.type in ("||", "??") and right == top and left is not None:
            m = re.search(r"(?:process\.env|import\.meta\.env|Bun\.env)(?:\.(\w+)|\[['\"`](\w+)['\"`]\])", ctx.node_text(left))
            if m:
                return m.group(1) or m.group(2)
            m = re.search(r"\b\w*[Ee]nv\w*\(\s*['\"`](\w+)['\"`]", ctx.node_text(left))
            if m:
                return m.group(1)
            # `NEXT_PUBLIC_WEBAPP_URL() || 'http://localhost:3000'`: an accessor named after its variable
            # (and `env.WEBAPP_URL?.trim() || …`: a validated env object's field, tidied)
            m = re.fullmatch(r"\s*(?:\w+\??\.)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:\(\s*\))?(?:\??\.\w+\(\s*\))*\s*",
                             ctx.node_text(left))
            if m:
                return m.group(1)
    if parent.type == "ternary_expression" and parent.child_by_field_name("alternative") == top:
        # `process.env.X ? process.env.X : 'http://localhost'`, `X && X.trim() !== '' ? X : 'http://localhost'`:
        # the test of a variable whose value the other branch uses
        cond = parent.child_by_field_name("condition")
        conseq = parent.child_by_field_name("consequence")
        if cond is not None and conseq is not None:
            used = set(_ENV_REF.findall(ctx.node_text(conseq)))
            for name in _ENV_REF.findall(ctx.node_text(cond)):
                if name in used:
                    return name
    if parent.type == "arguments":
        call = parent.parent
        fn = call.child_by_field_name("function") if call is not None else None
        args = parent.named_children
        if fn is not None and len(args) >= 2 and args[1] == top and re.search(r"[Ee]nv", ctx.node_text(fn)):
            first = string_value(ctx, args[0]) if args[0].type == "string" else None
            if first:
                return first
        # an environment schema's default: `SITE_URL: z.string().default("http://localhost:3000")`
        if fn is not None and fn.type == "member_expression" and len(args) == 1 and args[0] == top:
            prop = fn.child_by_field_name("property")
            if prop is not None and ctx.node_text(prop) in ("default", "prefault", "catch"):
                n = call
                while n is not None and n.type not in ("pair", "statement_block", "program"):
                    n = n.parent
                key = n.child_by_field_name("key") if n is not None and n.type == "pair" else None
                kt = ctx.node_text(key).strip("'\"") if key is not None else ""
                if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*", kt):
                    return kt
    if parent.type == "object_assignment_pattern":
        # const { API_URL = 'http://localhost' } = process.env
        pattern = parent.parent
        decl = pattern.parent if pattern is not None else None
        value = decl.child_by_field_name("value") if decl is not None and decl.type == "variable_declarator" else None
        left = parent.child_by_field_name("left")
        if value is not None and left is not None and re.fullmatch(r"process\.env|import\.meta\.env", ctx.node_text(value)):
            return ctx.node_text(left)
    return None


# ----------------------------------------------------------------------------------------- Python

# A branch taken only in CI or under the test runner: `if os.environ.get("GITHUB_WORKFLOW"):`,
# `if "test" in sys.argv:`, `if "pytest" in sys.modules:` (not when negated).
_CI_TEST = re.compile(
    r"^(?!.*\bnot\b).*(['\"](CI|GITHUB_WORKFLOW|GITHUB_ACTIONS|GITLAB_CI|CIRCLECI|TRAVIS|BUILDKITE|"
    r"PYTEST_CURRENT_TEST|PYTEST_VERSION)['\"]|['\"]test['\"]\s+in\s+sys\.argv|sys\.argv\[1\]\s*==\s*['\"]test['\"]"
    r"|['\"]pytest['\"]\s+in\s+sys\.modules)", re.S)
_PY_ENV_GETTERS = {"os.getenv", "getenv", "os.environ.get", "environ.get", "config", "env", "env.str", "env.url",
                   "env.db", "env.db_url", "env.cache", "env.cache_url"}
# dj_database_url.config(default="postgres://localhost/app") reads DATABASE_URL (or env="…")
_DB_URL_CONFIG = re.compile(r"(^|\.)(dj_database_url|db_url)\.config$")


class _PyUrls(ast.NodeVisitor):
    def __init__(self, ctx: FileContext, out: FileFacts):
        self.ctx, self.out = ctx, out
        self.stack: list[ast.AST] = []
        self.main_guard = 0
        self.dev_branch = 0

    def generic_visit(self, node: ast.AST) -> None:
        self.stack.append(node)
        super().generic_visit(node)
        self.stack.pop()

    def visit_If(self, node: ast.If) -> None:
        test = ast.unparse(node.test)
        is_main = "__name__" in test and "__main__" in test
        is_dev = bool(re.search(r"\b(DEBUG|debug|DEV|is_dev|development|TESTING|is_local)\b", test)) and \
            not re.search(r"not\s+(settings\.)?DEBUG|production", test) or _CI_TEST.search(test) is not None
        self.stack.append(node)
        self.visit(node.test)
        self.main_guard += is_main
        self.dev_branch += is_dev
        for stmt in node.body:
            self.visit(stmt)
        self.main_guard -= is_main
        self.dev_branch -= is_dev
        for stmt in node.orelse:
            self.visit(stmt)
        self.stack.pop()

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and any(t in node.value for t in TRIGGERS):
            self._literal(node, node.value)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        text = "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
                       for v in node.values)
        if any(t in text for t in TRIGGERS):
            self._literal(node, text)

    def _literal(self, node: ast.AST, value: str) -> None:
        parent = self.stack[-1] if self.stack else None
        if isinstance(parent, ast.Compare) or (isinstance(parent, (ast.List, ast.Tuple, ast.Set)) and
                                                len(self.stack) > 1 and isinstance(self.stack[-2], ast.Compare)):
            return
        callee, key, fallback = None, None, None
        for anc in reversed(self.stack):
            if isinstance(anc, ast.Call):
                callee = dotted(anc.func)
                if callee and (callee in _PY_ENV_GETTERS or callee.endswith(("getenv", "environ.get"))):
                    first = anc.args[0] if anc.args else None
                    is_default = (len(anc.args) > 1 and anc.args[1] is node) or \
                        any(k.arg == "default" and k.value is node for k in anc.keywords)
                    if is_default and isinstance(first, ast.Constant) and isinstance(first.value, str):
                        fallback = first.value
                elif callee and callee.endswith(".get") and len(anc.args) == 2 and anc.args[1] is node and \
                        isinstance(anc.args[0], ast.Constant) and isinstance(anc.args[0].value, str):
                    # SECRETS.get("cache_url", "redis://localhost:6379"): a config lookup with a laptop default
                    fallback = anc.args[0].value
                elif callee and _DB_URL_CONFIG.search(callee) and any(k.arg == "default" and k.value is node
                                                                      for k in anc.keywords):
                    env_kw = next((k.value for k in anc.keywords if k.arg == "env"), None)
                    fallback = env_kw.value if isinstance(env_kw, ast.Constant) and isinstance(env_kw.value, str) \
                        else "DATABASE_URL"
                for k in anc.keywords:
                    if k.value is node or node in ast.walk(k.value):
                        key = key or k.arg
                break
            if isinstance(anc, ast.BoolOp) and isinstance(anc.op, ast.Or) and anc.values[0] is not node:
                m = re.search(r"(?:getenv|environ\.get|environ\[)\(?\s*['\"](\w+)['\"]", ast.unparse(anc.values[0]))
                if m:
                    fallback = m.group(1)
            if isinstance(anc, (ast.Assign, ast.AnnAssign)):
                targets = anc.targets if isinstance(anc, ast.Assign) else [anc.target]
                key = key or (ast.unparse(targets[0]).rsplit(".", 1)[-1] if targets else None)
                if fallback is None and isinstance(anc, ast.AnnAssign):
                    # a pydantic settings field, `FRONTEND_HOST: str = "http://localhost:5173"`: the default of
                    # the variable the env-read extractor found on this line
                    fallback = next((r.name for r in self.out.env_reads if r.how == "BaseSettings" and r.name and
                                     r.location.line == anc.lineno and r.location.path == self.ctx.path), None)
                break
            if isinstance(anc, ast.Dict):
                for k, v in zip(anc.keys, anc.values):
                    if v is node and isinstance(k, ast.Constant):
                        key = key or str(k.value)
            if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
                break
        if callee and _LOG_CALLEE.search(callee):
            return
        lit = _host_literal(self.ctx, value, self.ctx.loc(node), fallback_for=fallback, key=key, callee=callee,
                            in_main_guard=self.main_guard > 0, in_dev_branch=self.dev_branch > 0 or self._dev_key())
        if lit is not None:
            self.out.urls.append(lit)

    def _dev_key(self) -> bool:
        """Inside a dict entry keyed 'development'/'test'/'local' (a settings dict per environment)."""
        for anc, child in zip(reversed(self.stack[:-1]), reversed(self.stack[1:])):
            if isinstance(anc, ast.Dict):
                for k, v in zip(anc.keys, anc.values):
                    if v is child and isinstance(k, ast.Constant) and str(k.value).lower() in (
                            "development", "dev", "test", "testing", "local"):
                        return True
        return False


def extract_py(ctx: FileContext, out: FileFacts) -> None:
    _PyUrls(ctx, out).visit(ctx.py_tree)


# ----------------------------------------------------------------------------------------- config files

_BIND_BEFORE = re.compile(r"(--bind|-b|--host|-H|--listen|--address|--hostname|HOST\s*=|HOSTNAME\s*=|host\s*[:=]|bind\s*[:=]|listen)\s*[=:]?\s*['\"]?$", re.I)
_PROBE_BLOCK = re.compile(r"^\s*(?:-\s*)?(?:healthcheck|livenessProbe|readinessProbe|startupProbe)\s*:\s*(?:#.*)?$")
_PROBE_LINE = re.compile(r"\b(curl|wget|HEALTHCHECK|healthcheck|test:|httpGet|nc\s|pg_isready|redis-cli)\b", re.I)
_KEY = re.compile(r"^\s*(?:-\s*)?(?:export\s+)?['\"]?([A-Za-z_][\w.-]*)['\"]?\s*[:=]")
_COMMENT_START = {Language.JSON: (), Language.MARKDOWN: ()}


def extract_config(ctx: FileContext, out: FileFacts) -> None:
    marks = _COMMENT_START.get(ctx.language, ("#", ";") if ctx.language is Language.INI else ("#",))
    block_indent: int | None = None     # inside a `healthcheck:` / `livenessProbe:` block (YAML)
    for lineno, line in ctx.iter_lines():
        if ctx.language is Language.YAML and line.strip() and not line.lstrip().startswith("#"):
            indent = len(line) - len(line.lstrip())
            if block_indent is not None and indent <= block_indent:
                block_indent = None
            if _PROBE_BLOCK.match(line):
                block_indent = indent
                continue
        if not any(t in line for t in TRIGGERS):
            continue
        stripped = line.lstrip()
        if marks and stripped.startswith(marks):
            continue
        code = _strip_trailing_comment(line, marks)
        key_m = _KEY.match(code)
        # (a health check runs inside the container: localhost is the service itself)
        probe = bool(_PROBE_LINE.search(code)) or block_indent is not None
        for m in _IN_LINE.finditer(code):
            before = code[:m.start()]
            context = "probe" if probe else ("bind" if _BIND_BEFORE.search(before) else None)
            port = m.group("port")
            out.urls.append(UrlLiteral(
                value=redact_line(m.group(0))[:200], host=m.group("host").lower(),
                port=int(port) if port else None, scheme=(m.group("scheme") or "").lower() or None,
                location=ctx.loc(lineno, m.start() + 1), is_local=True,
                key=key_m.group(1) if key_m else None, callee=context))


def _strip_trailing_comment(line: str, marks: tuple[str, ...]) -> str:
    if "#" not in marks:
        return line
    # a '#' preceded by whitespace starts a comment in YAML/TOML/dotenv/shell (not inside URLs)
    m = re.search(r"\s#", line)
    return line[:m.start()] if m else line


_CONFIG_LANGS = frozenset({Language.YAML, Language.TOML, Language.JSON, Language.DOTENV, Language.DOCKERFILE,
                           Language.INI, Language.TEXT, Language.SHELL})
_CODE_ROLES = frozenset({Role.APP, Role.MIGRATION, Role.BUILD_CONFIG, Role.SCRIPT, Role.DEV_CONFIG})

EXTRACTORS = (
    Extractor("urls-js", extract_js, languages=JS, roles=_CODE_ROLES, triggers=TRIGGERS),
    Extractor("urls-py", extract_py, languages=PY, roles=_CODE_ROLES, triggers=TRIGGERS),
    Extractor("urls-config", extract_config, languages=_CONFIG_LANGS,
              roles=frozenset({Role.DEPLOY_CONFIG, Role.ENV_FILE, Role.CI, Role.DEV_CONFIG}), triggers=TRIGGERS),
)
