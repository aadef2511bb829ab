"""Environment-variable reads in code: every way JS/TS and Python apps read the environment.

JavaScript/TypeScript: `process.env.X`, `process.env['X']`, destructuring `const {X, Y = 'd'} =
process.env`, `import.meta.env.X`, `Deno.env.get('X')`, `Bun.env.X`, and local wrappers: a function
whose parameter indexes `process.env[param]` (`required('DATABASE_URL')`) turns each call with a
literal name into a read. Python: `os.environ[...]`, `os.environ.get`, `os.getenv`, `environ.get`,
python-decouple `config(...)`, django-environ `env(...)`/`env.str(...)`, and pydantic
`BaseSettings` fields (with `env_prefix`, `alias`, `validation_alias`, `Field(env=...)`).
"""
from __future__ import annotations

import ast
import re
from dataclasses import replace

import tree_sitter as ts

from deploycheck.project.extract import Extractor, JS, PY
from deploycheck.project.extract._pyast import const_str, dotted, keyword
from deploycheck.project.extract._js import (default_of, enclosing_function, function_name, is_condition,
                                             literal_text, skip_wrappers_up, string_value)
from deploycheck.project.model import EnvRead, FileFacts, Role
from deploycheck.project.parse import FileContext

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CLIENT_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "EXPO_PUBLIC_", "PUBLIC_", "GATSBY_", "NUXT_PUBLIC_")
# Name-based wrappers imported from elsewhere: getEnv('X'), requireEnv('X'), env('X'), mustEnv('X')
_WRAPPER_NAME = re.compile(r"^(get|require|required|must|read|load)?_?(env|Env|ENV)(Var|Variable|OrThrow|OrDefault)?$"
                           r"|^(requireEnv|getEnv|mustGetEnv|envOrThrow|requiredEnv|getRequiredEnv|env)$"
                           # mandatoryEnv, integerEnv, booleanEnv, mandatoryIntegerEnv, optionalEnv, envInt, envBool
                           r"|^[a-z][A-Za-z]*Env$|^env(Int|Integer|Number|Num|Bool|Boolean|Str|String|List|Array|Json|Url|"
                           r"Required|Optional)$")
_RAISING_WRAPPER = re.compile(r"^(require|required|must|mandatory|strict)|OrThrow$|Required", re.I)

# ----------------------------------------------------------------------------------------- JS

_JS_QUERY = """
(member_expression
  object: (member_expression object: (identifier) @_p property: (property_identifier) @_e)
  property: (property_identifier) @name
  (#eq? @_p "process") (#eq? @_e "env")) @dot

(subscript_expression
  object: (member_expression object: (identifier) @_p2 property: (property_identifier) @_e2)
  index: (_) @index
  (#eq? @_p2 "process") (#eq? @_e2 "env")) @sub

(variable_declarator
  name: (object_pattern) @pattern
  value: (member_expression object: (identifier) @_p3 property: (property_identifier) @_e3)
  (#eq? @_p3 "process") (#eq? @_e3 "env")) @destructure

(member_expression
  object: (member_expression object: (meta_property) property: (property_identifier) @_e4)
  property: (property_identifier) @vname
  (#eq? @_e4 "env")) @vite

(call_expression
  function: (member_expression
     object: (member_expression object: (identifier) @_d property: (property_identifier) @_e5)
     property: (property_identifier) @_get)
  arguments: (arguments . (string) @dname)
  (#any-of? @_d "Deno" "Bun") (#eq? @_e5 "env") (#eq? @_get "get")) @deno

(member_expression
  object: (member_expression object: (identifier) @_b property: (property_identifier) @_e6)
  property: (property_identifier) @bname
  (#eq? @_b "Bun") (#eq? @_e6 "env")) @bun
"""

# Cloudflare Workers / Hono: bindings and secrets arrive on the context, `c.env.API_KEY`, `this.env.KV`.
_WORKER_QUERY = """
(member_expression
  object: (member_expression object: [(identifier) (this)] @_o property: (property_identifier) @_env)
  property: (property_identifier) @name
  (#eq? @_env "env")) @read
"""
_WORKER_FILE = re.compile(r"""from\s+['"](hono|hono/[\w-]+|cloudflare:workers|@cloudflare/workers-types)['"]"""
                          r"|\bextends\s+(DurableObject|WorkerEntrypoint|WorkflowEntrypoint)\b"
                          r"|\benv\??\s*:\s*(Env|Bindings|Cloudflare\.Env)\b")   # `private env: Env` (wrangler types)
