"""Summaries of the functions route handlers may call or use as guards, in files that register no
routes: middleware (`requireLogin`), dependencies (`get_current_user`), decorators (`require_login`),
services and repositories (`notesService.update`), controllers referenced from a routes file.

Only files with data-access or auth tokens are read. Top-level functions, class methods and functions
in top-level object literals are summarised (a nested function is covered by its enclosing one).
"""
from __future__ import annotations

import ast

from deploycheck.project.extract.routes._js import analysis
from deploycheck.project.extract.routes._summary import EXTRA_FUNCTIONS
from deploycheck.project.model import FileFacts, Role
from deploycheck.project.parse import FileContext

JS_TRIGGERS = ("401", "403", "nauthori", "orbidden", "jwt", "session", "Session", "Token", "getToken",
               "findBy", "findOne", "findMany", "findUnique", "findFirst", "findAll", "findById", ".find({", "prisma",
               ".query(", "SELECT", "INSERT", "UPDATE", "DELETE", "execute(", "Repository", "supabase", "collection(",
               "knex", "redirect(", "Model", "sql`", "getServerSession", "auth(", "currentUser", ".create(",
               ".update(", ".delete(", ".destroy(", ".save(", "Service", "canActivate", "NestMiddleware",
               "deleteOne", "updateOne", "insert(", ".from(",
               "ignature", "ebhook", "Hmac(")   # wrappers that verify a signature (withCron, withWebhook)
PY_TRIGGERS = ("401", "403", "abort(", "raise ", "session", "current_user", "execute(", ".query(", ".objects",
               "get_object_or_404", "db.", "Depends", "redirect(", "select(", "find_one", "request.user",
               "PermissionDenied", "jwt", "token")


def run_js(ctx: FileContext, facts: FileFacts) -> None:
    js = analysis(ctx)
    have = {s.id for s in facts.extra.get(EXTRA_FUNCTIONS, [])}
    out = []
    for f in js.functions:
        if js.enclosing_fn(f.node) is not None:
            continue
        if f.name is None and f.node.type != "method_definition":
            parent = f.node.parent
            # export default function () {} / module.exports = function () {} /
            # const getOrder = asyncHandler(async (req, res) => …)
            wrapped = parent is not None and parent.type == "arguments" and parent.parent is not None and \
                parent.parent.parent is not None and parent.parent.parent.type in ("variable_declarator", "assignment_expression")
            if parent is None or (parent.type not in ("export_statement", "assignment_expression") and not wrapped):
                continue
        s = js.summarize(f.node)
        if s.id not in have:
            out.append(s)
    if out:
        facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(out)


def run_py(ctx: FileContext, facts: FileFacts) -> None:
    from deploycheck.project.extract.routes._py import FUNC
    tree = ctx.py_tree
    if not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in tree.body):
        return
    have = {s.id for s in facts.extra.get(EXTRA_FUNCTIONS, [])}
    pa = py_analysis(ctx)
    out = []
    for fn, cls in pa.functions():
        if isinstance(fn, FUNC) and pa.fn_id(fn) not in have:
            out.append(pa.summarize(fn, cls))
    if out:
        facts.extra.setdefault(EXTRA_FUNCTIONS, []).extend(out)


def py_analysis(ctx: FileContext):
    from deploycheck.project.extract.routes._py import PyAnalysis
    got = getattr(ctx, "_py_analysis", None)
    if got is None:
        got = PyAnalysis(ctx)
        ctx._py_analysis = got  # type: ignore[attr-defined]
    return got


def _extractors():
    from deploycheck.project.extract import JS, PY, Extractor
    roles = frozenset({Role.APP})
    return (
        Extractor("routes.helpers.js", run_js, languages=JS, roles=roles, triggers=JS_TRIGGERS),
        Extractor("routes.helpers.py", run_py, languages=PY, roles=roles, triggers=PY_TRIGGERS),
    )


EXTRACTORS = _extractors()
