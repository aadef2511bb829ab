"""What Python functions do that matters for auth, read with `ast` (the Python twin of `_js.py`).

Per function: data accesses (SQL through a cursor/connection/session, SQLAlchemy, Django ORM,
Flask-SQLAlchemy, Peewee/Tortoise, PyMongo) with how the record is selected; body guards
(`if not current_user.is_authenticated: abort(401)`, `if "user_id" not in session: return redirect(…)`);
role, ownership and public-flag checks; markers; calls to possible helpers.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace

from deploycheck.core import Location
from deploycheck.project.extract.routes import _names as N
from deploycheck.project.extract.routes._js import _AUTH_REJECT, _REJECT, _ROLE_EXPR, _TOKEN_EXPR, text_markers
from deploycheck.project.extract.routes._sql import read_sql
from deploycheck.project.extract.routes._summary import FnSummary, LocalCall
from deploycheck.project.model import DataAccess, Guard
from deploycheck.project.parse import FileContext

FUNC = (ast.FunctionDef, ast.AsyncFunctionDef)
# a database session/handle variable (`db`, `session`, `db_session`, `s`), not any name ending in s (`fields`)
# an UPPER_CASE module constant (`DEFAULTS.get(key)` reads a dict, not a model)
_CONSTANT = re.compile(r"^[A-Z][A-Z0-9]*_[A-Z0-9_]*$|^[A-Z][A-Z0-9]{4,}$")
_SESSION_NAME = re.compile(r"(?i)^(?:\w*_)?(?:db|session|sess|dbsession)$|^s$")
_PY_AUTH_RAISE = (r"(?i)raise\s+\w*(?:unauthori|forbidden|permission|credential|auth|login|denied|notauthenticated)\w*"
                  r"|abort\s*\(\s*40[13]|,\s*40[13]\b|redirect\s*\(\s*url_for\s*\(\s*['\"][\w.]*login")
SQL_CALLS = frozenset({"execute", "executemany", "fetch", "fetchrow", "fetchval", "fetch_one", "fetch_all",
                       "fetch_val", "executescript", "mogrify", "exec_driver_sql", "raw", "query", "run"})
DJANGO_READ = frozenset({"get", "filter", "exclude", "all", "first", "last", "values", "values_list", "count",
                         "exists", "get_or_none", "aget", "afirst", "order_by", "select_related", "prefetch_related",
                         "only", "defer", "annotate", "in_bulk", "latest", "earliest", "none", "afilter"})
_PY_BUILTINS = frozenset({
    "print", "len", "str", "int", "float", "bool", "dict", "list", "set", "tuple", "range", "enumerate", "zip",
    "isinstance", "getattr", "setattr", "hasattr", "sorted", "min", "max", "sum", "any", "all", "map", "filter",
    "jsonify", "abort", "redirect", "url_for", "render_template", "make_response", "flash", "Response",
    "JSONResponse", "HTTPException", "HttpResponse", "JsonResponse", "render", "super", "type", "repr", "round",
    "open", "iter", "next", "format", "log", "logger", "logging", "json", "datetime", "time", "os", "re", "uuid",
    "Depends", "status", "request", "session", "g", "current_app", "self", "cls", "text", "select", "update",
    "delete", "insert", "and_", "or_", "func", "desc", "asc", "not_", "ObjectId", "Decimal", "Q", "F",
    "reverse", "HttpResponseRedirect", "HttpResponseForbidden", "Http404", "PermissionDenied", "ValueError",
    "TypeError", "KeyError", "Exception", "RuntimeError", "math", "random", "secrets", "hashlib", "hmac",
    "base64", "typing", "cast", "Optional", "List", "Dict",
})


@dataclass
class _PScope:
    request: set[str] = field(default_factory=set)
    user: set[str] = field(default_factory=set)
    records: dict[str, int] = field(default_factory=dict)
    params: dict[str, int] = field(default_factory=dict)
    body_names: set[str] = field(default_factory=set)
    body_keys: set[str] = field(default_factory=set)


class PyAnalysis:
    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.tree = ctx.py_tree
        self._parents: dict[int, ast.AST] | None = None
        self._summaries: dict[tuple, FnSummary] = {}

    # ------------------------------------------------------------------ helpers
    def src(self, node: ast.AST | None) -> str:
        if node is None:
            return ""
        try:
            return ast.unparse(node)
        except Exception:  # pragma: no cover - very odd trees
            return ""

    def seg(self, node: ast.AST) -> str:
        """Source text of a statement block by lines (cheaper than get_source_segment, keeps comments out)."""
        a, b = getattr(node, "lineno", 1), getattr(node, "end_lineno", None) or getattr(node, "lineno", 1)
        return "\n".join(self.ctx.lines[a - 1:b])

    def body_text(self, stmts: list[ast.stmt]) -> str:
        if not stmts:
            return ""
        a = stmts[0].lineno
        b = max(getattr(s, "end_lineno", s.lineno) or s.lineno for s in stmts)
        return "\n".join(self.ctx.lines[a - 1:b])

    @property
    def parents(self) -> dict[int, ast.AST]:
        if self._parents is None:
            self._parents = {}
            for node in ast.walk(self.tree):
                for child in ast.iter_child_nodes(node):
                    self._parents[id(child)] = node
        return self._parents

    def functions(self) -> list[tuple[ast.AST, str | None]]:
        """Every (function, class name) in the module."""
        out: list[tuple[ast.AST, str | None]] = []

        def visit(body, cls):
            for st in body:
                if isinstance(st, FUNC):
                    out.append((st, cls))
                    visit(st.body, None)
                elif isinstance(st, ast.ClassDef):
                    visit(st.body, st.name)
                elif isinstance(st, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.While)):
                    visit(getattr(st, "body", []), cls)
                    visit(getattr(st, "orelse", []), cls)
                    for h in getattr(st, "handlers", []):
                        visit(h.body, cls)
                    visit(getattr(st, "finalbody", []), cls)
        visit(self.tree.body, None)
        return out

    def fn_id(self, fn: ast.AST) -> str:
        return f"{self.ctx.path}#{getattr(fn, 'name', None) or '<anonymous>'}@{fn.lineno}"

    @staticmethod
    def param_names(fn: ast.AST) -> list[str]:
        a = fn.args
        names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
        if a.vararg:
            names.append(a.vararg.arg)
        if a.kwarg:
            names.append(a.kwarg.arg)
        return names

    @staticmethod
    def param_defaults(fn: ast.AST) -> dict[str, ast.AST]:
        a = fn.args
        pos = a.posonlyargs + a.args
        out = {}
        for p, d in zip(pos[len(pos) - len(a.defaults):], a.defaults):
            out[p.arg] = d
        for p, d in zip(a.kwonlyargs, a.kw_defaults):
            if d is not None:
                out[p.arg] = d
        return out

    def annotations(self, fn: ast.AST) -> dict[str, str]:
        a = fn.args
        return {p.arg: self.src(p.annotation) for p in a.posonlyargs + a.args + a.kwonlyargs if p.annotation is not None}

    def dev_only(self, node: ast.AST) -> bool:
        """Inside the body of `if settings.ENVIRONMENT == "local":` / `if app.debug:` (or a like test)?"""
        from deploycheck.project.extract.routes._summary import DEV_CONDITION
        child, p = node, self.parents.get(id(node))
        while p is not None:
            if isinstance(p, ast.If) and any(child is b for b in p.body):
                if re.search(DEV_CONDITION, self.src(p.test)):
                    return True
            child, p = p, self.parents.get(id(p))
        return False

    # ------------------------------------------------------------------ summaries
    def summarize(self, fn: ast.AST, cls: str | None = None, *, request_params: set[str] | None = None,
                  user_params: set[str] | None = None, body_params: set[str] | None = None,
                  suffix: str = "") -> FnSummary:
        key = (id(fn), suffix)
        if key in self._summaries:
            return self._summaries[key]
        sc = _PScope()
        names = self.param_names(fn)
        for i, n in enumerate(names):
            sc.params.setdefault(n, i)
        sc.request |= set(request_params or ())
        sc.user |= set(user_params or ())
        # parameters that carry the user: FastAPI dependencies on an auth function, `current_user` …
        defaults = self.param_defaults(fn)
        for p in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
            dep = _depends_of(defaults.get(p.arg)) or _depends_of(p.annotation)
            ann = self.src(p.annotation) if p.annotation is not None else ""
            if (dep is not None and N.name_says_auth(self.src(dep))) or re.fullmatch(
                    r"(?i)(current_)?user|me|principal|account|admin|current_admin|staff", p.arg) and \
                    not re.search(r"Session|Depends\(get_db", ann):
                sc.user.add(p.arg)
        sc.body_names |= set(body_params or ())
        sc.request |= sc.body_names
        accesses: list[DataAccess] = []
        access_ids: dict[int, int] = {}
        guards: list[Guard] = []
        markers: set[str] = set()
        calls: list[LocalCall] = []
        scoped_records: set[str] = set()
        public_records: set[str] = set()
        nodes = sorted((n for n in ast.walk(fn) if hasattr(n, "lineno") and n is not fn),
                       key=lambda n: (n.lineno, n.col_offset))
        # assignments in order: request / user / record names
        for node in nodes:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                self._assign(targets, node.value, sc, accesses, access_ids)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        self._assign([item.optional_vars], item.context_expr, sc, accesses, access_ids)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                self._assign([node.target], node.iter, sc, accesses, access_ids)
        for node in nodes:
            if isinstance(node, ast.Call) and id(node) not in access_ids and self._is_chain_top(node):
                acc = self.classify_access(node, sc)
                if acc is not None:
                    access_ids[id(node)] = len(accesses)
                    accesses.append(acc)
        for node in nodes:
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in sc.body_names:
                k = _py_str(node.slice)
                if k:
                    sc.body_keys.add(k)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id in sc.body_names and node.args:
                k = _py_str(node.args[0])
                if k:
                    sc.body_keys.add(k)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in sc.body_names:
                sc.body_keys.add(node.attr)
        for node in nodes:
            if isinstance(node, ast.If):
                self._judge_if(node, sc, guards, markers, scoped_records, public_records)
            elif isinstance(node, ast.Assert):
                t = self.src(node.test)
                if N.USER_EXPR.search(t) or set(re.findall(r"\w+", t)) & sc.user:
                    guards.append(Guard(f"assert {t[:40]}", "body", self.ctx.loc(node), scope="body"))
            elif isinstance(node, ast.Call):
                ftext = self.src(node.func)
                if re.match(r"(?i)^(verify_jwt_in_request|login_required|require_login|require_auth|ensure_auth|"
                            r"check_auth|authenticate_request|get_current_user_or_401|require_user|auth\.require|"
                            r"jwt\.decode|verify_token|verify_id_token|auth\.verify_id_token|decode_token|"
                            r"validate_token|require_admin|require_role|check_permission|check_permissions|"
                            r"self\.check_permissions|self\.check_object_permissions)$", ftext.split("(")[0]) or \
                        re.match(r"(?i)^(require|ensure|assert)_(user|auth|login|admin|role|staff|permission|session)", ftext):
                    role = N.role_from_name(ftext)
                    guards.append(Guard(ftext, "body", self.ctx.loc(node), scope="body", role=role))
                    if role:
                        markers.add("role-check")
                elif "check_object_permissions" in ftext or re.search(
                        r"(?i)(check|verify|assert|ensure|require|enforce|authori[sz]e)_?\w*(owner|ownership|owns|access|permission|belongs)", ftext):
                    args = " ".join(self.src(a) for a in node.args)
                    hit = False
                    for r in sc.records:
                        if re.search(rf"\b{re.escape(r)}\b", args):
                            scoped_records.add(r)
                            hit = True
                    if hit or not sc.records:
                        markers.add("owner-check")
                elif id(node) not in access_ids:
                    lc = self._local_call(node, sc)
                    if lc is not None:
                        calls.append(lc)
        if "owner-check" in markers:
            accesses = [replace(a, scoped=True) if a.single and a.op != "create" else a for a in accesses]
        if scoped_records or public_records:
            for var, idx in sc.records.items():
                if idx < len(accesses):
                    if var in scoped_records:
                        accesses[idx] = replace(accesses[idx], scoped=True)
                    if var in public_records:
                        accesses[idx] = replace(accesses[idx], public=True)
        # its decorators (`@authorize`, `@login_required`): a handler that calls this function passes them
        for d in fn.decorator_list:
            dname = self.src(d.func if isinstance(d, ast.Call) else d)
            if dname and re.fullmatch(r"[A-Za-z_][\w.]*", dname):
                calls.append(LocalCall(dname, getattr(d, "lineno", fn.lineno), ("decorator",)))
        # FastAPI dependencies of this function: followed by the linker like calls
        defaults = self.param_defaults(fn)
        for p in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
            for cand in (defaults.get(p.arg), p.annotation):
                dep = _depends_of(cand)
                if dep is not None:
                    calls.append(LocalCall(self.src(dep), getattr(dep, "lineno", fn.lineno), ("depends",)))
                    break
        text = self.body_text(fn.body)
        markers |= text_markers(text)
        if any(N.IDENTITY_KEYS.match(k) for k in sc.body_keys):
            markers.add("identity-in-body")
        if guards:
            markers.add("auth-check")
        role = next((g.role for g in guards if g.role), None)
        guard_kind = ("role" if role or "role-check" in markers else "auth") if guards else None
        reads_user = bool(sc.user) or bool(N.USER_EXPR.search(text))
        summ = FnSummary(
            id=self.fn_id(fn) + suffix, path=self.ctx.path, name=fn.name,
            qualname=f"{cls}.{fn.name}" if cls else None, line=fn.lineno,
            end_line=getattr(fn, "end_lineno", fn.lineno) or fn.lineno, params=tuple(names),
            accesses=tuple(accesses), markers=tuple(sorted(markers)), calls=tuple(calls), guard=guard_kind,
            role=role, optional=reads_user and not guards, body_guards=tuple(guards))
        self._summaries[key] = summ
        return summ

    # ------------------------------------------------------------------ pieces
    def _is_chain_top(self, call: ast.Call) -> bool:
        p = self.parents.get(id(call))
        if isinstance(p, ast.Attribute):
            pp = self.parents.get(id(p))
            if isinstance(pp, ast.Call) and pp.func is p:
                return False
        return True

    def _assign(self, targets, value, sc: _PScope, accesses: list, access_ids: dict) -> None:
        names: list[str] = []
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    names.append(n.id)
        if not names:
            return
        vtext = self.src(value)
        inner = value.value if isinstance(value, ast.Await) else value
        if isinstance(inner, ast.Call):
            top = inner
            acc = self.classify_access(top, sc)
            if acc is None:
                # db.scalar(select(...)) / db.execute(select(...)).scalar_one(): the access is an argument
                for sub in ast.walk(top):
                    if sub is not top and isinstance(sub, ast.Call) and id(sub) not in access_ids and self._is_chain_top(sub):
                        acc = self.classify_access(sub, sc)
                        if acc is not None:
                            top = sub
                            break
            if acc is not None:
                access_ids[id(top)] = len(accesses)
                accesses.append(acc)
                for n in names:
                    sc.records[n] = len(accesses) - 1
                return
        words = set(re.findall(r"\w+", vtext))
        if N.REQUEST_SEED.search(vtext) or words & sc.request:
            if not (isinstance(inner, ast.Call) and not self._converter(inner)):
                sc.request |= set(names)
                if re.search(r"get_json|\.json\b|\.form\b|\.data\b|\.POST\b|\.values\b", vtext) or words & sc.body_names:
                    sc.body_names |= set(names)
                return
            if re.search(r"request\.(get_json|json|form|args|values|data|POST|GET)", vtext):
                sc.request |= set(names)
                if not re.search(r"\.args\b|\.GET\b", vtext):
                    sc.body_names |= set(names)
                if isinstance(inner, ast.Call) and inner.args and isinstance(inner.args[0], ast.Constant):
                    if isinstance(inner.args[0].value, str):
                        sc.body_keys.add(inner.args[0].value)
                return
        if N.USER_EXPR.search(vtext) or words & sc.user or re.search(
                r"(?i)\b(get_current_user|current_user|get_jwt_identity|auth\.get_user|verify_token|decode_token|"
                r"jwt\.decode|get_user_from_token|session\.get\(\s*['\"](?:user|user_id|uid|account_id|staff_id))", vtext):
            sc.user |= set(names)

    @staticmethod
    def _converter(call: ast.Call) -> bool:
        f = call.func
        name = f.id if isinstance(f, ast.Name) else (f.attr if isinstance(f, ast.Attribute) else "")
        return name in ("int", "str", "float", "UUID", "ObjectId", "uuid.UUID", "get", "strip", "lower", "getlist")

    def key_kind(self, text: str | None, sc: _PScope) -> str:
        if not text:
            return "other"
        if N.REQUEST_SEED.search(text):
            return "request"
        words = re.findall(r"[A-Za-z_]\w*", text)
        ws = set(words)
        if ws & sc.request:
            return "request"
        if ws & sc.user or N.USER_EXPR.search(text):
            return "user"
        for w in words:
            if w in sc.params and w not in ("self", "cls", "request", "db", "session"):
                return f"param:{sc.params[w]}"
        return "other"

    def _judge_if(self, node: ast.If, sc: _PScope, guards: list, markers: set, scoped: set, public: set) -> None:
        ctext = self.src(node.test)
        cons = self.body_text(node.body)
        alt = self.body_text(node.orelse) if node.orelse else ""
        if not alt and node.body and isinstance(node.body[-1], ast.Return):
            # `if authed(): return f(); return redirect(login)`: what follows the if is its else
            alt = self.body_text(self._following(node))
        rejects = bool(_REJECT.search(cons)) or cons.strip() in ("return", "return None")
        auth_rejects = bool(_AUTH_REJECT.search(cons)) or bool(re.search(_PY_AUTH_RAISE, cons))
        alt_rejects = bool(alt and (_AUTH_REJECT.search(alt) or re.search(_PY_AUTH_RAISE, alt)))
        words = set(re.findall(r"[A-Za-z_]\w*", ctext))
        owner_checked = False
        for r in sc.records:
            if r not in words:
                continue
            members = re.findall(rf"\b{re.escape(r)}\s*(?:\.|\[\s*['\"])\s*(\w+)", ctext)
            owner_member = any(N.OWNER_KEY.search(m) for m in members)
            rest = re.sub(rf"\b{re.escape(r)}(?:\.\w+)+", "", ctext)
            mentions_user = bool(words & sc.user) or bool(N.USER_EXPR.search(rest)) or \
                bool(set(re.findall(r"[A-Za-z_]\w*", rest)) & (set(sc.params) - {"self", "request", "db", "session"}))
            if owner_member and mentions_user and (rejects or alt_rejects):
                scoped.add(r)
                markers.add("owner-check")
                owner_checked = True
            if any(N.PUBLIC_FLAG.search(m) for m in members) and (rejects or alt_rejects):
                public.add(r)
                markers.add("public-check")
        if not owner_checked and re.search(r"!=|==", ctext) and (rejects or alt_rejects) and \
                (N.REQUEST_SEED.search(ctext) or words & sc.request) and (words & sc.user or N.USER_EXPR.search(ctext)):
            markers.add("owner-check")
            owner_checked = True
        if owner_checked:
            return
        userish = bool(words & sc.user) or bool(N.USER_EXPR.search(ctext)) or bool(_TOKEN_EXPR.search(ctext)) or \
            bool(re.search(r"(?i)\bin\s+session\b|session\.get\(|is_authenticated|is_anonymous|current_user|g\.user|"
                           r"request\.user|get_jwt|authorization|api_key|x-api-key", ctext)) or \
            any(N.name_says_auth(c) for c in re.findall(r"([A-Za-z_][\w.]*)\s*\(", ctext)) or \
            bool(re.search(r"\b[A-Z][A-Z0-9_]*_(?:KEY|SECRET|TOKEN)\b", ctext))   # `if key != settings.METRICS_KEY:`
        if not userish:
            return
        if _ROLE_EXPR.search(ctext) and (auth_rejects or alt_rejects):
            role = re.search(r"""['"](\w+)['"]""", ctext)
            guards.append(Guard(ctext[:60], "body", self.ctx.loc(node), scope="body",
                                role=role.group(1) if role else "role"))
            markers.add("role-check")
            return
        negated = bool(re.search(r"^\s*not\b|\bnot in\b|\bis None\b|==\s*None|\bis_anonymous\b|!=", ctext))
        if auth_rejects and negated:
            guards.append(Guard(_pyguard_name(ctext), "body", self.ctx.loc(node), scope="body"))
        elif alt_rejects and not negated:
            guards.append(Guard(_pyguard_name(ctext), "body", self.ctx.loc(node), scope="body"))

    def _following(self, node: ast.stmt) -> list[ast.stmt]:
        """The statements after `node` in the block that holds it."""
        parent = self.parents.get(id(node))
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(parent, field_name, None)
            if isinstance(block, list) and node in block:
                return block[block.index(node) + 1:]
        return []

    def _local_call(self, call: ast.Call, sc: _PScope) -> LocalCall | None:
        f = call.func
        if isinstance(f, ast.Name):
            name = f.id
        elif isinstance(f, ast.Attribute) and isinstance(f.value, (ast.Name, ast.Attribute)):
            name = self.src(f)
            if name.count(".") > 2:
                return None
        else:
            return None
        root = name.split(".", 1)[0]
        if root in _PY_BUILTINS and not name.startswith("self."):
            return None
        kinds = tuple(self.key_kind(self.src(a), sc) for a in call.args) + tuple(
            self.key_kind(self.src(k.value), sc) for k in call.keywords if k.arg)
        bound = None
        p = self.parents.get(id(call))
        if isinstance(p, ast.Await):
            p = self.parents.get(id(p))
        if isinstance(p, ast.Assign) and len(p.targets) == 1 and isinstance(p.targets[0], ast.Name):
            bound = p.targets[0].id
        return LocalCall(name, call.lineno, kinds, bound)

    # ------------------------------------------------------------------ data access classification
    def chain(self, top: ast.Call) -> tuple[ast.AST | None, list[tuple[str, ast.Call]]]:
        segs: list[tuple[str, ast.Call]] = []
        cur: ast.AST | None = top
        while isinstance(cur, ast.Call):
            f = cur.func
            if isinstance(f, ast.Attribute):
                segs.append((f.attr, cur))
                cur = f.value
            elif isinstance(f, ast.Name):
                segs.append((f.id, cur))
                cur = None
            else:
                cur = None
        segs.reverse()
        return cur, segs

    def classify_access(self, top: ast.Call, sc: _PScope) -> DataAccess | None:
        root, segs = self.chain(top)
        if not segs:
            return None
        names = [s[0] for s in segs]
        rtext = self.src(root) if root is not None else ""
        loc = Location(self.ctx.path, top.lineno, top.col_offset + 1)
        callee = (rtext + "." if rtext else "") + names[0]
        # --- raw SQL
        for i, (m, call) in enumerate(segs):
            if m in SQL_CALLS and call.args:
                sql = _py_str(call.args[0])
                if sql is None and isinstance(call.args[0], ast.Call) and self.src(call.args[0].func) in ("text", "sa.text", "sqlalchemy.text") and call.args[0].args:
                    sql = _py_str(call.args[0].args[0])
                if sql is None:
                    for kw in call.keywords:
                        if kw.arg in ("query", "sql", "statement"):
                            sql = _py_str(kw.value)
                if sql is None:
                    continue
                info = read_sql(sql)
                if info is None:
                    continue
                params: list[str] = []
                extra = call.args[1:]
                if extra and isinstance(extra[0], (ast.Tuple, ast.List)):
                    params = [self.src(e) for e in extra[0].elts]
                elif extra and isinstance(extra[0], ast.Dict):
                    params = [self.src(v) for v in extra[0].values]
                    keys = [_py_str(k) for k in extra[0].keys]
                    if info.key_placeholder and info.key_placeholder.startswith((":", "%(")):
                        nm = info.key_placeholder.strip(":%()s")
                        if nm in keys:
                            params = [params[keys.index(nm)]] + [p for j, p in enumerate(params) if keys[j] != nm]
                            info = replace(info, key_index=0)
                elif extra:
                    params = [self.src(e) for e in extra]
                for kw in call.keywords:
                    if kw.arg in ("values", "params", "parameters", "args"):
                        v = kw.value
                        if isinstance(v, ast.Dict):
                            params = [self.src(x) for x in v.values]
                        elif isinstance(v, (ast.Tuple, ast.List)):
                            params = [self.src(x) for x in v.elts]
                key_text = None
                if info.single:
                    if info.key_index is not None and info.key_index < len(params):
                        key_text = params[info.key_index]
                    elif params:
                        key_text = ", ".join(params)
                scoped = info.scoped or any(self.key_kind(p, sc) == "user" for j, p in enumerate(params)
                                            if j != info.key_index and info.where)
                if info.verb == "insert":
                    cols = re.search(r"\(([^)]*)\)", sql)
                    scoped = bool(cols and N.OWNER_KEY.search(cols.group(1))) and any(
                        self.key_kind(p, sc) == "user" for p in params)
                return DataAccess(loc, "create" if info.upsert else info.op, f"{rtext}.{m}".lstrip("."), info.table,
                                  single=info.single, key=self.key_kind(key_text, sc) if key_text else None,
                                  key_text=_short(key_text), scoped=scoped, public=info.public, counter=info.counter)
        # --- SQLAlchemy Core/2.0 statements: select(Task).where(...), update(T).where().values(), delete(T)
        if root is None and names[0] in ("select", "update", "delete", "insert", "sa_select") and segs[0][1].args:
            op = {"select": "read", "sa_select": "read", "update": "update", "delete": "delete", "insert": "create"}[names[0]]
            model = self.src(segs[0][1].args[0]).split(".")[0]
            conds = [a for _n, c in segs[1:] if _n in ("where", "filter", "filter_by") for a in c.args]
            kws = [k for _n, c in segs[1:] if _n in ("where", "filter", "filter_by", "values") for k in c.keywords]
            return self._filters(loc, f"{names[0]}({model})", model, op, conds, kws, sc,
                                 single=any(n in ("limit",) for n in names) or None)
        # --- db.get(Model, id) / session.get(Model, id) / db.get_or_404(Model, id)
        if rtext and names[0] in ("get", "get_or_404", "aget") and len(segs[0][1].args) >= 2 and \
                re.match(r"^[A-Z]\w*$", self.src(segs[0][1].args[0])) and re.search(r"(?i)(db|session|s|conn|sess)$", rtext.split(".")[-1]):
            model = self.src(segs[0][1].args[0])
            kt = self.src(segs[0][1].args[1])
            return DataAccess(loc, "read", f"{rtext}.{names[0]}", model, single=True, key=self.key_kind(kt, sc),
                              key_text=_short(kt))
        # --- db.query(Model).get(id) / .filter(...).first() / .filter_by(id=..).delete()
        if names[0] == "query" and segs[0][1].args and rtext and re.search(r"(?i)(db|session|s|sess|dbsession)$", rtext.split(".")[-1]):
            model = self.src(segs[0][1].args[0]).split(".")[0]
            return self._query_chain(loc, f"{rtext}.query", model, segs[1:], sc)
        # --- Model.query.get(id) / Model.query.filter_by(...).first_or_404()  (Flask-SQLAlchemy)
        if rtext.endswith(".query") and re.match(r"^[A-Z]\w*\.query$", rtext):
            model = rtext.split(".")[0]
            return self._query_chain(loc, rtext, model, segs, sc)
        # --- Django: Model.objects.get(pk=pk) / request.user.notes.get(...) / get_object_or_404(Model, pk=pk)
        if rtext and (rtext.endswith(".objects") or re.search(r"\.objects$|\.\w+_set$|\.all_objects$", rtext)):
            model = rtext.split(".")[-2] if rtext.endswith(".objects") else rtext.split(".")[-1]
            via_user = bool(N.USER_EXPR.search(rtext) or set(re.findall(r"\w+", rtext)) & sc.user)
            return self._django_chain(loc, rtext, model, segs, sc, via_user)
        if names[0] in ("get_object_or_404", "get_list_or_404", "aget_object_or_404") and segs[0][1].args:
            first = segs[0][1].args[0]
            ftext = self.src(first)
            model = ftext.split(".")[0]
            via_user = bool(N.USER_EXPR.search(ftext) or set(re.findall(r"\w+", ftext)) & sc.user or
                            re.search(r"\.filter\(", ftext) and N.OWNER_KEY.search(ftext))
            acc = self._filters(loc, names[0], model, "read", [], segs[0][1].keywords, sc,
                                single=names[0] != "get_list_or_404")
            return replace(acc, scoped=acc.scoped or via_user)
        # --- Peewee / Tortoise / Beanie: Model.get_by_id(id), Model.get(Model.id == id), await Model.get(id=id)
        if isinstance(root, ast.Name) and re.match(r"^[A-Z]\w*$", root.id) and not _CONSTANT.match(root.id) and names[0] in (
                "get_by_id", "get", "get_or_none", "get_or_404", "delete_by_id", "find_one", "filter", "get_or_create",
                "create", "delete", "update", "select", "find", "insert"):
            model = root.id
            m = names[0]
            op = "read"
            if m in ("create", "insert", "get_or_create"):
                op = "create"
            elif m in ("delete", "delete_by_id"):
                op = "delete"
            elif m == "update":
                op = "update"
            if m in ("get_by_id", "delete_by_id") and segs[0][1].args:
                kt = self.src(segs[0][1].args[0])
                return DataAccess(loc, op, f"{model}.{m}", model, single=True, key=self.key_kind(kt, sc), key_text=_short(kt))
            if any(n in ("delete", "update") for n in names[1:]):
                op = "delete" if "delete" in names[1:] else "update"
            conds = [a for _n, c in segs if _n in ("get", "get_or_none", "filter", "where", "find_one", "find", "get_or_404") for a in c.args]
            kws = [k for _n, c in segs if _n in ("get", "get_or_none", "filter", "where", "find_one", "get_or_404", "create") for k in c.keywords]
            return self._filters(loc, f"{model}.{m}", model, op, conds, kws, sc,
                                 single=m in ("get", "get_or_none", "get_or_404", "find_one") or any(n in ("first", "get") for n in names[1:]) or None)
        # --- PyMongo / Motor: db.notes.find_one({"_id": ObjectId(id)}), collection.update_one(...)
        if rtext and names[0] in ("find_one", "find", "update_one", "update_many", "delete_one", "delete_many",
                                  "insert_one", "insert_many", "find_one_and_update", "find_one_and_delete",
                                  "replace_one", "count_documents") and segs[0][1].args is not None:
            m = names[0]
            op = "read"
            if m.startswith("insert"):
                op = "create"
            elif m.startswith("update") or m.endswith("update") or m.startswith("replace"):
                op = "update"
            elif m.startswith("delete") or m.endswith("delete"):
                op = "delete"
            args = segs[0][1].args
            flt = args[0] if args else None
            model = rtext.split(".")[-1]
            key_text = None
            scoped = public = False
            if isinstance(flt, ast.Dict):
                for k, v in zip(flt.keys, flt.values):
                    ks = _py_str(k) or ""
                    vt = self.src(v)
                    if ks in ("_id", "id", "slug", "uuid"):
                        key_text = vt
                    if N.OWNER_KEY.fullmatch(ks) or (ks not in ("_id", "id") and (N.USER_EXPR.search(vt) or set(re.findall(r"\w+", vt)) & sc.user)):
                        scoped = True
                    if N.PUBLIC_FLAG.search(ks):
                        public = True
            if op == "create" and flt is not None:
                ftx = self.src(flt)
                scoped = bool(N.OWNER_KEY.search(ftx)) and bool(N.USER_EXPR.search(ftx) or set(re.findall(r"\w+", ftx)) & sc.user)
            single = m in ("find_one", "update_one", "delete_one", "find_one_and_update", "find_one_and_delete", "replace_one")
            return DataAccess(loc, op, f"{rtext}.{m}", model, single=single and key_text is not None,
                              key=self.key_kind(key_text, sc) if key_text else None, key_text=_short(key_text),
                              scoped=scoped, public=public)
        # --- a record written through: db.delete(obj), obj.delete(), obj.save(), db.add(obj)
        if rtext and names[0] in ("delete", "remove") and len(segs) == 1 and segs[0][1].args and \
                _SESSION_NAME.search(rtext.split(".")[-1]):
            arg = self.src(segs[0][1].args[0])
            if arg in sc.records or "(" in arg:
                return DataAccess(loc, "delete", f"{rtext}.{names[0]}", None, single=True, key="record", key_text=_short(arg))
        if rtext and names[0] in ("add", "add_all") and len(segs) == 1 and _SESSION_NAME.search(rtext.split(".")[-1]) \
                and segs[0][1].args:
            arg = segs[0][1].args[0]
            model = None
            scoped = False
            if isinstance(arg, ast.Call):
                model = self.src(arg.func)
                scoped = any(N.OWNER_KEY.fullmatch(k.arg or "") and (N.USER_EXPR.search(self.src(k.value)) or set(re.findall(r"\w+", self.src(k.value))) & sc.user)
                             for k in arg.keywords)
            return DataAccess(loc, "create", f"{rtext}.{names[0]}", model, scoped=scoped)
        if isinstance(root, ast.Name) and root.id in sc.records and names[0] in ("delete", "save", "update", "remove", "delete_instance"):
            op = "delete" if names[0] in ("delete", "remove", "delete_instance") else "update"
            return DataAccess(loc, op, f"{root.id}.{names[0]}", None, single=True, key="record", key_text=root.id)
        # --- object storage writes
        if re.search(r"(?i)\b(s3|bucket|storage|blob|cloudinary|minio|gcs)\b", callee) and \
                re.search(r"(?i)^(put_object|upload_file|upload_fileobj|upload|delete_object|delete_objects|upload_blob|upload_from)", names[-1]):
            op = "delete" if "delete" in names[-1] else "create"
            return DataAccess(loc, op, callee, "storage")
        return None

    def _filters(self, loc, callee, model, op, conds: list[ast.AST], kws: list[ast.keyword], sc: _PScope,
                 single: bool | None = None) -> DataAccess:
        key_text = None
        scoped = public = False
        for k in kws:
            if not k.arg:
                continue
            ka = k.arg.lower()
            vt = self.src(k.value)
            base = ka.split("__")[0]
            if ka in ("id", "pk", "uuid", "slug", "_id") or ka.endswith(("_id", "__id", "__pk")) and not N.OWNER_KEY.fullmatch(base):
                if not N.OWNER_KEY.fullmatch(base):
                    key_text = key_text or vt
            if N.OWNER_KEY.fullmatch(base) or N.OWNER_KEY.fullmatch(ka):
                scoped = True
            if base not in ("id", "pk") and (N.USER_EXPR.search(vt) or set(re.findall(r"\w+", vt)) & sc.user):
                scoped = True
            if N.PUBLIC_FLAG.search(base):
                public = True
        for c in conds:
            for cmp in ast.walk(c):
                if not isinstance(cmp, ast.Compare):
                    continue
                left = cmp.left
                col = left.attr if isinstance(left, ast.Attribute) else (left.id if isinstance(left, ast.Name) else "")
                vt = " ".join(self.src(x) for x in cmp.comparators)
                if col.lower() in ("id", "pk", "uuid", "slug") or (col.lower().endswith("_id") and not N.OWNER_KEY.fullmatch(col)):
                    key_text = key_text or vt
                if N.OWNER_KEY.fullmatch(col):
                    scoped = True
                if col.lower() not in ("id", "pk") and (N.USER_EXPR.search(vt) or set(re.findall(r"\w+", vt)) & sc.user):
                    scoped = True
                if N.PUBLIC_FLAG.search(col):
                    public = True
            ct = self.src(c)
            if re.search(r"\.(is_published|published|is_public|public)\b", ct):
                public = True
        if single is None:
            single = key_text is not None
        if op == "create":
            scoped = any(N.OWNER_KEY.fullmatch(k.arg or "") and (N.USER_EXPR.search(self.src(k.value)) or set(re.findall(r"\w+", self.src(k.value))) & sc.user)
                         for k in kws)
        return DataAccess(loc, op, callee, model, single=bool(single and key_text), key=self.key_kind(key_text, sc) if key_text else None,
                          key_text=_short(key_text), scoped=scoped, public=public)

    def _query_chain(self, loc, callee, model, segs, sc) -> DataAccess:
        names = [s[0] for s in segs]
        op = "read"
        if "delete" in names:
            op = "delete"
        elif "update" in names:
            op = "update"
        for name, call in segs:
            if name in ("get", "get_or_404") and call.args:
                kt = self.src(call.args[0])
                return DataAccess(loc, op, f"{callee}.{name}", model, single=True, key=self.key_kind(kt, sc), key_text=_short(kt))
        conds = [a for n, c in segs if n in ("filter", "where") for a in c.args]
        kws = [k for n, c in segs if n in ("filter_by",) for k in c.keywords]
        single = any(n in ("first", "one", "one_or_none", "first_or_404", "one_or_404", "scalar", "delete", "update") for n in names)
        return self._filters(loc, f"{callee}.{'.'.join(names[:2])}", model, op, conds, kws, sc, single=single)

    def _django_chain(self, loc, rtext, model, segs, sc, via_user: bool) -> DataAccess:
        names = [s[0] for s in segs]
        op = "read"
        if any(n.startswith(("create", "acreate")) or n in ("get_or_create", "bulk_create", "update_or_create") for n in names):
            op = "create"
        elif "update" in names:
            op = "update"
        elif "delete" in names:
            op = "delete"
        kws = [k for n, c in segs if n in ("get", "filter", "exclude", "aget", "get_or_create", "create", "update_or_create") for k in c.keywords]
        conds = [a for n, c in segs if n in ("get", "filter", "aget") for a in c.args]
        single = any(n in ("get", "aget", "first", "last") for n in names) or (op in ("update", "delete") and None)
        acc = self._filters(loc, f"{rtext}.{names[0]}", model, op, conds, kws, sc, single=single or None)
        if via_user:
            acc = replace(acc, scoped=True)
        return acc