_BINDING_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")

_CALL_QUERY = """
(call_expression function: (identifier) @fn arguments: (arguments . (string) @arg)) @call
"""


def _side(ctx: FileContext, name: str | None, how: str) -> str:
    if ctx.client_side or how == "import.meta.env":
        return "client"
    if name and name.startswith(_CLIENT_PREFIXES) and not ctx.path.startswith(("pages/api/", "src/pages/api/")):
        return "client" if ctx.client_side else "server"
    return "server"


_WINDOW_TEST = re.compile(r"""^\(?\s*typeof\s+(?:window|document)\s*(===?|!==?)\s*['"]undefined['"]\s*\)?$""")


def server_only(ctx: FileContext, node: ts.Node) -> bool:
    """In a client module, code that runs only on the server: inside `if (typeof window === 'undefined')`,
    or after `if (typeof window !== 'undefined') return …` (tRPC/Next's getBaseUrl: SSR only)."""
    child, n = node, node.parent
    while n is not None and n.type != "program":
        if n.type == "if_statement":
            cond = n.child_by_field_name("condition")
            m = _WINDOW_TEST.match(ctx.node_text(cond).strip()) if cond is not None else None
            if m:
                in_cons = child == n.child_by_field_name("consequence")
                if (m.group(1).startswith("=") and in_cons) or (m.group(1).startswith("!") and not in_cons and
                                                                 child != n.child_by_field_name("condition")):
                    return True
        if n.type == "statement_block":
            for prev in n.named_children:
                if prev.start_byte >= child.start_byte:
                    break
                if prev.type == "if_statement":
                    pc = prev.child_by_field_name("condition")
                    m = _WINDOW_TEST.match(ctx.node_text(pc).strip()) if pc is not None else None
                    cons = prev.child_by_field_name("consequence")
                    if m and m.group(1).startswith("!") and cons is not None and \
                            re.match(r"^\{?\s*return\b", ctx.node_text(cons)) and prev.child_by_field_name("alternative") is None:
                        return True
        if n.type in ("function_declaration", "function_expression", "arrow_function", "method_definition") and \
                n.parent is not None and n.parent.type in ("program", "export_statement"):
            break
        child, n = n, n.parent
    return False


def _js_read(ctx: FileContext, node: ts.Node, name: str | None, how: str, out: FileFacts,
             default_node: ts.Node | None = None, has_default: bool | None = None, raises: bool = False) -> None:
    if has_default is None:
        has_default, default_node = default_of(ctx, node)
    default = literal_text(ctx, default_node) if default_node is not None else None
    fn = enclosing_function(node)
    conditional = is_condition(node)
    side = _side(ctx, name, how)
    if side == "client" and how != "import.meta.env" and server_only(ctx, node):
        side = "server"
    out.env_reads.append(EnvRead(
        name=name, location=ctx.loc(node), how=how, has_default=has_default, default=default,
        raises_when_missing=raises, side=side,
        function=function_name(ctx, fn) if fn is not None else None,
        conditional=conditional, only_if=() if conditional else _js_only_if(ctx, node)))


_JS_ENV_NAME = re.compile(r"(!\s*)?(?:process\??\.env\??\.|import\.meta\.env\??\.|Bun\.env\??\.|"
                          r"\b(?:c|ctx|context|this)\.env\??\.)(\w+)"
                          r"|(!\s*)?process\??\.env\??\.?\[\s*['\"`](\w+)['\"`]\s*\]")
_JS_ABSENT_CMP = re.compile(r"^\s*(===?|!==?)\s*(undefined|null|''|\"\")")


def _js_tested(ctx: FileContext, test: ts.Node) -> tuple[list[str], list[str]]:
    """(names a condition needs present, names it needs absent): `process.env.X`, `process.env.X === 'true'`
    count as present; `!process.env.X`, `process.env.X === undefined` as absent."""
    text = ctx.node_text(test)
    present: list[str] = []
    absent: list[str] = []
    whole_negated = text.lstrip("( ").startswith("!(")
    for m in _JS_ENV_NAME.finditer(text):
        name = m.group(2) or m.group(4)
        negated = bool(m.group(1) or m.group(3))
        cmp = _JS_ABSENT_CMP.match(text, m.end())
        if cmp:
            negated ^= cmp.group(1).startswith("=")
        (absent if negated ^ whole_negated else present).append(name)
    return present, absent


