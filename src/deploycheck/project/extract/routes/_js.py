"""What JavaScript/TypeScript functions do that matters for auth, read with tree-sitter queries.

`JsAnalysis(ctx)` runs a handful of queries over the file once (functions, calls, ifs, declarations,
throws) and answers, per function node (or per byte range of one, for a Next.js `req.method` branch):

* data accesses: ORM/SQL/query-builder calls, with the operation, the target model/table, whether one
  record is picked by a key, where that key comes from (request input, the session's user, a parameter
  of the function, something else), and whether the selection is scoped to the user or to a public flag;
* body guards: `if (!session) return res.status(401)…`, `jwt.verify(…)`, `await requireUser()`;
* role checks, post-load ownership checks (`if (note.owner != req.user.id) return 403`), public-flag checks;
* markers: verifies a password, issues a token, starts/ends a session, verifies a webhook signature …;
* calls to things that may be local helpers, with what each argument carries (for the linker).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import tree_sitter as ts

from deploycheck.core import Location
from deploycheck.project.extract._js import FUNCTIONS_QUERY
from deploycheck.project.extract._prefilter import prefiltered
from deploycheck.project.extract.routes import _names as N
from deploycheck.project.extract.routes._sql import read_sql
from deploycheck.project.extract.routes._summary import FnSummary, LocalCall
from deploycheck.project.model import DataAccess, Guard
from deploycheck.project.parse import FileContext, shared_captures

FN_TYPES = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                      "generator_function_declaration", "generator_function", "function"})
_Q_FN = FUNCTIONS_QUERY
_Q_ITEMS = shared_captures("js-index", """
(call_expression) @call
(new_expression) @new
(if_statement) @if
(variable_declarator) @decl
(assignment_expression) @assign
(throw_statement) @throw
(ternary_expression) @tern
""")

_WRAPPERS = frozenset({"await_expression", "parenthesized_expression", "as_expression", "non_null_expression",
                       "satisfies_expression", "type_assertion"})

GLOBALS = frozenset({
    "Object", "Array", "JSON", "Math", "Promise", "Date", "String", "Number", "Boolean", "Map", "Set",
    "WeakMap", "Reflect", "Buffer", "URL", "URLSearchParams", "Intl", "Symbol", "Error", "TypeError",
    "Response", "NextResponse", "Request", "Headers", "FormData", "Blob", "console", "process", "crypto",
    "RegExp", "BigInt", "Proxy", "Atomics", "AbortController", "TextEncoder", "TextDecoder", "Event",
    "HttpException", "HttpStatus", "Logger", "z", "Joi", "React", "Sentry", "ObjectId", "Types",
    "mongoose", "Schema", "File", "Image", "Readable", "Stream", "EventEmitter", "Worker",
    "Intl", "performance", "window", "document", "globalThis", "module", "exports", "require",
})
_NOT_HELPERS = frozenset({
    "res", "reply", "response", "req", "request", "c", "ctx", "next", "console", "JSON", "Math", "Object",
    "Array", "Promise", "String", "Number", "Boolean", "Date", "parseInt", "parseFloat", "setTimeout",
    "clearTimeout", "setInterval", "require", "fetch", "encodeURIComponent", "decodeURIComponent",
    "isNaN", "structuredClone", "Buffer", "process", "logger", "log", "Sentry", "NextResponse", "Response",
    "redirect", "notFound", "json", "z", "Error", "Symbol", "BigInt", "Map", "Set", "URL", "revalidatePath",
    "revalidateTag", "cookies", "headers", "this", "super", "import", "t", "cn", "clsx",
})

MODEL_METHODS = frozenset({
    "find", "findOne", "findById", "findByIdAndUpdate", "findByIdAndDelete", "findByIdAndRemove",
    "findOneAndUpdate", "findOneAndDelete", "findOneAndRemove", "findOneAndReplace", "updateOne",
    "updateMany", "deleteOne", "deleteMany", "replaceOne", "countDocuments", "estimatedDocumentCount",
    "exists", "create", "insertMany", "insertOne", "findByPk", "findAll", "findAndCountAll", "findOrCreate",
    "destroy", "update", "count", "findOneBy", "findBy", "findOneOrFail", "findOneByOrFail", "delete",
    "softDelete", "save", "insert", "remove", "upsert", "bulkCreate", "aggregate", "findByIds",
    "findAndCount", "restore", "increment", "decrement", "distinct", "where",
})
PRISMA_OPS = frozenset({
    "findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "create", "createMany",
    "createManyAndReturn", "update", "updateMany", "upsert", "delete", "deleteMany", "count", "aggregate",
    "groupBy",
})
_PRISMA_DISTINCT = frozenset({"findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany",
                              "createMany", "updateMany", "deleteMany", "upsert", "groupBy", "createManyAndReturn"})
_PRISMA_CLIENT = re.compile(r"(?i)(?:^|\.)(?:prisma|db|client|tx|trx|prismaClient|database|orm|ctx\.db|ctx\.prisma)$")
SQL_METHODS = frozenset({
    "query", "execute", "run", "all", "get", "one", "oneOrNone", "many", "manyOrNone", "any", "none",
    "result", "raw", "$queryRaw", "$executeRaw", "$queryRawUnsafe", "$executeRawUnsafe", "unsafe", "sql",
    "exec", "each", "prepare", "queryOne", "queryRow", "queryRows", "first", "maybeOne", "maybeFirst",
})
_REPO_ROOT = re.compile(r"(?i)(?:repo|repository|model|collection|dao|table|store)s?$")
_SERVICE_ROOT = re.compile(r"(?i)(?:service|services|repo|repository|repositories|dao|store|model|models|manager|queries|db|data|api|client|controller|helpers?|lib|utils?|actions?|crud)$")

_READ_METHOD = re.compile(r"(?i)^(get|find|list|fetch|load|read|search|show|query|select|retrieve|lookup|count|all|one|by|detail)")
_CREATE_METHOD = re.compile(r"(?i)^(create|add|insert|new|register|save|post|store|put|upload|make|build|submit|book|enqueue)")
_UPDATE_METHOD = re.compile(r"(?i)^(update|edit|patch|set|toggle|rename|move|archive|publish|unpublish|change|modify|mark|assign|approve|reject|cancel|complete|restore|upsert|replace)")
_DELETE_METHOD = re.compile(r"(?i)^(delete|remove|destroy|trash|purge|drop|erase|del$|unlink|revoke)")

_REJECT = re.compile(
    r"\b40[13]\b|(?i:unauthori[sz]ed|forbidden|unauthenticated|not_?authenticated)|"
    r"not\s+(?:authenticated|logged|signed|allowed|authorized|authorised)|log\s*in|sign\s*in|signin|login|"
    r"\bredirect\s*\(|\.redirect\s*\(|\bthrow\b|\babort\s*\(|PermissionDenied|AuthenticationFailed|"
    r"NotAuthenticated|HTTP_40[13]|status\.HTTP_40[13]|unauthorized\s*\(|forbidden\s*\(|redirectToSignIn|"
    r"notFound\s*\(|\b404\b|NotFound|next\s*\(\s*(?:new\s+\w*Error|createError|err|error|httpErrors)"
    r"|createError\s*\(\s*40[13]|\bdestination\s*:")
_AUTH_REJECT = re.compile(
    r"\b40[13]\b|(?i:unauthori[sz]ed|forbidden|unauthenticated|not_?authenticated)|"
    r"not\s+(?:authenticated|logged|signed|allowed|authorized|authorised)|log\s*in|sign\s*in|signin|login|"
    r"\bredirect\s*\(|\.redirect\s*\(|PermissionDenied|NotAuthenticated|"
    r"\bthrow\b[^;\n]*(?:auth|Auth|AUTH|session|Session|sign|login|permission|Permission|denied|Denied|token|Token|"
    r"credential|allowed|access|Access)|"
    r"\babort\s*\(\s*40[13]|redirectToSignIn|unauthorized\s*\(|forbidden\s*\(|"
    r"next\s*\(\s*(?:new\s+\w*(?:Auth|Unauthori|Forbidden|Permission|Token)\w*|createError\s*\(\s*40[13])|"
    r"createError\s*\(\s*40[13]|\bdestination\s*:\s*['\"`][^'\"`]*(?:login|signin|sign-in|auth)")
_AUTH_CALL = re.compile(
    r"(?ix)(?<![\w.])(?:getServerSession|getSession|unstable_getServerSession|auth|currentUser|getUser|getAuth|"
    r"getToken|getCurrentUser|requireUser|requireAuth|requireSession|getUserFromRequest|getUserFromToken|"
    r"verifyToken|verifyJwt|verifyJWT|verifySession|validateRequest|getServerAuthSession|getKindeServerSession|"
    r"withAuth|validateSession|getLoggedInUser|getAuthUser|getAuthSession|useSession|getIronSession|"
    r"authenticate|authenticateRequest|checkAuth|ensureAuth|requireLogin|getUserId|getSessionUser|"
    r"decodeToken|readSession|loadSession|getCurrentSession|lucia\.validateSession|validateSessionToken)\s*[(<]"
    r"|\bsupabase\s*\.\s*auth\s*\.\s*(?:getUser|getSession)\b|\.auth\s*\.\s*(?:getUser|getSession|api\.getSession)\b"
    r"|\bjwt\s*\.\s*verify\b|\bjwtVerify\b|\bverifyIdToken\b|\bclerkClient\b|\bauth\s*\(\s*\)\s*\.\s*protect\b"
    r"|\.isAuthenticated\s*\(|\bpassport\s*\.\s*authenticate\b")
# Calls that reject by themselves when nobody is signed in (throw / redirect).
_SELF_GUARD_CALL = re.compile(
    r"(?ix)(?<![\w.])(?:require|ensure|assert|must|protect|enforce|verify|check)[_]?(?:[A-Z]\w*|_\w+)?"
    r"(?:user|auth|session|login|logged|signed|admin|role|permission|access|token|jwt|account|member|staff)\w*\s*\("
    r"|\bjwt\s*\.\s*verify\s*\(|\bjwtVerify\s*\(|\.jwtVerify\s*\(|\bverifyIdToken\s*\(|\bauth\s*\(\s*\)\s*\.\s*protect\s*\("
    r"|\bauth\.protect\s*\(|\bredirectToSignIn\b|\bwithPageAuthRequired\b|\bwithApiAuthRequired\b|\bgetAuthOrThrow\b")
_ROLE_EXPR = re.compile(
    r"(?ix)\.\s*(?:role|roles|isAdmin|is_admin|is_staff|is_superuser|isStaff|isSuperuser|permissions|"
    r"perms|scope|scopes|isOwner|plan|admin|isModerator|accessLevel|access_level|level|group|groups)\b"
    r"|\b(?:isAdmin|is_admin|hasRole|has_role|hasPermission|has_permission|can|ability\.can|checkPermission|"
    r"requireRole|requireAdmin)\s*\(|['\"](?:admin|editor|owner|staff|moderator|superuser|manager)['\"]"
    r"|['\"]\w*(?:admin|staff|superuser|role|moderator)\w*['\"]")
_OWNER_CALL = re.compile(
    r"(?ix)(?<![\w.])(?:check|verify|assert|ensure|require|enforce|authorize|authorise|validate)_?\w*?"
    r"(?:owner|ownership|owns|access|permission|belongs|can_?edit|can_?view|can_?access)\w*\s*\("
    r"|\b(?:ability|abilities|permit|policy)\s*\.\s*(?:can|authorize|check)\s*\(|\bcan(?:Edit|View|Access|Delete|Update|Manage|Read|Write|Modify|Remove|Transfer)[A-Z]?\w*\s*\(")
_CLASS_TYPES = ("class_declaration", "class", "abstract_class_declaration")
# `private readonly usersService: UsersService` (a parameter property with a class type, not Repository<User>)
_PARAM_PROPERTY = re.compile(r"\b(?:private|protected|public|readonly)\s+(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*:\s*"
                             r"([A-Z][\w$]*(?:\s*<\s*[A-Z][\w$]*\s*>)?)\s*$")
# an injected ORM handle: `@InjectRepository(User) private users: Repository<User>`, `@InjectModel(Cat.name) cats: Model<Cat>`
_INJECTED_MODEL = re.compile(r"^(?:Repository|MongoRepository|TreeRepository|EntityRepository|Model)\s*<\s*([A-Z][\w$]*)\s*>$")
# destructured handler arguments that a wrapper fills with the caller's identity or tenant
_CALLER_CONTEXT = frozenset({"ctx", "session", "user", "currentUser", "workspace", "team", "org", "organization",
                             "tenant", "account", "membership", "auth", "authentication"})
_TOKEN_EXPR = re.compile(
    r"(?i)headers\s*(?:\.\s*get\s*\(\s*|\[\s*|\.\s*)['\"]?(?:authorization|x-api-key|x-cron-secret|x-webhook-secret|x-secret|api-key|x-auth-token)"
    r"|\b(?:api_?key|apiKey|bearer|cron_?secret|CRON_SECRET|API_KEY|ADMIN_KEY|ADMIN_TOKEN|SECRET_KEY|INTERNAL_TOKEN|authHeader|auth_header|authorization)\b")
_NEGATED = re.compile(r"(?:^|[^=!\w$)\]])!\s*[\w$(]|[!=]==?\s*(?:null|undefined|false)|\b(?:null|undefined|false)\s*[!=]==?|!==|!=(?!=)|\bnot\b")
_CONVERTERS = re.compile(r"^(?:await\s+)?(?:String|Number|parseInt|parseFloat|BigInt|Boolean|decodeURIComponent|ObjectId|"
                         r"new\s+ObjectId|new\s+Types\.ObjectId|Types\.ObjectId|mongoose\.Types\.ObjectId|z\.\w+|"
                         r"\w+Schema\.parse|\w+\.parse|Array\.isArray|[\w.]+\.(?:trim|toString|toLowerCase|toUpperCase))\s*\(")

# run on function bodies, branches and declared values: prefiltered (see _prefilter.py)
_AUTH_CALL, _SELF_GUARD_CALL, _ROLE_EXPR, _OWNER_CALL, _TOKEN_EXPR = map(prefiltered, (
    _AUTH_CALL, _SELF_GUARD_CALL, _ROLE_EXPR, _OWNER_CALL, _TOKEN_EXPR))
_REJECT, _AUTH_REJECT = prefiltered(_REJECT, split=True), prefiltered(_AUTH_REJECT, split=True)

_RETURN_ONLY = re.compile(r"^\s*\{?\s*return\s*;?\s*\}?\s*$")
_EQUALITY = re.compile(r"!==?|===?")
_NEGATED_USER = re.compile(r"!\s*\(?\s*(?:[\w$]+\s*(?:\?\.|\.)\s*)*(?:session|user|userId|currentUser|auth)\b")
_BODY_READ = prefiltered(re.compile(r"\.\s*body\b|\.json\s*\(\s*\)|formData|get_json|\.form\b|parseBody"))
_CREDENTIAL_READ = prefiltered(re.compile(
    r"(?i)\.\s*(?:headers|cookies|signedCookies)\b|\.\s*(?:header|get)\s*\(\s*['\"](?:authorization|x-[\w-]*(?:token|key|auth)[\w-]*|cookie)"))
_CREDENTIAL_WORD = prefiltered(re.compile(r"(?i)token|auth|key|session|bearer|jwt|cookie"))
_AWAIT_PREFIX = re.compile(r"await\s+")
_QUERY_MEMBER = re.compile(r"\.query\.\w+$")
_STORAGE_CALLEE = re.compile(r"(?i)\b(s3|bucket|storage|blob|cloudinary|uploader|r2|gcs|minio)\b")
_BODY_KEY_READ = prefiltered(re.compile(r"\b(?:req|request)\s*\.\s*body\s*(?:\?\.|\.)\s*(\w+)"))


def _await_prefix_end(text: str) -> int:
    """Where the text starts once a leading `await ` is dropped (0 when there is none)."""
    m = _AWAIT_PREFIX.match(text)
    return m.end() if m else 0


@lru_cache(maxsize=4096)
def _record_member_rx(name: str) -> tuple["re.Pattern[str]", "re.Pattern[str]"]:
    """`name.member` / `name?.a.b` in a condition: (any such access, the member paths)."""
    r = re.escape(name)
    return (re.compile(rf"\b{r}\s*(?:\?\.|\.)\s*(?:\w+\s*(?:\?\.|\.)\s*)?(\w+)"),
            re.compile(rf"\b{r}\s*(?:\?\.|\.)\s*((?:\w+\s*(?:\?\.|\.)\s*)?\w+)"))


_MEMBER_TAIL = re.compile(r"\s*(?:\?\.|\.)\s*((?:\w+\s*(?:\?\.|\.)\s*)?\w+)")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"      # what `\b` calls a word character


def record_members(name: str, text: str) -> list[str]:
    """`_record_member_rx(name)[1].findall(text)` without compiling a pattern per name: the member
    paths read from `name` (`note.owner.id` -> ["owner.id"]). Occurrences of the name are taken left
    to right where `\b` holds before them, skipping those inside an earlier match, as findall does."""
    if not name:
        return _record_member_rx(name)[1].findall(text)
    out: list[str] = []
    first_word = _is_word(name[0])
    i = text.find(name)
    while i >= 0:
        before_word = i > 0 and _is_word(text[i - 1])
        if before_word != first_word:          # \b: a word character on exactly one side
            m = _MEMBER_TAIL.match(text, i + len(name))
            if m is not None:
                out.append(m.group(1))
                i = text.find(name, m.end())
                continue
        i = text.find(name, i + 1)
    return out


@dataclass
class _Fn:
    node: ts.Node
    name: str | None
    line: int
    params: list[set[str]]          # names bound by each parameter
    param_texts: tuple[str, ...]
    qualname: str | None = None
    param_props: dict[str, tuple[int, str]] = field(default_factory=dict)  # `({ id, programId })`: name -> (index, key)


@dataclass
class _Scope:
    """Names within one function, in source order."""
    request: set[str] = field(default_factory=set)     # carry request input
    user: set[str] = field(default_factory=set)        # carry the authenticated user / session
    records: dict[str, int] = field(default_factory=dict)  # var -> index of the access that loaded it
    params: dict[str, int] = field(default_factory=dict)   # parameter name -> index
    body_keys: set[str] = field(default_factory=set)   # keys read from the request body
    body_names: set[str] = field(default_factory=set)  # names bound to the whole body
    origins: dict[str, str] = field(default_factory=dict)  # user name -> the auth call it came from
    param_scoped: dict[str, str] = field(default_factory=dict)  # record var -> parameter ("param:N[.prop]") it was checked against
    param_props: dict[str, tuple[int, str]] = field(default_factory=dict)  # name -> (param index, property) of `({ id, programId })`
    found_checked: set[str] = field(default_factory=set)  # record vars whose absence rejects: `if (!note) throw …`
    request_objs: set[str] = field(default_factory=lambda: {"req", "request"})
    _req_rx: "re.Pattern[str] | None" = None

    @property
    def req_rx(self) -> "re.Pattern[str]":
        """`<request object>.params|query|body` for this function's request parameter names."""
        if self._req_rx is None:
            names = "|".join(sorted(re.escape(o) for o in self.request_objs))
            self._req_rx = re.compile(rf"(?<![\w$.])(?:{names})\s*(?:\?\.|\.)\s*(?:params|query|body)\b")
        return self._req_rx

    # req_rx without compiling a pattern per function: `_REQ_READ` finds `<identifier>.params|query|body`
    # where the identifier starts a name (its lookbehind); the identifier is then the whole name (only a
    # whole name can be followed by the `.`), so req_rx matches exactly where that name is a request
    # object. Names with characters an identifier match cannot span fall back to req_rx.
    def req_search(self, text: str) -> bool:
        if not _REQ_READ.possible(text):
            return False
        if not all(_PLAIN_NAME.fullmatch(o) for o in self.request_objs):
            return bool(self.req_rx.search(text))
        pos = 0
        while True:
            m = _REQ_READ.rx.search(text, pos)
            if m is None:
                return False
            if m.group(1) in self.request_objs:
                return True
            pos = m.start() + 1

    def req_match(self, text: str, pos: int = 0) -> bool:
        if not all(_PLAIN_NAME.fullmatch(o) for o in self.request_objs):
            return bool(self.req_rx.match(text, pos))
        m = _REQ_READ.rx.match(text, pos)
        return m is not None and m.group(1) in self.request_objs