def _py_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        n = 0
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            else:
                n += 1
                parts.append(f"${n}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = _py_str(node.left), _py_str(node.right)
        if a is not None and b is not None:
            return a + b
    return None


def _short(text: str | None, n: int = 60) -> str | None:
    if text is None:
        return None
    t = re.sub(r"\s+", " ", text).strip()
    return t if len(t) <= n else t[: n - 1] + "…"


def _pyguard_name(ctext: str) -> str:
    m = re.search(r"(?i)current_user|g\.user|request\.user|session|get_jwt_identity|api_key|authorization", ctext)
    return f"{m.group(0)} check" if m else ctext[:40]


def _depends_of(node: ast.AST | None) -> ast.AST | None:
    """`Depends(fn)` / `Security(fn)` / `Annotated[T, Depends(fn)]` -> fn."""
    if isinstance(node, ast.Call):
        f = node.func
        name = f.id if isinstance(f, ast.Name) else (f.attr if isinstance(f, ast.Attribute) else "")
        if name in ("Depends", "Security") and node.args:
            return node.args[0]
        return None
    if isinstance(node, ast.Subscript):
        sl = node.slice
        for e in (sl.elts if isinstance(sl, ast.Tuple) else [sl])[1:]:
            got = _depends_of(e)
            if got is not None:
                return got
    if isinstance(node, ast.Name):
        return None
    return None