def _js_only_if(ctx: FileContext, node: ts.Node) -> tuple[str, ...]:
    """Variables whose presence the branches around `node` test before it runs: `if (process.env.X) {…}`,
    `process.env.X ? f(process.env.X) : …`, `process.env.X && f(process.env.X)`."""
    out: list[str] = []
    child, n = node, node.parent
    while n is not None and n.type not in ("program", "class_body"):
        if n.type == "if_statement":
            cond = n.child_by_field_name("condition")
            if cond is not None and child != cond:
                present, absent = _js_tested(ctx, cond)
                out.extend(present if child == n.child_by_field_name("consequence") else absent)
        elif n.type == "ternary_expression":
            cond = n.child_by_field_name("condition")
            if cond is not None and child != cond:
                present, absent = _js_tested(ctx, cond)
                out.extend(present if child == n.child_by_field_name("consequence") else absent)
        elif n.type == "binary_expression":
            op = n.child_by_field_name("operator")
            left = n.child_by_field_name("left")
            if op is not None and op.type == "&&" and left is not None and child == n.child_by_field_name("right"):
                out.extend(_js_tested(ctx, left)[0])
        child, n = n, n.parent
    if name := _js_tested_binding(ctx, node):
        out.append(name)
    return tuple(dict.fromkeys(out))


def _js_tested_binding(ctx: FileContext, node: ts.Node) -> str | None:
    """`const header = process.env.CLIENT_IP_HEADER; … if (header) …`: the variable the read is bound to is
    tested before it is relied on (and its missing case is not a throw). Returns the read's name."""
    top = skip_wrappers_up(node)
    decl = top.parent
    if decl is None or decl.type != "variable_declarator" or decl.child_by_field_name("value") != top:
        return None
    ident = decl.child_by_field_name("name")
    if ident is None or ident.type != "identifier":
        return None
    var = re.escape(ctx.node_text(ident))
    scope = enclosing_function(node) or ctx.js_root
    text = ctx.node_text(scope)
    if re.search(r"\bif\s*\(\s*!\s*" + var + r"\s*\)\s*\{?\s*(throw|process\.exit)", text):
        return None
    tested = re.search(r"\bif\s*\(\s*!?\s*" + var + r"\s*[)&|]|(?<![.\w])" + var + r"\s*(\?\?|\|\||&&|\?(?![.?]))|"
                       r"(?<![.\w])" + var + r"\?\.", text)
    if not tested:
        return None
    m = _JS_ENV_NAME.search(ctx.node_text(node))
    return (m.group(2) or m.group(4)) if m else None


# `const enabled = Boolean(process.env.REDIS_URL)` / `= !!process.env.X`: the module switches a feature on
# that variable, so its other reads in the module run only when it is there.
_JS_FLAG = re.compile(r"\b(?:const|let|var)\s+[\w$]+\s*=\s*(?:Boolean\(|!!)\s*([\w.\[\]'\"\s&|()!]*?)\s*[;\n]")
_JS_FLAG_READ = re.compile(r"process\.env\.(\w+)|process\.env\[['\"](\w+)['\"]\]")
_PY_FLAG = re.compile(r"^\s*[\w.]+\s*=\s*bool\(\s*(?:os\.getenv|os\.environ\.get|getenv|environ\.get)\(\s*['\"](\w+)['\"]\s*\)\s*\)",
                      re.M)


def _feature_flags(out: FileFacts, start: int, names: set[str]) -> None:
    """Reads of a variable the module turns into an on/off flag are optional (only_if its own name)."""
    if not names:
        return
    for i in range(start, len(out.env_reads)):
        r = out.env_reads[i]
        if r.name in names and not r.conditional and not r.only_if:
            out.env_reads[i] = replace(r, only_if=(r.name,))


def extract_js(ctx: FileContext, out: FileFacts) -> None:
    start = len(out.env_reads)
    try:
        _extract_js(ctx, out)
    finally:
        _feature_flags(out, start, {a or b for expr in _JS_FLAG.findall(ctx.text)
                                    for a, b in _JS_FLAG_READ.findall(expr)})


