"""Environment variables declared by a validation schema instead of read one by one.

Many apps validate the whole environment at start-up and then read a typed object, never
`process.env.X`. The schema's keys are the variables the app needs, and the schema says which are
optional:

    const env = z.object({ DATABASE_URL: z.string().url(), PORT: z.coerce.number().default(3000) })
                 .parse(process.env)                                      // zod (valibot alike)
    const env = cleanEnv(process.env, { RESEND_API_KEY: str(), PORT: port({ default: 3000 }) })  // envalid
    const { error, value } = Joi.object({ MONGODB_URL: Joi.string().required() }).validate(process.env)
    export const env = createEnv({ server: { DATABASE_URL: z.string() }, client: {…}, runtimeEnv: {…} })  // t3-env
    fastify.register(fastifyEnv, { schema: { type: "object", required: ["PORT"], properties: {…} } })  // @fastify/env

Each key becomes an `EnvRead` at the key (how = "schema:<library>"), required unless the schema gives a
default or marks it optional (zod/valibot: `.optional()`, `.default()`, `.nullish()`, `.catch()`;
Joi/yup: only `.required()` is required; envalid: `default:` — a `devDefault` does not apply in
production; JSON schema: listed in `required` and no `default`). Reads of `process.env.X` inside the
object a schema validates (t3-env's `runtimeEnv`, `schema.parse({ X: process.env.X })`) take the
schema's optionality: the schema, not the bare read, says whether the app needs the value.
Only UPPER_CASE keys count: a schema of anything else is not the environment.
"""
from __future__ import annotations

import re
from dataclasses import replace

import tree_sitter as ts

from deploycheck.project.extract import JS, Extractor
from deploycheck.project.extract._js import literal_text
from deploycheck.project.extract.env_reads import _APP_ROLES, _side
from deploycheck.project.extract.routes._js import analysis
from deploycheck.project.model import EnvRead, FileFacts
from deploycheck.project.parse import FileContext

_ENV_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")
_GATE = re.compile(r"\bcleanEnv\s*\(|\bcreateEnv\s*\(|\.(?:parse|safeParse|parseAsync|safeParseAsync|validate|"
                   r"validateAsync|attempt|assert|validateSync|cast)\s*\(\s*(?:process\.env|import\.meta\.env)\b"
                   r"|\b(?:v\.)?(?:parse|safeParse)\s*\(\s*\w+\s*,\s*process\.env\b"
                   r"|['\"](?:@fastify/env|fastify-env|env-schema)['\"]")
_CALL_QUERY = "(call_expression function: (_) @fn arguments: (arguments) @args) @call"
_OBJECT_QUERY = "(object) @obj"
# schema-building calls whose (first) object argument holds the keys
_OBJECT_CALLS = frozenset({"object", "strictObject", "looseObject", "keys", "extend", "shape", "append"})
_OPTIONAL_ZOD = re.compile(r"\.\s*(?:optional|nullish|default|prefault|catch)\s*\(|\boptional\s*\(|\bnullish\s*\(|"
                           r"\bfallback\s*\(")
_REQUIRED_JOI = re.compile(r"\.\s*(?:required|defined|exist)\s*\(")
_DEFAULT_CALL = re.compile(r"\.\s*default\s*\(")
_ENVALID_DEFAULT = re.compile(r"(?<![\w$])default\s*:")
_ENV_ARG = ("process.env", "import.meta.env")


def extract(ctx: FileContext, out: FileFacts) -> None:
    if not _GATE.search(ctx.text):
        return
    ex = _Schemas(ctx, out)
    for _, c in ctx.matches(_CALL_QUERY):
        ex.call(c["call"][0], c["fn"][0], c["args"][0])
    if re.search(r"['\"](?:@fastify/env|fastify-env|env-schema)['\"]", ctx.text):
        ex.json_schemas()
    ex.finish()


