"""rollback/ignored-lockfile: one .gitignore line that strips the lockfile of several packages is one finding."""
from __future__ import annotations

import json

from deploycheck import config as config_mod
from deploycheck import engine


def test_one_gitignore_line_for_many_packages_is_one_finding(tmp_path):
    (tmp_path / ".gitignore").write_text("node_modules\npackage-lock.json\n")
    (tmp_path / "railway.json").write_text('{"deploy": {"startCommand": "node api/index.js"}}')
    for pkg in ("api", "worker", "admin"):
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "package.json").write_text(json.dumps(
            {"name": pkg, "engines": {"node": "20.x"}, "scripts": {"start": "node index.js"},
             "dependencies": {"express": "^4.21.1"}}))
        (tmp_path / pkg / "index.js").write_text("require('express')().listen(process.env.PORT || 3000);\n")
    result = engine.scan(config_mod.load(tmp_path, overrides={"select": ["rollback"], "jobs": 1}))
    found = [f for f in result.active if f.rule.id == "rollback/ignored-lockfile"]
    assert len(found) == 1
    assert (found[0].location.path, found[0].location.line) == (".gitignore", 2)
    assert "3 packages (admin/package.json, api/package.json, worker/package.json)" in found[0].message