def _extract_js(ctx: FileContext, out: FileFacts) -> None:
    caps = ctx.matches(_JS_QUERY)
    wrappers: dict[str, bool] = {}   # local function name -> raises when missing
    for _, c in caps:
        if "dot" in c:
            node = c["dot"][0]
            _js_read(ctx, node, ctx.node_text(c["name"][0]), "process.env", out)
        elif "sub" in c:
            node, index = c["sub"][0], c["index"][0]
            value = string_value(ctx, index) if index.type == "string" else None
            if value is not None and _NAME.match(value):
                _js_read(ctx, node, value, "process.env[]", out)
                continue
            wrapper = _wrapper_function(ctx, node, index)
            if wrapper is not None:
                wrappers[wrapper[0]] = wrapper[1]
                continue
            _js_read(ctx, node, None, "process.env[]", out)
        elif "destructure" in c:
            _destructured(ctx, c["pattern"][0], out)
        elif "vite" in c:
            name = ctx.node_text(c["vname"][0])
            if name not in ("MODE", "DEV", "PROD", "SSR", "BASE_URL"):  # Vite's built-ins
                _js_read(ctx, c["vite"][0], name, "import.meta.env", out)
        elif "deno" in c:
            value = string_value(ctx, c["dname"][0])
            if value and _NAME.match(value):
                _js_read(ctx, c["deno"][0], value, "Deno.env.get", out)
        elif "bun" in c:
            _js_read(ctx, c["bun"][0], ctx.node_text(c["bname"][0]), "Bun.env", out)
    _wrapper_calls(ctx, wrappers, out)
    if _WORKER_FILE.search(ctx.text):
        _worker_reads(ctx, out)


def _worker_reads(ctx: FileContext, out: FileFacts) -> None:
    """`c.env.STRIPE_KEY` in a Hono handler, `this.env.TODOS` in a Durable Object: what wrangler's vars,
    secrets and bindings provide. Only upper-case names: Node adapters put other things on `c.env`."""
    for _, c in ctx.matches(_WORKER_QUERY):
        obj = ctx.node_text(c["_o"][0])
        name = ctx.node_text(c["name"][0])
        if obj not in ("c", "ctx", "context", "this") or not _BINDING_NAME.match(name):
            continue
        _js_read(ctx, c["read"][0], name, "worker env", out)


def _wrapper_function(ctx: FileContext, node: ts.Node, index: ts.Node) -> tuple[str, bool] | None:
    """`function required(name) { const v = process.env[name]; if (!v) throw …; return v }`."""
    if index.type != "identifier":
        return None
    fn = enclosing_function(node)
    if fn is None:
        return None
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
    if params is None:
        return None
    param_names = {ctx.node_text(p).split("=")[0].split(":")[0].strip() for p in
                   (params.named_children if params.type == "formal_parameters" else [params])}
    if ctx.node_text(index) not in param_names:
        return None
    name = function_name(ctx, fn)
    if not name:
        return None
    body = ctx.node_text(fn)
    raises = "throw" in body or "process.exit" in body
    return name, raises


def _wrapper_calls(ctx: FileContext, wrappers: dict[str, bool], out: FileFacts) -> None:
    if not wrappers and not any(w in ctx.text for w in ("Env(", "env(", "ENV(")):
        return
    for _, c in ctx.matches(_CALL_QUERY):
        fn = ctx.node_text(c["fn"][0])
        if fn not in wrappers and not _WRAPPER_NAME.match(fn):
            continue
        value = string_value(ctx, c["arg"][0])
        if not value or not re.match(r"^[A-Z][A-Z0-9_]*$", value):
            continue
        call = c["call"][0]
        args = call.child_by_field_name("arguments")
        second = args.named_children[1] if args is not None and args.named_child_count > 1 else None
        has_default, default_node = (True, second) if second is not None else default_of(ctx, call)
        raises = wrappers.get(fn, bool(_RAISING_WRAPPER.search(fn))) and not has_default
        _js_read(ctx, call, value, f"wrapper:{fn}", out, default_node=default_node, has_default=has_default,
                 raises=raises)


def _destructured(ctx: FileContext, pattern: ts.Node, out: FileFacts) -> None:
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            _js_read(ctx, child, ctx.node_text(child), "destructure", out, has_default=False)
        elif child.type == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            right = child.child_by_field_name("right")
            if left is not None:
                _js_read(ctx, left, ctx.node_text(left), "destructure", out, default_node=right, has_default=True)
        elif child.type == "pair_pattern":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is None:
                continue
            name = ctx.node_text(key).strip("'\"")
            if value is not None and value.type == "assignment_pattern":
                _js_read(ctx, key, name, "destructure", out, default_node=value.child_by_field_name("right"),
                         has_default=True)
            else:
                _js_read(ctx, key, name, "destructure", out, has_default=False)


