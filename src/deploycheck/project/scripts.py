"""Files that only a developer runs: npm scripts such as `"db:seed": "tsx lib/db/seed.ts"`.

A file under lib/ or src/ is classified as app code by its path; when the only thing that runs it
is a package.json script for setup, seeding or development, it is a script (its localhost URLs and
demo passwords are for a laptop). Runs as the last linker, over facts: package.json scripts from
the repo facts, imports from the import facts. A file that app code imports stays app code.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from deploycheck.project.model import Project, Role

# script names that are developer chores, never the production entry point or its release step
_DEV_SCRIPT = re.compile(r"(^|[:_-])(seed|seeds|setup|init|bootstrap|fixtures?|populate|reset|studio|dev|demo|"
                         r"example|sample|generate|gen|codegen|scaffold|fake|mock|test|e2e|lint|format|storybook)"
                         r"($|[:_-])", re.I)
_RUNNER = re.compile(r"(?:^|&&|;|\|\|)\s*(?:npx\s+|pnpm\s+(?:exec\s+)?|yarn\s+|bunx\s+)?"
                     r"(?:tsx|ts-node(?:-esm)?|node|bun(?:\s+run)?|vite-node|babel-node|esno|esr|jiti)\s+"
                     r"(?:--?[\w-]+(?:[= ]\S+)?\s+)*(?P<file>[\w./@-]+\.[cm]?[jt]sx?)\b")


def demote_dev_scripts(project: Project) -> None:
    manifests = [m for m in project.repo.manifest_facts if m.kind == "package.json" and m.scripts]
    if not manifests:
        return
    candidates: set[str] = set()
    for m in manifests:
        base = posixpath.dirname(m.path)
        for name, command in m.scripts:
            if not _DEV_SCRIPT.search(name):
                continue
            for hit in _RUNNER.finditer(command):
                path = posixpath.normpath(posixpath.join(base, hit.group("file")))
                f = project.file(path)
                if f is not None and f.role is Role.APP:
                    candidates.add(path)
    if not candidates:
        return
    imported = set()
    stems = {c.rsplit(".", 1)[0]: c for c in candidates}
    for imp in project.imports:
        if imp.resolved and project.role(imp.location.path) is Role.APP:
            target = imp.resolved.rsplit(".", 1)[0] if imp.resolved.endswith((".js", ".ts", ".tsx", ".mjs", ".cjs")) \
                else imp.resolved
            if target in stems:
                imported.add(stems[target])
    for path in candidates - imported:
        f = project.file(path)
        new = replace(f, role=Role.SCRIPT)
        project.files[project.files.index(f)] = new
        project._by_path[path] = new
