"""Import facts: which local name a module binds to which module specifier (and which exported name).

JavaScript/TypeScript: `import X from './a'`, `import { a as b } from './a'`, `import * as ns from './a'`,
`const X = require('./a')`, `const { a } = require('./a')`. Python: `import a.b`, `import a.b as c`,
`from a.b import c as d`, `from . import views`, `from .models import Note`.

`Import.resolved` is the repository-relative path the specifier points at *before* looking at the
file system (no extension for JavaScript: './routes/notes' from src/app.js -> 'src/routes/notes';
dotted for absolute Python modules: 'app.routers'); the routes linker matches it against the files
that exist (extensions, index files, packages, tsconfig-style `@/` aliases).
"""
from __future__ import annotations

import ast
import posixpath
import re

from deploycheck.project.model import FileFacts, Import, Role
from deploycheck.project.parse import FileContext

_Q_JS = """
(import_statement source: (string) @source) @import
(variable_declarator
  name: (_) @name
  value: [
    (call_expression function: (identifier) @req arguments: (arguments . (string) @spec))
    (member_expression object: (call_expression function: (identifier) @req arguments: (arguments . (string) @spec)) property: (property_identifier) @member)
    (await_expression (call_expression function: (import) arguments: (arguments . (string) @spec)))
  ]) @decl
"""


def resolve_js_spec(importer: str, spec: str) -> str | None:
    """'src/app.js' + './routes/notes' -> 'src/routes/notes'; aliases keep their prefix ('@/lib/db')."""
    if spec.startswith("."):
        base = posixpath.dirname(importer)
        return posixpath.normpath(posixpath.join(base, spec)).lstrip("./") or "."
    if spec.startswith(("@/", "~/", "#/", "$lib/", "src/")):
        return spec
    return None


_JS_IMPORT = re.compile(
    r"""^[ \t]*import\s+(?!type\b)([\w$*{},\s]+?)\s+from\s+['"]([^'"]+)['"]"""
    r"""|^[ \t]*import\s+type\s+[\w$*{},\s]+?\s+from\s+['"][^'"]+['"]"""
    r"""|(?:const|let|var)\s+([\w$]+|\{[^}=]*\})\s*=\s*(?:await\s+)?require\(\s*['"]([^'"]+)['"]\s*\)(?:\s*\.\s*([\w$]+))?""",
    re.M | re.S)


def extract_js(ctx: FileContext, facts: FileFacts) -> None:
    """Regex-read (no parse needed): `import` declarations and `require` bindings. React components
    (client code, .jsx/.tsx outside route handlers and server actions) register no routes, guards or
    data helpers, so their imports are not needed."""
    if ctx.client_side or (ctx.path.endswith((".tsx", ".jsx")) and not re.search(
            r"(?:^|/)(?:route|middleware|proxy)\.[jt]sx$|(?:^|/)pages/api/", ctx.path) and "use server" not in ctx.text):
        return
    out: list[Import] = []
    text = ctx.text
    line, pos = 1, 0
    for m in _JS_IMPORT.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        loc = ctx.loc(line)
        if m.group(2):
            spec = m.group(2)
            resolved = resolve_js_spec(ctx.path, spec)
            clause = " ".join(m.group(1).split())
            default, _, rest = clause.partition(",") if not clause.startswith(("{", "*")) else ("", "", clause)
            default = default.strip()
            if default and re.fullmatch(r"[\w$]+", default):
                out.append(Import(loc, default, spec, "default", resolved))
            rest = rest.strip()
            ns = re.match(r"\*\s*as\s+([\w$]+)", rest)
            if ns:
                out.append(Import(loc, ns.group(1), spec, None, resolved))
            named = re.search(r"\{([^}]*)\}", rest)
            if named:
                for part in named.group(1).split(","):
                    part = part.strip()
                    if not part or part.startswith("type "):
                        continue
                    name, _, alias = part.partition(" as ")
                    name, alias = name.strip(), alias.strip()
                    if re.fullmatch(r"[\w$]+", name):
                        out.append(Import(loc, alias or name, spec, name, resolved))
        elif m.group(4):
            spec = m.group(4)
            resolved = resolve_js_spec(ctx.path, spec)
            target, member = m.group(3), m.group(5)
            if target.startswith("{"):
                for part in target.strip("{} \n").split(","):
                    part = part.strip()
                    if not part:
                        continue
                    key, _, local = part.partition(":")
                    key, local = key.strip(), (local.strip() or key.strip())
                    if re.fullmatch(r"[\w$]+", key) and re.fullmatch(r"[\w$]+", local):
                        out.append(Import(loc, local, spec, key, resolved))
            else:
                out.append(Import(loc, target, spec, member, resolved))
    if "export" in text:
        _reexports_js(ctx, out)
    facts.imports.extend(out)