# ----------------------------------------------------------------------------------------- Python

_GETTERS = {"os.getenv", "getenv", "os.environ.get", "environ.get", "os.environ.setdefault",
            "environ.setdefault", "os.environ.pop"}
_ENVIRON = {"os.environ", "environ"}


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
        return str(node.value)
    return None


def _py_env_name(node: ast.AST) -> str | None:
    """The variable `node` reads, when it is `os.environ["X"]`, `os.getenv("X")`, `os.environ.get("X")`."""
    if isinstance(node, ast.Subscript) and dotted(node.value) in _ENVIRON:
        return const_str(node.slice)
    if isinstance(node, ast.Call) and (dotted(node.func) or "") in _GETTERS and node.args:
        return const_str(node.args[0])
    return None


def _py_tested(test: ast.AST) -> tuple[set[str], set[str]]:
    """(names the test needs present, names it needs absent): `"X" in os.environ`, `os.getenv("X")`,
    `os.environ.get("X") == "s3"` count as present; `not …`, `"X" not in os.environ`, `… is None` as absent."""
    present: set[str] = set()
    absent: set[str] = set()

    def walk(node: ast.AST, negated: bool) -> None:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            walk(node.operand, not negated)
            return
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                walk(v, negated)
            return
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            op, right = node.ops[0], node.comparators[0]
            if isinstance(op, (ast.In, ast.NotIn)) and dotted(right) in _ENVIRON:
                key = const_str(node.left)
                if key:
                    (absent if negated ^ isinstance(op, ast.NotIn) else present).add(key)
                return
            name = _py_env_name(node.left)
            if name:
                none = isinstance(right, ast.Constant) and right.value in (None, "")
                neg = isinstance(op, (ast.Is, ast.Eq)) and none    # `… is None`, `… == ""`
                (absent if negated ^ neg else present).add(name)
                return
        name = _py_env_name(node)
        if name:
            (absent if negated else present).add(name)
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            walk(node.func.value, negated)   # os.environ.get("X", "").lower()

    walk(test, False)
    return present, absent


