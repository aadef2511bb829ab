"""The light call graph: after every file is extracted, follow calls into local modules.

Over facts only (never trees):
1. resolve each `Import` to a repository file (`./db`, `../lib/db.ts`, `index.js`, `@/lib/db`,
   Python packages and relative imports);
2. give every `CallSite` that calls an imported local function its `target` (Function.id),
   following re-exports (`export * from`, a package `__init__.py`);
3. mark request handlers named by route registrations (`router.get('/', ctrl.list)`) and by the
   route extractors (`Route.handler`);
4. compute per function the external kinds it reaches (`kinds`), the kinds whose failures can escape
   it unhandled (`raises`), and the request handlers it is reached from (`reached_from`).
"""
from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import replace

from deploycheck.project.model import CallSite, Function, Import, Project

BASEURL_DIRS = frozenset({"src", "lib", "libs", "app", "server", "api", "components", "utils", "util", "services",
                          "service", "models", "model", "controllers", "routes", "config", "helpers", "db",
                          "database", "middleware", "middlewares", "core", "modules", "common", "shared",
                          "handlers", "jobs", "workers", "queues", "integrations", "clients", "repositories"})
_JS_EXT = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
MAX_DEPTH = 6
MAX_REACHED = 8


# ---------------------------------------------------------------------------------- module resolution


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    out = []
    for i in range(len(parts), -1, -1):
        out.append("/".join(parts[:i]))
    return out


_NOT_NORMAL = re.compile(r"(?:^|/)\.{1,2}(?:/|$)|//|^/|/$")


def _join(base: str, rel: str) -> str:
    if base and rel and not _NOT_NORMAL.search(base) and not _NOT_NORMAL.search(rel):
        return f"{base}/{rel}"     # both already normal: what normpath(join()) would give
    p = posixpath.normpath(posixpath.join(base, rel)) if base else posixpath.normpath(rel)
    return "" if p == "." else p


def js_stems(files: set[str] | dict[str, str]) -> dict[str, str]:
    """'src/db' -> 'src/db.ts', 'src/lib' -> 'src/lib/index.js': one lookup per candidate path."""
    if isinstance(files, dict):
        return files
    out: dict[str, str] = {}
    for f in sorted(files, key=lambda p: next((i for i, e in enumerate(_JS_EXT) if p.endswith(e)), 99)):
        for ext in _JS_EXT:
            if f.endswith(ext):
                stem = f[: -len(ext)]
                out.setdefault(stem, f)
                if stem.endswith("/index"):
                    out.setdefault(stem[: -len("/index")], f)
                break
    return out


