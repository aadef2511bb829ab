"""The routes linker: turns the raw per-file route facts into final `Route`s.

* Full paths: a route registered on a router gets the prefixes of every mount of that router up to
  an application (`app.use('/api/notes', noteRoutes)` in another file, `register_blueprint(bp,
  url_prefix=…)`, `include_router(r, prefix=…)`, `app.register(plugin, { prefix })`, Hono `route`).
  A router mounted twice yields its routes twice; a router mounted nowhere keeps its own paths.
* Guards in order: app-level, then each router's, then the route's own, then guards in the handler
  body. Express/Hono `use` middleware only counts when registered before the route (or the mount)
  and when its path covers it; Fastify/Flask hooks cover their whole router (and Fastify's
  `fastify-plugin`-wrapped plugins leak their hooks into the parent).
* Whether a middleware/decorator/dependency authenticates is decided by its body when its code is in
  the repository (`FnSummary.guard`), across imports; by its name otherwise.
* Handler effects: the accesses and markers of the handler and of the local helpers it calls
  (depth-limited), with a helper's parameter-keyed accesses mapped to what the caller passes.
* Global guards: NestJS global guards, DRF default permission classes, Next.js middleware matchers.
"""
from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import replace

from deploycheck.project.extract.routes import _names as N
from deploycheck.project.extract.routes._js import call_method_op
from deploycheck.project.extract.routes._summary import (EXTRA_EXPORTS, EXTRA_FUNCTIONS, EXTRA_GLOBALS, EXTRA_MOUNTS,
                                                         EXTRA_ROUTERS, FnSummary, Mount, Ref, Router)
from deploycheck.project.model import DataAccess, Guard, Import, Project, Route

_JS_EXTS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_MAX_DEPTH = 4