class _PyVisitor(ast.NodeVisitor):
    def __init__(self, ctx: FileContext, out: FileFacts):
        self.ctx, self.out = ctx, out
        self.parents: list[ast.AST] = []
        self.function: list[str] = []
        self.decouple = "decouple" in ctx.text
        self.environ = "environ" in ctx.text and ("import environ" in ctx.text or "from environ" in ctx.text)
        self.tested_names = _names_tested(ctx.py_tree)

    def _only_if(self, node: ast.AST, name: str | None) -> tuple[str, ...]:
        """Variables whose presence the branches around `node` test before it runs."""
        out: list[str] = []
        child = node
        for anc in reversed(self.parents):
            if isinstance(anc, (ast.If, ast.IfExp, ast.While)):
                present, absent = _py_tested(anc.test)
                if child is not anc.test:
                    in_body = child in anc.body if isinstance(anc.body, list) else child is anc.body
                    out.extend(present if in_body else absent)
            elif isinstance(anc, ast.BoolOp) and isinstance(anc.op, ast.And):
                for v in anc.values:
                    if v is child:
                        break
                    out.extend(_py_tested(v)[0])
            elif isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                break
            child = anc
        # `X = os.getenv("X")` … `if X:`: a value the code tests before it relies on it
        # (through `os.environ.get("A", os.environ.get("B"))` and `os.getenv("A") or os.getenv("B")`)
        cur, i = node, len(self.parents) - 1
        while i >= 0 and (isinstance(self.parents[i], ast.BoolOp) or (
                isinstance(self.parents[i], ast.Call) and (dotted(self.parents[i].func) or "") in _GETTERS)):
            cur, i = self.parents[i], i - 1
        parent = self.parents[i] if i >= 0 else None
        if name and isinstance(node, ast.Call) and isinstance(parent, (ast.Assign, ast.AnnAssign)) and \
                parent.value is cur:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if any(_target_name(t) in self.tested_names for t in targets):
                out.append(name)
        return tuple(dict.fromkeys(out))

    def generic_visit(self, node: ast.AST) -> None:
        self.parents.append(node)
        super().generic_visit(node)
        self.parents.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.function.append(node.name)
        self.generic_visit(node)
        self.function.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if any((dotted(b) or "").rsplit(".", 1)[-1] in ("BaseSettings",) for b in node.bases):
            _settings_fields(self.ctx, node, self.out)
        self.generic_visit(node)

    def _add(self, node: ast.AST, name: str | None, how: str, *, default: ast.AST | None = None,
             has_default: bool = False, raises: bool = False) -> None:
        parent = self.parents[-1] if self.parents else None
        if not has_default and isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or) and \
                parent.values[0] is node and len(parent.values) > 1:
            has_default, default = True, parent.values[1]
        conditional = isinstance(parent, (ast.Compare, ast.If, ast.IfExp, ast.UnaryOp)) and not (
            isinstance(parent, ast.IfExp) and parent.test is not node) or (
            isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.And) and parent.values[-1] is not node)
        self.out.env_reads.append(EnvRead(
            name=name, location=self.ctx.loc(node), how=how, has_default=has_default,
            default=_literal(default) if default is not None else None, raises_when_missing=raises,
            side="server", function=self.function[-1] if self.function else None, conditional=conditional,
            only_if=self._only_if(node, name) if not conditional else ()))

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if dotted(node.value) in _ENVIRON and isinstance(node.ctx, ast.Load):
            key = const_str(node.slice)
            self._add(node, key if key and _NAME.match(key) else None, "os.environ[]", raises=True)
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        # "X" in os.environ
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) and \
                dotted(node.comparators[0]) in _ENVIRON:
            key = const_str(node.left)
            if key:
                self.out.env_reads.append(EnvRead(key, self.ctx.loc(node), "in os.environ", conditional=True,
                                                  function=self.function[-1] if self.function else None))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        callee = dotted(node.func) or ""
        if callee in _GETTERS:
            key = const_str(node.args[0]) if node.args else None
            default = node.args[1] if len(node.args) > 1 else keyword(node, "default")
            self._add(node, key if key and _NAME.match(key) else None, callee, default=default,
                      has_default=default is not None and not (isinstance(default, ast.Constant) and default.value is None)
                      or callee.endswith("setdefault"))
        elif callee.endswith(("dj_database_url.config", "db_url.config")) and "dj_database_url" in self.ctx.text:
            env_kw = keyword(node, "env")
            key = const_str(env_kw) if env_kw is not None else "DATABASE_URL"
            default = keyword(node, "default")
            if key and _NAME.match(key):
                self._add(node, key, "dj_database_url", default=default, has_default=default is not None)
        elif (self.decouple and callee in ("config", "decouple.config")) or \
                (self.environ and (callee == "env" or re.match(r"^env\.(str|bool|int|float|list|dict|url|db|db_url|cache|cache_url|email|email_url|json|path|tuple|search_url)$", callee))):
            key = const_str(node.args[0]) if node.args else None
            if callee in ("env.db", "env.db_url") and not key:
                key = "DATABASE_URL"
            if callee in ("env.cache", "env.cache_url") and not key:
                key = "CACHE_URL"
            default = keyword(node, "default")
            if default is None and callee.startswith("env.") and len(node.args) > 1:
                default = node.args[1]
            if key and _NAME.match(key):
                self._add(node, key, "decouple" if callee.endswith("config") else "django-environ",
                          default=default, has_default=default is not None, raises=default is None)
        self.generic_visit(node)


def _target_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _stops(body: list[ast.stmt]) -> bool:
    """The branch can fail the program: `raise …`, `sys.exit(…)`, also inside a nested `if` (`if DEBUG: use a
    default else: raise ImproperlyConfigured(…)`: production takes the raising side)."""
    for stmt in body:
        if isinstance(stmt, ast.Raise):
            return True
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                (dotted(stmt.value.func) or "") in ("sys.exit", "exit", "quit", "os._exit"):
            return True
        if isinstance(stmt, ast.If) and (_stops(stmt.body) or _stops(stmt.orelse)):
            return True
    return False


