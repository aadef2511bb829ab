"""Literal prefilters for regular expressions: skip a regex when the text cannot contain a match.

Python's `re` tries a pattern that starts with a lookbehind, a word boundary or an alternation of
names at every position of the text, interpreting its opcodes each time; on the body of a large
function that costs far more than a substring test in C. `prefiltered(rx)` reads the pattern's
syntax tree (`re._parser`) once and finds literals one of which every match must contain
(`getServerSession|auth\\(` -> {"getServerSession", "auth("}). Searching a text that holds none of
them cannot match, so the regex is not run; otherwise it runs as before. The result is always the
regex's own: the prefilter only decides whether asking is worth it.

The analysis is conservative: anything it does not understand contributes no literal, and a
pattern for which no literal set can be proved runs unfiltered. Case-insensitive patterns compare
lower-cased literals with the lower-cased text, and only on ASCII text (Unicode case folding has
pairs such as 'ſ'/'s' that lower() does not relate); other texts go straight to the regex.
"""
from __future__ import annotations

import re
from typing import Iterator

try:  # Python 3.11+
    from re import _constants as C, _parser as P   # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as C   # type: ignore[no-redef]
    import sre_parse as P       # type: ignore[no-redef]

# Below this length the regex is about as cheap as the test that would skip it.
SHORT = 48
_MAX_LITERALS = 24


def _best(cands: list[list[str]]) -> list[str] | None:
    """The most selective any-of set: longest shortest literal, then fewest literals."""
    if not cands:
        return None
    return max(cands, key=lambda c: (min(len(x) for x in c), -len(c)))


