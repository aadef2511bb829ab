"""Fastify: `app.get/post…(path, [opts], handler)`, `app.route({ method, url, handler, preHandler })`,
plugins registered with `app.register(plugin, { prefix })` (encapsulated unless wrapped in
`fastify-plugin`), hooks (`onRequest`/`preHandler`/`preValidation`/`preParsing`) at route, plugin and
app level, and decorators (`app.decorate('authenticate', fn)`) used as hooks (`app.authenticate`).

The registration walk is shared with Express and Hono (`_jsrouters.py`); this module holds what only
Fastify has. Hooks apply to every route of the plugin they are added in (Fastify resolves route hooks
after the plugin has loaded, so order inside a plugin does not matter) and to its child plugins.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

import tree_sitter as ts

from deploycheck.project.extract.routes._js import FN_TYPES
from deploycheck.project.extract.routes._summary import Ref
from deploycheck.project.model import Guard

if TYPE_CHECKING:  # pragma: no cover
    from deploycheck.project.extract.routes._jsrouters import JsRouterFile

ROUTE_HOOKS = ("onRequest", "preHandler", "preValidation", "preParsing")
_FP = re.compile(r"^(?:fp|fastifyPlugin|plugin|fastify_plugin|require\(\s*['\"]fastify-plugin['\"]\s*\))$")

EXTRACTORS: tuple = ()   # the shared router walk is registered once, in express.py


def route_option_guards(rf: "JsRouterFile", obj: ts.Node) -> list[Guard]:
    """Guards in a route options object: `{ onRequest: [app.authenticate], preHandler: requireRole('x') }`,
    spreads of a local options object included (`{ ...editorOnly, schema }`)."""
    js = rf.js
    guards: list[Guard] = []
    for c in obj.named_children:
        if c.type == "spread_element":
            inner = c.named_children[0] if c.named_children else None
            if inner is not None and inner.type == "identifier":
                val = rf.decls.get(js.text(inner)) or _local_decl(rf, c, js.text(inner))
                if val is not None and val.type == "object":
                    guards.extend(route_option_guards(rf, val))
            continue
        if c.type != "pair":
            continue
        key = js.text(c.child_by_field_name("key")).strip("'\"")
        if key in ROUTE_HOOKS:
            value = c.child_by_field_name("value")
            guards.extend(_hook_guards(rf, value))
        elif key == "config":
            pass
    return guards


def _hook_guards(rf: "JsRouterFile", value: ts.Node | None) -> list[Guard]:
    js = rf.js
    if value is None:
        return []
    v = js.unwrap(value) or value
    if v.type == "array":
        return [g for x in v.named_children for g in _hook_guards(rf, x)]
    ref = rf.ref(v)
    if ref is None:
        return []
    return [rf.guard_for(ref, kind="hook", scope="route", loc=rf.ctx.loc(v))]


def _local_decl(rf: "JsRouterFile", at: ts.Node, name: str) -> ts.Node | None:
    """`const editorOnly = { onRequest: [...] }` declared in an enclosing function before `at`."""
    js = rf.js
    fn = js.enclosing_fn(at)
    if fn is None:
        return None
    for d in js.items("decl", fn.start_byte, at.start_byte):
        n = d.child_by_field_name("name")
        if n is not None and js.text(n) == name:
            return d.child_by_field_name("value")
    return None


def route_object(rf: "JsRouterFile", call: ts.Node, rid: str, obj: ts.Node) -> None:
    """`app.route({ method: 'GET' | ['GET','POST'], url: '/x', preHandler, handler })`."""
    js = rf.js
    props = js.object_props(obj)
    url = props.get("url") or props.get("path")
    path = js.string_value(url) if url is not None else None
    if path is None:
        return
    mnode = props.get("method")
    methods: list[str] = []
    if mnode is not None:
        v = js.string_value(mnode)
        if v:
            methods = [v]
        elif mnode.type == "array":
            methods = [m for m in (js.string_value(c) for c in mnode.named_children) if m]
    handler = props.get("handler")
    guards = route_option_guards(rf, obj)
    fw = rf.routers[rid].framework if rid in rf.routers else "fastify"
    for m in methods or ["ANY"]:
        rf._route(call, rid, fw, m.lower() if m != "ANY" else "all", path, [], options={"guards": guards, "handler": handler})


def register(rf: "JsRouterFile", call: ts.Node, rid: str, args: list[ts.Node]) -> None:
    """`app.register(plugin, { prefix: '/products' })`; plugin may be a local function, an import,
    `fp(plugin)`, `import('./routes/x.js')`, `require('./routes')` or an inline async function."""
    js = rf.js
    plugin = js.unwrap(args[0]) or args[0]
    encapsulated = True
    # fp(plugin) / fastifyPlugin(async (app) => …)
    if plugin.type == "call_expression":
        fn = plugin.child_by_field_name("function")
        ftext = js.text(fn) if fn is not None else ""
        inner_args = plugin.child_by_field_name("arguments")
        kids = [a for a in (inner_args.named_children if inner_args is not None else []) if a.type != "comment"]
        if _FP.match(ftext) and kids:
            encapsulated = False
            plugin = js.unwrap(kids[0]) or kids[0]
        elif ftext in ("import", "require") and kids:
            spec = js.string_value(kids[0])
            if spec:
                plugin_ref = Ref(f"require:{spec}", "ref", line=plugin.start_point[0] + 1)
                prefix = _prefix(rf, args)
                _add_mount(rf, call, rid, prefix, plugin_ref, encapsulated)
            return
    prefix = _prefix(rf, args)
    if plugin.type in FN_TYPES:
        f = js.fn(plugin)
        child = f"{rf.ctx.path}#{f.name or '<anonymous>@' + str(f.line)}"
        ref = Ref(f"<inline plugin@{f.line}>", "router", router=child, line=f.line)
    elif plugin.type == "identifier" and js.text(plugin) in js.top_functions:
        f = js.fn(js.top_functions[js.text(plugin)])
        child = f"{rf.ctx.path}#{f.name}"
        ref = Ref(js.text(plugin), "router", router=child, line=plugin.start_point[0] + 1)
    else:
        ref = rf.ref(plugin)
        if ref is None:
            return
    _add_mount(rf, call, rid, prefix, ref, encapsulated)


def _add_mount(rf, call, rid, prefix, ref, encapsulated) -> None:
    from deploycheck.core import Location
    from deploycheck.project.extract.routes._summary import Mount
    loc = rf.ctx.loc(call)
    rf.mounts.append(Mount(rid, prefix, Location(loc.path, loc.line, loc.column), (ref,), kind="mount",
                           framework="fastify", encapsulated=encapsulated, dev_only=rf.js.dev_only(call)))


def _prefix(rf: "JsRouterFile", args: list[ts.Node]) -> str:
    js = rf.js
    if len(args) < 2:
        return ""
    opts = js.unwrap(args[1]) or args[1]
    props = js.object_props(opts)
    p = props.get("prefix")
    if p is None:
        return ""
    return js.string_value(p) or ""


def decorate(rf: "JsRouterFile", args: list[ts.Node]) -> None:
    """`app.decorate('authenticate', async (request, reply) => …)`: remember the function under its
    decorator name so `onRequest: [app.authenticate]` elsewhere can be judged by its body."""
    js = rf.js
    if len(args) < 2:
        return
    name = js.string_value(args[0])
    fn = js.unwrap(args[1])
    if not name or fn is None:
        return
    if fn.type == "identifier" and js.text(fn) in js.top_functions:
        fn = js.top_functions[js.text(fn)]
    if fn.type not in FN_TYPES:
        return
    s = js.summarize(fn)
    s = replace(s, exported=s.exported + (f"fastify.decorate:{name}",))
    rf.summaries[s.id] = s
