"""Streaming log reading: platform prefixes off, multi-line stack traces assembled into events.

Memory stays bounded whatever the log's size: lines are read one at a time, each stream keeps at
most one open event, and an event keeps at most MAX_EVENT_LINES lines. Formats recognised by their
prefix: Heroku (`ts app[web.1]: …`, `heroku[router]: …`), systemd journal (`ts host proc[pid]: …`),
Railway (`ts [inf|err]  …`), Render/Fly/Docker (`ts …`, `app[id] region [info] …`), JSON lines
(`{"message"|"msg"|"log": …}`), and plain text.
"""
from __future__ import annotations

import gzip
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

MAX_EVENT_LINES = 120
MAX_LINE = 8192

_TS = r"(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?|[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d)"
_PREFIXES = [
    # Heroku: 2026-11-23T08:01:11.644432+00:00 app[web.4]: msg | heroku[router]: msg
    re.compile(r"^(?P<ts>" + _TS + r")\s+(?P<stream>(?:app|heroku)\[[\w.-]+\]):\s?(?P<msg>.*)$"),
    # Fly: 2026-…Z app[3d8d…] ams [info] msg
    re.compile(r"^(?P<ts>" + _TS + r")\s+(?P<stream>app\[[\w-]+\])\s+\w+\s+\[(?P<level>\w+)\]\s?(?P<msg>.*)$"),
    # Railway: ts [inf]  msg / [err]
    re.compile(r"^(?P<ts>" + _TS + r")\s+\[(?P<level>inf|err|wrn|dbg|info|error|warn)\]\s?(?P<msg>.*)$"),
    # journal (short-iso / short): ts host proc[pid]: msg
    re.compile(r"^(?P<ts>" + _TS + r")\s+(?P<host>[\w.-]+)\s+(?P<stream>[\w.@/-]+\[\d+\]|[\w.@/-]+):\s?(?P<msg>.*)$"),
    # generic: ts msg (Render, Docker --timestamps, Vercel …)
    re.compile(r"^(?P<ts>" + _TS + r")\s+(?:(?P<level>INFO|ERROR|WARN|WARNING|DEBUG|FATAL|CRITICAL)\s+)?(?P<msg>.*)$"),
]
_JSON_MSG_KEYS = ("message", "msg", "log", "error", "err")


@dataclass(slots=True)
class LogLine:
    number: int          # 1-based line number in the file
    stream: str          # which process/dyno wrote it ("" when unknown)
    level: str           # "error" | "warn" | "info" | ""
    message: str
    ts: str = ""


@dataclass(slots=True)
class Event:
    """One log event: a single line, or a stack trace with its header and continuation lines."""
    first_line: int
    stream: str
    level: str
    lines: list[str] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    ts: str = ""
    truncated: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _level(raw: str | None, message: str) -> str:
    r = (raw or "").lower()
    if r in ("err", "error", "fatal", "critical", "crit", "alert", "emerg"):
        return "error"
    if r in ("wrn", "warn", "warning"):
        return "warn"
    if r in ("inf", "info", "dbg", "debug", "notice"):
        return "info"
    return ""


def parse_line(number: int, raw: str) -> LogLine:
    raw = raw.rstrip("\r\n")
    if len(raw) > MAX_LINE:
        raw = raw[:MAX_LINE]
    stripped = raw.lstrip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            obj = json.loads(stripped)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            msg = next((str(obj[k]) for k in _JSON_MSG_KEYS if isinstance(obj.get(k), (str, int, float))), stripped)
            stack = obj.get("stack") or (obj.get("err") or {}).get("stack") if isinstance(obj.get("err"), dict) else obj.get("stack")
            if isinstance(stack, str) and stack:
                msg = stack
            level = obj.get("level") or obj.get("severity") or obj.get("levelname") or ""
            if isinstance(level, int):   # pino: 50 = error, 60 = fatal
                level = "error" if level >= 50 else "warn" if level >= 40 else "info"
            stream = str(obj.get("pid") or obj.get("hostname") or obj.get("container") or "")
            return LogLine(number, stream, _level(str(level), msg), msg, str(obj.get("time") or obj.get("timestamp") or ""))
    for rx in _PREFIXES:
        m = rx.match(raw)
        if m:
            g = m.groupdict()
            return LogLine(number, g.get("stream") or "", _level(g.get("level"), g["msg"]), g["msg"], g.get("ts") or "")
    return LogLine(number, "", "", raw)