class Linker:
    def __init__(self, project: Project):
        self.p = project
        self.paths = {f.path for f in project.files}
        self.fns: dict[str, FnSummary] = {}
        self.fn_by_name: dict[tuple[str, str], FnSummary] = {}
        self.decorated: dict[str, FnSummary] = {}
        for s in project.extra.get(EXTRA_FUNCTIONS, []):
            self.fns[s.id] = s
            if s.name and "~" not in s.id:
                self.fn_by_name.setdefault((s.path, s.name), s)
            if s.qualname:
                self.fn_by_name.setdefault((s.path, s.qualname), s)
            for e in s.exported:
                if e.startswith("fastify.decorate:"):
                    self.decorated[e.split(":", 1)[1]] = s
                elif e.startswith("var:"):
                    self.fn_by_name.setdefault((s.path, e[4:]), s)
        self.exports: dict[str, dict[str, str]] = defaultdict(dict)
        for e in project.extra.get(EXTRA_EXPORTS, []):
            self.exports[e.path].setdefault(e.name, e.local)
        # Import facts may come from more than one extractor (imports.py, the calls extractor): keep one
        # per local name, completing `resolved` from the specifier when an extractor left it out.
        self.imports: dict[str, dict[str, Import]] = defaultdict(dict)
        self.star_exports: dict[str, list[Import]] = defaultdict(list)    # barrel files: export * from './x'
        for i in project.imports:
            path = i.location.path if i.location else None
            if path and i.local == "*" and i.imported == "*" and not path.endswith(".py"):
                self.star_exports[path].append(i)
                continue
            if not path or not i.local or i.local.startswith("*"):
                continue
            if i.resolved is None and (path.endswith(".py") or i.source.startswith((".", "@/", "~/", "#/", "$lib/", "src/"))):
                i = replace(i, resolved=_resolved_spec(path, i.source))
            if i.imported == "*":
                i = replace(i, imported=None)
            old = self.imports[path].get(i.local)
            if old is None or (old.resolved is None and i.resolved is not None):
                self.imports[path][i.local] = i
        self.routers: dict[str, Router] = {}
        for r in project.extra.get(EXTRA_ROUTERS, []):
            old = self.routers.get(r.id)
            if old is None or (not old.is_app and r.is_app) or (not old.prefix and r.prefix) or (not old.guards and r.guards):
                self.routers[r.id] = r if old is None else replace(
                    old, is_app=old.is_app or r.is_app, prefix=old.prefix or r.prefix, guards=old.guards or r.guards)
        self.router_by_local: dict[tuple[str, str], Router] = {}
        for r in self.routers.values():
            path, _, local = r.id.partition("#")
            self.router_by_local[(path, local)] = r
        self._py_modules = None
        self._resolve_cache = {}
        # A router imported from the module that creates it (`from . import api` then `@api.route`, a
        # blueprint or APIRouter shared by several modules) is that router: alias it to its definition.
        self.alias: dict[str, str] = {}
        for r in list(self.routers.values()):
            path, _, local = r.id.partition("#")
            if r.is_app or local not in self.imports.get(path, {}):
                continue
            imp = self.imports[path][local]
            f = self.module_file(path, imp)
            got = self.module_member(f, imp.imported or "default" if not path.endswith(".py") else imp.imported or local, 0) \
                if f is not None else None
            if got is None and path.endswith(".py") and imp.imported:
                sub = self.py_module_file(f"{imp.resolved}.{imp.imported}" if imp.resolved else imp.imported, path)
                got = self.module_member(sub, local, 0) if sub else None
            if got is not None and got[0] == "router" and got[1].id != r.id:
                self.alias[r.id] = got[1].id
        self._resolve_cache = {}
        self.mounts: dict[str, list[Mount]] = defaultdict(list)
        for m in project.extra.get(EXTRA_MOUNTS, []):
            if m.parent in self.alias:
                m = replace(m, parent=self.alias[m.parent])
            self.mounts[m.parent].append(m)
        for ms in self.mounts.values():
            ms.sort(key=lambda m: (m.location.line or 0, m.location.column or 0))
        self._py_modules: dict[str, list[str]] | None = None
        self._resolve_cache: dict[tuple[str, str], tuple[str, object] | None] = {}
        self._module_file_cache: dict[tuple[str, str], str | None] = {}
        self._parents: dict[str, list[tuple[Mount, int]]] | None = None

    # ------------------------------------------------------------------ module resolution
    def module_file(self, importer: str, imp: Import) -> str | None:
        if importer.endswith(".py"):
            return self.py_module_file(imp.resolved or imp.source, importer)
        base = imp.resolved
        if base is None:
            return None
        key = (importer, base)        # (memoised: the same imports are followed from many handlers)
        if key not in self._module_file_cache:
            self._module_file_cache[key] = self._js_module_file(importer, base)
        return self._module_file_cache[key]

    def _js_module_file(self, importer: str, base: str) -> str | None:
        cands = [base]
        if base.startswith(("@/", "~/", "#/")):
            rest = base[2:]
            top = importer.split("/")[0]
            cands = [f"src/{rest}", rest, f"app/{rest}", f"{top}/src/{rest}", f"{top}/{rest}"]
            parts = importer.split("/")
            for i in range(1, len(parts)):
                cands.append("/".join(parts[:i]) + "/src/" + rest)
                cands.append("/".join(parts[:i]) + "/" + rest)
        elif base.startswith("$lib/"):
            cands = [f"src/lib/{base[5:]}"]
        for c in cands:
            c = posixpath.normpath(c)
            if c in self.paths:
                return c
            stem = re.sub(r"\.(js|mjs|cjs|jsx)$", "", c)
            for ext in _JS_EXTS:
                if stem + ext in self.paths:
                    return stem + ext
            for ext in _JS_EXTS:
                if f"{c}/index{ext}" in self.paths:
                    return f"{c}/index{ext}"
        return None

    def py_module_file(self, dotted: str, importer: str) -> str | None:
        if not dotted:
            return None
        if self._py_modules is None:
            idx: dict[str, list[str]] = defaultdict(list)
            for p in self.paths:
                if not p.endswith(".py"):
                    continue
                parts = p[:-3].split("/")
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                for i in range(len(parts)):
                    idx[".".join(parts[i:])].append(p)
            self._py_modules = idx
        cands = self._py_modules.get(dotted, [])
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        top = importer.split("/")[0]
        cands = sorted(cands, key=lambda c: (not c.startswith(top + "/"), len(c)))
        return cands[0]

    # ------------------------------------------------------------------ symbols
    def resolve(self, path: str, text: str, depth: int = 0) -> tuple[str, object] | None:
        """What a name used in `path` refers to: ("fn", FnSummary) | ("router", Router) | ("export", str)."""
        key = (path, text)
        if key in self._resolve_cache:
            return self._resolve_cache[key]
        self._resolve_cache[key] = None
        got = self._resolve(path, text, depth)
        self._resolve_cache[key] = got
        return got

    def _resolve(self, path: str, text: str, depth: int) -> tuple[str, object] | None:
        if depth > 6 or not text:
            return None
        text = re.sub(r"^await\s+", "", text.strip())
        if text.startswith("module:"):
            f = self.py_module_file(text[7:], path)
            if f is None:
                return None
            r = self.router_by_local.get((f, "urlpatterns"))
            return ("router", r) if r is not None else ("module", f)
        if text.startswith("require:"):
            imp = Import(None, "", text[8:], None, _js_spec(path, text[8:]))  # type: ignore[arg-type]
            f = self.module_file(path, imp)
            return self.module_member(f, "default", depth) if f else None
        m = re.match(r"^(?:Depends|Security)\(\s*([\w.]+)", text)
        if m:
            text = m.group(1)
        text = text.split("(", 1)[0].strip()
        parts = text.split(".")
        if parts[0] in ("this", "self") and len(parts) >= 2:
            return None
        # Fastify decorators: app.authenticate / fastify.verifyJWT
        if len(parts) == 2 and parts[1] in self.decorated:
            return ("fn", self.decorated[parts[1]])
        head = parts[0]
        r = self.router_by_local.get((path, head))
        if r is not None and len(parts) == 1:
            return ("router", r)
        s = self.fn_by_name.get((path, text)) or (self.fn_by_name.get((path, head)) if len(parts) == 1 else None)
        if s is not None:
            return ("fn", s)
        # a local alias: export const requireAuth = ... / CurrentUser = Annotated[...]
        local_export = self.exports.get(path, {}).get(head)
        if local_export and ":" in local_export and len(parts) == 1:
            return ("export", local_export)
        imp = self.imports.get(path, {}).get(head)
        if imp is None:
            return None
        f = self.module_file(path, imp)
        if path.endswith(".py"):
            if imp.imported is not None:
                # from app.routers import tasks  -> submodule or attribute
                if f is not None:
                    got = self.module_member(f, imp.imported, depth)
                    if got is not None:
                        return self._member_chain(got, parts[1:], depth) if len(parts) > 1 else got
                sub = self.py_module_file(f"{imp.resolved}.{imp.imported}" if imp.resolved else imp.imported, path)
                if sub is not None:
                    if len(parts) > 1:
                        return self.module_member(sub, parts[1], depth)
                    return ("module", sub)
                return None
            # import app.auth as auth / import auth
            if f is None:
                return None
            if len(parts) > 1:
                return self.module_member(f, parts[1], depth)
            return ("module", f)
        if f is None:
            return None
        if imp.imported is None:            # import * as ns / const x = require('./x')
            if len(parts) > 1:
                return self.module_member(f, parts[1], depth) or self.module_member(f, "default", depth, member=parts[1])
            return self.module_member(f, "default", depth)
        got = self.module_member(f, imp.imported, depth)
        if got is not None and len(parts) > 1:
            return self._member_chain(got, parts[1:], depth)
        return got

    def _member_chain(self, got, rest: list[str], depth: int):
        kind, obj = got
        if kind == "module" and rest:
            return self.module_member(obj, rest[0], depth)
        if kind == "object" and rest:
            path, local = obj
            s = self.fn_by_name.get((path, f"{local}.{rest[0]}")) or self.fn_by_name.get((path, rest[0]))
            return ("fn", s) if s else None
        return got

    def module_member(self, f: str, name: str, depth: int, member: str | None = None):
        """What module `f` exposes as `name` (JS export name / Python attribute)."""
        exp = self.exports.get(f, {})
        local = exp.get(name)
        if local is None:
            if f.endswith(".py") or name != "default":
                local = name
            else:
                local = None
        if local is None:
            return None
        if ":" in local and not local.startswith("<"):
            return ("export", local)
        if member:
            s = self.fn_by_name.get((f, f"{local}.{member}")) or self.fn_by_name.get((f, member))
            if s is not None:
                return ("fn", s)
        r = self.router_by_local.get((f, local))
        if r is not None:
            alias = getattr(self, "alias", {}).get(r.id)
            return ("router", self.routers.get(alias, r) if alias else r)
        s = self.fn_by_name.get((f, local))
        if s is not None:
            return ("fn", s)
        if local.startswith("<anonymous>@"):
            s = self.fns.get(f"{f}#{local}")
            if s is not None:
                return ("fn", s)
        # re-export: export { default } from './x' / from .x import y
        imp = self.imports.get(f, {}).get(local)
        if imp is not None and depth < 6:
            return self.resolve(f, local, depth + 1)
        if not f.endswith(".py"):
            # a barrel file: export * from './workspace' (the first module that has the name)
            if depth < 6 and local == name and name not in exp:
                for star in self.star_exports.get(f, ()):
                    sub = self.module_file(f, star)
                    got = self.module_member(sub, name, depth + 1, member) if sub and sub != f else None
                    if got is not None and got[0] != "object":
                        return got
            # an object of handlers: module.exports = controller ({ list, create })
            return ("object", (f, local))
        return None

    # ------------------------------------------------------------------ guards
    def judge(self, g: Guard, path: str) -> Guard:
        """Re-decide is_auth/role of a guard from the code it names, when we can find it."""
        if g.kind == "body" or g.public or not path:
            return g
        got = self.resolve(path, g.name)
        if got is None and g.name.startswith("Depends("):
            got = self.resolve(path, g.name[8:].rstrip(")"))
        if got is None:
            return g
        kind, obj = got
        if kind == "object":
            f, local = obj
            s = self.fn_by_name.get((f, f"{local}.canActivate")) or self.fn_by_name.get((f, f"{local}.use"))
            if s is not None and not g.is_auth:
                v = self.fn_guard(s)
                if v is not None and v[0]:
                    return replace(g, is_auth=True, role=v[1] or g.role)
            return g
        if kind == "fn":
            verdict = self.fn_guard(obj)
            if verdict is None:
                return g
            is_auth, role = verdict
            if not is_auth and N.name_says_auth(g.name) and N.role_from_name(g.name) and "(" in g.name:
                return g   # a factory called with a role: its summary covers the returned middleware
            return replace(g, is_auth=is_auth, role=role or (g.role if is_auth else None))
        if kind == "export":
            val = str(obj)
            if val.startswith("security:"):
                return replace(g, is_auth=True)
            if val.startswith("security-optional:"):
                return replace(g, is_auth=False)
            if val.startswith("depends:"):
                target = val.split(":", 1)[1]
                inner = self.resolve(self._export_path(path, g.name) or path, target)
                if inner is not None and inner[0] == "fn":
                    v = self.fn_guard(inner[1])
                    if v is not None:
                        return replace(g, is_auth=v[0], role=(v[1] or g.role) if v[0] else None)
                said = N.name_says_auth(target)
                return replace(g, is_auth=bool(said), role=N.role_from_name(target) if said else None)
        return g

    def _export_path(self, path: str, name: str) -> str | None:
        imp = self.imports.get(path, {}).get(name.split(".")[0].split("(")[0])
        if imp is None:
            return None
        return self.module_file(path, imp)

    def fn_guard(self, s: FnSummary, depth: int = 0) -> tuple[bool, str | None] | None:
        if s.guard is not None:
            return True, s.role if s.guard == "role" else None
        if depth < 4:
            for c in s.calls:
                if c.args == ("depends",):
                    got = self.resolve(s.path, c.callee)
                    if got is not None and got[0] == "fn":
                        v = self.fn_guard(got[1], depth + 1)
                        if v and v[0]:
                            return v
                    elif got is not None and got[0] == "export" and str(got[1]).startswith("security:"):
                        return True, None
                    elif got is None and N.name_says_auth(c.callee):
                        return True, N.role_from_name(c.callee)
            # a middleware that delegates: `(req, res, next) => requireAuth(req, res, next)`, `passport.authenticate(...)`
            for c in s.calls:
                if c.args not in (("depends",), ("decorator",)) and N.name_says_auth(c.callee) and re.search(
                        r"(?i)passport\.authenticate|verify|jwt|require|ensure|protect|authenticat", c.callee):
                    got = self.resolve(s.path, c.callee)
                    if got is not None and got[0] == "fn" and got[1] is not s:
                        v = self.fn_guard(got[1], depth + 1)
                        if v and v[0]:
                            return v
                    elif got is None and re.search(r"(?i)passport\.authenticate|jwt\.verify|verifyIdToken", c.callee):
                        return True, None
        if s.name and N.name_says_auth(s.name) and any(_REJECT_CALL.search(c.callee) for c in s.calls):
            # authenticateRequestOrRespond(): named for authentication, it builds the 401 answer itself
            # (`return problemUnauthorized(…)`), which its caller returns
            return True, None
        if s.optional:
            return False, None
        if "auth-check" in s.markers:
            return True, s.role
        if "verifies-signature" in s.markers:
            # withCron(handler) / a webhook middleware: it checks the request's signature before the handler
            # runs; only a holder of the signing secret gets through
            return True, None
        return False, None

    # ------------------------------------------------------------------ router graph
    def parents_of(self, rid: str) -> list[tuple[Mount, int]]:
        """Mounts that attach router `rid`: (mount, index of the child among the mount's refs)."""
        if self._parents is None:
            par: dict[str, list[tuple[Mount, int]]] = defaultdict(list)
            for parent, ms in self.mounts.items():
                for m in ms:
                    for i, ref in enumerate(m.refs):
                        child = self.ref_router(m, ref)
                        if child is not None:
                            par[child.id].append((m, i))
            self._parents = par
        return self._parents.get(rid, [])

    def ref_router(self, m: Mount, ref: Ref) -> Router | None:
        if ref.kind == "router" and ref.router:
            return self.routers.get(self.alias.get(ref.router, ref.router))
        if ref.kind in ("ref",):
            got = self.resolve(m.location.path or "", ref.text)
            if got is not None:
                if got[0] == "router":
                    return got[1]
                if got[0] == "fn":
                    # a Fastify plugin function exported from another file
                    s = got[1]
                    rid = f"{s.path}#{s.name or '<anonymous>@' + str(s.line)}"
                    return self.routers.get(rid)
            # `tasks.router` where tasks is a module
        return None

    def middleware_guards(self, m: Mount, upto: int | None = None) -> list[Guard]:
        """Guards contributed by a `use`/hook registration (refs that are not routers)."""
        out = []
        refs = m.refs if upto is None else m.refs[:upto]
        for ref in refs:
            if self.ref_router(m, ref) is not None:
                continue
            out.append(self.guard_for_ref(m, ref))
        return out

    def guard_for_ref(self, m: Mount, ref: Ref) -> Guard:
        from deploycheck.core import Location
        path = m.location.path or ""
        loc = Location(path, ref.line or m.location.line)
        kind = "hook" if m.kind == "hook" else "middleware"
        scope = "router"
        parent = self.routers.get(m.parent)
        if parent is not None and parent.is_app:
            scope = "app"
        if ref.kind == "function" and ref.fn in self.fns:
            v = self.fn_guard(self.fns[ref.fn])
            s = self.fns[ref.fn]
            name = ref.text if not ref.text.startswith("<inline") else (s.name or "inline middleware")
            return Guard(name, kind, loc, scope=scope, is_auth=bool(v and v[0]), role=v[1] if v else None)
        said = N.name_says_auth(ref.text)
        g = Guard(ref.text, kind, loc, scope=scope, is_auth=bool(said), role=N.role_from_name(ref.text) if said else None)
        return self.judge(g, path)

    def chains(self, rid: str, seen: frozenset = frozenset()) -> list[tuple[str, list[Guard], bool, bool]]:
        """Every way router `rid` is reached from a root: (prefix above it, guards above it, rooted,
        whether the mount overrides the router's own prefix (Flask `register_blueprint(url_prefix=…)`))."""
        r = self.routers.get(rid)
        if rid in seen or len(seen) > 12:
            return [("", [], False, False)]
        parents = self.parents_of(rid)
        if not parents:
            return [("", self.app_hooks(rid), bool(r and r.is_app), False)]
        out = []
        for m, idx in parents:
            parent_id = m.parent
            pr = self.routers.get(parent_id)
            here_guards: list[Guard] = []
            if pr is not None:
                here_guards.extend(pr.guards)      # APIRouter / FastAPI(dependencies=…)
            mount_prefix = self.mount_prefix(m)
            for other in self.mounts.get(parent_id, []):
                if other is m:
                    continue
                if other.kind == "hook":
                    here_guards.extend(self.middleware_guards(other))
                elif other.kind == "use" and _before(other, m) and _covers(other.prefix, mount_prefix):
                    here_guards.extend(self.middleware_guards(other))
                elif other.kind == "mount" and not other.encapsulated:
                    # fastify-plugin: the child's hooks apply to the parent's context
                    for ref in other.refs:
                        child = self.ref_router(other, ref)
                        if child is not None and child.id != rid:
                            for hm in self.mounts.get(child.id, []):
                                if hm.kind == "hook":
                                    here_guards.extend(self.middleware_guards(hm))
            here_guards.extend(m.guards)
            here_guards.extend(self.middleware_guards(m, upto=idx))
            skip_own = m.framework == "flask" and m.prefix != "\x00"
            for prefix_above, guards_above, rooted, skip_parent in self.chains(parent_id, seen | {rid}):
                prefix = _join(prefix_above, "" if skip_parent else self._own_prefix(parent_id), mount_prefix)
                if m.dev_only:
                    prefix = "\x01" + prefix      # marks the chain as development-only
                out.append((prefix, guards_above + here_guards, rooted, skip_own))
        return out

    def _own_prefix(self, rid: str) -> str:
        r = self.routers.get(rid)
        return r.prefix if r is not None else ""

    def mount_prefix(self, m: Mount) -> str:
        if m.framework == "flask":
            if m.prefix == "\x00":
                return ""
        return m.prefix

    def app_hooks(self, rid: str) -> list[Guard]:
        """Flask `before_app_request` hooks registered on blueprints apply app-wide: attached to roots."""
        r = self.routers.get(rid)
        if r is None or not r.is_app:
            return []
        out = []
        for parent, ms in self.mounts.items():
            if parent.endswith("#<app>"):
                for m in ms:
                    out.extend(self.middleware_guards(m))
        return out

    def router_guards(self, rid: str, route: Route) -> list[Guard]:
        """Guards registered on the route's own router: hooks, `use` before the route, fp-children hooks."""
        out: list[Guard] = []
        r = self.routers.get(rid)
        if r is not None:
            out.extend(r.guards)
        for m in self.mounts.get(rid, []):
            if m.kind == "hook":
                out.extend(self.middleware_guards(m))
            elif m.kind == "use" and _before_route(m, route) and _covers(m.prefix, route.path):
                out.extend(self.middleware_guards(m))
            elif m.kind == "mount" and not m.encapsulated:
                for ref in m.refs:
                    child = self.ref_router(m, ref)
                    if child is not None:
                        for hm in self.mounts.get(child.id, []):
                            if hm.kind == "hook":
                                out.extend(self.middleware_guards(hm))
        return out

    def late_guards(self, rid: str, route: Route) -> list[str]:
        """Auth middleware registered on the route's router *after* it (Express/Hono order): it does not
        run for this route. Returned as markers "late-guard:<name>:<line>" for the message."""
        out = []
        for m in self.mounts.get(rid, []):
            if m.kind != "use" or _before_route(m, route) or not _covers(m.prefix, route.path):
                continue
            for g in self.middleware_guards(m):
                if g.is_auth:
                    out.append(f"late-guard:{g.name}:{m.location.line}")
        return out

    # ------------------------------------------------------------------ handler effects
    def effects(self, route: Route) -> tuple[list[DataAccess], set[str], list[Guard], FnSummary | None]:
        s = None
        if route.handler:
            s = self.fns.get(f"{route.handler}~{route.method}") or self.fns.get(route.handler)
        if s is None and route.name and route.location.path:
            got = self.resolve(route.location.path, route.name)
            if got is not None and got[0] == "fn":
                s = got[1]
        if s is None:
            return [], set(), [], None
        accesses: list[DataAccess] = []
        markers: set[str] = set(s.markers)
        guards: list[Guard] = list(s.body_guards)
        self._follow(s, None, accesses, markers, guards, 0, {s.id})
        if "owner-check" in s.markers or "owner-check-helper" in markers:
            # `if (!(await canUpdateWebsite(auth, websiteId))) return 403; await updateWebsite(websiteId)`: the
            # handler's permission check covers the records its helpers change, as it covers its own
            accesses = [replace(a, scoped=True) if a.single and a.op != "create" else a for a in accesses]
        return accesses, markers, guards, s

    def _follow(self, s: FnSummary, arg_kinds: tuple[str, ...] | None, accesses: list, markers: set, guards: list,
                depth: int, seen: set) -> None:
        for a in s.accesses:
            m = _map_key(a, arg_kinds)
            if m.scoped and not a.scoped and a.single and m.key == "request":
                # getDiscountOrThrow({ discountId, programId }): the helper loads the requested record and
                # checks it against the caller's own value, so it is an ownership check of that id
                markers.add("owner-check-helper")
            accesses.append(m)
        if depth >= _MAX_DEPTH:
            return
        for c in s.calls:
            if c.args in (("depends",), ("decorator",)):
                continue
            got = self.resolve(s.path, c.callee)
            if got is None or got[0] != "fn":
                op = call_method_op(c.callee)
                root = c.callee.split(".")[0]
                imp = self.imports.get(s.path, {}).get(root)
                local_module = imp is not None and (imp.resolved is not None and self.module_file(s.path, imp) is not None)
                if op and "." in c.callee and (local_module or c.callee.startswith("this.")) and \
                        re.search(r"(?i)service|repo|model|dao|store|db|data|quer|crud|controller|api|client|manager|helper|lib", c.callee.rsplit(".", 1)[0]):
                    markers.add("calls-service")
                    kind = None
                    mapped = tuple(_map_kind(k, arg_kinds) for k in c.args)
                    if any(m == "request" or (m.startswith("obj|") and "=request" in m) for m in mapped):
                        kind = "request"
                    from deploycheck.core import Location
                    accesses.append(DataAccess(Location(s.path, c.line), op, c.callee, None, single=False, key=kind))
                continue
            callee = got[1]
            if callee.id in seen:
                continue
            mapped = tuple(_map_kind(k, arg_kinds) for k in c.args)
            if callee.guard is not None and depth == 0:
                from deploycheck.core import Location
                guards.append(Guard(c.callee, "body", Location(s.path, c.line), scope="body",
                                    role=callee.role if callee.guard == "role" else None))
            elif depth == 0:
                # a helper behind an auth decorator (`return get_checks(request)` where get_checks is
                # `@authorize`d): calling it runs the check first
                deco = self._decorator_guard(callee)
                if deco is not None:
                    from deploycheck.core import Location
                    guards.append(Guard(f"@{deco[0]} on {callee.name or c.callee}", "body", Location(s.path, c.line),
                                        scope="body", role=deco[1]))
            markers.update(m for m in callee.markers if m not in ("auth-check",))
            if callee.guard == "role" or "role-check" in callee.markers:
                markers.add("role-check")
            self._follow(callee, mapped, accesses, markers, guards, depth + 1, seen | {callee.id})

    def _decorator_guard(self, s: FnSummary) -> tuple[str, str | None] | None:
        """(name, role) of an auth decorator on function `s`, when one of its decorators is a guard."""
        for c in s.calls:
            if c.args != ("decorator",):
                continue
            got = self.resolve(s.path, c.callee)
            if got is not None and got[0] == "fn":
                v = self.fn_guard(got[1])
                if v is not None and v[0]:
                    return c.callee, v[1]
            elif got is None and N.name_says_auth(c.callee):
                return c.callee, N.role_from_name(c.callee)
        return None

    # ------------------------------------------------------------------ globals
    def global_guards(self, route: Route, public: bool) -> list[Guard]:
        out = []
        for gg in self.p.extra.get(EXTRA_GLOBALS, []):
            fw = route.framework
            if gg.framework == "nextjs" and fw.startswith("nextjs"):
                if fw == "nextjs-action":
                    if gg.matcher:
                        continue
                elif gg.matcher and not any(_matches(p, route.path) for p in gg.matcher):
                    continue
                if any(_matches(p, route.path) for p in gg.exempt):
                    continue
                g = gg.guard
                if gg.ref is not None and not g.is_auth and g.location is not None:
                    got = self.resolve(g.location.path or "", gg.ref.text)
                    if got is not None and got[0] == "fn":
                        v = self.fn_guard(got[1])
                        if v is not None and v[0]:
                            g = replace(g, is_auth=True, role=v[1])
                out.append(g)
            elif gg.framework == fw and not public:
                g = gg.guard
                if gg.matcher and fw == "nestjs" and not _nest_matches(gg.matcher, route, self._own_prefix("nestjs#global")):
                    continue
                if gg.exempt and fw == "nestjs" and _nest_matches(gg.exempt, route, self._own_prefix("nestjs#global")):
                    continue
                if gg.ref is not None and g.location is not None:
                    g = self.judge(replace(g, kind="decorator"), g.location.path or "")
                    g = replace(g, kind="global")
                if gg.exempt and fw != "nestjs" and any(_matches(p, route.path) for p in gg.exempt):
                    continue
                out.append(g)
        return out

    # ------------------------------------------------------------------ django / drf
    def django_view(self, path: str, name: str):
        """The ViewSpec a URL pattern names (`views.note_list`, `NoteDetail`, `api.views.NoteViewSet`)."""
        from deploycheck.project.extract.routes.django import EXTRA_VIEWS
        if not hasattr(self, "_views"):
            self._views = {(v.path, v.name): v for v in self.p.extra.get(EXTRA_VIEWS, [])}
        parts = name.split(".")
        if (path, name) in self._views:
            return self._views[(path, name)]
        if len(parts) == 1:
            imp = self.imports.get(path, {}).get(name)
            if imp is not None:
                f = self.module_file(path, imp)
                if f is not None and (f, imp.imported or name) in self._views:
                    return self._views[(f, imp.imported or name)]
                sub = self.py_module_file(f"{imp.resolved}.{imp.imported}" if imp.resolved else name, path)
                if sub is not None and (sub, name) in self._views:
                    return self._views[(sub, name)]
            return None
        got = self.resolve(path, ".".join(parts[:-1]))
        if got is not None and got[0] == "module":
            return self._views.get((got[1], parts[-1]))
        f = self.py_module_file(".".join(parts[:-1]), path)
        if f is not None:
            return self._views.get((f, parts[-1]))
        return None

    def expand_django(self, route: Route) -> list[Route]:
        from deploycheck.core import Location
        raw = route.name or ""
        base, _, variant = raw.partition("#")
        spec = self.django_view(route.location.path or "", base)
        if spec is None:
            return [route]
        out = []
        wanted: dict[str, str] | None = None
        if variant.startswith("actions:"):
            wanted = dict(p.split("=", 1) for p in variant[8:].split(",") if "=" in p)
        for method, sid, act, detail in spec.methods:
            path = route.path
            if variant == "collection" and (detail or act.startswith("action:")) and not (act.startswith("action:") and not detail):
                continue
            if variant == "detail" and not detail:
                continue
            if wanted is not None and act not in wanted.values():
                continue
            if act.startswith("action:"):
                url_path = act.split(":", 2)[2]
                path = path.rstrip("/") + "/" + url_path + "/"
            guards = list(route.guards) + list(spec.guards)
            if spec.public:
                guards.append(Guard("AllowAny", "config", Location(spec.path, spec.line), scope="route",
                                    is_auth=False, public=True))
            if spec.read_only_public and method in ("GET", "HEAD", "OPTIONS"):
                guards = [g for g in guards if not re.search(r"ReadOnly", g.name)]
                guards.append(Guard("read-only for anonymous users", "config", Location(spec.path, spec.line),
                                    scope="route", is_auth=False, public=True))
            if spec.drf and not spec.has_permission_classes and not spec.public:
                for gg in self.p.extra.get(EXTRA_GLOBALS, []):
                    if gg.framework == "drf":
                        guards.insert(0, gg.guard)
            if not spec.public:
                for gg in self.p.extra.get(EXTRA_GLOBALS, []):
                    if gg.framework == "django":
                        guards.insert(0, gg.guard)
            op = {"retrieve": "read", "update": "update", "partial_update": "update", "destroy": "delete",
                  "update_form": "update", "destroy_form": "delete", "list": "read", "create": "create"}.get(act)
            # detail actions load one record by pk; the list reads the whole queryset; create saves one
            extra_acc = tuple(a for a in spec.object_accesses
                              if a.op == op and (a.op == "create" or a.single == bool(detail)))
            out.append(replace(route, method=method, path=path, handler=sid,
                               handler_location=Location(spec.path, self.fns[sid].line if sid in self.fns else spec.line),
                               guards=tuple(guards), accesses=route.accesses + extra_acc,
                               markers=route.markers + (("renders-page",) if getattr(spec, "page", False) else ()),
                               name=spec.name if not act.startswith("action:") else act.split(":")[1]))
        return out or [route]

    # ------------------------------------------------------------------ main
    def run(self) -> None:
        final: list[Route] = []
        expanded: list[Route] = []
        for route in self.p.routes:
            if route.framework in ("django", "drf") and route.handler is None:
                expanded.extend(self.expand_django(route))
            else:
                expanded.append(route)
        for route in expanded:
            rid = self.alias.get(route.mount, route.mount) if route.mount else None
            if rid is None:
                chains = [("", [], True, False)]
                own: list[Guard] = []
            else:
                chains = self.chains(rid)
                own = self.router_guards(rid, route)
            accesses, markers, body_guards, s = self.effects(route)
            markers |= set(route.markers)
            if rid is not None:
                markers |= set(self.late_guards(rid, route))
            path = route.location.path or ""
            route_guards = [self.judge(g, path) for g in route.guards]
            public = any(g.public for g in route_guards)
            for prefix, above, _rooted, skip_own in chains:
                chain_markers = set(markers)
                if "\x01" in prefix:
                    prefix = prefix.replace("\x01", "")
                    chain_markers.add("dev-only")
                full = _join(prefix, "" if skip_own or not rid else self._own_prefix(rid), route.path) if rid else route.path
                guards = list(self.global_guards(replace(route, path=full), public)) + \
                    [self.judge(g, g.location.path if g.location and g.location.path else path) for g in above] + \
                    [self.judge(g, g.location.path if g.location and g.location.path else path) for g in own] + \
                    route_guards + body_guards
                final.append(replace(
                    route, path=full or "/", guards=_dedupe(guards), accesses=tuple(_dedupe_acc(list(route.accesses) + accesses)),
                    markers=tuple(sorted(chain_markers)),
                    handler=route.handler or (s.id.split("~")[0] if s else None),
                    handler_location=route.handler_location or (
                        _loc(s.path, s.line) if s else None)))
        self.p.routes[:] = _unique(final)


