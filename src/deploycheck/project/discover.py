"""Find the files to scan: .gitignore-aware, never leaving the root, saying what it skipped and why.

Rules:
- `.gitignore` files are honoured at every level (pathspec's git semantics), plus the default skip
  list (dependency folders, build output, virtualenvs, caches, VCS folders) and `exclude` from config.
- Links are never followed out of the root. A file link inside the root is read once through its
  real path; directory links are not descended (that is where loops come from) and are listed.
- A file is read here only when it is a candidate; content checks (binary, encoding, size,
  minified) happen in `read_source`, which the engine calls once per file.
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

from deploycheck.core import Skipped

# Directories never worth scanning: installed dependencies, build output, caches, VCS metadata.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "bower_components", "jspm_packages", ".next", ".nuxt",
    ".svelte-kit", ".output", ".vercel", ".netlify", ".turbo", ".cache", ".parcel-cache", "dist",
    "build", "out", "coverage", ".nyc_output", "venv", ".venv", "virtualenv",
    "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".nox", "site-packages",
    ".eggs", "vendor", "vendors", "third_party", "third-party", ".idea", ".vscode", ".terraform",
    ".serverless", ".aws-sam", ".expo", ".gradle", "Pods", "storybook-static", ".docusaurus",
    "htmlcov", ".hypothesis", ".yarn", ".pnpm-store",
})
# Files never worth scanning by name or suffix (binary formats, maps, minified or generated bundles).
SKIP_SUFFIXES = (
    ".min.js", ".min.mjs", ".min.css", ".map", ".bundle.js", ".chunk.js", ".pyc", ".pyo", ".so",
    ".dll", ".dylib", ".exe", ".bin", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp",
    ".svg", ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".jar", ".war", ".woff",
    ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".mov", ".avi", ".webm", ".wav", ".ogg",
    ".sqlite", ".sqlite3", ".db", ".wasm", ".class", ".o", ".a", ".psd", ".ai", ".sketch",
    ".snap", ".lockb", ".tsbuildinfo", ".d.ts",
)
DEFAULT_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Candidate:
    rel: str        # relative path, "/" separators
    path: str       # absolute path to read


@dataclass(slots=True)
class Discovery:
    files: list[Candidate]
    skipped: list[Skipped]
    root_gitignore: list[str]


def _compile(lines: list[str]) -> pathspec.PathSpec:
    """A gitignore spec that tolerates lines pathspec rejects (a lone "!", a trailing "\\"):
    git ignores such lines, and one bad line must not stop the scan."""
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:
        good = []
        for line in lines:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except Exception:
                continue
            good.append(line)
        return pathspec.GitIgnoreSpec.from_lines(good)


class _Ignores:
    """`exclude` from the config, plus a stack of gitignore specs, one per directory that has a
    .gitignore. As in git, the deepest .gitignore with a matching pattern decides, so a nested
    `!pattern` re-includes what a parent's .gitignore excluded; `exclude` always wins."""

    def __init__(self, extra: list[str]):
        self.exclude = _compile(extra) if extra else None
        self.specs: list[tuple[str, pathspec.PathSpec]] = []

    def push(self, base: str, lines: list[str]) -> None:
        self.specs.append((base, _compile(lines)))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        if self.exclude is not None and self.exclude.match_file(rel + "/" if is_dir else rel):
            return True
        for base, spec in reversed(self.specs):
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1:] if base else rel
            decided = spec.check_file(sub + "/" if is_dir else sub).include
            if decided is not None:
                return decided
        return False