class _Schemas:
    def __init__(self, ctx: FileContext, out: FileFacts):
        self.ctx = ctx
        self.out = out
        self.found: list[tuple[ts.Node, str, bool, str | None, str, str | None]] = []   # key, name, optional, default, lib, side
        self.validated: list[tuple[ts.Node, dict[str, bool]]] = []    # object validated by a schema -> name: optional

    # ------------------------------------------------------------------ calls
    def call(self, call: ts.Node, fn: ts.Node, args: ts.Node) -> None:
        ctx = self.ctx
        argv = [a for a in args.named_children if a.type != "comment"]
        name = ctx.node_text(fn)
        callee = name.rsplit(".", 1)[-1]
        if callee == "cleanEnv" and len(argv) >= 2:
            if ctx.node_text(argv[0]) in _ENV_ARG or argv[0].type == "object":
                obj = self._resolve(argv[1])
                if obj is not None and obj.type == "object":
                    keys = self._keys(obj, "envalid")
                    self._add(keys, "envalid")
                    if argv[0].type == "object":
                        self.validated.append((argv[0], {k: o for _, k, o, _d in keys}))
            return
        if callee == "createEnv" and argv and argv[0].type == "object":
            self._t3(argv[0])
            return
        if callee in ("parse", "safeParse", "parseAsync", "safeParseAsync", "validate", "validateAsync", "attempt",
                      "assert", "validateSync", "cast") and fn.type == "member_expression" and argv:
            target = argv[0]
            schema = fn.child_by_field_name("object")
            if callee == "attempt" and len(argv) >= 2:     # Joi.attempt(process.env, schema)
                target, schema = argv[0], argv[1]
            elif schema is not None and ctx.node_text(schema) in ("v", "valibot") and len(argv) >= 2:
                schema, target = argv[0], argv[1]          # v.parse(schema, process.env)
            if schema is None or not (ctx.node_text(target) in _ENV_ARG or self._env_object(target)):
                return
            self._schema(schema, target)
            return
        if callee in ("parse", "safeParse") and fn.type == "identifier" and len(argv) >= 2:   # parse(schema, process.env)
            if ctx.node_text(argv[1]) in _ENV_ARG or self._env_object(argv[1]):
                self._schema(argv[0], argv[1])

    def _schema(self, schema: ts.Node, target: ts.Node) -> None:
        objs, lib, partial = self._objects(schema, 0)
        keys = [k for o in objs for k in self._keys(o, lib)]
        if partial:
            keys = [(n, k, True, d) for n, k, _o, d in keys]
        if not keys:
            return
        if target.type == "object":
            self.validated.append((target, {k: o for _, k, o, _d in keys}))
        self._add(keys, lib)

    def _t3(self, config: ts.Node) -> None:
        """t3-env: `server`, `client` and `shared` hold zod schemas; `runtimeEnv` the reads."""
        both: dict[str, bool] = {}
        runtime: ts.Node | None = None
        for pair in config.named_children:
            if pair.type != "pair":
                continue
            key = self._key_name(pair)
            value = pair.child_by_field_name("value")
            if value is None:
                continue
            if key in ("server", "client", "shared"):
                obj = self._resolve(value)
                if obj is None or obj.type != "object":
                    continue
                keys = self._keys(obj, "zod")
                self._add(keys, "t3-env", side="client" if key == "client" else None)
                both.update({k: o for _, k, o, _d in keys})
            elif key in ("runtimeEnv", "experimental__runtimeEnv") and value.type == "object":
                runtime = value
        if runtime is not None and both:
            self.validated.append((runtime, both))

    # ------------------------------------------------------------------ schema shapes
    def _objects(self, node: ts.Node, depth: int) -> tuple[list[ts.Node], str, bool]:
        """The object literals a schema expression takes its keys from, the library's rules for optional
        keys ('zod' or 'joi'), and whether the schema makes every key optional (`.partial()`)."""
        ctx = self.ctx
        lib = "joi" if re.match(r"\s*(?:Joi|joi|yup|Yup)\b", ctx.node_text(node)) or ".shape(" in ctx.node_text(node) \
            else "zod"
        objs: list[ts.Node] = []
        partial = False
        n: ts.Node | None = node
        while n is not None and depth < 8:
            depth += 1
            if n.type in ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"):
                n = n.named_children[0] if n.named_children else None
                continue
            if n.type == "identifier":
                decl = self._decl(ctx.node_text(n))
                if decl is None:
                    break
                more, lib2, part2 = self._objects(decl, depth)
                return objs + more, lib2 if not objs else lib, partial or part2
            if n.type == "object":
                objs.append(n)
                break
            if n.type != "call_expression":
                break
            fn = n.child_by_field_name("function")
            args = n.child_by_field_name("arguments")
            argv = [a for a in args.named_children if a.type != "comment"] if args is not None else []
            name = ctx.node_text(fn).rsplit(".", 1)[-1] if fn is not None else ""
            if name in _OBJECT_CALLS and argv:
                first = self._resolve(argv[0])
                if first is not None and first.type == "object":
                    objs.append(first)
            elif name in ("merge", "and") and argv:
                more, _lib, _p = self._objects(argv[0], depth)
                objs.extend(more)
            elif name == "partial":
                partial = True
            if fn is None or fn.type != "member_expression":
                break
            n = fn.child_by_field_name("object")
        return objs, lib, partial

    def _keys(self, obj: ts.Node, lib: str) -> list[tuple[ts.Node, str, bool, str | None]]:
        """(key node, name, optional, default) of an object of per-variable schemas."""
        ctx = self.ctx
        out = []
        for pair in obj.named_children:
            if pair.type == "shorthand_property_identifier":
                name = ctx.node_text(pair)
                if _ENV_KEY.match(name):
                    out.append((pair, name, False, None))
                continue
            if pair.type != "pair":
                continue
            name = self._key_name(pair)
            value = pair.child_by_field_name("value")
            if not name or not _ENV_KEY.match(name) or value is None:
                continue
            text = ctx.node_text(value)
            if lib == "envalid":
                optional = bool(_ENVALID_DEFAULT.search(text))
                default = self._option(value, "default") if optional else None
            elif lib == "joi":
                optional = not _REQUIRED_JOI.search(text) or bool(_DEFAULT_CALL.search(text))
                default = self._default_arg(value)
            else:
                optional = bool(_OPTIONAL_ZOD.search(text))
                default = self._default_arg(value)
            out.append((pair.child_by_field_name("key") or pair, name, optional, default))
        return out

    def json_schemas(self) -> None:
        """@fastify/env / env-schema: `{ type: 'object', required: [...], properties: { PORT: {…} } }`."""
        ctx = self.ctx
        for _, c in ctx.matches(_OBJECT_QUERY):
            obj = c["obj"][0]
            pairs = {self._key_name(p): p.child_by_field_name("value") for p in obj.named_children if p.type == "pair"}
            props = pairs.get("properties")
            if props is None or props.type != "object":
                continue
            required: set[str] = set()
            req = pairs.get("required")
            if req is not None and req.type == "array":
                required = {v for v in (literal_text(ctx, e) for e in req.named_children) if v}
            keys = []
            for p in props.named_children:
                name = self._key_name(p) if p.type == "pair" else None
                value = p.child_by_field_name("value") if p.type == "pair" else None
                if not name or not _ENV_KEY.match(name):
                    continue
                default = self._option(value, "default") if value is not None and value.type == "object" else None
                has_default = value is not None and value.type == "object" and any(
                    self._key_name(q) == "default" for q in value.named_children if q.type == "pair")
                keys.append((p.child_by_field_name("key") or p, name, has_default or name not in required, default))
            # a JSON schema of anything else (a request body) has lower-case keys: only env-shaped ones count
            if keys and len(keys) == sum(1 for p in props.named_children if p.type == "pair"):
                self._add(keys, "json-schema")

    # ------------------------------------------------------------------ results
    def _add(self, keys, lib: str, side: str | None = None) -> None:
        for node, name, optional, default in keys:
            self.found.append((node, name, optional, default, lib, side))

    def finish(self) -> None:
        ctx, out = self.ctx, self.out
        # reads inside an object a schema validates follow the schema
        if self.validated:
            for i, r in enumerate(out.env_reads):
                if r.name is None or r.location.path != ctx.path:
                    continue
                for obj, keys in self.validated:
                    if r.name in keys and _inside(r.location.line, obj):
                        if keys[r.name] and not r.has_default:
                            out.env_reads[i] = replace(r, has_default=True)
                        elif not keys[r.name]:
                            out.env_reads[i] = replace(out.env_reads[i], raises_when_missing=True)
        read_here = {r.name for r in out.env_reads if r.location.path == ctx.path and r.how != "schema" and
                     not r.how.startswith("schema:")}
        seen: set[str] = set()
        for node, name, optional, default, lib, side in self.found:
            if name in read_here or name in seen:
                continue
            seen.add(name)
            out.env_reads.append(EnvRead(
                name=name, location=ctx.loc(node), how=f"schema:{lib}", has_default=optional, default=default,
                raises_when_missing=not optional, side=side or _side(ctx, name, "process.env")))

    # ------------------------------------------------------------------ small helpers
    def _key_name(self, pair: ts.Node) -> str | None:
        key = pair.child_by_field_name("key")
        if key is None:
            return None
        if key.type in ("string", "template_string", "number"):
            return literal_text(self.ctx, key)
        if key.type in ("property_identifier", "identifier"):
            return self.ctx.node_text(key)
        return None

    def _option(self, node: ts.Node, option: str) -> str | None:
        """The literal of `option:` in the first object under `node` (envalid's `str({ default: 'x' })`)."""
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "pair" and self._key_name(n) == option:
                v = n.child_by_field_name("value")
                return literal_text(self.ctx, v) if v is not None else None
            stack.extend(reversed(n.named_children))
        return None

    def _default_arg(self, node: ts.Node) -> str | None:
        m = re.search(r"\.\s*(?:default|prefault)\s*\(\s*(['\"`][^'\"`]*['\"`]|-?\d[\w.]*|true|false)\s*\)",
                      self.ctx.node_text(node))
        if not m:
            return None
        v = m.group(1)
        return v[1:-1] if v[:1] in "'\"`" else v

    def _env_object(self, node: ts.Node) -> bool:
        """`{ DATABASE_URL: process.env.DATABASE_URL, … }` (an object of env reads)."""
        return node.type == "object" and "process.env" in self.ctx.node_text(node)

    def _resolve(self, node: ts.Node) -> ts.Node | None:
        if node.type == "identifier":
            return self._decl(self.ctx.node_text(node))
        return node

    def _decl(self, name: str) -> ts.Node | None:
        """The value of `const name = …` at the top of the module."""
        return analysis(self.ctx).module_value(name)


def _inside(line: int | None, node: ts.Node) -> bool:
    return line is not None and node.start_point[0] + 1 <= line <= node.end_point[0] + 1


EXTRACTORS = (
    Extractor("env-schemas-js", extract, languages=JS, roles=_APP_ROLES,
              triggers=("cleanEnv", "createEnv", "process.env", "import.meta.env", "@fastify/env", "fastify-env",
                        "env-schema")),
)
