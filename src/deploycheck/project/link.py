"""Cross-file linking, after every file's facts are in: work over facts only, never over trees.

Each linker is a function `(project) -> None` that completes facts which need more than one file:
Express routers mounted under a prefix, FastAPI routers included with a prefix, a handler that
calls a helper in a local module, a local wrapper such as `required('X')` around process.env.
Linkers are listed here in the order they must run.
"""
from __future__ import annotations

from typing import Callable

from deploycheck.project.model import Project

Linker = Callable[[Project], None]


def _linkers() -> tuple[Linker, ...]:
    from deploycheck.project.extract import calls, cors, deploy, repo, routes
    # routes first: the calls linker marks the handlers the route extractors found;
    # repo last: platform detection reads the deploy configs and the CI facts it gathers
    from deploycheck.project.scripts import demote_dev_scripts
    return (tuple(getattr(routes, "LINKERS", ())) + cors.LINKERS + tuple(deploy.LINKERS) + calls.LINKERS
            + repo.LINKERS + (demote_dev_scripts,))


def link(project: Project) -> None:
    for linker in _linkers():
        linker(project)