_JS_REEXPORT = re.compile(r"""^[ \t]*export\s+(?!type\b)(\*(?:\s+as\s+([\w$]+))?|\{[^}]*\})\s*from\s+['"]([^'"]+)['"]""",
                          re.M)


def _reexports_js(ctx: FileContext, out: list[Import]) -> None:
    """`export { requireAuth, x as y } from './auth'` binds names like an import does; `export * from
    './workspace'` (a barrel file) is kept as the local name `*` so the linker can look names up through it."""
    text = ctx.text
    for m in _JS_REEXPORT.finditer(text):
        loc = ctx.loc(text.count("\n", 0, m.start()) + 1)
        spec = m.group(3)
        resolved = resolve_js_spec(ctx.path, spec)
        clause = m.group(1)
        if clause.startswith("*"):
            if m.group(2):          # export * as ns from './x'
                out.append(Import(loc, m.group(2), spec, None, resolved))
            else:
                out.append(Import(loc, "*", spec, "*", resolved))
            continue
        for part in clause.strip("{} \n").split(","):
            part = part.strip()
            if not part or part.startswith("type "):
                continue
            name, _, alias = part.partition(" as ")
            name, alias = name.strip(), alias.strip()
            if re.fullmatch(r"[\w$]+", name) and (not alias or re.fullmatch(r"[\w$]+", alias)):
                out.append(Import(loc, alias or name, spec, name, resolved))


def resolve_py_module(importer: str, module: str | None, level: int) -> str:
    """Dotted module name, made absolute against the importer's package for relative imports
    ('routes/appointments.py', 'auth', 0) -> 'auth'; ('notes/views.py', 'models', 1) -> 'notes.models'."""
    if level == 0:
        return module or ""
    parts = importer.split("/")[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if len(parts) >= level - 1 else []
    base = ".".join(parts)
    if module:
        return f"{base}.{module}" if base else module
    return base


def extract_py(ctx: FileContext, facts: FileFacts) -> None:
    tree = ctx.py_tree
    out: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                local = a.asname or a.name.split(".")[0]
                out.append(Import(ctx.loc(node), local, a.name, None, a.name if a.asname else a.name.split(".")[0]))
        elif isinstance(node, ast.ImportFrom):
            mod = resolve_py_module(ctx.path, node.module, node.level or 0)
            spec = "." * (node.level or 0) + (node.module or "")
            for a in node.names:
                if a.name == "*":
                    continue
                out.append(Import(ctx.loc(node), a.asname or a.name, spec, a.name, mod))
    facts.imports.extend(out)


def _extractors():
    from deploycheck.project.extract import JS, PY, Extractor
    roles = frozenset({Role.APP, Role.SCRIPT, Role.BUILD_CONFIG})
    return (
        Extractor("imports.js", extract_js, languages=JS, roles=roles, triggers=("import ", "require(", "export ")),
        Extractor("imports.py", extract_py, languages=PY, roles=roles, triggers=("import ",)),
    )


EXTRACTORS = _extractors()