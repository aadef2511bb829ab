"""NestJS: `@Controller('notes')` classes with `@Get(':id')`/`@Post()`/… methods, `@UseGuards(...)` on the
controller and on methods, `@Roles('admin')`, opt-outs like `@Public()`/`@SkipAuth()`/`@AllowAnonymous()`,
global guards (`app.useGlobalGuards(new JwtAuthGuard())`, `{ provide: APP_GUARD, useClass: … }`) and
`app.setGlobalPrefix('api')`.

Handlers read request input through `@Param()`, `@Query()`, `@Body()` parameters and the user through
`@Req() req` (`req.user`) or a user decorator (`@CurrentUser()`, `@User()`, `@GetUser()`). Calls to
injected services (`this.notesService.findOne(id)`) are rewritten to the service class
(`NotesService.findOne`) so the linker can follow them into the service file.
"""
from __future__ import annotations

import re
from dataclasses import replace

import tree_sitter as ts

from deploycheck.core import Location
from deploycheck.project.extract.routes import _names as N
from deploycheck.project.extract.routes._js import analysis
from deploycheck.project.extract.routes._summary import EXTRA_FUNCTIONS, EXTRA_GLOBALS, EXTRA_ROUTERS, GlobalGuard, Ref, Router
from deploycheck.project.model import FileFacts, Guard, Role, Route
from deploycheck.project.parse import FileContext

_HTTP = {"Get": "GET", "Post": "POST", "Put": "PUT", "Patch": "PATCH", "Delete": "DELETE", "All": "ANY",
         "Options": "OPTIONS", "Head": "HEAD"}
_PUBLIC = re.compile(r"^(?:Public|IsPublic|SkipAuth|AllowAnonymous|Anonymous|NoAuth|PublicRoute|Unprotected|"
                     r"SkipJwt|AllowUnauthorized|OptionalAuth)$")
_USER_PARAM = re.compile(r"^(?:User|CurrentUser|GetUser|AuthUser|ReqUser|Session|AuthSession|Auth|Principal|"
                         r"LoggedUser|CurrentUserId|UserId|Me)$")
_Q_CLASS = "[(class_declaration) (abstract_class_declaration)] @class"
GLOBAL_PREFIX_ROUTER = "nestjs#global"


def _decorators(node: ts.Node) -> list[ts.Node]:
    """Decorators of a class (on the class or on its export statement)."""
    out = [c for c in node.children if c.type == "decorator"]
    if node.parent is not None and node.parent.type == "export_statement":
        out = [c for c in node.parent.children if c.type == "decorator"] + out
    return out


