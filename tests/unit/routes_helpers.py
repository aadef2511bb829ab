"""Builds a Project from in-memory files (extract + link, no disk) for the route extractor tests."""
from __future__ import annotations

import textwrap
from pathlib import Path

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source
from deploycheck.project.link import link
from deploycheck.project.model import Project, Route


def build(files: dict[str, str]) -> Project:
    project = Project(root=Path("/virtual"))
    for path, code in files.items():
        text = textwrap.dedent(code).lstrip("\n")
        data = text.encode("utf-8")
        facts = extract_source(path, Source(text=text, data=data, lines=text.count("\n") + 1, partial=None))
        assert facts.error is None, facts.error
        project.add(facts)
    project.files.sort(key=lambda f: f.path)
    link(project)
    return project


def routes(files: dict[str, str]) -> list[Route]:
    return sorted(build(files).routes, key=lambda r: (r.path, r.method))


def table(files: dict[str, str], *, all_guards: bool = False) -> list[tuple]:
    """(METHOD, path, [auth guard names in order]) per route."""
    out = []
    for r in routes(files):
        gs = [g.name for g in r.guards if all_guards or g.is_auth]
        out.append((r.method, r.path, gs))
    return out


def by_key(files: dict[str, str]) -> dict[tuple[str, str], Route]:
    return {(r.method, r.path): r for r in routes(files)}
