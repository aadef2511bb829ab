"""FastAPI: `@app.get/post…(path, dependencies=[…])`, `@app.api_route(path, methods=[…])`,
`APIRouter(prefix=…, dependencies=[Depends(…)])`, `app.include_router(router, prefix=…, dependencies=…)`,
app-level `FastAPI(dependencies=[…])`, and per-route dependencies in the handler's parameters:
`user = Depends(get_current_user)`, `Security(get_current_user, scopes=[…])`,
`Annotated[User, Depends(get_current_user)]` and aliases of it (`CurrentUser`), defined here or imported.

A dependency is an auth guard when its body rejects (raises HTTPException 401/403, decodes a JWT …) or
it depends on one (`get_current_active_user(user = Depends(get_current_user))`), or - when its code
is not in the repository - when its name says so; the linker resolves imported ones.
"""
from __future__ import annotations

import ast
import re

from deploycheck.core import Location
from deploycheck.project.extract.routes import _names as N
from deploycheck.project.extract.routes._py import FUNC
from deploycheck.project.extract.routes._summary import (EXTRA_EXPORTS, EXTRA_FUNCTIONS, EXTRA_MOUNTS, EXTRA_ROUTERS,
                                                         Export, Mount, Ref, Router)
from deploycheck.project.extract.routes.flask import assignments, const_str, dotted, kw, py_params, str_list
from deploycheck.project.extract.routes.helpers import py_analysis
from deploycheck.project.model import FileFacts, Guard, Role, Route
from deploycheck.project.parse import FileContext

_VERBS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE", "options": "OPTIONS",
          "head": "HEAD", "websocket": "WS"}
_PLAIN_TYPES = frozenset({"Request", "Response", "BackgroundTasks", "UploadFile", "WebSocket", "Session", "AsyncSession",
                          "HTTPConnection", "Optional", "List", "Dict", "Any", "UUID"})
_SECURITY_CLASSES = re.compile(r"^(?:fastapi\.security\.)?(OAuth2PasswordBearer|OAuth2AuthorizationCodeBearer|HTTPBearer|"
                               r"HTTPBasic|HTTPDigest|APIKeyHeader|APIKeyCookie|APIKeyQuery|OpenIdConnect|OAuth2)$")


def is_fastapi_file(text: str) -> bool:
    return bool(re.search(r"\bfastapi\b|\bAPIRouter\b|\bFastAPI\s*\(", text))


def depends_target(node: ast.AST | None) -> ast.AST | None:
    """`Depends(fn)` / `Security(fn, …)` -> fn; `Depends()` -> None."""
    if isinstance(node, ast.Call) and dotted(node.func).split(".")[-1] in ("Depends", "Security"):
        if node.args:
            return node.args[0]
        d = kw(node, "dependency")
        return d
    return None


def annotated_depends(ann: ast.AST | None) -> ast.AST | None:
    """`Annotated[User, Depends(get_current_user)]` -> the Depends call."""
    if isinstance(ann, ast.Subscript) and dotted(ann.value).split(".")[-1] == "Annotated":
        sl = ann.slice
        elts = sl.elts if isinstance(sl, ast.Tuple) else [sl]
        for e in elts[1:]:
            if depends_target(e) is not None:
                return e
    return None