_REJECT_CALL = re.compile(r"(?i)(?:^|\.)(?:\w*unauthori[sz]ed\w*|\w*forbidden\w*|not_?authenticated\w*|"
                          r"\w*(?:status|error|response)401\w*)$")


def _nest_matches(entries: tuple[str, ...], route: Route, prefix: str) -> bool:
    """NestJS forRoutes entries against a route (its path without the global prefix)."""
    path = route.path
    pre = "/" + prefix.strip("/") if prefix and prefix.strip("/") else ""
    if pre and (path == pre or path.startswith(pre + "/")):
        path = path[len(pre):] or "/"
    path = path.strip("/")
    for e in entries:
        if e == "*":
            return True
        if e.startswith("controller:"):
            if (route.name or "").split(".")[0] == e.split(":", 1)[1]:
                return True
            continue
        if e.startswith("path:"):
            p, _, meth = e[5:].partition("|")
            if meth not in ("ALL", "") and meth != route.method:
                continue
            rx = "^" + re.sub(r":\w+", "[^/]+", re.escape(p).replace(r"\:", ":").replace(r"\*", ".*")) + "$"
            rx = rx.replace(r"\(\.\*\)", ".*")
            if re.match(rx, path):
                return True
    return False


def _loc(path, line):
    from deploycheck.core import Location
    return Location(path, line)