def resolve_js(importer: str, source: str, files: set[str] | dict[str, str]) -> str | None:
    if not source:
        return None
    stems = js_stems(files)
    base = posixpath.dirname(importer)
    cands: list[str] = []
    if source.startswith("."):
        cands.append(_join(base, source))
    else:
        spec = source
        if spec.startswith(("@/", "~/", "#/")):
            spec = spec[2:]
        elif spec.startswith(("#", "~")):
            spec = spec[1:]
        elif "/" not in spec or spec.startswith("@") or spec.split("/", 1)[0] not in BASEURL_DIRS:
            return None   # a package ('react', 'next/server', '@acme/ui'), not a path in this repository
        for anc in _ancestors(importer):
            cands.append(_join(anc, spec))
            cands.append(_join(anc, "src/" + spec))
    for c in cands:
        if not c or c.startswith(".."):
            continue
        hit = stems.get(c)
        if hit is not None and (hit == c or not c.endswith(_JS_EXT)):
            return hit
        for ext in (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx"):
            if c.endswith(ext):
                hit = stems.get(c[: -len(ext)])   # TS ESM style: './db.js' is db.ts
                if hit is not None:
                    return hit
                break
    return None


def resolve_py(importer: str, source: str, files: set[str]) -> str | None:
    """`services.sms`, `.db`, `..lib.db`, `app.db` -> the module file (or a package's __init__.py)."""
    if not source:
        return None
    level = len(source) - len(source.lstrip("."))
    mod = source[level:]
    parts = [p for p in mod.split(".") if p]
    if level:
        base = posixpath.dirname(importer)
        for _ in range(level - 1):
            base = posixpath.dirname(base)
        bases = [base]
    else:
        bases = _ancestors(importer)
        bases += ["src/" + b if b else "src" for b in bases if not b.startswith("src")]
    for b in bases:
        stem = "/".join(([b] if b else []) + parts)
        if not stem:
            if level and f"{b}/__init__.py".lstrip("/") in files:
                return f"{b}/__init__.py".lstrip("/")
            continue
        if stem + ".py" in files:
            return stem + ".py"
        if stem + "/__init__.py" in files:
            return stem + "/__init__.py"
    return None


# ---------------------------------------------------------------------------------- linking


class _Index:
    def __init__(self, project: Project):
        self.files = {f.path for f in project.files}
        self.by_file: dict[str, dict[str, list[Function]]] = defaultdict(lambda: defaultdict(list))
        self.by_id: dict[str, Function] = {}
        self.default_export: dict[str, Function] = {}
        for fn in project.functions:
            path = fn.location.path or ""
            self.by_id[fn.id] = fn
            if fn.name and fn.name != "<module>":
                self.by_file[path][fn.name].append(fn)
            if "export-default" in fn.facts or (fn.name == "default" and fn.exported):
                self.default_export.setdefault(path, fn)
        self.imports: dict[str, list[Import]] = defaultdict(list)

    def function_in(self, module: str, name: str, seen: frozenset[str] = frozenset()) -> Function | None:
        if module in seen or len(seen) > 4:
            return None
        cands = self.by_file.get(module, {}).get(name)
        if cands:
            return next((c for c in cands if c.exported), cands[0])
        # re-exports: `export { name } from './x'`, `from .x import name` in __init__.py, `export * from`
        for imp in self.imports.get(module, ()):
            if imp.resolved is None:
                continue
            if imp.local == name:
                target = self.function_in(imp.resolved, imp.imported or name, seen | {module}) \
                    if imp.imported not in (None, "*") else self.default_export.get(imp.resolved)
                if target is not None:
                    return target
            elif imp.local in ("*", "*reexport") or imp.imported == "*" and imp.local == "":
                target = self.function_in(imp.resolved, name, seen | {module})
                if target is not None:
                    return target
        return None


def link_calls(project: Project) -> None:
    idx = _Index(project)
    # 1. imports (this module's own table, resolved to files; project.imports belongs to the routes linker)
    new_imports = []
    js_memo: dict[tuple[str, str], str | None] = {}
    stems = js_stems(idx.files)
    # barrel files (`export * from './workspace'` in lib/auth/index.ts) have no calls, so only the routes'
    # import facts know them: their star re-exports let a name be followed through the barrel
    stars = [replace(i, resolved=None) for i in project.imports
             if i.local == "*" and i.imported == "*" and i.location is not None]
    for imp in [*project.extra.get("call_imports", []), *stars]:
        path = imp.location.path or ""
        resolved = imp.resolved
        if resolved is None:
            if path.endswith((".py", ".pyw")):
                sub = None
                if imp.imported and imp.imported != "*":
                    # `from services import sms`: the imported name may itself be a module
                    joined = imp.source + imp.imported if imp.source.endswith(".") else f"{imp.source}.{imp.imported}"
                    sub = resolve_py(path, joined, idx.files)
                if sub is not None:
                    resolved = sub
                    imp = replace(imp, imported=None)
                else:
                    resolved = resolve_py(path, imp.source, idx.files)
            else:
                key = (posixpath.dirname(path), imp.source)
                if key not in js_memo:
                    js_memo[key] = resolve_js(path, imp.source, stems)
                resolved = js_memo[key]
        if resolved != imp.resolved:
            imp = replace(imp, resolved=resolved)
        new_imports.append(imp)
        idx.imports[path].append(imp)
    project.extra["call_imports"] = new_imports

    # 2. call targets
    functions = list(project.functions)
    changed: dict[str, Function] = {}
    for fn in functions:
        path = fn.location.path or ""
        imports = {i.local: i for i in idx.imports.get(path, ()) if i.local and i.resolved}
        new_calls = []
        dirty = False
        for cs in fn.calls:
            if cs.target is None and (cs.kind is None or cs.callee.split(".")[0] in imports):
                t = _resolve_call(cs.callee, imports, idx, path)
                if t is not None:
                    # `db.query()` where ./db exports a `query` wrapper: the wrapper's own summary
                    # (its kinds, its try/catch) decides, not the name
                    cs = replace(cs, target=t.id, kind=None, write=cs.write or False)
                    dirty = True
            new_calls.append(cs)
        if dirty:
            changed[fn.id] = replace(fn, calls=tuple(new_calls))
    if changed:
        functions = [changed.get(f.id, f) for f in functions]
        idx.by_id.update(changed)

    # 3. handlers named elsewhere
    marks: dict[str, tuple[str, str | None]] = {}
    for ref in project.extra.get("handler_refs", []):
        try:
            path, name, framework, _line, wrapper = ref
        except ValueError:
            continue
        imports = {i.local: i for i in idx.imports.get(path, ()) if i.local and i.resolved}
        target = None
        if "." not in name and idx.by_file.get(path, {}).get(name):
            target = idx.by_file[path][name][0]
        if target is None:
            target = _resolve_call(name, imports, idx, path)
        if target is not None:
            marks.setdefault(target.id, (framework, wrapper or None))
    catching: dict[str, str] = {}    # handler id -> the wrapper that catches its errors
    by_path_line: dict[tuple[str, int], Function] = {}
    for fn in functions:
        by_path_line.setdefault((fn.location.path or "", fn.location.line or 0), fn)
    for route in project.routes:
        fn = idx.by_id.get(route.handler or "")
        if fn is None and route.handler_location is not None:
            fn = by_path_line.get((route.handler_location.path or "", route.handler_location.line or 0))
        if fn is None and route.handler and "@" in route.handler:
            p, _, ln = route.handler.rpartition("@")
            try:
                fn = by_path_line.get((p.split("#")[0], int(ln)))
            except ValueError:
                fn = None
        if fn is not None:
            marks[fn.id] = (route.framework, marks.get(fn.id, (None, None))[1])
            if route.framework in ("nextjs-app", "nextjs-pages", "nextjs-action") and fn.id not in catching:
                # `export const GET = withWorkspace(async (…) => …)`: a wrapper whose own try/catch turns
                # any error of the handler into a response covers the handler's calls
                path = route.location.path or ""
                imports = {i.local: i for i in idx.imports.get(path, ()) if i.local and i.resolved}
                for g in route.guards:
                    if g.kind == "decorator" and g.location is not None and g.location.path == path and \
                            re.fullmatch(r"[A-Za-z_$][\w$]*", g.name):
                        w = (idx.by_file.get(path, {}).get(g.name) or [None])[0] or \
                            _resolve_call(g.name, imports, idx, path)
                        if w is not None and _catches_for_callers(w, idx):
                            catching[fn.id] = g.name
                            break
    if marks:
        functions = [_mark(f, marks[f.id]) if f.id in marks else f for f in functions]
    if catching:
        functions = [replace(f, facts=f.facts + ("wrapper-catches",)) if f.id in catching else f for f in functions]
    by_id = {f.id: f for f in functions}

    # 4. transitive kinds, escaping failures, reachability from handlers
    kinds_memo: dict[str, frozenset[str]] = {}
    raises_memo: dict[str, frozenset[str]] = {}

    def kinds(fid: str, depth: int, stack: set[str]) -> frozenset[str]:
        if fid in kinds_memo:
            return kinds_memo[fid]
        fn = by_id.get(fid)
        if fn is None or fid in stack or depth > MAX_DEPTH:
            return frozenset()
        stack.add(fid)
        out = set()
        for cs in fn.calls:
            if cs.kind:
                out.add(cs.kind)
            elif cs.target:
                out |= kinds(cs.target, depth + 1, stack)
        stack.discard(fid)
        res = frozenset(out)
        kinds_memo[fid] = res
        return res

    def raises(fid: str, depth: int, stack: set[str]) -> frozenset[str]:
        if fid in raises_memo:
            return raises_memo[fid]
        fn = by_id.get(fid)
        if fn is None or fid in stack or depth > MAX_DEPTH:
            return frozenset()
        stack.add(fid)
        out = set()
        for cs in fn.calls:
            if guarded(cs):
                continue
            if cs.kind:
                if cs.floating:
                    continue
                out.add(cs.kind)
            elif cs.target:
                if cs.floating:
                    continue
                out |= raises(cs.target, depth + 1, stack)
        stack.discard(fid)
        res = frozenset(out)
        raises_memo[fid] = res
        return res

    reached: dict[str, list[str]] = defaultdict(list)
    for fn in functions:
        if not fn.handler:
            continue
        frontier = [fn.id]
        seen = {fn.id}
        for _ in range(MAX_DEPTH):
            nxt = []
            for fid in frontier:
                f = by_id.get(fid)
                if f is None:
                    continue
                for cs in f.calls:
                    t = cs.target
                    if t and t not in seen:
                        seen.add(t)
                        nxt.append(t)
                        if len(reached[t]) < MAX_REACHED:
                            reached[t].append(fn.id)
            frontier = nxt
            if not frontier:
                break

    final = []
    for fn in functions:
        k = tuple(sorted(kinds(fn.id, 0, set())))
        r = tuple(sorted(raises(fn.id, 0, set())))
        rf = tuple(x for x in reached.get(fn.id, ()) if x != fn.id)
        if k != fn.kinds or r != fn.raises or rf != fn.reached_from:
            fn = replace(fn, kinds=k, raises=r, reached_from=rf)
        final.append(fn)
    project.functions = final
    project._fn_by_id = {}


def guarded(cs: CallSite) -> bool:
    """The call's failure is caught where it is made (try/except or .catch) and not simply rethrown."""
    if not (cs.in_try or cs.has_catch):
        return False
    return cs.catch not in ("rethrow",)


_HANDLING = frozenset({"respond-error", "respond-success", "log-only", "return", "next", "other"})


def _catches_for_callers(w: Function, idx: _Index) -> bool:
    """Does the wrapper (or the function it returns) catch every error and answer or log it?"""
    path = w.location.path or ""
    start, end = w.location.line or 0, w.end_line or 0
    for fns in idx.by_file.get(path, {}).values():
        for f in fns:
            if start <= (f.location.line or 0) <= end and \
                    any(c.broad and not c.chained and c.action in _HANDLING for c in f.catches):
                return True
    return False


def _mark(fn: Function, mark: tuple[str | None, str | None]) -> Function:
    framework, wrapper = mark
    changes = {}
    if framework and (fn.handler is None or fn.handler in ("req-res", "route")):
        changes["handler"] = framework
    if wrapper and not fn.wrapped:
        changes["wrapped"] = wrapper
    return replace(fn, **changes) if changes else fn


def _resolve_call(callee: str, imports: dict[str, Import], idx: _Index, path: str) -> Function | None:
    parts = callee.split(".")
    root = parts[0]
    imp = imports.get(root)
    if imp is None or imp.resolved is None:
        return None
    members = parts[1:]
    module = imp.resolved
    if members and imp.imported and imp.imported not in ("*", "default"):
        # `const { userService } = require('./services')` where services/index.js re-exports a module
        # under that name: `module.exports.userService = require('./user.service')`
        for sub in idx.imports.get(module, ()):
            if sub.local == imp.imported and sub.resolved and sub.imported in (None, "*", "default"):
                module = sub.resolved
                break
    if not members:
        if imp.imported in (None, "*reexport") and imp.local != "*":
            fn = idx.default_export.get(module)
            if fn is not None:
                return fn
            return idx.function_in(module, root)
        return idx.function_in(module, imp.imported or root)
    if len(members) == 1:
        if imp.imported and imp.imported != "*" and not path.endswith(".py"):
            # `import { db } from './db'; db.query()`: a method of an exported object
            return idx.function_in(module, members[0])
        return idx.function_in(module, members[0])
    # python `import services.sms` then `services.sms.send_sms()`
    if path.endswith(".py"):
        sub = resolve_py(path, ".".join([imp.source] + members[:-1]), idx.files)
        if sub is not None:
            return idx.function_in(sub, members[-1])
    return None