def discover(root: Path, *, exclude: list[str] | tuple[str, ...] = (), use_gitignore: bool = True) -> Discovery:
    root = root.resolve()
    files: list[Candidate] = []
    skipped: list[Skipped] = []
    ignores = _Ignores(list(exclude))
    root_gitignore: list[str] = []
    seen_real: set[str] = set()
    linked: list[Candidate] = []

    def read_ignore(d: Path) -> list[str] | None:
        gi = d / ".gitignore"
        try:
            if gi.is_file() and not gi.is_symlink():
                return gi.read_text("utf-8", errors="replace").splitlines()
        except OSError:
            return None
        return None

    stack: list[tuple[Path, str, int]] = [(root, "", len(ignores.specs))]
    while stack:
        directory, rel_dir, depth_marker = stack.pop()
        # drop specs pushed by directories that are not ancestors of this one
        del ignores.specs[depth_marker:]
        if use_gitignore:
            lines = read_ignore(directory)
            if lines:
                ignores.push(rel_dir, lines)
                if rel_dir == "":
                    root_gitignore = lines
        marker = len(ignores.specs)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skipped(rel_dir or ".", f"cannot list directory: {exc.strerror or exc}"))
            continue
        subdirs: list[tuple[Path, str, int]] = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:   # DirEntry answers these from the directory listing: no stat per file
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
                is_file = not is_link and not is_dir and entry.is_file(follow_symlinks=False)
            except OSError as exc:
                skipped.append(Skipped(rel, f"cannot stat: {exc.strerror or exc}"))
                continue
            if is_link:
                target = _resolve_link(entry.path, root)
                if isinstance(target, str):
                    if ignores.ignored(rel, False) or _skip_name(entry.name) or entry.name in SKIP_DIRS:
                        continue
                    skipped.append(Skipped(rel, target))
                    continue
                if target.is_dir():
                    if entry.name in SKIP_DIRS or ignores.ignored(rel, True):
                        continue
                    skipped.append(Skipped(rel, "link to a directory inside the root: not followed (its files are scanned where they live)"))
                    continue
                if ignores.ignored(rel, False) or _skip_name(entry.name):
                    continue
                real = str(target)
                if real not in seen_real:
                    seen_real.add(real)
                    linked.append(Candidate(rel, real))
                continue
            if is_dir:
                if entry.name in SKIP_DIRS or ignores.ignored(rel, True):
                    continue
                if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                    continue  # a virtualenv under any name
                subdirs.append((Path(entry.path), rel, marker))
            elif is_file:
                if ignores.ignored(rel, False) or _skip_name(entry.name):
                    continue
                files.append(Candidate(rel, entry.path))
            else:
                skipped.append(Skipped(rel, "not a regular file (socket, device or pipe)"))
        stack.extend(reversed(subdirs))
    # A file link whose target is scanned where it lives adds nothing; one whose target is not
    # (an ignored folder, say) is scanned under the link's name.
    walked = {os.path.join(str(root), c.rel) for c in files}
    files.extend(c for c in linked if c.path not in walked)
    files.sort(key=lambda c: c.rel)
    return Discovery(files, skipped, root_gitignore)


def _skip_name(name: str) -> bool:
    low = name.lower()
    return low.endswith(SKIP_SUFFIXES) or low in (".ds_store", "thumbs.db")


def _resolve_link(path: str, root: Path) -> Path | str:
    """The real target inside the root, or the reason it is skipped."""
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:     # never match the message: the path itself may say "loop"
            return "symlink loop: not followed"
        return "broken symlink: target does not exist"
    except RuntimeError:
        return "symlink loop: not followed"
    try:
        target.relative_to(root)
    except ValueError:
        return "link points outside the scanned root: not followed"
    return target


@dataclass(frozen=True, slots=True)
class Source:
    text: str
    data: bytes
    lines: int
    partial: str | None     # set when the text was decoded with replacements


def read_source(path: str | Path, rel: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source | Skipped:
    """Read one file, or say why it is skipped (unreadable, binary, too large, minified, undecodable)."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            return Skipped(rel, f"too large ({size / 1048576:.1f} MB > {max_bytes / 1048576:.1f} MB limit)")
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return Skipped(rel, f"unreadable: {exc.strerror or exc}")
    head = data[:8192]
    if b"\x00" in head:
        return Skipped(rel, "binary file")
    partial = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        if text.count("\ufffd") > max(16, len(data) // 100):
            return Skipped(rel, f"not UTF-8 text (invalid byte at offset {exc.start})")
        line = data.count(b"\n", 0, exc.start) + 1
        partial = f"invalid UTF-8 at line {line} (byte offset {exc.start}); analysed with replacement characters"
    if text.startswith("\ufeff"):
        # Drop the BOM from both forms: tree-sitter reads the bytes, the rest reads the text, and
        # their columns must agree.
        text = text[1:]
        data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if _looks_minified(rel, text):
        return Skipped(rel, "minified or generated code (very long lines)")
    return Source(text, data, text.count("\n") + 1, partial)


MINIFIED_EXTS = (".js", ".mjs", ".cjs", ".css", ".jsx", ".ts", ".tsx")


def _looks_minified(rel: str, text: str) -> bool:
    if not rel.endswith(MINIFIED_EXTS) or len(text) < 4096:
        return False
    lines = text.count("\n") + 1
    if len(text) / lines > 300:
        return True
    return any(len(line) > 5000 for line in text[:200_000].splitlines())