def _names_tested(tree: ast.AST) -> set[str]:
    """Names (and attributes) the module tests before relying on them, where the missing case is
    handled rather than fatal: `if X:`, `if not self.X: return`, `X if X else …`, `X and f(X)`. A test
    whose missing-branch raises or exits (`if not X: raise RuntimeError(…)`) makes X required: not counted."""
    out: set[str] = set()

    def add(test: ast.AST, negated: bool, body: list[ast.stmt], orelse: list[ast.stmt]) -> None:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            add(test.operand, not negated, body, orelse)
        elif isinstance(test, ast.BoolOp):
            for v in test.values:
                add(v, negated, body, orelse)
        elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot)):
            add(test.left, negated ^ isinstance(test.ops[0], ast.Is), body, orelse)
        else:
            name = _target_name(test)
            if name and not _stops(body if negated else orelse):   # the branch taken when it is missing
                out.add(name)

    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            add(node.test, False, node.body, node.orelse)
        elif isinstance(node, (ast.IfExp, ast.While)):
            add(node.test, False, [], [])
        elif isinstance(node, ast.BoolOp):
            for v in node.values[:-1]:
                add(v, False, [], [])
    return out


def _settings_fields(ctx: FileContext, cls: ast.ClassDef, out: FileFacts) -> None:
    """pydantic BaseSettings: each annotated field is an env read named PREFIX + FIELD (upper-cased)."""
    prefix = ""
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "model_config" for t in stmt.targets):
            if isinstance(stmt.value, ast.Call):
                prefix = const_str(keyword(stmt.value, "env_prefix")) or prefix
            elif isinstance(stmt.value, ast.Dict):
                for k, v in zip(stmt.value.keys, stmt.value.values):
                    if const_str(k) == "env_prefix":
                        prefix = const_str(v) or prefix
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            for s in stmt.body:
                if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "env_prefix" for t in s.targets):
                    prefix = const_str(s.value) or prefix
    for stmt in cls.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        field = stmt.target.id
        if field.startswith("_") or field == "model_config":
            continue
        if isinstance(stmt.annotation, ast.Name) and stmt.annotation.id == "ClassVar":
            continue
        name = (prefix + field).upper()
        value = stmt.value
        has_default, default = value is not None, value
        if isinstance(value, ast.Call) and (dotted(value.func) or "").endswith("Field"):
            alias = const_str(keyword(value, "validation_alias")) or const_str(keyword(value, "alias")) or \
                const_str(keyword(value, "env"))
            if alias:
                name = alias.upper()
            default = keyword(value, "default") or (value.args[0] if value.args else None)
            has_default = default is not None and not (isinstance(default, ast.Constant) and default.value is Ellipsis) \
                or keyword(value, "default_factory") is not None
        optional = "None" in ast.unparse(stmt.annotation) or "Optional" in ast.unparse(stmt.annotation)
        out.env_reads.append(EnvRead(
            name=name, location=ctx.loc(stmt), how="BaseSettings", has_default=has_default or optional,
            default=_literal(default) if default is not None else None,
            raises_when_missing=not (has_default or optional), side="server", function=cls.name))


def extract_py(ctx: FileContext, out: FileFacts) -> None:
    start = len(out.env_reads)
    _PyVisitor(ctx, out).visit(ctx.py_tree)
    _feature_flags(out, start, set(_PY_FLAG.findall(ctx.text)))


_PRISMA_ENV = re.compile(r'\benv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)')


def extract_prisma(ctx: FileContext, out: FileFacts) -> None:
    """`url = env("DATABASE_URL")` in schema.prisma: read by Prisma at run time."""
    if not ctx.path.endswith(".prisma"):
        return
    for lineno, line in ctx.iter_lines():
        if line.lstrip().startswith("//"):
            continue
        for m in _PRISMA_ENV.finditer(line):
            out.env_reads.append(EnvRead(m.group(1), ctx.loc(lineno, m.start(1)), "prisma env()",
                                         raises_when_missing=True))


_APP_ROLES = frozenset({Role.APP, Role.MIGRATION, Role.BUILD_CONFIG, Role.SCRIPT, Role.TEST, Role.DEV_CONFIG})

EXTRACTORS = (
    Extractor("env-reads-js", extract_js, languages=JS, roles=_APP_ROLES,
              triggers=("process.env", "import.meta.env", "Deno.env", "Bun.env", "c.env.", "this.env.", "ctx.env.",
                        "Env(", "env(")),
    Extractor("env-reads-py", extract_py, languages=PY, roles=_APP_ROLES,
              triggers=("environ", "getenv", "BaseSettings", "decouple", "dj_database_url")),
    Extractor("env-reads-prisma", extract_prisma, roles=frozenset({Role.OTHER, Role.APP}), triggers=('env("',)),
)
