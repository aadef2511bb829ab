"""Flask: `@app.route(path, methods=[…])`, `@bp.get/post/put/patch/delete(path)`, Blueprints with
`url_prefix` (at creation or at `register_blueprint(bp, url_prefix=…)`), `app.add_url_rule`, guard
decorators under the route decorator (`@login_required`, `@jwt_required()`, a local `@require_login`),
and `before_request` hooks on the app or a blueprint.

Decorators apply bottom-up: a guard written *above* `@bp.route` wraps the function after Flask has
registered it, so it protects nothing - only decorators below the route decorator count.
"""
from __future__ import annotations

import ast
import re

from deploycheck.core import Location
from deploycheck.project.extract.routes import _names as N
from deploycheck.project.extract.routes._py import FUNC
from deploycheck.project.extract.routes._summary import (EXTRA_EXPORTS, EXTRA_FUNCTIONS, EXTRA_MOUNTS, EXTRA_ROUTERS,
                                                         Export, Mount, Ref, Router)
from deploycheck.project.extract.routes.helpers import py_analysis
from deploycheck.project.model import FileFacts, Guard, Role, Route
from deploycheck.project.parse import FileContext

_VERBS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}


def dotted(node: ast.AST | None) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return ""


def const_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def kw(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def str_list(node: ast.AST | None) -> list[str]:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [v for v in (const_str(e) for e in node.elts) if v]
    v = const_str(node)
    return [v] if v else []


def assignments(tree: ast.Module) -> list[tuple[str, ast.AST, ast.AST]]:
    """(name, value, statement) for `name = value` anywhere (module level and function bodies)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            out.append((node.targets[0].id, node.value, node))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            out.append((node.target.id, node.value, node))
    return out


def py_params(path: str) -> tuple[str, ...]:
    return tuple(re.findall(r"<[^>]+>|\{[^}]+\}", path or ""))


def run(ctx: FileContext, facts: FileFacts) -> None:
    if re.search(r"\bfastapi\b|\bAPIRouter\b|\bFastAPI\s*\(", ctx.text) and not re.search(r"\bflask\b", ctx.text):
        return
    tree = ctx.py_tree
    pa = py_analysis(ctx)
    path = ctx.path
    routers: dict[str, Router] = {}
    for name, value, _st in assignments(tree):
        if isinstance(value, ast.Call):
            fn = dotted(value.func)
            if fn in ("Flask", "flask.Flask"):
                routers[name] = Router(f"{path}#{name}", "flask", is_app=True, local=name, line=value.lineno)
            elif fn in ("Blueprint", "flask.Blueprint", "APIBlueprint", "flask_smorest.Blueprint"):
                prefix = const_str(kw(value, "url_prefix")) or ""
                routers[name] = Router(f"{path}#{name}", "flask", prefix=prefix, local=name, line=value.lineno)
    local_fns = {fn.name: (fn, cls) for fn, cls in pa.functions() if cls is None}
    routes: list[Route] = []
    mounts: list[Mount] = []
    summaries = []

    def router_of(expr: ast.AST) -> Router | None:
        name = dotted(expr)
        if name in routers:
            return routers[name]
        if re.fullmatch(r"(app|application|api|bp|blueprint|\w+_bp|\w+_blueprint|\w+_api|\w+bp)", name or ""):
            r = Router(f"{path}#{name}", "flask", local=name, line=getattr(expr, "lineno", 0))
            routers[name] = r
            return r
        return None

    def ref_for(expr: ast.AST) -> Ref:
        text = pa.src(expr)
        base = dotted(expr)
        if isinstance(expr, ast.Call) and base in local_fns:
            fn, cls = local_fns[base]
            s = pa.summarize(fn, cls)
            summaries.append(s)
            return Ref(text, "function", fn=s.id, line=expr.lineno)
        if base in local_fns and not isinstance(expr, ast.Call):
            fn, cls = local_fns[base]
            s = pa.summarize(fn, cls)
            summaries.append(s)
            return Ref(text, "function", fn=s.id, line=expr.lineno)
        return Ref(text, "call" if isinstance(expr, ast.Call) else "ref", line=getattr(expr, "lineno", 0))

    def guard_for(ref: Ref, loc: Location) -> Guard:
        is_auth = None
        role = None
        if ref.kind == "function":
            s = next((x for x in summaries if x.id == ref.fn), None)
            if s is not None:
                is_auth = s.guard is not None
                role = s.role if s.guard == "role" else None
        if not is_auth:
            said = N.name_says_auth(ref.text)
            is_auth = bool(said) if is_auth is None else (is_auth or bool(said and N.role_from_name(ref.text)))
        if is_auth and role is None:
            role = N.role_from_name(ref.text)
        return Guard(ref.text, "decorator", loc, scope="route", is_auth=bool(is_auth), role=role)

    for fn, cls in pa.functions():
        if cls is not None or not isinstance(fn, FUNC):
            continue
        decos = fn.decorator_list
        for i, d in enumerate(decos):
            if not isinstance(d, ast.Call) or not isinstance(d.func, ast.Attribute):
                # @bp.before_request / @app.before_request
                if isinstance(d, ast.Attribute) and d.attr in ("before_request", "before_app_request"):
                    r = router_of(d.value)
                    if r is not None:
                        s = pa.summarize(fn)
                        summaries.append(s)
                        parent = r.id if d.attr == "before_request" else f"{path}#<app>"
                        ref = Ref(fn.name, "function", fn=s.id, line=fn.lineno)
                        # @api.before_request @auth.login_required def before_request(): … - the hook is
                        # wrapped by a guard decorator (decorators below the registration apply)
                        for below in decos[decos.index(d) + 1:]:
                            if N.name_says_auth(pa.src(below)):
                                ref = Ref(pa.src(below), "ref", line=below.lineno)
                                break
                        mounts.append(Mount(parent, "", Location(path, d.lineno), (ref,), kind="hook", framework="flask"))
                continue
            verb = d.func.attr
            if verb not in ("route",) and verb not in _VERBS:
                continue
            r = router_of(d.func.value)
            if r is None:
                continue
            rpath = const_str(d.args[0]) if d.args else const_str(kw(d, "rule"))
            if rpath is None:
                continue
            methods = [m.upper() for m in str_list(kw(d, "methods"))] if verb == "route" else [_VERBS[verb]]
            if not methods:
                methods = ["GET"]
            guards = []
            for below in decos[i + 1:]:
                ref = ref_for(below)
                guards.append(guard_for(ref, Location(path, below.lineno)))
            # guards written above the route decorator wrap the function after Flask registered it
            inert = []
            for above in decos[:i]:
                ref = ref_for(above)
                g = guard_for(ref, Location(path, above.lineno))
                if g.is_auth:
                    inert.append(f"inert-decorator:{g.name}:{above.lineno}")
            path_params = set(re.findall(r"<(?:[^:>]+:)?(\w+)>", rpath))
            s = pa.summarize(fn, request_params=path_params)
            summaries.append(s)
            for m in methods:
                if m in ("HEAD", "OPTIONS"):
                    continue
                routes.append(Route(m, rpath, "flask", Location(path, d.lineno, d.col_offset + 1), handler=s.id,
                                    handler_location=Location(path, fn.lineno), guards=tuple(guards) + s.body_guards,
                                    params=py_params(rpath), mount=r.id, name=fn.name, markers=tuple(inert)))
    # calls: register_blueprint, add_url_rule, before_request(fn)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attr = node.func.attr
        if attr == "register_blueprint" and node.args:
            r = router_of(node.func.value)
            if r is None:
                continue
            prefix = const_str(kw(node, "url_prefix"))
            child = node.args[0]
            ref = Ref(pa.src(child), "router" if dotted(child) in routers else "ref",
                      router=routers[dotted(child)].id if dotted(child) in routers else None, line=node.lineno)
            mounts.append(Mount(r.id, prefix if prefix is not None else "\x00", Location(path, node.lineno, node.col_offset + 1),
                                (ref,), kind="mount", framework="flask",
                                dev_only=pa.dev_only(pa.parents.get(id(node)) or node)))
        elif attr in ("before_request", "before_app_request") and node.args:
            r = router_of(node.func.value)
            if r is None:
                continue
            ref = ref_for(node.args[0])
            parent = r.id if attr == "before_request" else f"{path}#<app>"
            mounts.append(Mount(parent, "", Location(path, node.lineno), (ref,), kind="hook", framework="flask"))
        elif attr == "add_url_rule" and node.args:
            r = router_of(node.func.value)
            rpath = const_str(node.args[0])
            view = kw(node, "view_func") or (node.args[2] if len(node.args) > 2 else None)
            if r is None or rpath is None or view is None:
                continue
            methods = [m.upper() for m in str_list(kw(node, "methods"))] or ["GET"]
            vname = dotted(view)
            hid = hloc = None
            guards: tuple[Guard, ...] = ()
            if vname in local_fns:
                fn, _cls = local_fns[vname]
                s = pa.summarize(fn, request_params=set(re.findall(r"<(?:[^:>]+:)?(\w+)>", rpath)))
                summaries.append(s)
                hid, hloc, guards = s.id, Location(path, fn.lineno), s.body_guards
            for m in methods:
                routes.append(Route(m, rpath, "flask", Location(path, node.lineno, node.col_offset + 1), handler=hid,
                                    handler_location=hloc, guards=guards, params=py_params(rpath), mount=r.id, name=vname))
    if not routes and not mounts and not any(r.is_app for r in routers.values()):
        if routers:
            facts.extra.setdefault(EXTRA_ROUTERS, []).extend(routers.values())
            facts.extra.setdefault(EXTRA_EXPORTS, []).extend(Export(path, r.local, r.local) for r in routers.values())
        return
    facts.routes.extend(routes)
    facts.extra.setdefault(EXTRA_ROUTERS, []).extend(routers.values())
    facts.extra.setdefault(EXTRA_MOUNTS, []).extend(mounts)
    facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend({s.id: s for s in summaries}.values())


def _extractor():
    from deploycheck.project.extract import PY, Extractor
    return Extractor("routes.flask", run, languages=PY, roles=frozenset({Role.APP}),
                     triggers=(".route(", "Blueprint", "Flask(", ".get(", ".post(", "register_blueprint",
                               "before_request", "add_url_rule"))


EXTRACTORS = (_extractor(),)