def _map_kind(k: str, arg_kinds: tuple[str, ...] | None) -> str:
    """A helper's kind in the caller's terms: "param:N" is the caller's Nth argument, "param:N.prop" a
    property of it (an object literal argument is "obj|prop=kind|…"); an object argument's own kinds are
    mapped through too."""
    if k.startswith("obj|"):
        return "obj|" + "|".join(f"{p.split('=', 1)[0]}={_map_kind(p.split('=', 1)[1], arg_kinds)}"
                                 for p in k[4:].split("|") if "=" in p)
    if k.startswith("param:") and arg_kinds is not None:
        idx, _, prop = k[6:].partition(".")
        try:
            i = int(idx)
        except ValueError:
            return "other"
        base = arg_kinds[i] if i < len(arg_kinds) else "other"
        if base.startswith("obj|"):
            props = dict(p.split("=", 1) for p in base[4:].split("|") if "=" in p)
            if prop:
                return props.get(prop, "other")
            vals = set(props.values())
            return "request" if "request" in vals else "user" if "user" in vals else "other"
        return base
    return k


def _map_key(a: DataAccess, arg_kinds: tuple[str, ...] | None) -> DataAccess:
    if a.scope_param is not None and arg_kinds is not None and _map_kind(a.scope_param, arg_kinds) == "user":
        a = replace(a, scoped=True)     # the helper checked the record against the caller's own value
    if a.key and a.key.startswith("param:"):
        return replace(a, key=_map_kind(a.key, arg_kinds) if arg_kinds is not None else a.key)
    return a


