"""`.env.example`, created or updated by `deploycheck env --write-example`.

Each variable the production code reads gets a line `NAME=` (never a value) under a comment saying
where it is read and whether the app needs it. An existing file is only appended to: the user's
lines, comments, values and order stay exactly as they are; variables it already names (also as
a commented-out `# NAME=` line) are left alone; new ones go at the end. Running it twice changes
nothing the second time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

_NAMED = re.compile(r"^\s*#?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
HEADER = ("# Environment variables this app reads. Copy this file to .env and fill in the values;\n"
          "# never commit real values. Written by `deploycheck env --write-example`: edit freely,\n"
          "# later runs only add variables the code starts reading.\n")
ADDED = "# Added by `deploycheck env --write-example`:\n"


@dataclass(frozen=True, slots=True)
class ExampleEntry:
    name: str
    where: str                   # "src/email.js:4" (first read)
    reads: int = 1               # how many places read it
    required: bool = True
    note: str = ""               # "secret", "browser code", "feature flag" …


def names_in(text: str) -> set[str]:
    """Variables a dotenv/example text already names, set or commented out."""
    return {m.group(1) for line in text.splitlines() if (m := _NAMED.match(line))}


def _comment(e: ExampleEntry) -> str:
    need = "Required" if e.required else "Optional (the code has a fallback)"
    where = "read at " + re.sub(r"[\r\n]", "?", e.where) + (f" and {e.reads - 1} more place(s)" if e.reads > 1 else "")
    note = f"; {e.note}" if e.note else ""
    return f"# {need}{note}; {where}"


def update_example(existing: str | None, entries: Sequence[ExampleEntry]) -> tuple[str, list[str]]:
    """(new file text, names added). `existing` None: a new file."""
    for e in entries:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", e.name):
            raise ValueError(f"not a variable name: {e.name!r}")
    known = names_in(existing or "")
    new = [e for e in entries if e.name not in known]
    seen: set[str] = set()
    new = [e for e in new if not (e.name in seen or seen.add(e.name))]
    if existing is None:
        body = HEADER + "".join(f"\n{_comment(e)}\n{e.name}=\n" for e in new)
        return body, [e.name for e in new]
    if not new:
        return existing, []
    nl = "\r\n" if "\r\n" in existing else "\n"
    text = existing
    if text and not text.endswith(("\n", "\r")):
        text += nl
    block = ADDED + "".join(f"{_comment(e)}\n{e.name}=\n" for e in new)
    if text.strip():
        block = "\n" + block
    return text + block.replace("\n", nl), [e.name for e in new]