_REQ_READ = prefiltered(re.compile(r"(?<![\w$.])([\w$]+)\s*(?:\?\.|\.)\s*(?:params|query|body)\b"))
_PLAIN_NAME = re.compile(r"[\w$]+")


def analysis(ctx: FileContext) -> "JsAnalysis":
    """One JsAnalysis per file, shared by the extractors that need it (queries run once)."""
    got = getattr(ctx, "_js_analysis", None)
    if got is None:
        got = JsAnalysis(ctx)
        ctx._js_analysis = got  # type: ignore[attr-defined]
    return got


class JsAnalysis:
    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.root = ctx.js_root
        self._summaries: dict[tuple, FnSummary] = {}
        self._injected_cache: dict[int, dict[str, str]] = {}
        self._chains: dict[int, tuple] = {}

    # ------------------------------------------------------------------ indexes
    def text(self, node: ts.Node | None) -> str:
        return self.ctx.node_text(node) if node is not None else ""

    @cached_property
    def _items(self) -> dict[str, tuple[list[int], list[ts.Node]]]:
        caps = self.ctx.captures(_Q_ITEMS)
        out = {}
        for name in ("call", "new", "if", "decl", "assign", "throw", "tern"):
            nodes = sorted(caps.get(name, []), key=lambda n: n.start_byte)
            out[name] = ([n.start_byte for n in nodes], [n.end_byte for n in nodes], nodes)
        return out

    def items(self, kind: str, start: int, end: int) -> list[ts.Node]:
        starts, ends, nodes = self._items[kind]
        i = bisect.bisect_left(starts, start)
        j = bisect.bisect_left(starts, end, i)
        return [nodes[k] for k in range(i, j) if ends[k] <= end]

    @cached_property
    def functions(self) -> list[_Fn]:
        nodes = sorted(self.ctx.captures(_Q_FN).get("fn", []), key=lambda n: n.start_byte)
        return [self._fn(n) for n in nodes]

    @cached_property
    def _fn_by_node(self) -> dict[int, _Fn]:
        return {f.node.id: f for f in self.functions}

    def fn(self, node: ts.Node) -> _Fn:
        f = self._fn_by_node.get(node.id)
        return f if f is not None else self._fn(node)

    def fn_id(self, node: ts.Node) -> str:
        f = self.fn(node)
        return f"{self.ctx.path}#{f.name or '<anonymous>'}@{f.line}"

    def enclosing_fn(self, node: ts.Node) -> ts.Node | None:
        """The nearest function ancestor: the innermost function whose bytes contain the node (nodes
        nest, so containment is ancestry), from the function index instead of a walk up the parents."""
        starts, ends, nodes = self._fn_index
        s, e = node.start_byte, node.end_byte
        i = bisect.bisect_right(starts, s) - 1
        while i >= 0:
            if ends[i] >= e and (starts[i] != s or ends[i] != e):
                return nodes[i]
            i -= 1
        return None

    @cached_property
    def _fn_index(self) -> tuple[list[int], list[int], list[ts.Node]]:
        fns = [n for n in self.ctx.captures(_Q_FN).get("fn", []) if n.type in FN_TYPES]
        fns.sort(key=lambda n: (n.start_byte, -n.end_byte))
        return [n.start_byte for n in fns], [n.end_byte for n in fns], fns

    @cached_property
    def top_functions(self) -> dict[str, ts.Node]:
        """Functions with a name at any depth, by name (last definition wins): for same-file helper lookup."""
        out: dict[str, ts.Node] = {}
        for f in self.functions:
            if f.name and f.name not in out:
                out[f.name] = f.node
        return out

    def _fn(self, node: ts.Node) -> _Fn:
        """Name per the Function.id convention shared with the calls extractor: the declared name of a
        declaration or method; for an arrow/function expression, the variable, property, field or export
        it is bound to (`module.exports = function () {}` and `export default () => …` are "default"),
        else its own name, else None (`<anonymous>`)."""
        name = None
        qual = None
        t = node.type
        if t in ("function_declaration", "generator_function_declaration", "method_definition"):
            n = node.child_by_field_name("name")
            if n is not None:
                name = self.text(n)
        if t == "method_definition":
            cls = node.parent.parent if node.parent is not None else None
            if cls is not None and cls.type in _CLASS_TYPES:
                cn = cls.child_by_field_name("name")
                if cn is not None and name:
                    qual = f"{self.text(cn)}.{name}"
        elif t not in ("function_declaration", "generator_function_declaration"):
            p = node.parent
            while p is not None and p.type in _WRAPPERS:
                p = p.parent
            if p is not None:
                if p.type == "variable_declarator":
                    n = p.child_by_field_name("name")
                    if n is not None and n.type == "identifier":
                        name = self.text(n)
                elif p.type == "pair":
                    k = p.child_by_field_name("key")
                    if k is not None:
                        name = self.text(k).strip("'\"")
                elif p.type in ("public_field_definition", "field_definition"):
                    k = p.child_by_field_name("name") or p.child_by_field_name("property")
                    if k is not None:
                        name = self.text(k)
                elif p.type == "assignment_expression":
                    left = self.text(p.child_by_field_name("left"))
                    if left == "module.exports":
                        own = node.child_by_field_name("name")
                        name = self.text(own) if own is not None else "default"
                    else:
                        m = re.match(r"^(?:module\.)?exports\.([\w$]+)$", left) or re.match(r"^(?:this\.)?([\w$]+)$", left) \
                            or re.match(r"^[\w$.]+\.([\w$]+)$", left)
                        if m:
                            name = m.group(1)
                elif p.type == "export_statement":
                    name = "default"
            if name is None:
                n = node.child_by_field_name("name")
                if n is not None:
                    name = self.text(n)
        params: list[set[str]] = []
        texts: list[str] = []
        plist = node.child_by_field_name("parameters")
        if plist is None:
            single = node.child_by_field_name("parameter")
            plist_children = [single] if single is not None else []
        else:
            plist_children = [c for c in plist.named_children if c.type not in ("comment",)]
        props: dict[str, tuple[int, str]] = {}
        for i, p in enumerate(plist_children):
            names = set(self.bound_names(p))
            params.append(names)
            texts.append(self.text(p))
            for key, bound in self.pattern_bindings(p):
                if bound:
                    props.setdefault(bound, (i, key))
        return _Fn(node, name, node.start_point[0] + 1, params, tuple(texts), qual, props)

    def bound_names(self, node: ts.Node) -> list[str]:
        """Identifiers a parameter or declaration pattern binds."""
        t = node.type
        if t in ("identifier", "shorthand_property_identifier_pattern"):
            return [self.text(node)]
        if t in ("required_parameter", "optional_parameter"):
            pat = node.child_by_field_name("pattern")
            return self.bound_names(pat) if pat is not None else []
        if t == "assignment_pattern":
            return self.bound_names(node.child_by_field_name("left"))
        if t == "object_assignment_pattern":
            return self.bound_names(node.child_by_field_name("left"))
        if t == "rest_pattern":
            return [n for c in node.named_children for n in self.bound_names(c)]
        if t == "pair_pattern":
            return self.bound_names(node.child_by_field_name("value"))
        if t in ("object_pattern", "array_pattern"):
            return [n for c in node.named_children for n in self.bound_names(c)]
        return []

    def pattern_keys(self, node: ts.Node) -> list[str]:
        """Top-level keys of an object pattern: `{ title, body: text, tags = [] }` -> title, body, tags."""
        return [k for k, _bound in self.pattern_bindings(node)]

    def pattern_bindings(self, node: ts.Node) -> list[tuple[str, str | None]]:
        """(key, the name it binds) of an object pattern's top-level entries: `{ id, body: text, tags = [] }`
        -> (id, id), (body, text), (tags, tags); the name is None when the value is a nested pattern."""
        if node.type in ("required_parameter", "optional_parameter"):
            node = node.child_by_field_name("pattern") or node
        if node.type != "object_pattern":
            return []
        out: list[tuple[str, str | None]] = []
        for c in node.named_children:
            if c.type == "shorthand_property_identifier_pattern":
                out.append((self.text(c), self.text(c)))
            elif c.type == "pair_pattern":
                v = c.child_by_field_name("value")
                if v is not None and v.type == "assignment_pattern":
                    v = v.child_by_field_name("left")
                out.append((self.text(c.child_by_field_name("key")).strip("'\""),
                            self.text(v) if v is not None and v.type == "identifier" else None))
            elif c.type == "object_assignment_pattern":
                left = self.text(c.child_by_field_name("left"))
                out.append((left, left))
        return out

    # ------------------------------------------------------------------ strings
    def string_value(self, node: ts.Node | None) -> str | None:
        """The value of a string literal, a template without substitutions, or 'a' + 'b'."""
        if node is None:
            return None
        while node.type in _WRAPPERS:
            node = node.named_children[0] if node.named_children else node
            if node.type not in _WRAPPERS:
                break
        if node.type == "string":
            return "".join(self.text(c) for c in node.named_children if c.type in ("string_fragment", "escape_sequence"))
        if node.type == "template_string":
            if any(c.type == "template_substitution" for c in node.named_children):
                return None
            return self.text(node)[1:-1]
        if node.type == "binary_expression" and self.text(node.child_by_field_name("operator")) == "+":
            a = self.string_value(node.child_by_field_name("left"))
            b = self.string_value(node.child_by_field_name("right"))
            return a + b if a is not None and b is not None else None
        return None

    def sql_text(self, node: ts.Node | None) -> tuple[str, list[str]] | None:
        """SQL in a string or template literal: (text with ${…} replaced by $N placeholders, substitution texts)."""
        if node is None:
            return None
        v = self.string_value(node)
        if v is not None:
            return v, []
        if node.type == "template_string":
            parts, subs = [], []
            for c in node.children:
                if c.type == "template_substitution":
                    expr = c.named_children[0] if c.named_children else c
                    subs.append(self.text(expr))
                    parts.append(f"${len(subs)}")
                elif c.type in ("string_fragment", "escape_sequence"):
                    parts.append(self.text(c))
            return "".join(parts), subs
        if node.type == "binary_expression":
            left = self.sql_text(node.child_by_field_name("left"))
            right = self.sql_text(node.child_by_field_name("right"))
            if left and right:
                return left[0] + right[0], left[1] + right[1]
            if left:
                return left[0] + " ? ", left[1] + [self.text(node.child_by_field_name("right"))]
        return None

    def object_props(self, node: ts.Node | None) -> dict[str, ts.Node]:
        """Properties of an object literal (shorthand maps to the identifier). Spreads are skipped."""
        out: dict[str, ts.Node] = {}
        if node is None or node.type != "object":
            return out
        for c in node.named_children:
            if c.type == "pair":
                k = c.child_by_field_name("key")
                key = self.text(k).strip("'\"`[]") if k is not None else ""
                out[key] = c.child_by_field_name("value")
            elif c.type == "shorthand_property_identifier":
                out[self.text(c)] = c
        return out

    @cached_property
    def _module_values(self) -> dict[str, ts.Node]:
        out: dict[str, ts.Node] = {}
        for d in self.items("decl", 0, len(self.ctx.data)):
            n = d.child_by_field_name("name")
            v = d.child_by_field_name("value")
            if n is not None and v is not None and n.type == "identifier" and self.enclosing_fn(d) is None:
                out.setdefault(self.text(n), v)
        return out

    def module_value(self, name: str) -> ts.Node | None:
        """The value of a module-level `const name = …` (the first one), or None."""
        return self._module_values.get(name)

    def unwrap(self, node: ts.Node | None) -> ts.Node | None:
        while node is not None and node.type in _WRAPPERS:
            kids = node.named_children
            node = kids[-1] if node.type == "await_expression" and kids else (kids[0] if kids else None)
        return node

    # ------------------------------------------------------------------ summaries
    def summarize(self, fn_node: ts.Node, *, ranges: list[tuple[int, int]] | None = None,
                  request_params: tuple[int, ...] = (), request_names: set[str] | None = None,
                  user_names: set[str] | None = None, suffix: str = "") -> FnSummary:
        """Summarise a function (or only the given byte ranges of it)."""
        key = (fn_node.id, tuple(ranges or ()), suffix)
        if key in self._summaries:
            return self._summaries[key]
        f = self.fn(fn_node)
        sc = _Scope()
        for i, names in enumerate(f.params):
            for n in names:
                sc.params.setdefault(n, i)
            if i in request_params:
                sc.request |= names
        sc.param_props = dict(f.param_props)
        if request_names:
            sc.request |= request_names
        if user_names:
            sc.user |= user_names
        # what a wrapper or an action client hands the handler about the caller: `withWorkspace(async
        # ({ params, workspace, session }) => …)`, next-safe-action's `.action(async ({ parsedInput, ctx }) => …)`
        if f.params:
            # (a lone `ctx` is Koa's request context, not a caller context)
            caller = f.params[0] & (_CALLER_CONTEXT if len(f.params[0]) > 1 else _CALLER_CONTEXT - {"ctx"})
            sc.user |= caller
            sc.request -= caller      # (a server action's arguments are request data, its ctx is not)
        # the first parameter of a handler is the request object whatever its name
        if f.params and len(f.params[0]) == 1:
            first = next(iter(f.params[0]))
            if first not in ("c", "ctx", "context") and first not in sc.request:
                sc.request_objs.add(first)
                sc._req_rx = None
        start, end = fn_node.start_byte, fn_node.end_byte
        spans = ranges or [(start, end)]

        def inside(n: ts.Node) -> bool:
            return ranges is None or any(a <= n.start_byte and n.end_byte <= b for a, b in spans)

        # 1. names: request-derived, user-derived, record variables (in source order)
        decls = [d for d in self.items("decl", start, end) + self.items("assign", start, end) if inside(d)]
        decls.sort(key=lambda n: n.start_byte)
        calls = [c for c in self.items("call", start, end) if inside(c)]
        accesses: list[DataAccess] = []
        access_nodes: dict[int, int] = {}   # call node id -> access index
        # process declarations first so that names exist when calls are classified; calls whose
        # result is bound are classified when their declaration is met
        for d in decls:
            self._declare(d, sc, access_nodes, accesses)
        for call in calls:
            if call.id in access_nodes or not self._is_chain_top(call):
                continue
            acc = self.classify_access(call, sc)
            if acc is not None:
                access_nodes[call.id] = len(accesses)
                accesses.append(acc)
        # 2. ifs: body guards, role checks, owner checks, public checks
        guards: list[Guard] = []
        markers: set[str] = set()
        scoped_records: set[str] = set()
        public_records: set[str] = set()
        for node in self.items("if", start, end) + self.items("tern", start, end):
            if not inside(node):
                continue
            self._judge_if(node, sc, guards, markers, scoped_records, public_records)
        # self-rejecting calls (jwt.verify, requireUser(), auth().protect())
        for call in calls:
            txt = self.text(call.child_by_field_name("function")) + "("
            if _OWNER_CALL.search(txt):
                args = self.text(call.child_by_field_name("arguments"))
                for r in sc.records:
                    if re.search(rf"\b{re.escape(r)}\b", args):
                        scoped_records.add(r)
                markers.add("owner-check")
                # `if (!(await canAccess(id))) return 403` / `await assertOwner(...)`: it turns away everyone
                # who is not the owner, anonymous callers included
                if self._rejects_around(call):
                    guards.append(Guard(self.text(call.child_by_field_name("function")), "body", self.ctx.loc(call),
                                        scope="body"))
                continue
            if _SELF_GUARD_CALL.search(txt):     # (was `.match(txt) or .search(txt)`: the same test)
                name = self.text(call.child_by_field_name("function"))
                is_role = bool(N.role_from_name(name))
                if name.split(".")[-1].lower().startswith(("check", "verify")) and not re.search(
                        r"(?i)jwt|token|session|auth|user|login", name):
                    continue
                guards.append(Guard(name, "body", self.ctx.loc(call), scope="body",
                                    role=N.role_from_name(name) if is_role else None))
                if is_role:
                    markers.add("role-check")
        # records checked after the load
        if scoped_records or public_records:
            for var, idx in sc.records.items():
                if idx < len(accesses):
                    a = accesses[idx]
                    if var in scoped_records:
                        a = _replace(a, scoped=True)
                    if var in public_records:
                        a = _replace(a, public=True)
                    accesses[idx] = a
        # `const app = await findFirst({ where: { id, projectId: workspace.id } }); if (!app) throw …;
        # await delete({ where: { id } })`: the scoped lookup of the same key vouches for the later write
        for var in sc.found_checked:
            idx = sc.records.get(var)
            if idx is None or idx >= len(accesses):
                continue
            a = accesses[idx]
            if not (a.scoped and a.single and a.key_text):
                continue
            for j, b in enumerate(accesses):
                if j != idx and b.single and not b.scoped and b.key_text == a.key_text and \
                        (b.location.line or 0) > (a.location.line or 0):
                    accesses[j] = _replace(b, scoped=True)
        for var, pidx in sc.param_scoped.items():
            idx = sc.records.get(var)
            if idx is not None and idx < len(accesses) and accesses[idx].scope_param is None:
                accesses[idx] = _replace(accesses[idx], scope_param=pidx)
        # a function that compares a loaded record's owner with the caller (or calls a helper that checks
        # ownership) guards the keyed accesses it makes
        if "owner-check" in markers:
            accesses = [_replace(a, scoped=True) if a.single and a.op != "create" else a for a in accesses]
        # 3. markers from the text
        body = "".join(self.ctx.data[a:b].decode("utf-8", "replace") for a, b in spans)
        markers |= text_markers(body)
        if any(N.IDENTITY_KEYS.match(k) for k in sc.body_keys):
            markers.add("identity-in-body")
        for m in _BODY_KEY_READ.finditer(body):
            if N.IDENTITY_KEYS.match(m.group(1)):
                markers.add("identity-in-body")
        if guards:
            markers.add("auth-check")
        # 4. calls to possible helpers (not the inner links of an access chain)
        in_chain: set[int] = set()
        for call in calls:
            if call.id in access_nodes:
                _root, segs = self.chain(call)
                in_chain.update(s[2].id for s in segs)
        local_calls = []
        for call in calls:
            if call.id in access_nodes or call.id in in_chain:
                continue
            lc = self._local_call(call, sc)
            if lc is not None:
                local_calls.append(lc)
        role = next((g.role for g in guards if g.role), None)
        guard_kind = None
        if guards:
            guard_kind = "role" if role or "role-check" in markers else "auth"
        reads_user = bool(sc.user) or N.USER_EXPR.test(body)
        aliases: tuple[str, ...] = ()
        wrapper = fn_node.parent
        if f.name is None and wrapper is not None and wrapper.type == "arguments":
            # const getTop = asyncHandler(async (req, res) => …): the handler is known by the variable
            call = wrapper.parent
            decl = call.parent if call is not None else None
            while decl is not None and decl.type in _WRAPPERS:
                decl = decl.parent
            if decl is not None and decl.type == "variable_declarator":
                n = decl.child_by_field_name("name")
                if n is not None and n.type == "identifier":
                    aliases = (f"var:{self.text(n)}",)
            elif decl is not None and decl.type == "assignment_expression":
                left = self.text(decl.child_by_field_name("left"))
                m = re.match(r"^(?:module\.)?exports\.([\w$]+)$", left)
                if m:
                    aliases = (f"var:{m.group(1)}",)
        summ = FnSummary(
            id=self.fn_id(fn_node) + suffix, path=self.ctx.path, name=f.name, qualname=f.qualname, exported=aliases,
            line=f.line, end_line=fn_node.end_point[0] + 1, params=f.param_texts,
            accesses=tuple(accesses), markers=tuple(sorted(markers)), calls=tuple(local_calls),
            guard=guard_kind, role=role, optional=reads_user and not guards,
            body_guards=tuple(guards))
        self._summaries[key] = summ
        return summ

    # ------------------------------------------------------------------ pieces of summarize
    def _is_chain_top(self, call: ts.Node) -> bool:
        p = call.parent
        while p is not None and p.type in ("non_null_expression",):
            p = p.parent
        if p is not None and p.type == "member_expression" and p.parent is not None and \
                p.parent.type == "call_expression" and p.parent.child_by_field_name("function") == p:
            return False
        return True

    def _declare(self, d: ts.Node, sc: _Scope, access_nodes: dict[int, int], accesses: list) -> None:
        if d.type == "variable_declarator":
            target = d.child_by_field_name("name")
            value = d.child_by_field_name("value")
        else:
            target = d.child_by_field_name("left")
            value = d.child_by_field_name("right")
        if target is None or value is None:
            return
        names = self.bound_names(target) if target.type != "member_expression" else []
        inner = self.unwrap(value)
        # a data access whose result is bound: remember the record variable
        if inner is not None and inner.type == "call_expression":
            top = inner
            acc = self.classify_access(top, sc)
            if acc is not None:
                access_nodes[top.id] = len(accesses)
                accesses.append(acc)
                for n in names:
                    sc.records[n] = len(accesses) - 1
                # destructured `{ rows }` / `[row]` still points at the same access
                return
        if target.type == "member_expression":
            return
        # `const { username, email, password } = dto` in a service: the fields a caller passes in
        if inner is not None and inner.type == "identifier" and self.text(inner) in sc.params:
            sc.body_keys |= set(self.pattern_keys(target))
        vtext = self.text(value)
        words: set[str] | None = None      # the identifiers of vtext, listed once when a test needs them

        def mentions(names_: set[str]) -> bool:
            nonlocal words
            if not names_:
                return False
            if words is None:
                words = set(roots(vtext))
            return bool(words & names_)

        # request input
        is_request = N.REQUEST_SEED.test(vtext) or mentions(sc.request) or \
            sc.req_match(vtext, _await_prefix_end(vtext))
        if is_request and not self._is_call_of_unknown(inner):
            sc.request |= set(names)
            if _BODY_READ.search(vtext) or mentions(sc.body_names):
                if target.type == "identifier":
                    sc.body_names.add(self.text(target))
                sc.body_keys |= set(self.pattern_keys(target))
            return
        # a credential from the request: `const token = req.headers['x-access-token']`, `req.cookies.session`
        if _CREDENTIAL_READ.search(vtext) and _CREDENTIAL_WORD.search(vtext):
            sc.user |= set(names)
            return
        # the authenticated user / session
        m = _AUTH_CALL.search(vtext) if _AUTH_CALL.test(vtext) else None
        if m or N.USER_EXPR.test(vtext) or mentions(sc.user):
            sc.user |= set(names)
            origin = re.sub(r"\s+", "", m.group(0)).rstrip("(<") + "()" if m else None
            if origin is None:
                prior = [sc.origins[w] for w in roots(vtext) if w in sc.origins]
                origin = prior[0] if prior else None
            if origin:
                for n in names:
                    sc.origins[n] = origin

    def _is_call_of_unknown(self, node: ts.Node | None) -> bool:
        """A call whose result is not simply the request value (a DB load, a service call)."""
        if node is None or node.type != "call_expression":
            return False
        return not _CONVERTERS.match(self.text(node.child_by_field_name("function")) + "(") or \
            bool(re.match(r"^(?:await\s+)?\w+\.(?:find|get|load|fetch)", self.text(node)))

    @staticmethod
    def _mentions(text: str, names: set[str]) -> bool:
        if not names:
            return False
        words = set(roots(text))
        return bool(words & names)

    def key_kind(self, text: str, sc: _Scope) -> str:
        if not text:
            return "other"
        if N.REQUEST_SEED.test(text) or sc.req_search(text):
            return "request"
        if not (sc.request or sc.user or sc.params):
            return "user" if N.USER_EXPR.test(text) else "other"
        listed = roots(text)
        words = set(listed)
        if words & sc.request:
            return "request"
        if words & sc.user or N.USER_EXPR.test(text):
            return "user"
        for w in listed:
            if w in sc.param_props:
                i, prop = sc.param_props[w]
                return f"param:{i}.{prop}"
            if w in sc.params:
                return f"param:{sc.params[w]}"
        return "other"

    def _judge_if(self, node: ts.Node, sc: _Scope, guards: list, markers: set, scoped: set, public: set) -> None:
        cond = node.child_by_field_name("condition")
        cons = node.child_by_field_name("consequence")
        alt = node.child_by_field_name("alternative")
        ctext = self.text(cond)
        # what the branches do is read only when a test needs it (most conditions are not about the user)
        memo: dict[str, object] = {}

        def cons_text() -> str:
            if "cons" not in memo:
                memo["cons"] = self.text(cons)
            return memo["cons"]  # type: ignore[return-value]

        def alt_text() -> str:
            if "alt" not in memo:
                memo["alt"] = self.text(alt)
            return memo["alt"]  # type: ignore[return-value]

        def rejects() -> bool:
            if "rejects" not in memo:
                t = cons_text()
                memo["rejects"] = _REJECT.test(t) or bool(_RETURN_ONLY.match(t))
            return memo["rejects"]  # type: ignore[return-value]

        def auth_rejects() -> bool:
            if "auth_rejects" not in memo:
                memo["auth_rejects"] = _AUTH_REJECT.test(cons_text())
            return memo["auth_rejects"]  # type: ignore[return-value]

        def alt_rejects() -> bool:
            if "alt_rejects" not in memo:
                t = alt_text()
                memo["alt_rejects"] = bool(t) and _AUTH_REJECT.test(t)
            return memo["alt_rejects"]  # type: ignore[return-value]

        words = set(roots(ctext))
        owner_checked = False
        nf = re.fullmatch(r"\(?\s*!\s*([A-Za-z_$][\w$]*)\s*\)?", ctext.strip())
        if nf and nf.group(1) in sc.records and (rejects() or alt_rejects()):
            sc.found_checked.add(nf.group(1))
        # an owner check after a load: `note.owner.toString() !== req.user.id`
        for r in sc.records:
            if r in words:
                members = record_members(r, ctext)   # any `r.member` at all, and which
                if members:
                    owner_member = any(N.OWNER_KEY.search(m.replace("?.", ".").split(".")[0].strip()) for m in members)
                    others = words - {r} - set(members_words(members))
                    mentions_user = bool(words & sc.user) or bool(N.USER_EXPR.search(ctext.replace(r + ".", ""))) \
                        or bool(others & set(sc.params))
                    if owner_member and mentions_user and (rejects() or alt_rejects()):
                        scoped.add(r)
                        markers.add("owner-check")
                        owner_checked = True
                    elif not owner_member and r not in sc.param_scoped:
                        # `if (discount.programId !== programId) throw …` in a helper: the record is checked
                        # against a parameter; scoped if the caller passes the signed-in user's value
                        keys = [m.replace("?.", ".").split(".")[0].strip() for m in members]
                        # (the parameter often has the member's name: `d.programId !== programId`)
                        rest = set(roots(re.sub(rf"\b{re.escape(r)}\s*\??\.\s*[\w$]+", " ", ctext)))
                        pnames = sorted(w for w in rest if w in sc.params and w not in sc.request)
                        if pnames and any(k.lower().endswith("id") and k.lower() not in ("id", "_id") for k in keys) and \
                                _EQUALITY.search(ctext) and (rejects() or alt_rejects()):
                            sc.param_scoped[r] = self.key_kind(pnames[0], sc)
                    if any(N.PUBLIC_FLAG.search(m) for m in members) and (rejects() or alt_rejects()):
                        public.add(r)
                        markers.add("public-check")
        # the requested id compared with the caller's own: `if (req.params.userId !== req.user.id) return 403`
        if not owner_checked and _EQUALITY.search(ctext) and (rejects() or alt_rejects()) and \
                (N.REQUEST_SEED.search(ctext) or words & sc.request) and (words & sc.user or N.USER_EXPR.search(ctext)):
            markers.add("owner-check")
            owner_checked = True
        if owner_checked:
            # `if (!session?.user || params.userId !== session.user.id) return 403` also turns away anonymous callers
            if (auth_rejects() or rejects()) and _NEGATED_USER.search(ctext) and \
                    (words & sc.user or N.USER_EXPR.search(ctext)):
                guards.append(Guard(_guard_name(ctext, sc), "body", self.ctx.loc(node), scope="body"))
            return
        is_userish = bool(words & sc.user) or bool(N.USER_EXPR.search(ctext)) or bool(_AUTH_CALL.search(ctext)) \
            or bool(_TOKEN_EXPR.search(ctext))
        if not is_userish:
            return
        # a role check: `session.user.role !== 'admin'` -> 403
        if _ROLE_EXPR.search(ctext) and (auth_rejects() or alt_rejects()):
            role = re.search(r"""['"](\w+)['"]""", ctext)
            guards.append(Guard(_short(ctext), "body", self.ctx.loc(node), scope="body",
                                role=role.group(1) if role else "role"))
            markers.add("role-check")
            return
        # `if (!session) return 401` (negated test, rejecting branch) or `if (session) {…} else return 401`;
        # `if (session) return redirect('/dashboard')` on a login page is the opposite of a guard
        negated = bool(_NEGATED.search(ctext))
        if (auth_rejects() and negated) or (alt_rejects() and not negated):
            guards.append(Guard(_guard_name(ctext, sc), "body", self.ctx.loc(node), scope="body"))
        elif not negated and not alt_text() and re.search(r"\bnext\s*\(|\breturn\b", cons_text()) and \
                self._rejects_after(node):
            # `if (req.isAuthenticated()) return next(); res.redirect('/login')`: the rejection falls through
            guards.append(Guard(_guard_name(ctext, sc), "body", self.ctx.loc(node), scope="body"))

    def dev_only(self, node: ts.Node) -> bool:
        """Inside the then-branch of `if (process.env.NODE_ENV !== 'production')` (or a like test)?"""
        from deploycheck.project.extract.routes._summary import DEV_CONDITION
        child, p = node, node.parent
        while p is not None:
            if p.type == "if_statement":
                cons = p.child_by_field_name("consequence")
                if cons is not None and cons.start_byte <= child.start_byte and child.end_byte <= cons.end_byte:
                    cond = self.text(p.child_by_field_name("condition")).strip()
                    if re.search(DEV_CONDITION, cond[1:-1] if cond.startswith("(") and cond.endswith(")") else cond):
                        return True
            child, p = p, p.parent
        return False

    def _decl_text(self, at: ts.Node, name: str) -> str:
        """The initial value text of `name` declared in the function enclosing `at` (or "")."""
        fn = self.enclosing_fn(at)
        if fn is None:
            return ""
        for d in self.items("decl", fn.start_byte, at.start_byte):
            n = d.child_by_field_name("name")
            if n is not None and self.text(n) == name:
                v = d.child_by_field_name("value")
                return self.text(v) if v is not None else ""
        return ""

    def _rejects_after(self, node: ts.Node) -> bool:
        """Do the statements after this if (in the same block) answer 401/403 or redirect to a login?"""
        parent = node.parent
        if parent is None or parent.type not in ("statement_block", "program"):
            return False
        after = "".join(self.text(c) for c in parent.named_children if c.start_byte >= node.end_byte)
        return bool(_AUTH_REJECT.search(after))

    def _rejects_around(self, call: ts.Node) -> bool:
        """Is this call the test of an if that rejects, or a statement of its own (a throwing assertion)?"""
        n = call.parent
        while n is not None and n.type in _WRAPPERS | {"unary_expression", "parenthesized_expression"}:
            n = n.parent
        if n is not None and n.type == "expression_statement":
            return True
        p = call.parent
        while p is not None and p.type not in FN_TYPES:
            if p.type == "if_statement":
                cond = p.child_by_field_name("condition")
                if cond is not None and cond.start_byte <= call.start_byte and call.end_byte <= cond.end_byte:
                    return bool(_REJECT.search(self.text(p.child_by_field_name("consequence"))))
                return False
            p = p.parent
        return False

    def _local_call(self, call: ts.Node, sc: _Scope) -> LocalCall | None:
        fn = call.child_by_field_name("function")
        if fn is None:
            return None
        ftext = self.text(fn)
        if fn.type not in ("identifier", "member_expression") or "(" in ftext or "\n" in ftext:
            return None
        root = ftext.split(".", 1)[0].split("?", 1)[0]
        if root in _NOT_HELPERS and not ftext.startswith("this."):
            return None
        if root in GLOBALS:
            return None
        if ftext.count(".") > 2:
            return None
        args = call.child_by_field_name("arguments")
        kinds = tuple(self._arg_kind(a, sc) for a in (args.named_children if args is not None else [])
                      if a.type != "comment")
        bound = None
        p = call.parent
        while p is not None and p.type in _WRAPPERS:
            p = p.parent
        if p is not None and p.type == "variable_declarator":
            n = p.child_by_field_name("name")
            if n is not None and n.type == "identifier":
                bound = self.text(n)
        ftext = ftext.replace("?.", ".")
        if ftext.startswith("this.") and ftext.count(".") == 1:
            # `this.getTokensData(…)`: a method of the same class (the linker finds it by its qualified name)
            cname = self._class_name(call)
            if cname:
                ftext = f"{cname}.{ftext[5:]}"
        elif ftext.startswith("this.") and ftext.count(".") == 2:
            # NestJS/Angular-style injection: `constructor(private readonly usersService: UsersService)` makes
            # `this.usersService.ban(id)` a call of UsersService.ban, which the linker can follow
            prop, method = ftext.split(".")[1:]
            typ = self._injected(call).get(prop)
            if typ is not None and not _INJECTED_MODEL.match(typ):
                ftext = f"{typ.split('<', 1)[0]}.{method}"     # ConfigService<AllConfig> -> ConfigService
        return LocalCall(ftext, call.start_point[0] + 1, kinds, bound)

    @staticmethod
    def _enclosing_class(node: ts.Node) -> ts.Node | None:
        cls = node.parent
        while cls is not None and cls.type not in _CLASS_TYPES:
            cls = cls.parent
        return cls

    def _class_name(self, node: ts.Node) -> str | None:
        cls = self._enclosing_class(node)
        n = cls.child_by_field_name("name") if cls is not None else None
        return self.text(n) if n is not None else None

    def _arg_kind(self, a: ts.Node, sc: _Scope) -> str:
        """Where an argument's value comes from; an object literal per property: "obj|id=request|orgId=user"."""
        if a.type == "object":
            parts = []
            for prop in a.named_children:
                if prop.type == "shorthand_property_identifier":
                    k = v = self.text(prop)
                elif prop.type == "pair":
                    kn, vn = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if kn is None or vn is None:
                        continue
                    k, v = self.text(kn).strip("'\""), self.text(vn)
                else:
                    continue
                if re.fullmatch(r"[A-Za-z_$][\w$]*", k):
                    parts.append(f"{k}={self.key_kind(v, sc)}")
            if parts:
                return "obj|" + "|".join(parts)
        return self.key_kind(self.text(a), sc)

    def _injected(self, node: ts.Node) -> dict[str, str]:
        """Constructor parameter properties of the class around `node`: {property: class type}."""
        cls = self._enclosing_class(node)
        if cls is None:
            return {}
        got = self._injected_cache.get(cls.id)
        if got is None:
            got = {}
            body = cls.child_by_field_name("body")
            for m in (body.named_children if body is not None else []):
                if m.type != "method_definition":
                    continue
                n = m.child_by_field_name("name")
                if n is None or self.text(n) != "constructor":
                    continue
                params = m.child_by_field_name("parameters")
                for prm in (params.named_children if params is not None else []):
                    pm = _PARAM_PROPERTY.search(self.text(prm))
                    if pm:
                        got[pm.group(1)] = re.sub(r"\s+", "", pm.group(2))
            self._injected_cache[cls.id] = got
        return got

    # ------------------------------------------------------------------ data access classification
    def chain(self, top: ts.Node) -> tuple[str | None, list[tuple[str, ts.Node | None, ts.Node]]]:
        """(root text, [(method, arguments node, call node) from the root outwards]). Memoised per node
        (a pure function of the tree; the same call is classified by every summary that covers it).
        Callers read the list, never change it."""
        got = self._chains.get(top.id)
        if got is None:
            got = self._chains[top.id] = self._chain(top)
        return got

    def _chain(self, top: ts.Node) -> tuple[str | None, list[tuple[str, ts.Node | None, ts.Node]]]:
        segs: list[tuple[str, ts.Node | None, ts.Node]] = []
        cur = top
        root = None
        while cur is not None:
            cur = self.unwrap(cur) if cur.type in _WRAPPERS else cur
            if cur is None or cur.type != "call_expression":
                root = self.text(cur) if cur is not None else None
                break
            fn = cur.child_by_field_name("function")
            args = cur.child_by_field_name("arguments")
            fn = self.unwrap(fn) if fn is not None and fn.type in _WRAPPERS else fn
            if fn is None:
                break
            if fn.type == "member_expression":
                segs.append((self.text(fn.child_by_field_name("property")), args, cur))
                cur = fn.child_by_field_name("object")
                continue
            segs.append((self.text(fn), args, cur))
            root = None
            break
        segs.reverse()
        return (root.replace("?.", ".").replace("\n", "").replace(" ", "") if root else None), segs

    def _start_loc(self, node: ts.Node) -> Location:
        """Where a node starts (line and character column), without its end: an access's location."""
        r, c = node.start_point
        return Location(self.ctx.path, r + 1, self.ctx._char_col(r, c) + 1)

    def classify_access(self, top: ts.Node, sc: _Scope) -> DataAccess | None:
        try:
            root, segs = self.chain(top)
        except RecursionError:  # pragma: no cover
            return None
        if not segs:
            return None
        names = [s[0] for s in segs]
        callee = ((root + ".") if root else "") + names[0]
        # --- raw SQL: pool.query('…', [..]), sql`…`, db.prepare('…').get(id)
        for i, (m, args, node) in enumerate(segs):
            if m in SQL_METHODS or m.endswith("sql") or m.lower().endswith("query"):
                first = None
                if args is not None and args.type == "template_string":
                    first = args
                    rest: list[ts.Node] = []
                elif args is not None and args.named_children:
                    first = args.named_children[0]
                    rest = args.named_children[1:]
                else:
                    continue
                got = self.sql_text(first)
                if got is None:
                    continue
                sql, subs = got
                info = read_sql(sql)
                if info is None:
                    continue
                params = subs
                if not params:
                    if rest and rest[0].type == "array":
                        params = [self.text(c) for c in rest[0].named_children]
                    elif rest:
                        params = [self.text(c) for c in rest]
                    elif i + 1 < len(segs) and segs[i + 1][1] is not None:   # prepare(sql).get(id)
                        params = [self.text(c) for c in segs[i + 1][1].named_children]
                key_text = None
                if info.single:
                    if info.key_index is not None and info.key_index < len(params):
                        key_text = params[info.key_index]
                    elif params:
                        key_text = ", ".join(params)
                where_params = " ".join(params)
                scoped = info.scoped or (bool(N.USER_EXPR.search(where_params) or self._mentions(where_params, sc.user))
                                         and info.verb != "insert" and bool(info.where) and
                                         key_text is not None and self.key_kind(key_text, sc) != "user"
                                         and _user_param_in_where(info, params, sc, self))
                if info.verb == "insert":
                    scoped = bool(N.OWNER_KEY.search(sql.split("(", 2)[1] if "(" in sql else "")) and \
                        (bool(N.USER_EXPR.search(where_params)) or self._mentions(where_params, sc.user))
                return DataAccess(self._start_loc(top), "create" if info.upsert else info.op,
                                  f"{callee}" if i == 0 else f"{root or ''}.{m}".lstrip("."), info.table,
                                  single=info.single, key=self.key_kind(key_text, sc) if key_text else None,
                                  key_text=_short(key_text) if key_text else None, scoped=scoped,
                                  public=info.public, counter=info.counter)
        # --- Prisma: prisma.note.findUnique({ where: { id } })
        if root and "." in root and len(segs) >= 1 and segs[0][0] in PRISMA_OPS:
            client, model = root.rsplit(".", 1)
            if segs[0][0] in _PRISMA_DISTINCT or _PRISMA_CLIENT.search(client) or client.endswith(("prisma", ".db")):
                if not re.search(r"(?i)stripe|resend|openai|twilio|sendgrid|s3|redis|cache|axios|api|http", client):
                    return self._orm_access(self._start_loc(top), f"{root}.{segs[0][0]}", model, segs[0][0], segs[0][1], sc, prisma=True)
        # --- Drizzle: db.select().from(t).where(eq(t.id, id)), db.update(t).set().where(), db.delete(t).where()
        if root and names[0] in ("select", "update", "delete", "insert", "selectDistinct") and \
                any(n in ("from", "where", "set", "values", "returning") for n in names[1:]) or \
                (root and _QUERY_MEMBER.search(root) and names[0] in ("findFirst", "findMany")):
            return self._drizzle_access(self._start_loc(top), root or "", segs, sc)
        # --- Supabase: supabase.from('notes').select().eq('id', id)
        if "from" in names and any(n in ("select", "insert", "update", "delete", "upsert") for n in names):
            fi = names.index("from")
            tbl = self.string_value(segs[fi][1].named_children[0]) if segs[fi][1] is not None and segs[fi][1].named_children else None
            if tbl is not None:
                return self._builder_access(self._start_loc(top), f"{root}.from", tbl, segs[fi + 1:], sc, supabase=True)
        # --- Knex: knex('notes').where({ id }).first()
        if root is None and segs[0][0] in ("knex", "db", "trx", "database", "sql", "k", "qb") and segs[0][1] is not None \
                and segs[0][1].named_children and self.string_value(segs[0][1].named_children[0]) and len(segs) > 1:
            tbl = self.string_value(segs[0][1].named_children[0])
            return self._builder_access(self._start_loc(top), segs[0][0], tbl, segs[1:], sc)
        if root and root.split(".")[-1] in ("knex", "db", "trx") and names[0] in ("from", "table", "into") and len(segs) > 1:
            tbl = self.string_value(segs[0][1].named_children[0]) if segs[0][1] is not None and segs[0][1].named_children else None
            if tbl:
                return self._builder_access(self._start_loc(top), f"{root}.{names[0]}", tbl, segs[1:], sc)
        # --- Firestore: db.collection('notes').doc(id).get()
        if "collection" in names and "doc" in names:
            ci, di = names.index("collection"), names.index("doc")
            tbl = self.string_value(segs[ci][1].named_children[0]) if segs[ci][1] is not None and segs[ci][1].named_children else None
            key_node = segs[di][1].named_children[0] if segs[di][1] is not None and segs[di][1].named_children else None
            last = names[-1]
            op = {"get": "read", "update": "update", "delete": "delete", "set": "update"}.get(last)
            if op and key_node is not None:
                kt = self.text(key_node)
                return DataAccess(self._start_loc(top), op, f"{root}.collection", tbl, single=True, key=self.key_kind(kt, sc),
                                  key_text=_short(kt))
        # --- Mongo native: db.collection('notes').findOne({...})
        if "collection" in names:
            ci = names.index("collection")
            if ci + 1 < len(segs) and segs[ci + 1][0] in MODEL_METHODS:
                tbl = self.string_value(segs[ci][1].named_children[0]) if segs[ci][1] is not None and segs[ci][1].named_children else None
                return self._orm_access(self._start_loc(top), f"{root}.collection.{segs[ci + 1][0]}", tbl, segs[ci + 1][0], segs[ci + 1][1], sc)
        # --- Mongoose / Sequelize / TypeORM / repositories: Note.findById(id), this.repo.findOne({ where })
        first_arg = segs[0][1].named_children[0] if segs[0][1] is not None and segs[0][1].named_children else None
        if first_arg is not None and first_arg.type in FN_TYPES:
            return None     # items.find(x => …), data.Records.find(function …): an array, not a model
        if root and segs[0][0] in MODEL_METHODS:
            base = root.split(".")[-1]
            model = None
            if re.fullmatch(r"[A-Z][A-Za-z0-9_]*", base) and base not in GLOBALS and not base.isupper():
                model = base
            elif _REPO_ROOT.search(base) and base.lower() not in ("store",):
                model = re.sub(r"(?i)(repo|repository|model|collection|dao|table)s?$", "", base) or base
            elif re.fullmatch(r"(?:this\.)?(?:models|db|sequelize\.models|prisma)\.[A-Z]\w*", root):
                model = base
            elif root == f"this.{base}" and (im := _INJECTED_MODEL.match(self._injected(top).get(base, ""))):
                model = im.group(1)      # this.users.update(id, …) with `users: Repository<User>` injected
            if model is not None and segs[0][0] != "where":
                return self._orm_access(self._start_loc(top), f"{root}.{segs[0][0]}", model, segs[0][0], segs[0][1], sc)
        # getRepository(Note).findOne(...), dataSource.getRepository(Note).delete(id), em.findOne(Note, {...})
        if len(segs) >= 2 and segs[0][0] in ("getRepository", "getMongoRepository", "getCustomRepository") and segs[1][0] in MODEL_METHODS:
            model = self.text(segs[0][1].named_children[0]) if segs[0][1] is not None and segs[0][1].named_children else None
            return self._orm_access(self._start_loc(top), f"getRepository.{segs[1][0]}", model, segs[1][0], segs[1][1], sc)
        if root and root.split(".")[-1] in ("em", "entityManager", "manager") and segs[0][0] in MODEL_METHODS and \
                segs[0][1] is not None and segs[0][1].named_children:
            args = segs[0][1].named_children
            model = self.text(args[0])
            fake = args[1] if len(args) > 1 else None
            return self._orm_access(self._start_loc(top), f"{root}.{segs[0][0]}", model, segs[0][0], None, sc, first_arg=fake,
                                    rest=args[2:])
        # --- a record instance written through: note.save(), note.destroy(), note.update({...})
        if root and root in sc.records and names[0] in ("save", "destroy", "remove", "deleteOne", "update", "set", "delete"):
            op = "update" if names[0] in ("save", "update", "set") else "delete"
            return DataAccess(self._start_loc(top), op, f"{root}.{names[0]}", None, single=True, key="record", key_text=root)
        # --- Cloudflare KV / R2 bindings: env.NOTES.get(key), KV.put(key, value), env.BUCKET.delete(key)
        if root and len(segs) == 1 and names[0] in ("get", "put", "delete", "list", "getWithMetadata") and (
                re.search(r"(?:^|\.)env\.[A-Z][A-Z0-9_]*$", root) or re.fullmatch(r"(?i)\w*kv|\w*_kv|kv\w*", root.split(".")[-1])):
            args = segs[0][1]
            first = args.named_children[0] if args is not None and args.named_children else None
            op = {"get": "read", "getWithMetadata": "read", "list": "read", "put": "write", "delete": "delete"}[names[0]]
            kt = self.text(first) if first is not None and names[0] != "list" else None
            return DataAccess(self._start_loc(top), op, f"{root}.{names[0]}", root.split(".")[-1], single=kt is not None,
                              key=self.key_kind(kt, sc) if kt else None, key_text=_short(kt) if kt else None)
        # --- object storage writes
        if _STORAGE_CALLEE.search(callee) and \
                re.search(r"(?i)put|upload|send|save|delete|remove|write", names[-1]):
            txt = self.text(top)
            if re.search(r"(?i)Put|upload|save|write|Copy", txt) or names[-1] != "send":
                op = "delete" if re.search(r"(?i)delete|remove", txt) else "create"
                return DataAccess(self._start_loc(top), op, callee, "storage")
        return None

    def _orm_access(self, loc: Location, callee: str, model: str | None, method: str, args: ts.Node | None,
                    sc: _Scope, *, prisma: bool = False, first_arg: ts.Node | None = None,
                    rest: list[ts.Node] | None = None) -> DataAccess:
        arg_nodes = list(args.named_children) if args is not None else ([first_arg] if first_arg is not None else []) + list(rest or [])
        arg_nodes = [a for a in arg_nodes if a is not None and a.type != "comment"]
        m = method
        op = "read"
        if re.match(r"(?i)^(create|insert|bulkCreate|insertMany|insertOne|createMany|findOrCreate|createManyAndReturn)$", m):
            op = "create"
        elif re.search(r"(?i)update|replace|increment|decrement|restore|upsert", m) or m == "save":
            op = "update"
        elif re.search(r"(?i)delete|remove|destroy", m):
            op = "delete"
        if m == "upsert":
            op = "update"
        if m == "save" and arg_nodes:
            # repo.save(new Entity()) / save({ ... }) / save(entity built with `new`): a create
            a0 = self.unwrap(arg_nodes[0])
            if a0 is not None and (a0.type in ("object", "new_expression") or (
                    a0.type == "identifier" and re.match(r"^(?:await\s+)?(?:new\s|\w+\.create\()",
                                                         self._decl_text(a0, self.text(a0))))):
                op = "create"
        filter_node: ts.Node | None = None
        data_node: ts.Node | None = None
        key_text: str | None = None
        single = False
        if prisma:
            props = self.object_props(self.unwrap(arg_nodes[0])) if arg_nodes else {}
            filter_node = props.get("where")
            data_node = props.get("data")
            single = m in ("findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "update", "delete", "upsert")
        elif re.match(r"(?i)^find.*ById|^findByPk$|^findByIds$", m) or (m in ("delete", "softDelete", "restore", "update") and arg_nodes
                                                                         and self.unwrap(arg_nodes[0]).type != "object"):
            # the first argument *is* the key
            if arg_nodes:
                key_text = self.text(arg_nodes[0])
                single = True
            if m in ("update",) and len(arg_nodes) > 1:
                data_node = arg_nodes[1]
            elif "Update" in m and len(arg_nodes) > 1:
                data_node = arg_nodes[1]
        elif m in ("update",) and len(arg_nodes) >= 2:      # Sequelize Model.update(values, { where })
            data_node = arg_nodes[0]
            filter_node = self.object_props(self.unwrap(arg_nodes[1])).get("where") or arg_nodes[1]
        elif m in ("findOne", "findAll", "findAndCountAll", "destroy", "count", "findOneOrFail", "findAndCount", "find") \
                and arg_nodes and "where" in self.object_props(self.unwrap(arg_nodes[0])):
            filter_node = self.object_props(self.unwrap(arg_nodes[0]))["where"]
            single = m in ("findOne", "findOneOrFail", "destroy")
        elif m in ("create", "insert", "insertMany", "insertOne", "bulkCreate", "save", "createMany"):
            data_node = arg_nodes[0] if arg_nodes else None
        else:
            filter_node = arg_nodes[0] if arg_nodes else None
            if len(arg_nodes) > 1 and re.search(r"(?i)update|replace", m):
                data_node = arg_nodes[1]
            single = bool(re.match(r"(?i)^(findOne|findOneBy|findOneByOrFail|findOneAnd|updateOne|deleteOne|replaceOne|exists)", m))
        scoped = public = False
        scope_param: str | None = None
        if filter_node is not None:
            fnode = self.unwrap(filter_node)
            ftext = self.text(fnode)
            props = self.object_props(fnode)
            if props:
                for k, v in props.items():
                    kl = k.lower()
                    if scope_param is None and kl not in ("id", "_id", "pk", "uuid", "slug") and kl.endswith("id"):
                        # `where: { id: discountId, programId }` in a helper: a second key from a parameter
                        pv = self.text(v) if v is not None else k
                        if re.fullmatch(r"[A-Za-z_$][\w$]*", pv) and pv in sc.params and pv not in sc.request:
                            scope_param = self.key_kind(pv, sc)
                    if kl in ("id", "_id", "pk", "uuid", "slug") or (kl.endswith(("_id", "id")) and not N.OWNER_KEY.fullmatch(k)
                                                                    and kl not in ("userid",)):
                        if key_text is None and (kl in ("id", "_id", "pk", "uuid", "slug") or single):
                            key_text = self.text(v)
                            single = single or kl in ("id", "_id", "pk", "uuid", "slug")
                    if N.OWNER_KEY.fullmatch(k) or re.search(r"(?i)(?:^|_)(?:user|owner|author|tenant|org|team|workspace|account)(?:_?id)?(?:_|$)", k):
                        scoped = True
                    if N.PUBLIC_FLAG.fullmatch(k) or N.PUBLIC_FLAG.search(k):
                        public = True
                    vtext = self.text(v) if v is not None else ""
                    if k not in ("id", "_id", "pk") and (N.USER_EXPR.search(vtext) or self._mentions(vtext, sc.user)):
                        scoped = True
                    if k in ("OR", "AND", "$or", "$and", "NOT") and N.OWNER_KEY.search(vtext):
                        scoped = True
            elif fnode is not None and fnode.type not in ("object",):
                key_text = key_text or ftext
                if m not in ("find", "findAll", "findMany", "count", "countDocuments"):
                    single = True
        if data_node is not None and op == "update" and _links_only(self, data_node):
            # likes/follows/favourites: the write only links or unlinks the caller to the record
            scoped = True
        if data_node is not None and op == "create":
            dtext = self.text(data_node)
            dprops = self.object_props(self.unwrap(data_node))
            for k, v in dprops.items():
                if N.OWNER_KEY.fullmatch(k) and v is not None and (N.USER_EXPR.search(self.text(v)) or self._mentions(self.text(v), sc.user)):
                    scoped = True
            if re.search(r"connect\s*:\s*\{\s*id\s*:", dtext) and (N.USER_EXPR.search(dtext) or self._mentions(dtext, sc.user)):
                scoped = True
        kind = self.key_kind(key_text, sc) if key_text else None
        if scope_param is not None and (not scope_param.startswith("param:") or scope_param == kind):
            scope_param = None      # not a parameter after all, or the selecting key itself
        return DataAccess(loc, op, callee, model, single=single, key=kind, key_text=_short(key_text) if key_text else None,
                          scoped=scoped, public=public, scope_param=scope_param)

    def _builder_access(self, loc: Location, callee: str, table: str | None, segs, sc: _Scope,
                        supabase: bool = False) -> DataAccess:
        names = [s[0] for s in segs]
        op = "read"
        if any(n in ("insert", "insertInto") for n in names):
            op = "create"
        if any(n in ("update", "upsert", "increment", "decrement") for n in names):
            op = "update"
        if any(n in ("delete", "del") for n in names):
            op = "delete"
        key_text = None
        scoped = public = False
        single = any(n in ("first", "single", "maybeSingle", "firstOrFail", "executeTakeFirst", "executeTakeFirstOrThrow") for n in names)
        for name, args, _node in segs:
            if name not in ("where", "andWhere", "eq", "match", "filter", "whereIn", "in", "is", "orWhere", "where_raw", "whereRaw"):
                continue
            if args is None or not args.named_children:
                continue
            a0 = self.unwrap(args.named_children[0])
            col = self.string_value(a0)
            if col is not None and len(args.named_children) >= 2:
                val = self.text(args.named_children[-1])
                pairs = [(col, val)]
            elif a0 is not None and a0.type == "object":
                pairs = [(k, self.text(v)) for k, v in self.object_props(a0).items()]
            else:
                pairs = [("", self.text(a0))]
            for col, val in pairs:
                cl = col.lower().split(".")[-1]
                if cl in ("id", "_id", "pk", "uuid", "slug") or (cl.endswith("_id") and not N.OWNER_KEY.fullmatch(cl)):
                    key_text = key_text or val
                    single = single or cl in ("id", "_id", "pk", "uuid", "slug") or op != "read"
                if cl and (N.OWNER_KEY.fullmatch(cl) or N.OWNER_KEY.fullmatch(col)):
                    scoped = True
                if cl and N.PUBLIC_FLAG.search(cl):
                    public = True
                if cl not in ("id", "_id", "pk") and (N.USER_EXPR.search(val) or self._mentions(val, sc.user)):
                    scoped = True
        if op == "create":
            for name, args, _node in segs:
                if name in ("insert", "values") and args is not None and args.named_children:
                    props = self.object_props(self.unwrap(args.named_children[0]))
                    if any(N.OWNER_KEY.fullmatch(k) for k in props):
                        scoped = True
        kind = self.key_kind(key_text, sc) if key_text else None
        return DataAccess(loc, op, callee, table, single=single and key_text is not None, key=kind,
                          key_text=_short(key_text) if key_text else None, scoped=scoped, public=public)

    def _drizzle_access(self, loc: Location, root: str, segs, sc: _Scope) -> DataAccess:
        names = [s[0] for s in segs]
        op = {"select": "read", "selectDistinct": "read", "update": "update", "delete": "delete", "insert": "create",
              "findFirst": "read", "findMany": "read"}.get(names[0], "read")
        table = None
        if names[0] in ("update", "delete", "insert") and segs[0][1] is not None and segs[0][1].named_children:
            table = self.text(segs[0][1].named_children[0])
        elif "from" in names:
            a = segs[names.index("from")][1]
            table = self.text(a.named_children[0]) if a is not None and a.named_children else None
        elif re.search(r"\.query\.(\w+)$", root):
            table = re.search(r"\.query\.(\w+)$", root).group(1)
        where_text = ""
        where_nodes: list[ts.Node] = []
        for name, args, _n in segs:
            if name == "where" and args is not None:
                where_text += self.text(args)
                where_nodes.append(args)
            if name in ("findFirst", "findMany") and args is not None and args.named_children:
                w = self.object_props(self.unwrap(args.named_children[0])).get("where")
                where_text += self.text(w) if w is not None else ""
                if w is not None:
                    where_nodes.append(w)
        key_text = None
        scoped = public = False
        pairs: list[tuple[str, str]] = []
        stack = list(where_nodes)
        while stack:
            n = stack.pop()
            if n.type == "call_expression" and self.text(n.child_by_field_name("function")).split(".")[-1] in ("eq", "inArray"):
                a = n.child_by_field_name("arguments")
                kids = [k for k in (a.named_children if a is not None else []) if k.type != "comment"]
                if len(kids) == 2:
                    pairs.append((self.text(kids[0]).rsplit(".", 1)[-1], self.text(kids[1]).strip()))
                continue
            stack.extend(n.named_children)
        for col, val in pairs:
            if col.lower() in ("id", "uuid", "slug") or (col.lower().endswith("id") and not N.OWNER_KEY.fullmatch(col)):
                key_text = key_text or val
            if N.OWNER_KEY.fullmatch(col):
                scoped = True
            if N.PUBLIC_FLAG.search(col):
                public = True
        if not scoped and (N.USER_EXPR.search(where_text) and key_text and self.key_kind(key_text, sc) != "user"):
            scoped = True
        single = key_text is not None and (names[0] != "findMany")
        kind = self.key_kind(key_text, sc) if key_text else None
        return DataAccess(loc, op, f"{root}.{names[0]}", table, single=single, key=kind,
                          key_text=_short(key_text) if key_text else None, scoped=scoped, public=public)


def _links_only(an: "JsAnalysis", data_node: ts.Node) -> bool:
    """An update whose data only connects/disconnects relations (Prisma) or adds/pulls ids from arrays
    (Mongo `$addToSet`/`$pull`/`$push`) - it changes who is linked to the record, not the record."""
    props = an.object_props(an.unwrap(data_node))
    if not props:
        return False
    for k, v in props.items():
        if k in ("$addToSet", "$pull", "$push", "$inc"):
            continue
        inner = an.object_props(an.unwrap(v)) if v is not None else {}
        if inner and set(inner) <= {"connect", "disconnect", "set", "connectOrCreate", "increment", "decrement"}:
            continue
        return False
    return True


def _user_param_in_where(info, params: list[str], sc: _Scope, an: JsAnalysis) -> bool:
    """A placeholder other than the key's carries the user: `WHERE id = $1 AND author_id = $2`."""
    for i, p in enumerate(params):
        if i == info.key_index:
            continue
        if an.key_kind(p, sc) == "user":
            return True
    return False


_ROOT = re.compile(r"(?<![.\w$])[A-Za-z_$][\w$]*")


def roots(text: str) -> list[str]:
    """Identifiers that are not property names: `req.auth.user.id` -> ['req']."""
    return _ROOT.findall(text or "")


def members_words(members: list[str]) -> list[str]:
    return [w for m in members for w in roots(m)]


def _replace(a: DataAccess, **kw) -> DataAccess:
    from dataclasses import replace
    return replace(a, **kw)


def _short(text: str | None, n: int = 60) -> str:
    t = re.sub(r"\s+", " ", text or "").strip()
    return t if len(t) <= n else t[: n - 1] + "…"


def _guard_name(ctext: str, sc: _Scope) -> str:
    m = _AUTH_CALL.search(ctext)
    if m:
        return m.group(0).rstrip("(<").strip()
    for w in roots(ctext):
        if w in sc.origins:
            return f"{sc.origins[w]} check"
    m = N.USER_EXPR.search(ctext)
    if m:
        return f"{m.group(0)} check"
    m = _TOKEN_EXPR.search(ctext)
    if m:
        return f"{m.group(0)} check"
    words = [w for w in roots(ctext) if w in sc.user]
    return f"{words[0]} check" if words else _short(ctext, 40)


# Each marker's regex runs only when one of its cheap substrings occurs in the (lower-cased) body.
_MARKERS: tuple[tuple[str, tuple[str, ...], "re.Pattern[str]"], ...] = (
    ("verifies-password", ("compare", "verify", "check_password", "password", "credential"), N.PASSWORD_VERIFY),
    ("hashes-password", ("hash", "set_password", "signup", "genSalt".lower()), N.PASSWORD_HASH),
    ("issues-token", ("sign", "token", "login", "session"), N.TOKEN_ISSUE),
    ("sets-session", ("session", "cookie", "signin"), N.SESSION_SET),
    ("ends-session", ("logout", "signout", "sign_out", "destroy", "clear", "cookie", "flush", "invalidate"), N.SESSION_END),
    ("verifies-signature", ("webhook", "constructevent", "construct_event", "timingsafe", "hmac", "compare_digest",
                            "verify", "signature", "validaterequest", "validate_request", "unsign", "signing"),
     N.SIGNATURE_VERIFY),
    ("oauth-exchange", ("oauth", "token", "code", "grant", "callback", "authlib", "authorization"), N.OAUTH_EXCHANGE),
    ("sends-email", ("mail",), N.EMAIL_SEND),
    ("renders-page", ("render", "template", "redirect", ".view"), N.PAGE_RESPONSE),
)


def text_markers(body: str) -> set[str]:
    out: set[str] = set()
    low = body.lower()
    for name, hints, rx in _MARKERS:
        if any(h in low for h in hints) and rx.test_lowered(body, low):
            out.add(name)
    return out


def call_method_op(name: str) -> str | None:
    """What a service method name says it does: read/create/update/delete (None: cannot tell)."""
    base = name.rsplit(".", 1)[-1]
    if _DELETE_METHOD.match(base):
        return "delete"
    if _UPDATE_METHOD.match(base):
        return "update"
    if _CREATE_METHOD.match(base):
        return "create"
    if _READ_METHOD.match(base):
        return "read"
    return None