def _before(a: Mount, b: Mount) -> bool:
    return (a.location.line or 0, a.location.column or 0) < (b.location.line or 0, b.location.column or 0)


def _before_route(m: Mount, r: Route) -> bool:
    if m.location.path != r.location.path:
        return True
    return (m.location.line or 0, m.location.column or 0) < (r.location.line or 0, r.location.column or 0)


def _covers(pattern: str, path: str) -> bool:
    """Does a `use`/middleware path pattern cover a path (both relative to the same router)?"""
    p = (pattern or "").strip()
    if p in ("", "/", "*", "/*", "(.*)", "/(.*)"):
        return True
    p = re.sub(r"/?\*+$", "", p).rstrip("/")
    path = path or "/"
    if not p:
        return True
    if ":" in p or "[" in p:
        rx = "^" + re.sub(r":\w+|\[[^\]]+\]", "[^/]+", re.escape(p).replace(r"\:", ":")) + "(/|$)"
        return bool(re.match(rx, path))
    return path == p or path.startswith(p + "/") or path.startswith(p + "?")


def _join(*parts: str) -> str:
    out = ""
    for p in parts:
        if not p or p == "\x00":
            continue
        if p == "/":
            out = out or "/"
            continue
        if not out.endswith("/") and not p.startswith("/"):
            out += "/"
        elif out.endswith("/") and p.startswith("/"):
            p = p[1:]
        out += p
    if len(out) > 1 and out.endswith("/") and not parts[-1].endswith("/"):
        out = out[:-1]
    return out or ""