_TRACEBACK_START = re.compile(r"^\s*Traceback \(most recent call last\):")
_PY_CONTINUATION = re.compile(r"^(\s+\S|\s*\^+\s*$|\s*~+\^*~*\s*$|During handling of the above exception|The above exception was|$)")
_PY_EXC_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning|KeyError|Fault|Timeout)\b.*|^[A-Za-z_][\w.]*: .+")
_JS_AT = re.compile(r"^\s+at\s+")
_JS_ERROR_HEAD = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b(\s*\[[\w_]+\])?:|^Error:|Unhandled(Promise)?Rejection|uncaughtException")
_LOG_HEADER = re.compile(r"\b(ERROR|Exception on|Error in|Unhandled exception|Internal Server Error)\b")


class _Assembler:
    """Per-stream state machine turning lines into events."""

    def __init__(self) -> None:
        self.open: dict[str, Event] = {}
        self.state: dict[str, str] = {}      # "py-tb" | "py-tail" | "js" | "single"
        self.pending_header: dict[str, LogLine] = {}

    def feed(self, line: LogLine) -> Iterator[Event]:
        s = line.stream
        msg = line.message
        ev = self.open.get(s)
        st = self.state.get(s)
        if ev is not None:
            if st == "py-tb":
                if _PY_CONTINUATION.match(msg) and not _TRACEBACK_START.match(msg):
                    self._add(ev, line)
                    return
                # the exception line ends the traceback
                self._add(ev, line)
                self.state[s] = "py-tail"
                return
            if st == "py-tail" and (msg.startswith(("\t", "    ")) and msg.strip()):
                self._add(ev, line)
                return
            if st in ("js", "single") and _JS_AT.match(msg):
                self._add(ev, line)
                self.state[s] = "js"
                return
            yield self._close(s)
        if _TRACEBACK_START.match(msg):
            header = self.pending_header.pop(s, None)
            ev = Event(header.number if header else line.number, s, "error", ts=line.ts)
            if header is not None:
                self._add(ev, header)
            self._add(ev, line)
            self.open[s], self.state[s] = ev, "py-tb"
            return
        hdr = self.pending_header.pop(s, None)
        if hdr is not None:
            yield Event(hdr.number, s, hdr.level or "error", [hdr.message], [hdr.number], hdr.ts)
        if _LOG_HEADER.search(msg) and not _JS_ERROR_HEAD.search(msg) and "Traceback" not in msg:
            self.pending_header[s] = line   # "ERROR in app: Exception on /x [POST]" before a traceback
            return
        ev = Event(line.number, s, line.level, ts=line.ts)
        self._add(ev, line)
        self.open[s], self.state[s] = ev, "single"

    def _add(self, ev: Event, line: LogLine) -> None:
        if len(ev.lines) < MAX_EVENT_LINES:
            ev.lines.append(line.message)
            ev.line_numbers.append(line.number)
        else:
            ev.truncated = True
        if line.level == "error":
            ev.level = "error"

    def _close(self, s: str) -> Event:
        self.state.pop(s, None)
        return self.open.pop(s)

    def flush(self) -> Iterator[Event]:
        for s, hdr in list(self.pending_header.items()):
            yield Event(hdr.number, s, hdr.level or "error", [hdr.message], [hdr.number], hdr.ts)
        self.pending_header.clear()
        for s in list(self.open):
            yield self._close(s)


def open_log(path: Path | str) -> IO[str]:
    """Open a log file (plain or .gz; '-' is stdin) as text, replacing undecodable bytes."""
    import sys
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    p = Path(path)
    with open(p, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8", errors="replace")
    return open(p, "r", encoding="utf-8", errors="replace", newline="")


def read_events(stream: IO[str]) -> Iterator[Event]:
    asm = _Assembler()
    for number, raw in enumerate(stream, 1):
        if "\x00" in raw:
            raw = raw.replace("\x00", "")
        yield from asm.feed(parse_line(number, raw))
    yield from asm.flush()
