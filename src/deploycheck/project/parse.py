"""Parsing, once per file: tree-sitter for JavaScript/TypeScript/TSX, Python's `ast` for Python.

`FileContext` is what every extractor receives. Its trees are built lazily, on first use, so a
file whose text has none of any extractor's trigger tokens is never parsed at all, and a file is
never parsed twice. Nothing here keeps a tree beyond the file's extraction: facts leave, trees don't.
"""
from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass, field
import json
import tomllib
from functools import cached_property, lru_cache
from typing import Any, Iterator

import tree_sitter as ts
import yaml

from deploycheck.core import Location
from deploycheck.project.model import Language, Role

# ------------------------------------------------------------------------------------- tree-sitter


@lru_cache(maxsize=None)
def ts_language(lang: Language) -> ts.Language:
    if lang is Language.JAVASCRIPT:
        import tree_sitter_javascript as tsj
        return ts.Language(tsj.language())
    import tree_sitter_typescript as tst
    if lang is Language.TSX:
        return ts.Language(tst.language_tsx())
    return ts.Language(tst.language_typescript())


@lru_cache(maxsize=None)
def _parser(lang: Language) -> ts.Parser:
    return ts.Parser(ts_language(lang))


@lru_cache(maxsize=512)
def query(lang: Language, source: str) -> ts.Query:
    """A compiled query for a grammar, cached per process. JavaScript queries also run on TS/TSX:
    the node types extractors use are shared by the three grammars."""
    return ts.Query(ts_language(lang), source)


def _doc_order(n: ts.Node) -> tuple[int, int]:
    return n.start_byte, -n.end_byte


def captures(lang: Language, source: str, node: ts.Node) -> dict[str, list[ts.Node]]:
    """Captured nodes per capture name, in document order (outer before inner at the same start).

    py-tree-sitter collects each name's nodes in a set, so its own order follows node hashes (memory
    addresses): it differs from run to run and between worker processes. Sorting makes extraction a
    pure function of the file, which the facts cache relies on."""
    got = ts.QueryCursor(query(lang, source)).captures(node)
    for nodes in got.values():
        if len(nodes) > 1:
            nodes.sort(key=_doc_order)
    return got


def matches(lang: Language, source: str, node: ts.Node) -> list[tuple[int, dict[str, list[ts.Node]]]]:
    return ts.QueryCursor(query(lang, source)).matches(node)


# ------------------------------------------------------------------------------------- shared walks
# A tree-sitter query visits every node of the tree whatever its patterns, so on a JavaScript file
# the walk costs about as much as the parse. Several extractors run whole-file queries on the same
# files (functions, calls, declarations, exports …): queries declared with `shared_captures(group,
# source)` / `shared_matches(group, source)` run as ONE query per group and file, the first time any
# of them is asked for, and each gets exactly the result it would have had alone (capture names are
# prefixed per query in the combined source and stripped again; patterns match independently).

_GROUPS: dict[str, tuple[str, list[str]]] = {}    # group -> ("captures" | "matches", sources)
_GROUP_OF: dict[str, str] = {}                    # source -> group


def shared_captures(group: str, source: str) -> str:
    return _share("captures", group, source)


def shared_matches(group: str, source: str) -> str:
    return _share("matches", group, source)


def _share(kind: str, group: str, source: str) -> str:
    got_kind, sources = _GROUPS.setdefault(group, (kind, []))
    if got_kind != kind:
        raise ValueError(f"query group {group!r} mixes captures and matches")
    if _GROUP_OF.get(source, group) != group:
        raise ValueError("a query source belongs to one group")
    if source not in sources:
        sources.append(source)
        _GROUP_OF[source] = group
    return source


def _prefix_captures(source: str, prefix: str) -> str:
    """Rename every `@capture` of a query source to `@<prefix><capture>` (strings and comments kept)."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == '"':
            j = i + 1
            while j < n and source[j] != '"':
                j += 2 if source[j] == "\\" else 1
            out.append(source[i:j + 1])
            i = j + 1
        elif ch == ";":
            j = source.find("\n", i)
            j = n if j < 0 else j
            out.append(source[i:j])
            i = j
        elif ch == "@":
            out.append("@" + prefix)
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@lru_cache(maxsize=64)
def _group_query(lang: Language, sources: tuple[str, ...]) -> tuple[ts.Query, tuple[int, ...]]:
    """The combined query of a group and the first pattern index of each member source."""
    offsets, total = [], 0
    for src in sources:
        offsets.append(total)
        total += query(lang, src).pattern_count
    combined = "\n".join(_prefix_captures(src, f"q{i}__") for i, src in enumerate(sources))
    q = ts.Query(ts_language(lang), combined)
    assert q.pattern_count == total
    return q, tuple(offsets)


def _run_group(lang: Language, group: str, root: ts.Node) -> dict[str, Any]:
    """Run a group's combined query once: source -> what captures()/matches() would have returned."""
    kind, sources_list = _GROUPS[group]
    sources = tuple(sources_list)
    q, offsets = _group_query(lang, sources)
    out: dict[str, Any] = {}
    if kind == "captures":
        per: list[dict[str, list[ts.Node]]] = [{} for _ in sources]
        for name, nodes in ts.QueryCursor(q).captures(root).items():
            i, _, base = name.partition("__")
            if len(nodes) > 1:
                nodes.sort(key=_doc_order)
            per[int(i[1:])][base] = nodes
        for src, caps in zip(sources, per):
            out[src] = caps
        return out
    per_m: list[list] = [[] for _ in sources]
    for index, caps in ts.QueryCursor(q).matches(root):
        i = bisect.bisect_right(offsets, index) - 1
        per_m[i].append((index - offsets[i], {k.partition("__")[2]: v for k, v in caps.items()}))
    for src, ms in zip(sources, per_m):
        out[src] = ms
    return out