def _matches(pattern: str, path: str) -> bool:
    """Next.js matcher patterns (path-to-regexp style, or a regex group) against a route path."""
    concrete = re.sub(r"\[\[?\.{0,3}(\w+)\]?\]", "x", path or "/")
    p = pattern.strip()
    if not p:
        return False
    try:
        rx = _pattern_regex(p)
        return bool(re.match(rx, concrete))
    except re.error:
        return concrete.startswith(p.split(":")[0].rstrip("/*"))


def _pattern_regex(p: str) -> str:
    out = "^"
    i = 0
    while i < len(p):
        ch = p[i]
        if ch == ":":
            m = re.match(r":(\w+)([*+?])?", p[i:])
            if m:
                mod = m.group(2)
                if mod == "*":
                    out = out[:-1] + "(?:/.*)?" if out.endswith("/") else out + ".*"
                elif mod == "+":
                    out += ".+"
                elif mod == "?":
                    out = out[:-1] + "(?:/[^/]+)?" if out.endswith("/") else out + "[^/]*"
                else:
                    out += "[^/]+"
                i += len(m.group(0))
                continue
        if ch == "(":
            depth, j = 0, i
            while j < len(p):
                if p[j] == "(":
                    depth += 1
                elif p[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out += p[i:j + 1]
            i = j + 1
            continue
        if ch == "*":
            out += ".*"
        else:
            out += re.escape(ch)
        i += 1
    return out + "/?$"


def _dedupe(guards: list[Guard]) -> tuple[Guard, ...]:
    seen = set()
    out = []
    for g in guards:
        k = (g.name, g.location.path if g.location else None, g.location.line if g.location else None, g.scope)
        if k in seen:
            continue
        seen.add(k)
        out.append(g)
    return tuple(out)


def _dedupe_acc(accs: list[DataAccess]) -> list[DataAccess]:
    seen = set()
    out = []
    for a in accs:
        k = (a.location.path, a.location.line, a.location.column, a.callee)
        if k in seen:
            continue
        seen.add(k)
        out.append(a)
    return out


def _unique(routes: list[Route]) -> list[Route]:
    seen = set()
    out = []
    for r in routes:
        k = (r.method, r.path, r.location.path, r.location.line, r.location.column)
        if k in seen:
            continue
        seen.add(k)
        out.append(r)
    return out


def _resolved_spec(importer: str, spec: str) -> str | None:
    if importer.endswith(".py"):
        from deploycheck.project.extract.imports import resolve_py_module
        level = len(spec) - len(spec.lstrip("."))
        return resolve_py_module(importer, spec.lstrip(".") or None, level)
    return _js_spec(importer, spec)


def _js_spec(importer: str, spec: str) -> str | None:
    from deploycheck.project.extract.imports import resolve_js_spec
    return resolve_js_spec(importer, spec)


def link_routes(project: Project) -> None:
    if not project.routes:
        return
    Linker(project).run()