def _seq(items, ci: bool) -> list[str] | None:
    """Literals one of which every match of this sequence contains (None: no such set known)."""
    cands: list[list[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            cands.append(["".join(run)])
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            ch = chr(av)
            if ci:
                if not ch.isascii():
                    flush()
                    continue
                ch = ch.lower()
            run.append(ch)
            continue
        flush()
        got = _elem(op, av, ci)
        if got is not None:
            cands.append(got)
    flush()
    return _best(cands)


def _elem(op, av, ci: bool) -> list[str] | None:
    if op is C.SUBPATTERN:
        # (scoped case flags such as `(?i:…)` make the whole comparison lower-cased: see _uses_ci)
        return _seq(av[3], ci)
    if op is C.BRANCH:
        out: list[str] = []
        for alt in av[1]:
            got = _seq(alt, ci)
            if got is None:
                return None
            out.extend(got)
        out = sorted(set(out))
        # a literal that contains another is implied by it: keep the shorter
        out = [x for x in out if not any(y != x and y in x for y in out)]
        return out if len(out) <= _MAX_LITERALS else None
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, _hi, p = av
        return _seq(p, ci) if lo >= 1 else None
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _seq(av, ci)
    return None   # classes, anchors, lookarounds, back references: no literal they guarantee


def _uses_ci(items) -> bool:
    for op, av in items:
        if op is C.SUBPATTERN:
            if (av[1] | av[2]) & re.IGNORECASE or _uses_ci(av[3]):
                return True
        elif op is C.BRANCH:
            if any(_uses_ci(alt) for alt in av[1]):
                return True
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            if _uses_ci(av[2]):
                return True
        elif op is getattr(C, "ATOMIC_GROUP", None):
            if _uses_ci(av):
                return True
        elif op in (C.ASSERT, C.ASSERT_NOT):
            if _uses_ci(av[1]):
                return True
    return False


def leading_literal(rx: re.Pattern) -> str | None:
    """The literal every match of `rx` starts with, after zero-width assertions (`\\b`, lookarounds),
    lower-cased when the comparison is (see required_literals): `\\bjwt\\s*\\.` -> "jwt". A match can
    then only start where the text holds it."""
    if not isinstance(rx.pattern, str):
        return None
    try:
        tree = list(P.parse(rx.pattern, rx.flags & ~re.UNICODE))
    except Exception:  # pragma: no cover
        return None
    ci = bool(rx.flags & re.IGNORECASE) or _uses_ci(tree)
    out: list[str] = []
    for op, av in tree:
        if op is C.LITERAL:
            ch = chr(av)
            if ci:
                if not ch.isascii():
                    break
                ch = ch.lower()
            out.append(ch)
            continue
        if not out and op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue
        break
    return "".join(out) or None


def required_literals(rx: re.Pattern) -> tuple[tuple[str, ...], bool] | None:
    """(literals, case_insensitive): every match of `rx` contains one of the literals (compared with
    the lower-cased text when case_insensitive). None when no such set can be shown."""
    if not isinstance(rx.pattern, str):
        return None
    try:
        tree = P.parse(rx.pattern, rx.flags & ~re.UNICODE)
    except Exception:  # pragma: no cover - the pattern compiled, so this should not happen
        return None
    ci = bool(rx.flags & re.IGNORECASE) or _uses_ci(list(tree))
    lits = _seq(list(tree), ci)
    if not lits or any(not x for x in lits):
        return None
    return tuple(lits), ci


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def split_alternatives(pattern: str) -> list[str] | None:
    """The alternatives of a pattern, each with the pattern's leading global flags:
    `(?i)a|b(c|d)` -> ["(?i)a", "(?i)b(c|d)"]; an alternative that is one non-capturing group of
    alternatives, after an optional `\\b`, is distributed: `\\b(?:x|y)|z` -> [`\\bx`, `\\by`, `z`]
    (the same texts match somewhere: concatenation distributes over alternation). None when there is
    only one, or when the source cannot be split safely (comments, back references)."""
    if "(?#" in pattern or re.search(r"\\\d|\(\?P=", pattern):
        return None
    flags = ""
    m = _GLOBAL_FLAGS.match(pattern)
    if m:
        flags, pattern = m.group(0), pattern[m.end():]
    if "#" in pattern and "x" in flags:
        return None
    parts = _top_level(pattern)
    if parts is None:
        return None
    out: list[str] = []
    for part in parts:
        out.extend(_distribute(part))
    return [flags + alt for alt in out] if len(out) > 1 else None


def _distribute(part: str) -> list[str]:
    """`P(?:x|y)S` -> [`PxS`, `PyS`] for P empty, `\\b` or one lookaround group (S not a quantifier
    of the group)."""
    prefix = ""
    if part.startswith("\\b"):
        prefix = "\\b"
    elif part.startswith(("(?<!", "(?<=", "(?!", "(?=")):
        close = _closing(part, 0)
        if close is None:
            return [part]
        prefix = part[:close + 1]
    body = part[len(prefix):]
    if body.startswith("(?:"):
        end = _closing(body, 0)
        suffix = body[end + 1:] if end is not None else ""
        if end is not None and not suffix.startswith(("*", "+", "?", "{")):
            inner = _top_level(body[3:end])
            if inner is not None and len(inner) > 1:
                return [alt for sub in inner for alt in _distribute(prefix + sub + suffix)]
    return [part]


def _structure(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth after it) of the `(`, `)` and `|` of a pattern that are syntax:
    not escaped and not inside a character class. Ends with (len(text), "", -1) when a class is left
    open."""
    depth, in_class, i = 0, False, start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if text[i + 1:i + 2] == "^":
                i += 1
            if text[i + 1:i + 2] == "]":    # `[]…]` / `[^]…]`: a literal ] first
                i += 1
        elif ch in "()|":
            depth += {"(": 1, ")": -1}.get(ch, 0)
            yield i, ch, depth
        i += 1
    if in_class:
        yield len(text), "", -1


def _closing(text: str, open_at: int) -> int | None:
    """Index of the parenthesis closing the group opened at `open_at`."""
    return next((i for i, ch, depth in _structure(text, open_at) if ch == ")" and depth == 0), None)


def _top_level(pattern: str) -> list[str] | None:
    """`pattern` split at its top-level `|` (a list of one when there is none)."""
    out, start, depth = [], 0, 0
    for i, ch, depth in _structure(pattern):
        if ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        elif ch == "":
            return None     # an unclosed character class
    if depth != 0:
        return None
    out.append(pattern[start:])
    return out


class Prefiltered:
    """A compiled regex with a literal prefilter in front of search/match/fullmatch/finditer/findall.
    Anything else is the regex's own attribute.

    `test(text)` is `bool(search(text))` answered branch by branch: a pattern `A|B|C` matches somewhere
    exactly when one of A, B, C does, and each alternative has its own (more selective) literals, so
    on a long text usually none or one of them runs."""
    __slots__ = ("rx", "lits", "ci", "split", "_branches")

    def __init__(self, rx: re.Pattern, split: bool = False):
        self.rx = rx
        got = required_literals(rx)
        self.lits, self.ci = got if got is not None else ((), False)
        self.split = split         # answer test() branch by branch (faster for some patterns, not all)
        self._branches: list[tuple[re.Pattern, tuple[str, ...], bool]] | None = None

    def _alternatives(self) -> list[tuple[re.Pattern, tuple[str, ...], bool, str | None]]:
        """(pattern, literals, case-insensitive, leading literal) per alternative (one for the whole
        pattern unless `split`)."""
        if self._branches is None:
            branches = []
            parts = split_alternatives(self.rx.pattern) if self.split and isinstance(self.rx.pattern, str) else None
            try:
                for brx in ([re.compile(part, self.rx.flags) for part in parts] if parts else [self.rx]):
                    got = required_literals(brx)
                    lits, ci = got if got is not None else ((), False)
                    branches.append((brx, lits, ci, leading_literal(brx)))
            except re.error:
                branches = [(self.rx, self.lits, self.ci, leading_literal(self.rx))]
            self._branches = branches
        return self._branches

    def test(self, text: str) -> bool:
        return self.test_lowered(text, None)

    def test_lowered(self, text: str, lowered: str | None) -> bool:
        """bool(search(text)); `lowered` is text.lower() when the caller has it. On ASCII text each
        alternative runs only where it can: at the occurrences of the literal it starts with (one
        `match` each), or once when it holds one of its literals."""
        if (len(text) < SHORT and not self.split) or not text.isascii():
            return bool(self.rx.search(text))
        low = lowered
        if self.lits:            # none of the whole pattern's literals: no alternative can match
            if self.ci:
                low = low if low is not None else text.lower()
                hay = low
            else:
                hay = text
            for lit in self.lits:
                if lit in hay:
                    break
            else:
                return False
        for brx, lits, ci, lead in self._alternatives():
            if ci and low is None:
                low = text.lower()
            hay = low if ci else text
            if lead is not None:
                i = hay.find(lead)
                while i >= 0:
                    if brx.match(text, i):
                        return True
                    i = hay.find(lead, i + 1)
                continue
            if lits and not any(lit in hay for lit in lits):
                continue
            if brx.search(text):
                return True
        return False

    def possible(self, text: str) -> bool:
        """False only when the text certainly holds no match."""
        if not self.lits or len(text) < SHORT:
            return True
        if self.ci:
            if not text.isascii():
                return True
            text = text.lower()
        for lit in self.lits:
            if lit in text:
                return True
        return False

    def search_lowered(self, text: str, lowered: str) -> re.Match | None:
        """search(text) when the caller already has text.lower()."""
        if self.lits and len(text) >= SHORT and (not self.ci or text.isascii()):
            hay = lowered if self.ci else text
            if not any(lit in hay for lit in self.lits):
                return None
        return self.rx.search(text)

    def search(self, text: str, *args) -> re.Match | None:
        return self.rx.search(text, *args) if self.possible(text) else None

    def match(self, text: str, *args) -> re.Match | None:
        return self.rx.match(text, *args) if self.possible(text) else None

    def fullmatch(self, text: str, *args) -> re.Match | None:
        return self.rx.fullmatch(text, *args) if self.possible(text) else None

    def finditer(self, text: str, *args) -> Iterator[re.Match]:
        return self.rx.finditer(text, *args) if self.possible(text) else iter(())

    def findall(self, text: str, *args) -> list:
        return self.rx.findall(text, *args) if self.possible(text) else []

    def __getattr__(self, name: str):
        return getattr(self.rx, name)

    def __repr__(self) -> str:
        return f"Prefiltered({self.rx.pattern!r}, {self.lits!r})"


def prefiltered(pattern: str | re.Pattern, flags: int = 0, *, split: bool = False) -> Prefiltered:
    return Prefiltered(pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, flags), split)


def any_literals(patterns: "list[re.Pattern[str]]") -> tuple[str, ...] | None:
    """Lower-cased literals one of which any match of any of the patterns contains (None: not known).
    A text whose lower-cased form holds none of them matches none of the patterns (ASCII texts only,
    as above)."""
    out: set[str] = set()
    for rx in patterns:
        got = required_literals(rx)
        if got is None:
            return None
        lits, _ci = got
        out.update(lit.lower() for lit in lits)
    return tuple(sorted(out))
