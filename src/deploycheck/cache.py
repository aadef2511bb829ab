"""The facts cache: what one file's extraction produced, keyed by what it depends on.

Extraction is a pure function of (path, bytes) and of deploycheck's own code, so its result (a
`FileFacts`, or the `Skipped` of a binary/minified/undecodable file) can be kept and reused while
none of these changes. The key is sha256(tool id, path, bytes), where the tool id hashes the
deploycheck version, every source file of the package, the Python version and the versions of the
parsers: editing an extractor, upgrading tree-sitter or renaming a file all miss.

Storage: one SQLite database, `<cache dir>/facts-v1.sqlite3` (WAL mode: concurrent runs read while
one writes; each run writes its new entries in one transaction at the end). Entries carry their
size and when they were last used; past `max_bytes` the least recently used go.

Nothing here may fail a scan: an unreadable, locked or corrupt database, or an entry that does not
unpickle to the file's facts, counts as a miss (a corrupt database file is replaced on the next
write). The cache directory is touched only when a cache is asked for (`--no-cache` never opens it).
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

SCHEMA = 1
FILE_NAME = f"facts-v{SCHEMA}.sqlite3"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_TOUCH_AFTER = 3600          # refresh an entry's last-used time at most once an hour
_IN_CHUNK = 500              # keys per SELECT … IN (…)
_TIMEOUT = 5.0


def default_dir(vars: Mapping[str, str]) -> Path | None:
    """$DEPLOYCHECK_CACHE_DIR, else $XDG_CACHE_HOME/deploycheck, else ~/.cache/deploycheck (None: no home)."""
    explicit = vars.get("DEPLOYCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = vars.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "deploycheck"
    home = vars.get("HOME")
    if home and os.path.isabs(home):
        return Path(home) / ".cache" / "deploycheck"
    return None


@lru_cache(maxsize=1)
def tool_id() -> bytes:
    """What the facts depend on besides the file: this package's code and the parsers' versions."""
    from importlib import metadata

    import deploycheck
    h = hashlib.sha256()
    h.update(f"deploycheck {deploycheck.__version__} schema {SCHEMA} python {sys.version_info[:2]}".encode())
    for dist in ("tree-sitter", "tree-sitter-javascript", "tree-sitter-typescript", "PyYAML", "pyahocorasick"):
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"\0{dist} {version}".encode())
    pkg = Path(deploycheck.__file__).resolve().parent
    for f in sorted(pkg.rglob("*.py")):
        h.update(b"\0" + f.relative_to(pkg).as_posix().encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"?")
    return h.digest()


def file_key(tool: bytes, rel: str, data: bytes) -> bytes:
    h = hashlib.sha256(tool)
    h.update(rel.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(data)
    return h.digest()


@dataclass(frozen=True, slots=True)
class Cache:
    """Where a cache lives and which tool state it belongs to (picklable: workers get one)."""
    dir: Path
    tool: bytes
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def at(cls, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> "Cache":
        return cls(Path(directory), tool_id(), max_bytes)

    @property
    def db(self) -> Path:
        return self.dir / FILE_NAME

    def key(self, rel: str, data: bytes) -> bytes:
        return file_key(self.tool, rel, data)

    def reader(self) -> "Reader":
        return Reader(self)

    def store(self, new: Iterable[tuple[bytes, bytes]], used: Iterable[bytes] = ()) -> bool:
        return store(self, new, used)


class Reader:
    """Looks entries up. Opens nothing until asked, never creates the database."""

    def __init__(self, where: Cache):
        self.where = where
        self._conn: sqlite3.Connection | None = None
        self._broken = False

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is None and not self._broken:
            try:
                if not self.where.db.is_file():
                    self._broken = True
                    return None
                self._conn = sqlite3.connect(self.where.db, timeout=_TIMEOUT, isolation_level=None,
                                             check_same_thread=False)
            except (sqlite3.Error, OSError):
                self._broken = True
        return self._conn

    def get_many(self, keys: list[bytes]) -> dict[bytes, bytes]:
        conn = self._connection()
        if conn is None or not keys:
            return {}
        out: dict[bytes, bytes] = {}
        try:
            for i in range(0, len(keys), _IN_CHUNK):
                part = keys[i:i + _IN_CHUNK]
                marks = ",".join("?" * len(part))
                for key, value in conn.execute(f"SELECT key, value FROM facts WHERE key IN ({marks})", part):
                    if isinstance(key, bytes) and isinstance(value, bytes):
                        out[key] = value
        except sqlite3.Error:       # corrupt, locked for too long, not our schema: everything is a miss
            self._broken = True
            self.close()
            return {}
        return out

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None


def store(where: Cache, new: Iterable[tuple[bytes, bytes]], used: Iterable[bytes] = ()) -> bool:
    """Write new entries and refresh the last-used time of reused ones, in one transaction; then keep
    the database under its size bound. False (and no exception) when that was not possible."""
    new = list(new)
    used = list(used)
    if not new and not used:
        return True
    for attempt in (1, 2):
        try:
            _store(where, new, used)
            return True
        except sqlite3.DatabaseError as exc:
            if attempt == 1 and _is_corrupt(exc):
                _remove(where.db)          # not a database (or damaged): start a new one
                continue
            return False
        except (sqlite3.Error, OSError):
            return False
    return False


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        return "no such table" in str(exc) or "malformed" in str(exc)
    return True


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{db}{suffix}")
        except OSError:
            pass


def _open_for_write(where: Cache) -> sqlite3.Connection:
    where.dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(where.db, timeout=_TIMEOUT, isolation_level=None)
    try:
        conn.execute("PRAGMA auto_vacuum=INCREMENTAL")     # (takes effect when the file is new)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE IF NOT EXISTS facts (key BLOB PRIMARY KEY, value BLOB NOT NULL, "
                     "size INTEGER NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID")
        conn.execute("CREATE INDEX IF NOT EXISTS facts_used ON facts(used)")
    except BaseException:
        conn.close()
        raise
    return conn


def _store(where: Cache, new: list[tuple[bytes, bytes]], used: list[bytes]) -> None:
    now = int(time.time())
    conn = _open_for_write(where)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR REPLACE INTO facts (key, value, size, used) VALUES (?, ?, ?, ?)",
                             [(k, v, len(v) + len(k), now) for k, v in new])
            if used:
                conn.executemany("UPDATE facts SET used = ? WHERE key = ? AND used < ?",
                                 [(now, k, now - _TOUCH_AFTER) for k in used])
            total = conn.execute("SELECT total(size) FROM facts").fetchone()[0] or 0
            pruned = total > where.max_bytes
            if pruned:
                _prune(conn, total, int(where.max_bytes * 0.8))
            conn.execute("COMMIT")
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise
        if pruned:
            try:
                conn.execute("PRAGMA incremental_vacuum")     # give the freed pages back to the disk
            except sqlite3.Error:
                pass
    finally:
        conn.close()


def _prune(conn: sqlite3.Connection, total: float, target: int) -> None:
    """Delete least recently used entries until the total size is under `target`."""
    doomed: list[bytes] = []
    for key, size in conn.execute("SELECT key, size FROM facts ORDER BY used, key"):
        if total <= target:
            break
        doomed.append(key)
        total -= size
    conn.executemany("DELETE FROM facts WHERE key = ?", [(k,) for k in doomed])
