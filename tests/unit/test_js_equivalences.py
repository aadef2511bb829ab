"""Hand-written matchers in routes/_js.py that replace per-name compiled regexes give exactly the
regexes' answers (they exist only to avoid compiling a pattern per variable name)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.project.extract.routes._js import _Scope, _record_member_rx, record_members

ALPHABET = "ab$_ .?\n(!)=é1"
names = st.text(alphabet="ab$_é1", min_size=1, max_size=4)
texts = st.text(alphabet=ALPHABET, max_size=40)
pieces = st.lists(st.sampled_from(["a", "ab", "b", "$a", ".", "?.", " ", "params", "query", "body", "x", "!", "é",
                                    "req", "request", ".owner", "?.id"]), max_size=12).map("".join)


@settings(max_examples=600, deadline=None)
@given(name=names, text=st.one_of(texts, pieces))
def test_record_members_is_findall(name, text):
    search_rx, findall_rx = _record_member_rx(name)
    got = record_members(name, text)
    assert got == findall_rx.findall(text)
    assert bool(got) == bool(search_rx.search(text))


@settings(max_examples=600, deadline=None)
@given(objs=st.sets(st.one_of(names, st.sampled_from(["req", "request", "a-b", "r\\u0061"])), min_size=1, max_size=3),
       text=st.one_of(texts, pieces), pos=st.integers(0, 5))
def test_request_reads_match_the_compiled_pattern(objs, text, pos):
    sc = _Scope()
    sc.request_objs = set(objs)
    rx = sc.req_rx
    assert sc.req_search(text) == bool(rx.search(text))
    pos = min(pos, len(text))
    assert sc.req_match(text, pos) == bool(rx.match(text, pos))



@settings(max_examples=800, deadline=None)
@given(base=st.text(alphabet="ab./", max_size=8), rel=st.text(alphabet="ab./", max_size=8))
def test_join_fast_path_is_normpath(base, rel):
    import posixpath

    from deploycheck.project.extract.calls_link import _join
    p = posixpath.normpath(posixpath.join(base, rel)) if base else posixpath.normpath(rel)
    assert _join(base, rel) == ("" if p == "." else p)
