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

from deploycheck.project.model import FileFacts, Import, Language, Role
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


def extract_js(ctx: FileContext, facts: FileFacts) -> None:
    root = ctx.js_root
    out: list[Import] = []
    for _i, m in ctx.matches(_Q_JS):
        if "import" in m:
            node = m["import"][0]
            spec = ctx.node_text(m["source"][0]).strip("'\"`")
            resolved = resolve_js_spec(ctx.path, spec)
            loc = ctx.loc(node)
            clause = next((c for c in node.named_children if c.type == "import_clause"), None)
            if clause is None:
                continue
            for c in clause.named_children:
                if c.type == "identifier":
                    out.append(Import(loc, ctx.node_text(c), spec, "default", resolved))
                elif c.type == "namespace_import":
                    ident = next((x for x in c.named_children if x.type == "identifier"), None)
                    if ident is not None:
                        out.append(Import(loc, ctx.node_text(ident), spec, None, resolved))
                elif c.type == "named_imports":
                    for s in c.named_children:
                        if s.type != "import_specifier":
                            continue
                        n = s.child_by_field_name("name")
                        a = s.child_by_field_name("alias")
                        if n is not None:
                            out.append(Import(loc, ctx.node_text(a if a is not None else n), spec,
                                              ctx.node_text(n), resolved))
        elif "decl" in m:
            if "req" in m and ctx.node_text(m["req"][0]) != "require":
                continue
            node = m["decl"][0]
            spec = ctx.node_text(m["spec"][0]).strip("'\"`")
            resolved = resolve_js_spec(ctx.path, spec)
            loc = ctx.loc(node)
            name = m["name"][0]
            member = ctx.node_text(m["member"][0]) if "member" in m else None
            if name.type == "identifier":
                out.append(Import(loc, ctx.node_text(name), spec, member, resolved))
            elif name.type == "object_pattern":
                for c in name.named_children:
                    if c.type == "shorthand_property_identifier_pattern":
                        out.append(Import(loc, ctx.node_text(c), spec, ctx.node_text(c), resolved))
                    elif c.type == "pair_pattern":
                        k = c.child_by_field_name("key")
                        v = c.child_by_field_name("value")
                        if k is not None and v is not None and v.type == "identifier":
                            out.append(Import(loc, ctx.node_text(v), spec, ctx.node_text(k), resolved))
    del root
    facts.imports.extend(out)


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
        Extractor("imports.js", extract_js, languages=JS, roles=roles, triggers=("import ", "require(")),
        Extractor("imports.py", extract_py, languages=PY, roles=roles, triggers=("import ",)),
    )


EXTRACTORS = _extractors()
_ = (re, Language)
