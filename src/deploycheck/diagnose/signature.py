"""From an event to what identifies it: the error line, a normalised signature for grouping, and
the stack frames (deployed paths mapped back to files of the repository)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from deploycheck.diagnose.read import Event
from deploycheck.redact import redact_line

_PY_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?')
_JS_FRAME = re.compile(r"^\s*at (?:(?P<func>[^(]+?) \()?(?:file://)?(?P<path>[^():]+):(?P<line>\d+)(?::\d+)?\)?\s*$")
_ERROR_TOKEN = re.compile(r"(?:^|[\s:(\[])((?:[A-Za-z_][\w.]*\.)?[A-Z][A-Za-z0-9_]*(?:Error|Exception|Rejection|Fault|Timeout)"
                          r"(?:\s*\[[\w_]+\])?:?.*)$")
_SIGNAL = re.compile(r"(ECONNREFUSED|ETIMEDOUT|ECONNRESET|ENOTFOUND|EADDRINUSE|EAI_AGAIN|FATAL|panic|Killed|OOM|"
                     r"out of memory|Connection refused|timed out|remaining connection slots|too many (clients|connections)|"
                     r"status=5\d\d|H1[0-9]\b|R1[0-9]\b|permission denied|not set|missing|undefined|denied|refused|"
                     r"failed|failure|unhandled|crash|exited)", re.I)
_IGNORED_FRAME = re.compile(r"(site-packages|dist-packages|node_modules|<frozen|node:internal|/usr/lib/python|"
                            r"internal/|^node:|\.pyenv/|lib/python3\.\d+/(?!site))")


@dataclass(frozen=True, slots=True)
class Frame:
    path: str            # as written in the log
    line: int
    function: str | None
    repo_path: str | None = None   # the file of the repository it maps to


def error_line(ev: Event) -> str:
    """The line that says what went wrong."""
    lines = [l.strip() for l in ev.lines if l.strip()]
    if not lines:
        return ""
    if lines[0].startswith("Traceback") or (len(lines) > 1 and lines[1].startswith("Traceback")):
        for l in reversed(lines):
            if not l.startswith(("File ", "^", "~")) and not _PY_FRAME.match(l) and re.match(r"^[A-Za-z_][\w.]*(:|$)", l):
                return l
        return lines[-1]
    return lines[0]


def normalise(text: str) -> str:
    """Variable parts out, so repeats of one failure group together."""
    t = text
    m = _ERROR_TOKEN.search(t)
    if m and not t.startswith(m.group(1)):
        t = m.group(1)            # "Login error: MongooseError: …" and "Register error: MongooseError: …" are one
    t = re.sub(r"`[^`]*`|'[^']{0,200}'|\"[^\"]{0,200}\"", lambda q: q.group(0) if _keep_quoted(q.group(0)) else "<…>", t)
    t = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "<email>", t)
    t = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<id>", t, flags=re.I)
    t = re.sub(r"\b0x[0-9a-f]+\b|\b[0-9a-f]{16,}\b", "<hex>", t, flags=re.I)
    t = re.sub(r"(?<![A-Za-z_.\d])\d+(?:\.\d+)?", "<n>", t)    # 10000ms -> <n>ms, but not H12 or web.4
    t = re.sub(r"\b(ec2|ip)-[\w-]+(\.[\w-]+)+", "<host>", t)
    return re.sub(r"\s+", " ", t).strip()[:300]


def _keep_quoted(q: str) -> bool:
    """Keep quoted names that identify the failure (an env variable, a module), drop data."""
    inner = q[1:-1]
    return bool(re.fullmatch(r"[A-Z][A-Z0-9_]{2,}", inner)) or bool(re.fullmatch(r"[a-z@][\w./-]*", inner) and len(inner) < 40
                                                                   and "/" in inner)


def frames(ev: Event) -> list[Frame]:
    out = []
    for l in ev.lines:
        m = _PY_FRAME.match(l) or _JS_FRAME.match(l)
        if m:
            func = (m.group("func") or "").strip() or None
            out.append(Frame(m.group("path").strip(), int(m.group("line")), func))
    return out


def is_error(ev: Event, line: str) -> bool:
    if ev.level == "error" or len(ev.lines) > 1 and (frames(ev) or any(l.strip().startswith("Traceback") for l in ev.lines)):
        return True
    return bool(_ERROR_TOKEN.search(line) or _SIGNAL.search(line))


class RepoMapper:
    """Maps deployed paths (/app/src/db.js, /opt/svc/worker/main.py) to files of the repository."""

    def __init__(self, repo: Path | None, files: set[str]):
        self.repo = repo
        self.files = files
        self.cache: dict[str, str | None] = {}

    def map(self, path: str) -> str | None:
        if path in self.cache:
            return self.cache[path]
        result = None
        if not _IGNORED_FRAME.search(path):
            parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
            for i in range(len(parts)):
                candidate = "/".join(parts[i:])
                if candidate in self.files:
                    result = candidate
                    break
        self.cache[path] = result
        return result

    def app_frames(self, ev: Event) -> list[Frame]:
        """Frames in the app's own files, innermost (where it failed) first."""
        fs = frames(ev)
        mapped = [Frame(f.path, f.line, f.function, self.map(f.path)) for f in fs]
        app = [f for f in mapped if f.repo_path]
        python_order = any(l.lstrip().startswith("Traceback") for l in ev.lines)
        return list(reversed(app)) if python_order else app


def redact(text: str) -> str:
    return redact_line(text)
