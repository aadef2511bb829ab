"""Django and Django REST framework.

* URLconfs (`urlpatterns = [path(…), re_path(…), path('api/', include('notes.urls'))]`, DRF routers
  `router.register(r'notes', NoteViewSet)` + `path('', include(router.urls))`): raw routes whose handler
  is the view named there; the linker resolves the view in its module and expands the methods.
* Views: function views and their decorators (`@login_required`, `@permission_required`,
  `@user_passes_test`, `@staff_member_required`, `@api_view([...])` + `@permission_classes([...])`,
  `@require_POST` …, `@login_not_required`); class views with `LoginRequiredMixin` & co, DRF
  `permission_classes`, generic views and viewsets (their implied actions and the record they load by
  pk: `queryset`/`model` vs a `get_queryset` that filters by the user).
* Settings: `REST_FRAMEWORK['DEFAULT_PERMISSION_CLASSES']` and Django 5.1's `LoginRequiredMiddleware`.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from deploycheck.core import Location
from deploycheck.project.extract.routes import _names as N
from deploycheck.project.extract.routes._py import FUNC
from deploycheck.project.extract.routes._summary import (EXTRA_FUNCTIONS, EXTRA_GLOBALS, EXTRA_MOUNTS, EXTRA_ROUTERS,
                                                         GlobalGuard, Mount, Ref, Router)
from deploycheck.project.extract.routes.flask import const_str, dotted, kw, str_list
from deploycheck.project.extract.routes.helpers import py_analysis
from deploycheck.project.model import DataAccess, FileFacts, Guard, Role, Route
from deploycheck.project.parse import FileContext

EXTRA_VIEWS = "routes.views"

_AUTH_MIXINS = re.compile(r"^(?:LoginRequiredMixin|AccessMixin|PermissionRequiredMixin|UserPassesTestMixin|"
                          r"StaffRequiredMixin|SuperuserRequiredMixin|\w*LoginRequired\w*|\w*Auth\w*Mixin|\w*Permission\w*Mixin|"
                          r"\w*Owner\w*Mixin|\w*Staff\w*Mixin|GroupRequiredMixin)$")
_ROLE_MIXINS = re.compile(r"^(?:PermissionRequiredMixin|UserPassesTestMixin|StaffRequiredMixin|SuperuserRequiredMixin|"
                          r"GroupRequiredMixin|\w*Permission\w*Mixin|\w*Staff\w*Mixin|\w*Admin\w*Mixin)$")
_OPEN_PERMS = re.compile(r"(?:^|\.)(?:AllowAny)$")
_AUTH_PERMS = re.compile(r"(?:^|\.)(?:IsAuthenticated|IsAdminUser|DjangoModelPermissions|DjangoObjectPermissions|"
                         r"IsAuthenticatedOrReadOnly|DjangoModelPermissionsOrAnonReadOnly|TokenHasScope|"
                         r"TokenHasReadWriteScope|\w*Permission\w*|Is\w+)$")
_READ_ONLY_PERMS = re.compile(r"(?:^|\.)(?:IsAuthenticatedOrReadOnly|DjangoModelPermissionsOrAnonReadOnly|\w*OrReadOnly)$")
_OBJECT_PERMS = re.compile(r"(?i)owner|author|creator|object|IsSelf|IsUser|belongs")

_VIEWSET_ACTIONS = {
    "list": ("GET", False, "read"), "create": ("POST", False, "create"), "retrieve": ("GET", True, "read"),
    "update": ("PUT", True, "update"), "partial_update": ("PATCH", True, "update"), "destroy": ("DELETE", True, "delete"),
}
_GENERIC = {
    # DRF generics / viewsets: actions they provide
    "ModelViewSet": ("list", "create", "retrieve", "update", "partial_update", "destroy"),
    "ReadOnlyModelViewSet": ("list", "retrieve"),
    "ListAPIView": ("list",), "CreateAPIView": ("create",), "RetrieveAPIView": ("retrieve",),
    "DestroyAPIView": ("destroy",), "UpdateAPIView": ("update", "partial_update"),
    "ListCreateAPIView": ("list", "create"), "RetrieveUpdateAPIView": ("retrieve", "update", "partial_update"),
    "RetrieveDestroyAPIView": ("retrieve", "destroy"),
    "RetrieveUpdateDestroyAPIView": ("retrieve", "update", "partial_update", "destroy"),
    "ListModelMixin": ("list",), "CreateModelMixin": ("create",), "RetrieveModelMixin": ("retrieve",),
    "UpdateModelMixin": ("update", "partial_update"), "DestroyModelMixin": ("destroy",),
    # Django generic class views
    "DetailView": ("retrieve",), "UpdateView": ("retrieve", "update_form"), "DeleteView": ("retrieve", "destroy_form"),
    "ListView": ("list",), "CreateView": ("create_form_get", "create"), "FormView": (), "TemplateView": (),
}
# Django's generic views that answer with a rendered template (or a redirect): website pages
_PAGE_VIEWS = frozenset({"ListView", "DetailView", "TemplateView", "ArchiveIndexView", "YearArchiveView",
                         "MonthArchiveView", "WeekArchiveView", "DayArchiveView", "TodayArchiveView", "DateDetailView",
                         "RedirectView", "FormView", "CreateView", "UpdateView", "DeleteView"})
_DRF_BASES = re.compile(r"(?:APIView|ViewSet|ModelViewSet|GenericAPIView|GenericViewSet|ViewSetMixin|\w+APIView|\w+ViewSet)$")


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """A Django/DRF view as the linker needs it to expand a URL pattern into routes."""
    path: str
    name: str                                  # function or class name
    line: int
    methods: tuple[tuple[str, str | None, str, bool], ...]   # (METHOD, FnSummary id or None, action, detail)
    guards: tuple[Guard, ...] = ()
    public: bool = False                       # explicitly public (AllowAny, @login_not_required)
    drf: bool = False                          # DRF view: DEFAULT_PERMISSION_CLASSES apply when no permission_classes
    has_permission_classes: bool = False
    object_accesses: tuple[DataAccess, ...] = ()   # the record generic views load/change by pk
    read_only_public: bool = False             # IsAuthenticatedOrReadOnly: reads are public
    page: bool = False                         # a Django template view (ListView, DetailView, TemplateView …)


def run(ctx: FileContext, facts: FileFacts) -> None:
    text = ctx.text
    tree = ctx.py_tree
    if "urlpatterns" in text or "router.register" in text or ".register(" in text and "Router(" in text:
        _urls(ctx, facts, tree)
    if "REST_FRAMEWORK" in text or "MIDDLEWARE" in text:
        _settings(ctx, facts, tree)
    if re.search(r"\brequest\b", text) and re.search(r"django|rest_framework|View\b|ViewSet|APIView", text):
        _views(ctx, facts, tree)


# ------------------------------------------------------------------------------------- urls
def _urls(ctx: FileContext, facts: FileFacts, tree: ast.Module) -> None:
    path = ctx.path
    rid = f"{path}#urlpatterns"
    routes: list[Route] = []
    mounts: list[Mount] = []
    drf_routers: dict[str, list[tuple[str, ast.AST, int]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register" \
                and len(node.args) >= 2:
            prefix = const_str(node.args[0])
            if prefix is not None:
                drf_routers.setdefault(dotted(node.func.value), []).append((prefix, node.args[1], node.lineno))
    # module-level URL lists other than urlpatterns (`uuid_urls = [path(…), …]`, then
    # `path("ping/<uuid:code>/", include(uuid_urls))`): each is a router of its own, mounted where it is included
    sublists: dict[str, str] = {}        # list name -> router id
    owner: dict[int, str] = {}           # id(path call) -> router id of the list that holds it
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name) or targets[0].id == "urlpatterns":
                continue
            calls = _url_calls(node.value)
            if not calls:
                continue
            sub = f"{path}#{targets[0].id}"
            sublists[targets[0].id] = sub
            for c in calls:
                owner[id(c)] = sub
    inline: dict[int, str] = {}          # id(include call) -> router id of its inline list
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and dotted(node.func).split(".")[-1] == "include" and node.args and \
                isinstance(node.args[0], (ast.List, ast.Tuple)):
            sub = f"{path}#include@{node.lineno}:{node.col_offset}"
            inline[id(node)] = sub
            for c in _url_calls(node.args[0]):
                owner[id(c)] = sub
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fname = dotted(node.func).split(".")[-1]
        if fname not in ("path", "re_path", "url") or not node.args:
            continue
        parent = owner.get(id(node), rid)
        route = const_str(node.args[0])
        if route is None or len(node.args) < 2:
            continue
        if fname in ("re_path", "url"):
            route = _regex_to_path(route)
        view = node.args[1]
        loc = Location(path, node.lineno, node.col_offset + 1)
        if isinstance(view, ast.Call) and dotted(view.func).split(".")[-1] == "include":
            target = view.args[0] if view.args else None
            if isinstance(target, ast.Tuple) and target.elts:
                target = target.elts[0]
            mod = const_str(target)
            if mod is not None:
                mounts.append(Mount(parent, "/" + route, loc, (Ref(f"module:{mod}", "ref", line=node.lineno),),
                                    kind="mount", framework="django"))
            elif isinstance(target, ast.Attribute) and target.attr == "urls" and dotted(target.value) in drf_routers:
                for prefix, vs, line in drf_routers[dotted(target.value)]:
                    _router_routes(routes, path, parent, _join(route, prefix), vs, Location(path, line, 1))
            elif id(view) in inline:   # include([path(…), …]): an inline list of its own
                mounts.append(Mount(parent, "/" + route, loc, (Ref(f"include@{node.lineno}", "router", router=inline[id(view)],
                                                                   line=node.lineno),), kind="mount", framework="django"))
            elif isinstance(target, ast.Name) and target.id in sublists:
                mounts.append(Mount(parent, "/" + route, loc,
                                    (Ref(target.id, "router", router=sublists[target.id], line=node.lineno),),
                                    kind="mount", framework="django"))
            elif target is not None:
                mounts.append(Mount(parent, "/" + route, loc, (Ref(f"module:{dotted(target)}", "ref", line=node.lineno),),
                                    kind="mount", framework="django"))
            continue
        vname = _view_name(view)
        if vname is None:
            continue
        guards: tuple[Guard, ...] = ()
        if vname.endswith("admin.site.urls") or vname.endswith("site.urls"):
            # Django's admin site: every page requires a staff login
            guards = (Guard("Django admin (staff login)", "framework", loc, scope="route", role="staff"),)
        routes.append(Route("ANY", "/" + route, "django", loc, params=_params(route), mount=parent, name=vname,
                            guards=guards))
    # `urlpatterns += router.urls` / `urlpatterns = router.urls`
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not any(isinstance(t, ast.Name) and t.id == "urlpatterns" for t in targets):
                continue
            for val in _direct_items(node.value):   # router.urls inside include(...) was mounted above
                if isinstance(val, ast.Attribute) and val.attr == "urls" and dotted(val.value) in drf_routers:
                    for prefix, vs, line in drf_routers[dotted(val.value)]:
                        _router_routes(routes, path, rid, prefix, vs, Location(path, line, 1))
                elif isinstance(val, ast.Name) and val.id in sublists:   # urlpatterns = [...] + other_urls
                    mounts.append(Mount(rid, "", Location(path, node.lineno, 1),
                                        (Ref(val.id, "router", router=sublists[val.id], line=node.lineno),),
                                        kind="mount", framework="django"))
    if not routes and not mounts:
        return
    facts.routes.extend(routes)
    facts.extra.setdefault(EXTRA_ROUTERS, []).append(Router(rid, "django", local="urlpatterns", line=1))
    for name, sub in [*sublists.items(), *((r.split("#", 1)[1], r) for r in inline.values())]:
        facts.extra.setdefault(EXTRA_ROUTERS, []).append(Router(sub, "django", local=name, line=1))
    facts.extra.setdefault(EXTRA_MOUNTS, []).extend(mounts)


def _url_calls(value: ast.AST) -> list[ast.Call]:
    """The path()/re_path()/url() calls that are elements of a URL list (`[…]`, `[…] + […]`)."""
    if isinstance(value, ast.BinOp):
        return _url_calls(value.left) + _url_calls(value.right)
    if isinstance(value, (ast.List, ast.Tuple)):
        return [e for e in value.elts if isinstance(e, ast.Call) and dotted(e.func).split(".")[-1] in ("path", "re_path", "url")]
    return []


def _direct_items(value: ast.AST) -> list[ast.AST]:
    """The parts of `urlpatterns = …` that are URL lists themselves: `router.urls`, `[…] + router.urls`,
    list elements; never what sits inside a call such as include(router.urls)."""
    if isinstance(value, ast.BinOp):
        return _direct_items(value.left) + _direct_items(value.right)
    if isinstance(value, (ast.List, ast.Tuple)):
        return [e for e in value.elts if not isinstance(e, ast.Call)]
    return [value]


def _router_routes(routes: list[Route], path: str, rid: str, prefix: str, viewset: ast.AST, loc: Location) -> None:
    name = dotted(viewset)
    base = "/" + prefix.strip("/")
    routes.append(Route("ANY", base + "/", "drf", loc, mount=rid, name=f"{name}#collection"))
    routes.append(Route("ANY", base + "/{pk}/", "drf", loc, params=("{pk}",), mount=rid, name=f"{name}#detail"))


def _view_name(view: ast.AST) -> str | None:
    if isinstance(view, ast.Call):
        # NoteDetail.as_view() / NoteViewSet.as_view({'get': 'list'})
        if isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
            actions = ""
            if view.args and isinstance(view.args[0], ast.Dict):
                pairs = []
                for k, v in zip(view.args[0].keys, view.args[0].values):
                    ks, vs = const_str(k), const_str(v)
                    if ks and vs:
                        pairs.append(f"{ks}={vs}")
                actions = "#actions:" + ",".join(pairs)
            return dotted(view.func.value) + actions
        return None
    name = dotted(view)
    return name or None


def _regex_to_path(rx: str) -> str:
    """`^(?P<series>(?:\\d{1,2}\\.[0-2]|\\d{4}))/roadmap/$` -> `<series>/roadmap/`; an unnamed group is `<argN>`
    (groups may nest, so they are matched by counting parentheses)."""
    s = rx.lstrip("^").rstrip("$")
    out: list[str] = []
    i, n = 0, 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            out.append(s[i + 1])
            i += 2
            continue
        if ch == "(" and not s.startswith("(?:", i):
            depth, j = 0, i
            while j < len(s):
                if s[j] == "\\":
                    j += 2
                    continue
                depth += s[j] == "("
                depth -= s[j] == ")"
                if depth == 0:
                    break
                j += 1
            m = re.match(r"\(\?P<(\w+)>", s[i:])
            n += 1
            out.append(f"<{m.group(1)}>" if m else f"<arg{n}>")
            i = j + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _join(a: str, b: str) -> str:
    return "/".join(x.strip("/") for x in (a, b) if x and x.strip("/"))


def _params(route: str) -> tuple[str, ...]:
    return tuple(re.findall(r"<[^>]+>", route))


# ------------------------------------------------------------------------------------- settings
def _settings(ctx: FileContext, facts: FileFacts, tree: ast.Module) -> None:
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            continue
        name = node.targets[0].id
        if name == "REST_FRAMEWORK" and isinstance(node.value, ast.Dict):
            for k, v in zip(node.value.keys, node.value.values):
                if const_str(k) == "DEFAULT_PERMISSION_CLASSES":
                    perms = str_list(v) or [dotted(e) for e in getattr(v, "elts", [])]
                    for p in perms:
                        open_ = bool(_OPEN_PERMS.search(p))
                        facts.extra.setdefault(EXTRA_GLOBALS, []).append(GlobalGuard(
                            "drf", Guard(p.rsplit(".", 1)[-1], "config", Location(ctx.path, node.lineno), scope="app",
                                         is_auth=not open_, role="admin" if "Admin" in p else None)))
        elif name == "MIDDLEWARE":
            for p in str_list(node.value):
                if p.endswith("LoginRequiredMiddleware"):
                    facts.extra.setdefault(EXTRA_GLOBALS, []).append(GlobalGuard(
                        "django", Guard("LoginRequiredMiddleware", "middleware", Location(ctx.path, node.lineno), scope="app")))


# ------------------------------------------------------------------------------------- views
def _views(ctx: FileContext, facts: FileFacts, tree: ast.Module) -> None:
    pa = py_analysis(ctx)
    path = ctx.path
    views: list[ViewSpec] = []
    summaries = []
    for node in tree.body:
        if isinstance(node, FUNC):
            params = pa.param_names(node)
            if not params or params[0] not in ("request", "req", "r"):
                continue
            spec, sums = _function_view(ctx, pa, node)
            views.append(spec)
            summaries.extend(sums)
        elif isinstance(node, ast.ClassDef):
            bases = [dotted(b).split(".")[-1] for b in node.bases]
            if not any(re.search(r"View|ViewSet|Mixin", b) for b in bases):
                continue
            spec, sums = _class_view(ctx, pa, node, bases)
            if spec is not None:
                views.append(spec)
                summaries.extend(sums)
    if views:
        facts.extra.setdefault(EXTRA_VIEWS, []).extend(views)
    if summaries:
        facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(summaries)


def _decorator_guards(ctx, pa, decos: list[ast.AST]) -> tuple[list[Guard], bool, list[str] | None, bool, bool]:
    """(guards, public, methods, is DRF view, has permission_classes)."""
    guards: list[Guard] = []
    public = False
    methods: list[str] | None = None
    drf = False
    has_perms = False
    local_fns = {fn.name: fn for fn, cls in pa.functions() if cls is None}
    for d in decos:
        name = dotted(d)
        base = name.split(".")[-1]
        loc = Location(ctx.path, d.lineno)
        if base in ("login_not_required",):
            public = True
        elif base == "api_view":
            drf = True
            if isinstance(d, ast.Call) and d.args:
                methods = [m.upper() for m in str_list(d.args[0])]
            else:
                methods = ["GET"]
        elif base in ("require_http_methods",) and isinstance(d, ast.Call) and d.args:
            methods = [m.upper() for m in str_list(d.args[0])]
        elif base in ("require_GET", "require_safe"):
            methods = ["GET"]
        elif base == "require_POST":
            methods = ["POST"]
        elif base == "permission_classes" and isinstance(d, ast.Call) and d.args:
            has_perms = True
            for e in getattr(d.args[0], "elts", []):
                pn = dotted(e)
                if _OPEN_PERMS.search(pn):
                    public = True
                elif _AUTH_PERMS.search(pn):
                    guards.append(Guard(pn, "decorator", loc, scope="route",
                                        role="admin" if "Admin" in pn else (None if re.search(r"Authenticated", pn) else "permission")))
        elif base in ("csrf_exempt", "cache_page", "never_cache", "vary_on_headers", "transaction", "atomic",
                      "authentication_classes", "throttle_classes", "renderer_classes", "parser_classes", "schema",
                      "extend_schema", "swagger_auto_schema", "method_decorator"):
            continue
        else:
            said = N.name_says_auth(name)
            is_auth = bool(said)
            role = N.role_from_name(pa.src(d)) if said else None
            if base in local_fns:
                s = pa.summarize(local_fns[base])
                if s.guard is not None:
                    is_auth, role = True, s.role
            if base in ("login_required", "staff_member_required", "permission_required", "user_passes_test",
                        "superuser_required"):
                is_auth = True
                role = None if base == "login_required" else ("admin" if "staff" in base or "super" in base else "permission")
            guards.append(Guard(pa.src(d) if len(pa.src(d)) < 60 else name, "decorator", loc, scope="route",
                                is_auth=is_auth, role=role))
    return guards, public, methods, drf, has_perms


def _function_view(ctx, pa, fn) -> tuple[ViewSpec, list]:
    guards, public, methods, drf, has_perms = _decorator_guards(ctx, pa, fn.decorator_list)
    params = pa.param_names(fn)
    s = pa.summarize(fn, request_params=set(params[1:]))
    if methods is None:
        seen = re.findall(r"""request\.method\s*(?:==|!=|in)\s*\(?\s*['"](\w+)['"]""", pa.seg(fn))
        methods = sorted({m.upper() for m in seen} | ({"GET"} if seen else set())) or ["ANY"]
    return ViewSpec(ctx.path, fn.name, fn.lineno, tuple((m, s.id, "", False) for m in methods),
                    tuple(guards) + s.body_guards, public, drf, has_perms), [s]


def _class_view(ctx, pa, cls: ast.ClassDef, bases: list[str]) -> tuple[ViewSpec | None, list]:
    path = ctx.path
    guards: list[Guard] = []
    public = False
    drf = any(_DRF_BASES.search(b) for b in bases)
    has_perms = False
    read_only_public = False
    for b in bases:
        if _AUTH_MIXINS.match(b):
            guards.append(Guard(b, "mixin", Location(path, cls.lineno), scope="route",
                                role="permission" if _ROLE_MIXINS.match(b) else None))
    model = None
    queryset_line = cls.lineno
    scoped_qs = False
    object_perm = False
    methods_defined: dict[str, ast.AST] = {}
    summaries = []
    for st in cls.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            name = st.targets[0].id
            if name == "permission_classes":
                has_perms = True
                for e in getattr(st.value, "elts", []):
                    pn = dotted(e)
                    if _OPEN_PERMS.search(pn):
                        public = True
                    elif _AUTH_PERMS.search(pn):
                        if _READ_ONLY_PERMS.search(pn):
                            read_only_public = True
                        guards.append(Guard(pn, "config", Location(path, st.lineno), scope="route",
                                            role="admin" if "Admin" in pn else (None if re.search(r"Authenticated", pn) else "permission")))
                        if _OBJECT_PERMS.search(pn.rsplit(".", 1)[-1]):
                            object_perm = True
            elif name == "model":
                model = dotted(st.value)
                queryset_line = st.lineno
            elif name == "queryset":
                qs = pa.src(st.value)
                model = qs.split(".")[0]
                queryset_line = st.lineno
                if re.search(r"\.filter\(", qs) and N.OWNER_KEY.search(qs):
                    scoped_qs = True
        elif isinstance(st, FUNC):
            methods_defined[st.name] = st
            for d in st.decorator_list:
                if dotted(d).split(".")[-1] == "method_decorator" and isinstance(d, ast.Call) and d.args:
                    g, _p, _m, _drf, _hp = _decorator_guards(ctx, pa, d.args)
                    guards.extend(g)
    for d in cls.decorator_list:
        if dotted(d).split(".")[-1] == "method_decorator" and isinstance(d, ast.Call) and d.args:
            g, _p, _m, _drf, _hp = _decorator_guards(ctx, pa, d.args)
            guards.extend(g)
    gq = methods_defined.get("get_queryset") or methods_defined.get("get_object")
    if gq is not None:
        body = pa.seg(gq)
        if re.search(r"request\.user|self\.request\.user|current_user|\buser\b", body) and (
                N.OWNER_KEY.search(body) or "request.user." in body):
            scoped_qs = True
        if "check_object_permissions" in body:
            object_perm = object_perm or bool(has_perms)
        if model is None:
            m = re.search(r"\b([A-Z]\w*)\.objects\b", body)
            model = m.group(1) if m else None
    actions: list[tuple[str, str | None, str, bool]] = []
    object_accesses: list[DataAccess] = []
    provided = set()
    for b in bases:
        provided.update(_GENERIC.get(b, ()))
    for act in sorted(provided):
        if act.endswith("_form") or act == "create_form_get":
            method = "POST" if act != "create_form_get" else "GET"
            op = {"update_form": "update", "destroy_form": "delete", "create_form_get": "read"}[act]
            detail = act != "create_form_get"
        elif act in _VIEWSET_ACTIONS:
            method, detail, op = _VIEWSET_ACTIONS[act]
        else:
            continue
        fn = methods_defined.get(act) or methods_defined.get(method.lower())
        sid = None
        if fn is not None:
            s = pa.summarize(fn, cls.name, request_params={"pk", "id", "slug"} & set(pa.param_names(fn)))
            summaries.append(s)
            sid = s.id
        actions.append((method, sid, act, detail))
        if detail and model and fn is None:
            object_accesses.append(DataAccess(Location(path, queryset_line), op, f"{cls.name}.get_object", model,
                                              single=True, key="request", key_text="pk",
                                              scoped=scoped_qs or object_perm))
        elif not detail and model and fn is None and act in ("list", "create"):
            # the generic list returns the whole queryset; the generic create saves a new row
            object_accesses.append(DataAccess(Location(path, queryset_line), "read" if act == "list" else "create",
                                              f"{cls.name}.{act}", model, scoped=scoped_qs))
        if act == "create" and "perform_create" in methods_defined:
            body = pa.seg(methods_defined["perform_create"])
            if re.search(r"save\([^)]*\b(owner|user|author|created_by|creator)\s*=\s*self\.request\.user", body):
                object_accesses.append(DataAccess(Location(path, methods_defined["perform_create"].lineno), "create",
                                                  "serializer.save", model, scoped=True))
    # explicit handlers: get/post/put/patch/delete methods, DRF @action methods
    for name, fn in methods_defined.items():
        if name in ("get", "post", "put", "patch", "delete"):
            if any(a[0] == name.upper() for a in actions):
                continue
            s = pa.summarize(fn, cls.name, request_params=set(pa.param_names(fn)[2:]))
            summaries.append(s)
            actions.append((name.upper(), s.id, name, "pk" in pa.param_names(fn) or "id" in pa.param_names(fn)))
        for d in fn.decorator_list:
            if dotted(d).split(".")[-1] == "action" and isinstance(d, ast.Call):
                detail = isinstance(kw(d, "detail"), ast.Constant) and kw(d, "detail").value is True
                ms = [m.upper() for m in str_list(kw(d, "methods"))] or ["GET"]
                s = pa.summarize(fn, cls.name, request_params={"pk"} & set(pa.param_names(fn)))
                summaries.append(s)
                g, pub, _m, _drf, hp = _decorator_guards(ctx, pa, [x for x in fn.decorator_list if x is not d])
                for m in ms:
                    actions.append((m, s.id, f"action:{fn.name}:{(const_str(kw(d, 'url_path')) or fn.name)}", detail))
    if not actions:
        return None, summaries
    page = not drf and (any(b in _PAGE_VIEWS for b in bases) or any(
        isinstance(st, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "template_name" for t in st.targets)
        for st in cls.body))
    return ViewSpec(path, cls.name, cls.lineno, tuple(actions), tuple(guards), public, drf, has_perms,
                    tuple(object_accesses), read_only_public, page), summaries


def _extractor():
    from deploycheck.project.extract import PY, Extractor
    return Extractor("routes.django", run, languages=PY, roles=frozenset({Role.APP}),
                     triggers=("urlpatterns", "django", "rest_framework", "REST_FRAMEWORK", "router.register"))


EXTRACTORS = (_extractor(),)
