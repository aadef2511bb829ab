"""Build facts (and a linked Project) from in-memory sources, for the call-summary unit tests."""
from __future__ import annotations

import textwrap
from pathlib import Path

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source
from deploycheck.project.link import link
from deploycheck.project.model import FileFacts, Function, Project


def facts(path: str, code: str) -> FileFacts:
    text = textwrap.dedent(code).lstrip("\n")
    data = text.encode()
    ff = extract_source(path, Source(text, data, text.count("\n") + 1, None))
    assert ff.error is None, ff.error
    return ff


def project(files: dict[str, str]) -> Project:
    p = Project(root=Path("/nonexistent"))
    for path, code in files.items():
        p.add(facts(path, code))
    link(p)
    return p


def fn(p: Project | FileFacts, name: str, path: str | None = None) -> Function:
    found = [f for f in p.functions if f.name == name and (path is None or f.location.path == path)]
    assert found, f"no function {name}: {[f.id for f in p.functions]}"
    return found[0]


def call(f: Function, callee: str):
    found = [c for c in f.calls if c.callee == callee]
    assert found, f"no call {callee} in {f.id}: {[c.callee for c in f.calls]}"
    return found[0]