class _File:
    def __init__(self, ctx: FileContext, facts: FileFacts):
        self.ctx, self.facts = ctx, facts
        self.pa = py_analysis(ctx)
        self.path = ctx.path
        self.routers: dict[str, Router] = {}
        self.summaries: dict[str, object] = {}
        self.local_fns = {fn.name: (fn, cls) for fn, cls in self.pa.functions() if cls is None}
        self.aliases: dict[str, ast.AST] = {}       # CurrentUser = Annotated[User, Depends(get_current_user)]
        self.security: set[str] = set()              # oauth2_scheme = OAuth2PasswordBearer(...)
        self.optional_security: set[str] = set()
        self.imported = {a.asname or a.name for n in ast.walk(ctx.py_tree) if isinstance(n, ast.ImportFrom)
                         and (n.level or not (n.module or "").startswith(("fastapi", "typing", "pydantic", "sqlalchemy",
                                                                               "sqlmodel", "starlette", "datetime", "uuid")))
                         for a in n.names}

    # ------------------------------------------------------------------ guards
    def guard_from_dep(self, target: ast.AST, loc: Location, *, kind: str = "dependency", scope: str = "route") -> Guard:
        name = self.pa.src(target)
        base = dotted(target)
        is_auth: bool | None = None
        role = None
        if base in self.security:
            is_auth = True
        elif base in self.optional_security:
            is_auth = False
        elif base in self.local_fns:
            fn, cls = self.local_fns[base]
            s = self.summarize(fn)
            is_auth = s.guard is not None or self._depends_on_auth(fn)
            role = s.role if s.guard == "role" else None
            if s.optional and s.guard is None and not self._depends_on_auth(fn):
                is_auth = False
        if is_auth is None:
            is_auth = bool(N.name_says_auth(base or name))
        if is_auth and role is None:
            role = N.role_from_name(name)
        return Guard(f"Depends({name})", kind, loc, scope=scope, is_auth=is_auth, role=role)

    def _depends_on_auth(self, fn: ast.AST, depth: int = 0) -> bool:
        if depth > 4:
            return False
        defaults = self.pa.param_defaults(fn)
        anns = {p.arg: p.annotation for p in fn.args.args + fn.args.kwonlyargs if p.annotation is not None}
        for pname in list(defaults) + list(anns):
            dep = depends_target(defaults.get(pname)) or depends_target(annotated_depends(anns.get(pname)))
            if dep is None and isinstance(anns.get(pname), ast.Name) and anns[pname].id in self.aliases:
                dep = depends_target(self.aliases[anns[pname].id])
            if dep is None:
                continue
            base = dotted(dep)
            if base in self.security:
                return True
            if base in self.local_fns:
                inner, _ = self.local_fns[base]
                s = self.summarize(inner)
                if s.guard is not None or self._depends_on_auth(inner, depth + 1):
                    return True
            elif N.name_says_auth(base):
                return True
        return False

    def summarize(self, fn, **kw_):
        s = self.pa.summarize(fn, None, **kw_)
        self.summaries[s.id] = s
        return s

    def deps_list(self, node: ast.AST | None, loc_line: int, scope: str) -> list[Guard]:
        out = []
        if isinstance(node, (ast.List, ast.Tuple)):
            for e in node.elts:
                t = depends_target(e)
                if t is not None:
                    out.append(self.guard_from_dep(t, Location(self.path, getattr(e, "lineno", loc_line)), scope=scope))
        return out

    # ------------------------------------------------------------------ walk
    def run(self) -> None:
        tree = self.ctx.py_tree
        path = self.path
        exports: list[Export] = []
        for name, value, st in assignments(tree):
            if isinstance(value, ast.Call):
                fn = dotted(value.func)
                base = fn.split(".")[-1]
                if base == "FastAPI":
                    self.routers[name] = Router(f"{path}#{name}", "fastapi", is_app=True, local=name, line=value.lineno,
                                                guards=tuple(self.deps_list(kw(value, "dependencies"), value.lineno, "app")))
                elif base == "APIRouter":
                    prefix = const_str(kw(value, "prefix")) or ""
                    self.routers[name] = Router(f"{path}#{name}", "fastapi", prefix=prefix, local=name, line=value.lineno,
                                                guards=tuple(self.deps_list(kw(value, "dependencies"), value.lineno, "router")))
                elif _SECURITY_CLASSES.match(fn):
                    ae = kw(value, "auto_error")
                    if isinstance(ae, ast.Constant) and ae.value is False:
                        self.optional_security.add(name)
                        exports.append(Export(path, name, "security-optional:" + base))
                    else:
                        self.security.add(name)
                        exports.append(Export(path, name, "security:" + base))
            elif isinstance(value, ast.Subscript) and annotated_depends(value) is not None:
                self.aliases[name] = annotated_depends(value)
                target = depends_target(self.aliases[name])
                exports.append(Export(path, name, "depends:" + self.pa.src(target)))
        routes: list[Route] = []
        mounts: list[Mount] = []
        for fn, cls in self.pa.functions():
            if cls is not None or not isinstance(fn, FUNC):
                continue
            for d in fn.decorator_list:
                if not isinstance(d, ast.Call) or not isinstance(d.func, ast.Attribute):
                    continue
                verb = d.func.attr
                if verb not in _VERBS and verb != "api_route":
                    continue
                rname = dotted(d.func.value)
                r = self.routers.get(rname)
                if r is None:
                    if not re.fullmatch(r"(app|api|router|\w+_router|\w+router|\w+_app|v\d)", rname or ""):
                        continue
                    r = Router(f"{path}#{rname}", "fastapi", local=rname, line=d.lineno)
                    self.routers[rname] = r
                rpath = const_str(d.args[0]) if d.args else const_str(kw(d, "path"))
                if rpath is None:
                    continue
                methods = [_VERBS[verb]] if verb in _VERBS else [m.upper() for m in str_list(kw(d, "methods"))] or ["GET"]
                guards = self.deps_list(kw(d, "dependencies"), d.lineno, "route")
                request_params, user_params, body_params = set(), set(), set()
                path_params = set(re.findall(r"\{(\w+)(?::\w+)?\}", rpath))
                defaults = self.pa.param_defaults(fn)
                for p in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
                    dep = depends_target(defaults.get(p.arg)) or depends_target(annotated_depends(p.annotation))
                    if dep is None and isinstance(p.annotation, ast.Name) and p.annotation.id in self.aliases:
                        dep = depends_target(self.aliases[p.annotation.id])
                    # `user: CurrentUser` with the alias imported from deps.py: the linker resolves it
                    alias_import = isinstance(p.annotation, ast.Name) and p.annotation.id not in self.aliases and \
                        p.annotation.id in self.imported and re.match(r"^[A-Z]", p.annotation.id) is not None and \
                        p.annotation.id not in _PLAIN_TYPES
                    if dep is not None:
                        g = self.guard_from_dep(dep, Location(path, p.lineno))
                        if g.is_auth:
                            guards.append(g)
                            user_params.add(p.arg)
                        continue
                    if alias_import:
                        # `user: CurrentUser` imported from deps.py: the linker resolves the alias
                        said = N.name_says_auth(p.annotation.id)
                        guards.append(Guard(p.annotation.id, "dependency", Location(path, p.lineno), scope="route",
                                            is_auth=bool(said), role=N.role_from_name(p.annotation.id) if said else None))
                        if said:
                            user_params.add(p.arg)
                        continue
                    ann = self.pa.src(p.annotation) if p.annotation is not None else ""
                    if p.arg in path_params or re.match(r"^(int|str|UUID|uuid\.UUID|Optional\[(int|str)\]|int \| None|str \| None)$", ann) \
                            or isinstance(defaults.get(p.arg), ast.Call) and dotted(defaults[p.arg].func).split(".")[-1] in ("Path", "Query", "Body", "Form"):
                        request_params.add(p.arg)
                    elif re.match(r"^[A-Z]\w*(In|Create|Update|Body|Schema|Request|Payload|Data|Form)?$", ann) and \
                            ann not in ("Session", "AsyncSession", "Request", "Response", "BackgroundTasks", "User") and \
                            not re.search(r"Session|Depends", ann):
                        body_params.add(p.arg)
                s = self.summarize(fn, request_params=request_params, user_params=user_params, body_params=body_params)
                for m in methods:
                    routes.append(Route(m, rpath, "fastapi", Location(path, d.lineno, d.col_offset + 1), handler=s.id,
                                        handler_location=Location(path, fn.lineno),
                                        guards=tuple(guards) + s.body_guards, params=py_params(rpath), mount=r.id,
                                        name=fn.name))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr == "include_router" and node.args:
                pname = dotted(node.func.value)
                parent = self.routers.get(pname)
                if parent is None:
                    parent = Router(f"{path}#{pname}", "fastapi", local=pname, line=node.lineno,
                                    is_app=pname in ("app", "application"))
                    self.routers[pname] = parent
                child = node.args[0]
                cname = dotted(child)
                ref = Ref(cname or self.pa.src(child), "router" if cname in self.routers else "ref",
                          router=self.routers[cname].id if cname in self.routers else None, line=node.lineno)
                prefix = const_str(kw(node, "prefix")) or ""
                guards = tuple(self.deps_list(kw(node, "dependencies"), node.lineno, "router"))
                mounts.append(Mount(parent.id, prefix, Location(path, node.lineno, node.col_offset + 1), (ref,),
                                    kind="mount", guards=guards, framework="fastapi",
                                    dev_only=self.pa.dev_only(self.pa.parents.get(id(node)) or node)))
        if exports:
            self.facts.extra.setdefault(EXTRA_EXPORTS, []).extend(exports)
        if not routes and not mounts and not self.routers:
            if self.summaries:
                self.facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(self.summaries.values())
            return
        self.facts.routes.extend(routes)
        self.facts.extra.setdefault(EXTRA_ROUTERS, []).extend(self.routers.values())
        self.facts.extra.setdefault(EXTRA_MOUNTS, []).extend(mounts)
        self.facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(self.summaries.values())


def run(ctx: FileContext, facts: FileFacts) -> None:
    if not is_fastapi_file(ctx.text):
        return
    _File(ctx, facts).run()


def _extractor():
    from deploycheck.project.extract import PY, Extractor
    return Extractor("routes.fastapi", run, languages=PY, roles=frozenset({Role.APP}),
                     triggers=("fastapi", "APIRouter", "FastAPI", "include_router", "Depends"))


EXTRACTORS = (_extractor(),)