def _first_error(node: ts.Node) -> ts.Node | None:
    """The first ERROR or MISSING node, depth-first, visiting only subtrees that contain one."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.is_error or n.is_missing:
            return n
        if n.has_error:
            stack.extend(reversed(n.children))
    return None


# ------------------------------------------------------------------------------------- python ast


def parse_python(text: str) -> tuple[ast.Module, str | None]:
    """Parse Python; on a syntax error, parse the longest prefix that parses and say so."""
    try:
        return ast.parse(text), None
    except SyntaxError as exc:
        first = exc
    except (ValueError, RecursionError, MemoryError) as exc:   # null bytes, absurd nesting
        return ast.Module(body=[], type_ignores=[]), f"could not parse: {exc.__class__.__name__}"
    lines = text.splitlines()
    cut = (first.lineno or 1) - 1
    while cut > 0:
        try:
            tree = ast.parse("\n".join(lines[:cut]))
            return tree, f"syntax error at line {first.lineno}: {first.msg}; analysed lines 1-{cut}"
        except SyntaxError as exc:
            cut = min(cut - 1, (exc.lineno or cut) - 1)
        except (ValueError, RecursionError, MemoryError):
            break
    return ast.Module(body=[], type_ignores=[]), f"syntax error at line {first.lineno}: {first.msg}"


# ------------------------------------------------------------------------------------- yaml with lines


class LinedDict(dict):
    """A YAML mapping that remembers where it and each of its keys are (1-based lines)."""
    line: int = 0
    key_lines: dict

    def line_of(self, key: Any, default: int | None = None) -> int | None:
        return self.key_lines.get(key, default if default is not None else self.line)


class LinedList(list):
    line: int = 0
    item_lines: list


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LinedDict:
    loader.flatten_mapping(node)
    d = LinedDict()
    d.line = node.start_mark.line + 1
    d.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        d[key] = loader.construct_object(value_node, deep=True)
        d.key_lines[key] = key_node.start_mark.line + 1
    return d


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LinedList:
    items = LinedList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Unknown tags (CloudFormation's !Ref, !Sub, GitLab's !reference) load as plain values, not errors.
_LineLoader.add_multi_constructor("!", lambda loader, suffix, node: (
    loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
    else _construct_sequence(loader, node) if isinstance(node, yaml.SequenceNode)
    else _construct_mapping(loader, node)))


def load_yaml(text: str) -> tuple[list[Any], str | None]:
    """Every document of a YAML stream (mappings are LinedDict), and the first error if any.
    Documents before a syntax error are kept."""
    docs: list[Any] = []
    try:
        for doc in yaml.load_all(text, Loader=_LineLoader):
            docs.append(doc)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return docs, f"invalid YAML{where}: {getattr(exc, 'problem', None) or exc}"
    except (RecursionError, ValueError, TypeError) as exc:
        return docs, f"invalid YAML: {exc.__class__.__name__}"
    return docs, None


# ------------------------------------------------------------------------------------- context


_COMMENT_LINE = {
    Language.PYTHON: ("#",), Language.YAML: ("#",), Language.TOML: ("#",), Language.DOTENV: ("#",),
    Language.DOCKERFILE: ("#",), Language.SHELL: ("#",), Language.INI: ("#", ";"), Language.TEXT: ("#",),
    Language.JAVASCRIPT: ("//", "/*", "*"), Language.TYPESCRIPT: ("//", "/*", "*"), Language.TSX: ("//", "/*", "*"),
    Language.SQL: ("--",),
}


@dataclass
class FileContext:
    """One file under extraction: its text, bytes, role, and (lazily) its syntax tree."""
    path: str
    language: Language
    role: Role
    text: str
    data: bytes
    partial: str | None = None
    client_side: bool = False
    _line_starts: list[int] | None = field(default=None, repr=False)

    # -- trees
    @cached_property
    def js_tree(self) -> ts.Tree:
        assert self.language.is_js
        tree = _parser(self.language).parse(self.data)
        if tree.root_node.has_error:
            err = _first_error(tree.root_node)
            if err is not None:
                r, c = err.start_point
                what = "missing " + err.type if err.is_missing else "syntax error"
                self.partial = self.partial or f"{what} at line {r + 1}:{c + 1}; analysed as far as it parses"
        return tree

    @property
    def js_root(self) -> ts.Node:
        return self.js_tree.root_node

    @cached_property
    def py_tree(self) -> ast.Module:
        assert self.language is Language.PYTHON
        tree, problem = parse_python(self.text)
        if problem:
            self.partial = self.partial or problem
        return tree

    @cached_property
    def yaml_docs(self) -> list[Any]:
        """All YAML documents (LinedDict/LinedList keep line numbers). [] and `partial` on error."""
        docs, problem = load_yaml(self.text)
        if problem:
            self.partial = self.partial or problem
        return docs

    @cached_property
    def toml_data(self) -> dict[str, Any]:
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            self.partial = self.partial or f"invalid TOML: {exc}"
            return {}

    @cached_property
    def json_data(self) -> Any:
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            # JSONC (tsconfig, vercel.json with comments) is common: retry without comments.
            try:
                return json.loads(_strip_json_comments(self.text))
            except json.JSONDecodeError:
                self.partial = self.partial or f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
                return None

    def find_line(self, pattern: str, start: int = 1, flags: int = 0) -> int | None:
        """First 1-based line at or after `start` whose text matches the regex."""
        rx = re.compile(pattern, flags)
        for n in range(max(start, 1), len(self.lines) + 1):
            if rx.search(self.lines[n - 1]):
                return n
        return None

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    # -- tree-sitter helpers
    def captures(self, source: str, node: ts.Node | None = None) -> dict[str, list[ts.Node]]:
        if node is None and source in _GROUP_OF:     # (lists shared between callers: read them, do not mutate)
            return dict(self._shared(_GROUP_OF[source])[source])
        return captures(self.language, source, node or self.js_root)

    def matches(self, source: str, node: ts.Node | None = None) -> list[tuple[int, dict[str, list[ts.Node]]]]:
        if node is None and source in _GROUP_OF:     # (shared between callers: read, do not mutate)
            return self._shared(_GROUP_OF[source])[source]
        return matches(self.language, source, node or self.js_root)

    def _shared(self, group: str) -> dict[str, Any]:
        runs = self.__dict__.setdefault("_shared_runs", {})
        got = runs.get(group)
        if got is None or len(got) != len(_GROUPS[group][1]):   # (re)run when a module joined the group since
            got = runs[group] = _run_group(self.language, group, self.js_root)
        return got

    def node_text(self, node: ts.Node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def loc(self, node: ts.Node | ast.AST | int, column: int | None = None) -> Location:
        """A Location from a tree-sitter node, an ast node, or a 1-based line number."""
        if isinstance(node, int):
            return Location(self.path, node, column)
        if isinstance(node, ts.Node):
            (r, c), (er, ec) = node.start_point, node.end_point
            return Location(self.path, r + 1, self._char_col(r, c) + 1, er + 1, self._char_col(er, ec) + 1)
        return Location(self.path, getattr(node, "lineno", None),
                        (getattr(node, "col_offset", 0) or 0) + 1,
                        getattr(node, "end_lineno", None), (getattr(node, "end_col_offset", 0) or 0) + 1)

    def _char_col(self, row: int, byte_col: int) -> int:
        """tree-sitter columns are byte offsets; the contract wants characters."""
        if byte_col == 0 or self._ascii:
            return byte_col
        if self._line_starts is None:
            starts, pos = [0], 0
            for line in self.data.split(b"\n")[:-1]:
                pos += len(line) + 1
                starts.append(pos)
            self._line_starts = starts
        start = self._line_starts[row] if row < len(self._line_starts) else 0
        return len(self.data[start:start + byte_col].decode("utf-8", errors="replace"))

    @cached_property
    def _ascii(self) -> bool:
        return self.data.isascii()   # O(size) for bytes: asked once, not per location

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    # -- text helpers for config files
    def is_comment_line(self, line: int) -> bool:
        stripped = self.line_text(line).lstrip()
        return stripped.startswith(_COMMENT_LINE.get(self.language, ("#",)))

    def iter_lines(self) -> Iterator[tuple[int, str]]:
        return enumerate(self.lines, start=1)

    def offset_to_line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1



_JSON_COMMENT = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.S)


def _strip_json_comments(text: str) -> str:
    text = _JSON_COMMENT.sub(lambda m: m.group(1) or "", text)
    return re.sub(r",(\s*[}\]])", r"\1", text)