def _deco_call(js, deco: ts.Node) -> tuple[str, list[ts.Node]]:
    inner = deco.named_children[0] if deco.named_children else None
    if inner is None:
        return "", []
    if inner.type == "call_expression":
        fn = inner.child_by_field_name("function")
        args = inner.child_by_field_name("arguments")
        return js.text(fn), [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
    return js.text(inner), []


def run(ctx: FileContext, facts: FileFacts) -> None:
    js = analysis(ctx)
    text = ctx.text
    if "useGlobalGuards" in text or "APP_GUARD" in text or "setGlobalPrefix" in text or "forRoutes" in text:
        _globals(ctx, facts)
    if "@Controller" not in text:
        return
    summaries = []
    for cls in ctx.captures(_Q_CLASS).get("class", []):
        cdecos = _decorators(cls)
        prefix = None
        class_guards: list[Guard] = []
        class_public = False
        for d in cdecos:
            name, args = _deco_call(js, d)
            if name == "Controller":
                prefix = ""
                if args:
                    v = js.string_value(args[0])
                    if v is None and args[0].type == "object":
                        p = js.object_props(args[0]).get("path")
                        v = js.string_value(p) if p is not None else None
                    if v is None and args[0].type == "array" and args[0].named_children:
                        v = js.string_value(args[0].named_children[0])
                    prefix = v or ""
            else:
                g, public = _guard_decorator(ctx, js, d, name, args, scope="router")
                class_guards.extend(g)
                class_public = class_public or public
        if prefix is None:
            continue
        body = cls.child_by_field_name("body")
        if body is None:
            continue
        injected = _injected(js, body)
        pending: list[ts.Node] = []
        for child in body.named_children:
            if child.type == "decorator":
                pending.append(child)
                continue
            if child.type == "comment":
                continue
            if child.type != "method_definition":
                pending = []
                continue
            decos, pending = pending, []
            methods: list[tuple[str, str, ts.Node]] = []
            guards = list(class_guards)
            public = class_public
            for d in decos:
                name, args = _deco_call(js, d)
                if name in _HTTP:
                    sub = js.string_value(args[0]) if args else ""
                    if args and sub is None and args[0].type == "array" and args[0].named_children:
                        sub = js.string_value(args[0].named_children[0])
                    methods.append((_HTTP[name], sub or "", d))
                else:
                    g, pub = _guard_decorator(ctx, js, d, name, args, scope="route")
                    guards.extend(g)
                    public = public or pub
            if not methods:
                continue
            request_params, user_names = _handler_params(js, child)
            s = js.summarize(child, request_params=request_params, user_names=user_names)
            s = replace(s, calls=tuple(replace(c, callee=_rewrite(c.callee, injected)) for c in s.calls))
            summaries.append(s)
            if public:
                guards.append(Guard("@Public()", "decorator", Location(ctx.path, child.start_point[0] + 1),
                                    scope="route", is_auth=False, public=True))
            for method, sub, deco in methods:
                path = _join(prefix, sub)
                loc = Location(ctx.path, deco.start_point[0] + 1, deco.start_point[1] + 1)
                facts.routes.append(Route(method, path, "nestjs", loc, handler=s.id,
                                          handler_location=Location(ctx.path, s.line), guards=tuple(guards),
                                          params=tuple(re.findall(r":\w+", path)), mount=GLOBAL_PREFIX_ROUTER,
                                          name=js.fn(child).qualname or js.fn(child).name))
        # service classes in the same file are summarised by helpers.py
    if summaries:
        facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(summaries)


def _guard_decorator(ctx, js, d: ts.Node, name: str, args: list[ts.Node], scope: str) -> tuple[list[Guard], bool]:
    loc = Location(ctx.path, d.start_point[0] + 1)
    if _PUBLIC.match(name):
        return [], True
    if name == "SetMetadata" and args and re.search(r"(?i)public|skip.?auth", js.text(args[0])):
        return [], True
    if name == "UseGuards":
        out = []
        for a in args:
            t = re.sub(r"^new\s+", "", js.text(a)).strip()
            said = N.name_says_auth(t)
            # an unknown guard class counts when its canActivate rejects (the linker reads it)
            out.append(Guard(t, "decorator", loc, scope=scope, is_auth=bool(said), role=N.role_from_name(t) if said else None))
        return out, False
    if name in ("Roles", "Role", "Permissions", "RequirePermissions", "HasRoles", "RequireRoles", "Auth", "Authorize"):
        role = js.string_value(args[0]) if args else None
        if role is None and args:
            role = js.text(args[0])[:30]
        return [Guard(f"@{name}({role or ''})", "decorator", loc, scope=scope, is_auth=True, role=role or "role")], False
    return [], False


def _injected(js, body: ts.Node) -> dict[str, str]:
    """Constructor-injected fields: `constructor(private readonly notesService: NotesService)`."""
    out: dict[str, str] = {}
    for m in body.named_children:
        if m.type != "method_definition" or js.text(m.child_by_field_name("name")) != "constructor":
            continue
        params = m.child_by_field_name("parameters")
        for p in params.named_children if params is not None else []:
            pat = p.child_by_field_name("pattern")
            typ = p.child_by_field_name("type")
            if pat is not None and typ is not None:
                t = js.text(typ).lstrip(":").strip()
                if re.fullmatch(r"[A-Z]\w*", t):
                    out[js.text(pat)] = t
    return out


def _rewrite(callee: str, injected: dict[str, str]) -> str:
    m = re.match(r"^this\.(\w+)\.(\w+)$", callee)
    if m and m.group(1) in injected:
        return f"{injected[m.group(1)]}.{m.group(2)}"
    return callee


def _handler_params(js, method: ts.Node) -> tuple[tuple[int, ...], set[str]]:
    req_idx: list[int] = []
    users: set[str] = set()
    params = method.child_by_field_name("parameters")
    for i, p in enumerate(params.named_children if params is not None else []):
        decos = [c for c in p.children if c.type == "decorator"]
        names = js.bound_names(p)
        for d in decos:
            name, _args = _deco_call(js, d)
            if name in ("Param", "Query", "Body", "Headers"):
                req_idx.append(i)
            elif _USER_PARAM.match(name):
                users |= set(names)
    return tuple(req_idx), users


def _join(prefix: str, sub: str) -> str:
    parts = [x.strip("/") for x in (prefix, sub) if x and x.strip("/")]
    return "/" + "/".join(parts)


def _globals(ctx: FileContext, facts: FileFacts) -> None:
    text = ctx.text
    for m in re.finditer(r"useGlobalGuards\s*\(([^;]*?)\)\s*;", text, re.S):
        for g in re.findall(r"new\s+(\w+)|(?<![\w.])(\w+Guard)\b", m.group(1)):
            name = g[0] or g[1]
            line = ctx.offset_to_line(m.start())
            facts.extra.setdefault(EXTRA_GLOBALS, []).append(GlobalGuard(
                "nestjs", Guard(name, "global", Location(ctx.path, line), scope="app",
                                is_auth=bool(N.name_says_auth(name)), role=N.role_from_name(name)),
                ref=Ref(name, "ref", line=line)))
    for m in re.finditer(r"provide\s*:\s*APP_GUARD\s*,\s*use(?:Class|Existing)\s*:\s*(\w+)", text):
        name = m.group(1)
        line = ctx.offset_to_line(m.start())
        facts.extra.setdefault(EXTRA_GLOBALS, []).append(GlobalGuard(
            "nestjs", Guard(name, "global", Location(ctx.path, line), scope="app",
                            is_auth=bool(N.name_says_auth(name)), role=N.role_from_name(name)),
            ref=Ref(name, "ref", line=line)))
    # consumer.apply(AuthMiddleware).exclude(...).forRoutes({ path: 'user', method: RequestMethod.GET }, CatsController, '*')
    for m in re.finditer(r"\.apply\s*\(([^)]*)\)((?:\s*\.exclude\s*\((?:[^()]|\([^()]*\))*\))?)\s*\.forRoutes\s*\(((?:[^()]|\([^()]*\))*)\)",
                         text, re.S):
        names = [n.strip() for n in m.group(1).split(",") if re.fullmatch(r"\s*[A-Za-z_]\w*(?:\(\))?\s*", n)]
        matcher = _for_routes(m.group(3))
        exempt = _for_routes(m.group(2)) if m.group(2) else []
        line = ctx.offset_to_line(m.start())
        for name in names:
            name = name.rstrip("()")
            facts.extra.setdefault(EXTRA_GLOBALS, []).append(GlobalGuard(
                "nestjs", Guard(name, "middleware", Location(ctx.path, line), scope="app",
                                is_auth=bool(N.name_says_auth(name)), role=N.role_from_name(name)),
                matcher=tuple(matcher) or ("*",), exempt=tuple(exempt), ref=Ref(name, "ref", line=line)))
    m = re.search(r"setGlobalPrefix\s*\(\s*['\"`]([^'\"`]*)['\"`]", text)
    if m:
        facts.extra.setdefault(EXTRA_ROUTERS, []).append(Router(GLOBAL_PREFIX_ROUTER, "nestjs", prefix=m.group(1)))


def _for_routes(args: str) -> list[str]:
    """forRoutes/exclude arguments as matcher entries: 'path:<p>|<METHOD>', 'controller:<Name>', '*'."""
    out = []
    for obj in re.finditer(r"\{([^}]*)\}", args):
        body = obj.group(1)
        p = re.search(r"path\s*:\s*['\"`]([^'\"`]*)['\"`]", body)
        meth = re.search(r"RequestMethod\.(\w+)", body)
        if p:
            out.append(f"path:{p.group(1).strip('/')}|{(meth.group(1) if meth else 'ALL').upper()}")
    rest = re.sub(r"\{[^}]*\}", "", args)
    for lit in re.findall(r"['\"`]([^'\"`]*)['\"`]", rest):
        out.append("*" if lit.strip("/") in ("*", "(.*)", "") else f"path:{lit.strip('/')}|ALL")
    for ident in re.findall(r"(?<![\w.'\"])([A-Z]\w*Controller)\b", rest):
        out.append(f"controller:{ident}")
    return out


def _extractor():
    from deploycheck.project.extract import JS, Extractor
    return Extractor("routes.nestjs", run, languages=JS, roles=frozenset({Role.APP}),
                     triggers=("@Controller", "useGlobalGuards", "APP_GUARD", "setGlobalPrefix", "forRoutes"))


EXTRACTORS = (_extractor(),)
