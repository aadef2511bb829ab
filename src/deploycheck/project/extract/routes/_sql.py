"""Just enough SQL reading for auth: what a statement does, to which table, and how it picks rows.

Not a parser: a statement in a string literal is matched with a few regexes. It answers: the verb,
the table, whether the WHERE clause pins one row by a key (`id = $1`), which placeholder carries that
key, whether the WHERE clause also names an owner column (`user_id = $2`) or a public flag
(`AND published`), and whether an UPDATE only bumps a counter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from deploycheck.project.extract.routes._names import OWNER_KEY, PUBLIC_FLAG

_VERB = re.compile(r"(?is)^\s*(?:with\s+.*?\)\s*)?(select|insert|update|delete|upsert|replace|merge)\b")
_LOOKS_SQL = re.compile(
    r"(?is)^\s*(?:select\s.+?\sfrom\s|select\s+\d|insert\s+into\s|update\s+[\w.\"`]+\s+set\s|delete\s+from\s|with\s+\w+\s+as\s*\()")
_TABLE = {
    "select": re.compile(r"(?is)\bfrom\s+([\"`\[]?[\w.]+[\"`\]]?)"),
    "insert": re.compile(r"(?is)\binto\s+([\"`\[]?[\w.]+[\"`\]]?)"),
    "replace": re.compile(r"(?is)\binto\s+([\"`\[]?[\w.]+[\"`\]]?)"),
    "update": re.compile(r"(?is)\bupdate\s+([\"`\[]?[\w.]+[\"`\]]?)"),
    "delete": re.compile(r"(?is)\bfrom\s+([\"`\[]?[\w.]+[\"`\]]?)"),
}
_WHERE = re.compile(r"(?is)\bwhere\b(.*?)(?:\border\s+by\b|\bgroup\s+by\b|\blimit\b|\breturning\b|\bfor\s+update\b|\boffset\b|$)")
_PLACEHOLDER = r"(\$\d+|\?|%s|%\(\w+\)s|:\w+|@\w+|\$\{\d+\})"
# `id = $1`, `p.id = %s`, `"id" = ?`, `uuid = :uuid`, `slug = $1`
_KEY_EQ = re.compile(r"(?is)(?<![\w.])(?:[\w\"`]+\.)?[\"`]?(id|pk|uuid|slug|[a-z_]*_id|[a-z_]*_uuid|code|token|key)[\"`]?\s*=\s*" + _PLACEHOLDER)
_COUNTER = re.compile(r"(?is)\bset\s+([\w\"`]+)\s*=\s*\1\s*[-+]\s*\d+\s*(?:,\s*([\w\"`]+)\s*=\s*\2\s*[-+]\s*\d+\s*)*(?:where\b|$)")


@dataclass(frozen=True, slots=True)
class SqlInfo:
    verb: str                   # "select" | "insert" | "update" | "delete"
    table: str | None
    where: str                  # the WHERE clause text ("" when none)
    key_column: str | None      # the column that pins one row ("id", "slug", "patient_id")
    key_placeholder: str | None # its placeholder ("$1", "%s", ":id")
    key_index: int | None       # 0-based position among positional placeholders, when positional
    scoped: bool                # an owner/user/tenant column in the WHERE clause
    public: bool                # a published/public flag in the WHERE clause
    counter: bool               # UPDATE … SET n = n + 1 and nothing else
    upsert: bool = False

    @property
    def op(self) -> str:
        return {"select": "read", "insert": "create", "replace": "create", "upsert": "create",
                "merge": "update"}.get(self.verb, self.verb)

    @property
    def single(self) -> bool:
        if self.verb == "insert":
            return False
        col = self.key_column or ""
        # `WHERE id = $1` pins a row; `WHERE patient_id = %s` selects a parent's rows (still a keyed access)
        return bool(col)


def looks_like_sql(text: str) -> bool:
    return bool(_LOOKS_SQL.match(text or ""))


def read_sql(text: str) -> SqlInfo | None:
    if not looks_like_sql(text):
        return None
    m = _VERB.match(text)
    if not m:
        return None
    verb = m.group(1).lower()
    if verb == "with":  # pragma: no cover - handled by the regex group
        verb = "select"
    tm = _TABLE.get(verb, _TABLE["select"]).search(text)
    table = tm.group(1).strip("\"`[]").split(".")[-1].lower() if tm else None
    wm = _WHERE.search(text)
    where = wm.group(1) if wm else ""
    key_column = key_ph = None
    key_index = None
    scoped = public = False
    if where:
        # the row-pinning key: prefer `id`, then any other key column
        best = None
        for km in _KEY_EQ.finditer(where):
            col = km.group(1).lower()
            if OWNER_KEY.fullmatch(col):
                continue
            if best is None or (col in ("id", "pk", "uuid") and best.group(1).lower() not in ("id", "pk", "uuid")):
                best = km
        if best is not None:
            key_column, key_ph = best.group(1).lower(), best.group(2)
            key_index = _positional_index(text, best.start(2) + (wm.start(1) if wm else 0), key_ph)
        for col in re.findall(r"(?i)(?<![\w.])(?:[\w\"`]+\.)?[\"`]?([a-z_][\w]*)[\"`]?\s*(?:=|\bin\b|\bis\b)", where):
            if OWNER_KEY.fullmatch(col):
                scoped = True
        public = bool(PUBLIC_FLAG.search(where))
    counter = verb == "update" and bool(_COUNTER.search(text))
    upsert = verb == "insert" and bool(re.search(r"(?i)\bon\s+conflict\b|\bon\s+duplicate\s+key\b", text))
    return SqlInfo(verb, table, where, key_column, key_ph, key_index, scoped, public, counter, upsert)


def _positional_index(text: str, offset: int, ph: str) -> int | None:
    """Which parameter a placeholder binds: `$3` -> 2; the n-th `?`/`%s` -> n-1; named -> None."""
    m = re.fullmatch(r"\$(\d+)", ph)
    if m:
        return int(m.group(1)) - 1
    if ph in ("?", "%s"):
        before = text[:offset]
        return len(re.findall(r"\?|%s", before))
    return None
