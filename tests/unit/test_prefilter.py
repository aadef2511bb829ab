"""The literal prefilter never hides a match: for every prefiltered regex in the extractors, strings
that match (generated from the regex itself, and real code from the fixtures) pass the prefilter, and
search results with and without it are identical."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploycheck.project.extract import _prefilter as PF
from deploycheck.project.extract._prefilter import Prefiltered, prefiltered, required_literals

ROOT = Path(__file__).resolve().parents[2]


def _all_prefiltered() -> list[Prefiltered]:
    import deploycheck.project.extract as ex
    ex.extractors()       # imports every extractor module
    import sys
    found = {}
    for name, mod in list(sys.modules.items()):
        if name.startswith("deploycheck.") and mod is not None:
            for v in vars(mod).values():
                if isinstance(v, Prefiltered):
                    found[(v.rx.pattern, v.rx.flags)] = v
    return list(found.values())


PATTERNS = _all_prefiltered()


def test_some_patterns_are_prefiltered():
    assert len(PATTERNS) >= 10
    assert sum(1 for p in PATTERNS if p.lits) >= 10


@pytest.mark.parametrize("pattern, text, lits", [
    (r"getServerSession|auth\(", "x", ("auth(", "getServerSession")),
    (r"(?i)Fo(bar)+", "", ("bar",)),             # longest guaranteed literal wins, lower-cased
    (r"\bfoo\s*\.\s*bar", "", ("foo",)),
    (r"a?b", "", ("b",)),
    (r"(?:abc|x*)", "", None),                    # one alternative guarantees nothing
    (r"[ab]c?", "", None),
    (r"x(?i:HELLO)y", "", ("hello",)),           # a scoped case flag: compared lower-cased
])
def test_required_literals(pattern, text, lits):
    got = required_literals(re.compile(pattern))
    assert (got[0] if got else None) == lits


def test_case_insensitive_needs_ascii():
    p = prefiltered(r"(?i)session\w*" + "x" * 0)
    long_pad = " " * 60
    assert p.search(long_pad + "SESSION") is not None
    assert p.search(long_pad + "nothing here") is None
    # 'ſ' (long s) matches 's' case-insensitively; lower() does not relate them, so non-ASCII text
    # is never filtered
    text = long_pad + "ſession"
    assert bool(p.search(text)) == bool(re.search(r"(?i)session\w*", text))


def _texts() -> list[str]:
    out = []
    for base in (ROOT / "tests" / "fixtures", ROOT / "examples"):
        for f in sorted(base.rglob("*")):
            if f.suffix in (".js", ".ts", ".tsx", ".py", ".mjs", ".jsx") and f.is_file():
                text = f.read_text("utf-8", errors="replace")
                out.append(text)
                out.extend(text.splitlines())
    return out


TEXTS = _texts()


@pytest.mark.parametrize("p", PATTERNS, ids=lambda p: p.rx.pattern[:40])
def test_same_results_on_real_code(p: Prefiltered):
    for t in TEXTS:
        assert bool(p.search(t)) == bool(p.rx.search(t)), t[:200]
        padded = " " * PF.SHORT + t
        assert p.findall(padded) == p.rx.findall(padded)


@pytest.mark.parametrize("p", [p for p in PATTERNS if p.lits], ids=lambda p: p.rx.pattern[:40])
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_matches_pass(p: Prefiltered, data):
    try:
        s = data.draw(st.from_regex(p.rx, fullmatch=False))
    except Exception:   # constructs hypothesis cannot generate (lookbehind …)
        return
    padded = " " * PF.SHORT + s
    if p.rx.search(padded):
        assert p.possible(padded), s


@pytest.mark.parametrize("pattern, parts", [
    (r"(?i)a|b(c|d)", ["(?i)a", "(?i)b(c|d)"]),
    (r"[a|b]c", None),
    (r"a\|b|c", [r"a\|b", "c"]),
    (r"[]|]x|y", ["[]|]x", "y"]),
    (r"(?x)a # c|d", None),
    (r"(?#x|y)a|b", None),
])
def test_split_alternatives(pattern, parts):
    assert PF.split_alternatives(pattern) == parts


SPLIT = [Prefiltered(p.rx, split=True) for p in PATTERNS]


@pytest.mark.parametrize("p", PATTERNS + SPLIT, ids=lambda p: ("split " if p.split else "") + p.rx.pattern[:40])
def test_branchwise_test_is_search(p: Prefiltered):
    for t in TEXTS:
        padded = " " * PF.SHORT + t
        assert p.test(padded) == bool(p.rx.search(padded)), t[:200]
        assert p.test_lowered(padded, padded.lower()) == bool(p.rx.search(padded))


@pytest.mark.parametrize("p", [p for p in SPLIT if PF.split_alternatives(p.rx.pattern)],
                         ids=lambda p: p.rx.pattern[:40])
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_branchwise_test_on_generated_text(p: Prefiltered, data):
    try:
        s = data.draw(st.from_regex(p.rx, fullmatch=False))
    except Exception:
        return
    noise = data.draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ._(){}'\"!=:/\n", max_size=30))
    for text in (" " * PF.SHORT + s, noise + " " * PF.SHORT + s + noise, " " * PF.SHORT + noise):
        assert p.test(text) == bool(p.rx.search(text)), text
