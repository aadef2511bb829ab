"""Repository facts, one file at a time: manifests, lockfiles, runtime pins, migrations, tests, CI
workflows, scripts, and the instrumentation in the code (error trackers, process handlers, error
logging, feature-flag SDKs, health-check libraries).

Every extractor here is a pure function of one file; it appends typed facts (model.py, section
"repository") to `facts.extra["repo"]`. The linker at the bottom (`LINKERS`) gathers them into
`project.repo` and does the few things that need more than one file (a lockfile too large to read,
a `.down.sql` beside an `.up.sql`, a workflow that calls another one), then detects the platform.
Judgement (is this pinned enough, is this reversible enough to matter) stays in the checks.
"""
from __future__ import annotations

import ast
import json
import re
from typing import Any, Iterable

import yaml

from deploycheck.core import Location
from deploycheck.project.extract import CODE, JS, PY, Extractor
from deploycheck.project.model import (CiWorkflow, Dependency, FileFacts, Instrumentation, Language,
                                       Lockfile, Manifest, Migration, Project, Role, RuntimePin, Script,
                                       TestFile)
from deploycheck.project.parse import FileContext, LinedDict, LinedList, _strip_json_comments

KEY = "repo"


def _add(out: FileFacts, fact: object) -> None:
    out.extra.setdefault(KEY, []).append(fact)


def _name(ctx: FileContext) -> str:
    return ctx.path.rsplit("/", 1)[-1]


def _dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


# ============================================================================ versions

_NODE_ALIAS = re.compile(r"^\s*(lts/\*|lts|node|latest|stable|current|system|\*|x|)\s*$", re.I)
_VERSIONISH = re.compile(r"^v?\d+(\.(\d+|x|\*))*([-.]?[\w.]*)?$", re.I)


def node_version_pinned(spec: str) -> bool:
    """A release line (20, 20.x, 20.11.1, ^20.11, ~20, lts/iron, >=20 <21) rather than a floating alias."""
    s = spec.strip()
    if _NODE_ALIAS.match(s):
        return False
    if re.match(r"^lts/[a-z]+$", s, re.I):       # lts/iron is the Node 20 line
        return True
    if "||" in s:
        return all(node_version_pinned(p) for p in s.split("||"))
    if re.search(r">=?\s*v?\d", s) and not re.search(r"<=?\s*v?\d", s):
        return False                               # an open range: whatever is newest
    return bool(re.search(r"\d", s))


def python_version_pinned(spec: str) -> bool:
    s = spec.strip().lower()
    s = re.sub(r"^(python|cpython)-?", "", s)
    if not s or s in ("3", "python3", "latest", "system", "*"):
        return False
    if re.search(r">=?\s*\d", s) and not re.search(r"(<=?|~=|==)\s*\d", s):
        return False
    if s.startswith("^"):
        return False                               # poetry ^3.11 means any 3.x from 3.11
    return bool(re.search(r"3\.\d+", s)) or s.startswith("pypy")


# ============================================================================ package.json


def _json_key_line(ctx: FileContext, key: str, after: int = 1, before: int | None = None) -> int | None:
    rx = re.compile(r'"' + re.escape(key) + r'"\s*:')
    end = before or len(ctx.lines)
    for n in range(max(after, 1), end + 1):
        if rx.search(ctx.line_text(n)):
            return n
    return None


def _section_end(ctx: FileContext, start: int) -> int:
    """Last line of the JSON object that opens on line `start` (brace counting outside strings)."""
    depth = 0
    opened = False
    for n in range(start, len(ctx.lines) + 1):
        text = re.sub(r'"(?:\\.|[^"\\])*"', '""', ctx.line_text(n))
        for ch in text:
            if ch in "{[":
                depth += 1
                opened = True
            elif ch in "}]":
                depth -= 1
                if opened and depth <= 0:
                    return n
    return len(ctx.lines)


def extract_package_json(ctx: FileContext, out: FileFacts) -> None:
    if _name(ctx) != "package.json":
        return
    data = ctx.json_data
    if not isinstance(data, dict):
        return
    deps: list[Dependency] = []
    for section, dev in (("dependencies", False), ("devDependencies", True), ("optionalDependencies", False)):
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        start = _json_key_line(ctx, section) or 1
        end = _section_end(ctx, start)
        for name, spec in table.items():
            if not isinstance(name, str):
                continue
            spec = spec if isinstance(spec, str) else ""
            line = _json_key_line(ctx, name, start + 1, end) or start
            exact = bool(re.match(r"^v?\d+\.\d+\.\d+([-+][\w.]+)?$", spec.strip()))
            deps.append(Dependency(name, spec, Location(ctx.path, line), dev, exact))
    scripts = data.get("scripts")
    scripts_t = tuple((k, v) for k, v in scripts.items() if isinstance(k, str) and isinstance(v, str)) \
        if isinstance(scripts, dict) else ()
    sstart = _json_key_line(ctx, "scripts") or 1
    send = _section_end(ctx, sstart)
    script_lines = tuple((k, _json_key_line(ctx, k, sstart + 1, send) or sstart) for k, _ in scripts_t)
    ws = data.get("workspaces")
    if isinstance(ws, dict):
        ws = ws.get("packages")
    workspaces = tuple(w for w in ws if isinstance(w, str)) if isinstance(ws, list) else ()
    pm = data.get("packageManager") if isinstance(data.get("packageManager"), str) else None
    publishable = (data.get("private") is not True and "start" not in dict(scripts_t)
                   and any(k in data for k in ("main", "exports", "module", "types", "files", "publishConfig", "bin")))
    _add(out, Manifest(ctx.path, "npm", "package.json", Location(ctx.path, 1), tuple(deps), scripts_t,
                       script_lines, pm, workspaces, publishable=publishable))
    engines = data.get("engines")
    if isinstance(engines, dict):
        start = _json_key_line(ctx, "engines") or 1
        for runtime in ("node", "bun", "deno"):
            v = engines.get(runtime)
            if isinstance(v, str) and v.strip():
                line = _json_key_line(ctx, runtime, start, _section_end(ctx, start)) or start
                _add(out, RuntimePin(runtime, v, Location(ctx.path, line), "engines", node_version_pinned(v)))
    volta = data.get("volta")
    if isinstance(volta, dict) and isinstance(volta.get("node"), str):
        start = _json_key_line(ctx, "volta") or 1
        line = _json_key_line(ctx, "node", start) or start
        _add(out, RuntimePin("node", volta["node"], Location(ctx.path, line), "volta",
                             node_version_pinned(volta["node"])))


# ============================================================================ JS lockfiles

_NM = re.compile(r"(?:^|/)node_modules/((?:@[^/]+/)?[^/]+)$")


def _specs(obj: Any, *sections: str) -> tuple[tuple[str, str], ...]:
    out = []
    for s in sections:
        t = obj.get(s) if isinstance(obj, dict) else None
        if isinstance(t, dict):
            for k, v in t.items():
                if isinstance(v, dict):       # pnpm importers: {specifier, version}
                    v = v.get("specifier", v.get("version", ""))
                out.append((str(k), v if isinstance(v, str) else ""))
    return tuple(out)


_DEP_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")


def extract_js_lockfile(ctx: FileContext, out: FileFacts) -> None:
    name = _name(ctx)
    loc = Location(ctx.path, 1)
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        data = ctx.json_data
        if not isinstance(data, dict):
            _add(out, Lockfile(ctx.path, "npm", loc, parsed=False))
            return
        packages: set[str] = set()
        importers = []
        pk = data.get("packages")
        if isinstance(pk, dict):
            for key, entry in pk.items():
                m = _NM.search(key)
                if m:
                    packages.add(m.group(1))
                elif isinstance(entry, dict) and "node_modules/" not in key:
                    importers.append((key, _specs(entry, *_DEP_SECTIONS)))
        deps = data.get("dependencies")
        if isinstance(deps, dict):                 # lockfileVersion 1
            packages.update(str(k) for k in deps)
        _add(out, Lockfile(ctx.path, "npm", loc, frozenset(packages), tuple(importers)))
    elif name == "yarn.lock":
        entries: set[str] = set()
        packages = set()
        for line in ctx.lines:
            if not line or line[0] in " \t#" or not line.rstrip().endswith(":"):
                continue
            for item in line.rstrip()[:-1].split(","):
                item = item.strip().strip('"')
                if not item or item == "__metadata":
                    continue
                at = item.find("@", 1)
                if at <= 0:
                    continue
                pkg, spec = item[:at], item[at + 1:]
                packages.add(pkg)
                entries.add(f"{pkg}@{spec}")
                if spec.startswith("npm:"):
                    entries.add(f"{pkg}@{spec[4:]}")
        _add(out, Lockfile(ctx.path, "yarn", loc, frozenset(packages), entries=frozenset(entries)))
    elif name == "pnpm-lock.yaml":
        try:
            data = yaml.load(ctx.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (yaml.YAMLError, RecursionError, ValueError):
            _add(out, Lockfile(ctx.path, "pnpm", loc, parsed=False))
            return
        if not isinstance(data, dict):
            _add(out, Lockfile(ctx.path, "pnpm", loc, parsed=False))
            return
        importers = []
        imp = data.get("importers")
        if isinstance(imp, dict):
            for key, entry in imp.items():
                importers.append(("" if key == "." else str(key), _specs(entry, *_DEP_SECTIONS)))
        elif isinstance(data.get("specifiers"), dict):   # lockfile v5: one importer at the top
            importers.append(("", tuple((str(k), str(v)) for k, v in data["specifiers"].items())))
        packages = set()
        for key in (data.get("packages") or {}) if isinstance(data.get("packages"), dict) else {}:
            k = str(key).lstrip("/")
            m = re.match(r"^((?:@[^/@]+/)?[^/@(]+)[@/]", k)
            if m:
                packages.add(m.group(1))
        for _, specs in importers:
            packages.update(n for n, _ in specs)
        _add(out, Lockfile(ctx.path, "pnpm", loc, frozenset(packages), tuple(importers)))
    elif name == "bun.lock":
        try:
            data = json.loads(_strip_json_comments(ctx.text))
        except (json.JSONDecodeError, RecursionError):
            _add(out, Lockfile(ctx.path, "bun", loc, parsed=False))
            return
        importers = []
        ws = data.get("workspaces") if isinstance(data, dict) else None
        if isinstance(ws, dict):
            for key, entry in ws.items():
                importers.append((str(key), _specs(entry, *_DEP_SECTIONS)))
        pk = data.get("packages") if isinstance(data, dict) else None
        packages = set(str(k).rsplit("/", 1)[-1] if not str(k).startswith("@") else str(k) for k in pk) \
            if isinstance(pk, dict) else set()
        for _, specs in importers:
            packages.update(n for n, _ in specs)
        _add(out, Lockfile(ctx.path, "bun", loc, frozenset(packages), tuple(importers)))


# ============================================================================ Python manifests and lockfiles

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_DEV_REQ = re.compile(r"(^|[/_.-])(dev|devel|develop|test|tests|testing|lint|docs?|ci|local|typing|mypy)([/_.-]|$)", re.I)


def normalize_py(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _req_pinned(rest: str) -> bool:
    rest = rest.split(";", 1)[0].strip()
    if re.match(r"^===?\s*[\w.+!-]+$", rest) and "*" not in rest:
        return True
    if rest.startswith("@"):                       # a direct reference: pinned when it names a commit/tag/file
        return bool(re.search(r"@[0-9a-f]{7,40}\b|@v?\d[\w.]*|#sha|\.(whl|tar\.gz|zip)\b", rest[1:]))
    return False


def extract_requirements(ctx: FileContext, out: FileFacts) -> None:
    name = _name(ctx).lower()
    if not (name.startswith("requirements") or name.endswith(("requirements.txt", "requirements.in"))
            or name == "constraints.txt" or _in_requirements_dir(ctx.path)):
        return
    deps: list[Dependency] = []
    includes: list[str] = []
    hashed = "--hash" in ctx.text
    dev = bool(_DEV_REQ.search(ctx.path.lower().replace("requirements", "", 1)))
    joined: list[tuple[int, str]] = []
    buf, start = "", 0
    for n, line in ctx.iter_lines():
        if not buf:
            start = n
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1].rstrip() + " "
            continue
        joined.append((start, buf + line))
        buf = ""
    for n, line in joined:
        text = line.split(" #", 1)[0].strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("-"):
            m = re.match(r"^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)", text)
            if m:
                includes.append(m.group(2))
            continue
        if "://" in text and not re.match(r"^[A-Za-z0-9._-]+\s*(\[[^\]]*\])?\s*@", text):
            continue                               # a bare URL or path line
        m = _REQ.match(text)
        if not m:
            continue
        rest = m.group(3)
        pinned = _req_pinned(rest) or (hashed and "--hash" in rest)
        deps.append(Dependency(m.group(1), rest.split(";", 1)[0].split("--hash", 1)[0].strip(),
                               Location(ctx.path, n), dev, pinned))
    kind = "requirements-in" if name.endswith(".in") else "requirements"
    _add(out, Manifest(ctx.path, "python", kind, Location(ctx.path, 1), tuple(deps), includes=tuple(includes),
                       dev_only=dev or name == "constraints.txt"))


def _in_requirements_dir(path: str) -> bool:
    return bool(re.search(r"(^|/)requirements/[\w.-]+\.(txt|in)$", path))


def _toml_line(ctx: FileContext, pattern: str, start: int = 1) -> int:
    return ctx.find_line(pattern, start) or 1


def extract_pyproject(ctx: FileContext, out: FileFacts) -> None:
    name = _name(ctx)
    data = ctx.toml_data
    if not isinstance(data, dict) or not data:
        return
    if name == "pyproject.toml":
        deps: list[Dependency] = []
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        for spec in project.get("dependencies") or []:
            if isinstance(spec, str):
                m = _REQ.match(spec)
                if m:
                    line = _toml_line(ctx, r"^\s*['\"]" + re.escape(m.group(1)))
                    deps.append(Dependency(m.group(1), m.group(3), Location(ctx.path, line), False,
                                           _req_pinned(m.group(3))))
        poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
        pdeps = poetry.get("dependencies") if isinstance(poetry.get("dependencies"), dict) else {}
        for dep, spec in pdeps.items():
            if dep == "python":
                line = _toml_line(ctx, r"^\s*python\s*=")
                if isinstance(spec, str):
                    _add(out, RuntimePin("python", spec, Location(ctx.path, line), "requires-python",
                                         _python_constraint_pinned(spec)))
                continue
            s = spec if isinstance(spec, str) else (spec.get("version", "") if isinstance(spec, dict) else "")
            line = _toml_line(ctx, r"^\s*['\"]?" + re.escape(dep) + r"['\"]?\s*=")
            deps.append(Dependency(dep, s, Location(ctx.path, line), False, bool(re.match(r"^=?=?\d[\w.]*$", s))))
        rp = project.get("requires-python")
        if isinstance(rp, str):
            _add(out, RuntimePin("python", rp, Location(ctx.path, _toml_line(ctx, r"^\s*requires-python")),
                                 "requires-python", _python_constraint_pinned(rp)))
        lock_tool = next((t for t in ("poetry", "uv", "pdm", "hatch", "rye", "pixi") if t in tool), None)
        if lock_tool == "poetry" and not poetry.get("dependencies") and not project:
            lock_tool = None
        publishable = "build-system" in data and bool(
            project.get("classifiers") or project.get("urls") or poetry.get("classifiers") or poetry.get("repository"))
        if deps or project or poetry:
            _add(out, Manifest(ctx.path, "python", "pyproject", Location(ctx.path, 1), tuple(deps),
                               lock_tool=lock_tool, publishable=publishable))
    elif name.lower() == "pipfile":
        deps = []
        for section, dev in (("packages", False), ("dev-packages", True)):
            t = data.get(section)
            if not isinstance(t, dict):
                continue
            for dep, spec in t.items():
                s = spec if isinstance(spec, str) else (spec.get("version", "") if isinstance(spec, dict) else "")
                line = _toml_line(ctx, r"^\s*['\"]?" + re.escape(dep) + r"['\"]?\s*=")
                deps.append(Dependency(dep, s, Location(ctx.path, line), dev, s.startswith("==")))
        _add(out, Manifest(ctx.path, "python", "pipfile", Location(ctx.path, 1), tuple(deps), lock_tool="pipenv"))
        req = data.get("requires")
        if isinstance(req, dict):
            for key in ("python_full_version", "python_version"):
                v = req.get(key)
                if isinstance(v, str):
                    _add(out, RuntimePin("python", v, Location(ctx.path, _toml_line(ctx, r"^\s*" + key)), "pipfile",
                                         python_version_pinned(v)))
                    break


def _python_constraint_pinned(spec: str) -> bool:
    """requires-python / poetry python: a pin only when it allows a single minor version."""
    s = spec.replace(" ", "")
    if re.match(r"^(==)?3\.\d+(\.\d+|\.\*)?$", s) or re.match(r"^~=3\.\d+\.\d+$", s) or re.match(r"^~3\.\d+", s):
        return True
    m = re.match(r"^>=?3\.(\d+)(\.\d+)?,<3\.(\d+)", s)
    return bool(m and int(m.group(3)) - int(m.group(1)) <= 1)


def extract_py_lockfile(ctx: FileContext, out: FileFacts) -> None:
    name = _name(ctx)
    loc = Location(ctx.path, 1)
    kind = {"poetry.lock": "poetry", "uv.lock": "uv", "pdm.lock": "pdm", "Pipfile.lock": "pipenv"}.get(name)
    if kind is None:
        return
    packages: set[str] = set()
    if kind == "pipenv":
        try:
            data = json.loads(ctx.text)
        except json.JSONDecodeError:
            _add(out, Lockfile(ctx.path, kind, loc, parsed=False))
            return
        for section in ("default", "develop"):
            if isinstance(data, dict) and isinstance(data.get(section), dict):
                packages.update(normalize_py(k) for k in data[section])
    else:
        # [[package]] name = "x": a line scan is enough and avoids loading a large TOML file.
        for m in re.finditer(r'^\[\[package\]\]\s*\nname\s*=\s*"([^"]+)"', ctx.text, re.M):
            packages.add(normalize_py(m.group(1)))
        if not packages and "[[package]]" in ctx.text:
            data = ctx.toml_data
            for p in data.get("package", []) if isinstance(data, dict) else []:
                if isinstance(p, dict) and isinstance(p.get("name"), str):
                    packages.add(normalize_py(p["name"]))
    _add(out, Lockfile(ctx.path, kind, loc, frozenset(packages)))


# ============================================================================ runtime files


def extract_runtime_file(ctx: FileContext, out: FileFacts) -> None:
    name = _name(ctx)
    lines = [(n, l.split("#", 1)[0].strip()) for n, l in ctx.iter_lines()]
    lines = [(n, l) for n, l in lines if l]
    if name in (".nvmrc", ".node-version"):
        if lines:
            n, v = lines[0]
            _add(out, RuntimePin("node", v, Location(ctx.path, n), name, node_version_pinned(v)))
    elif name == ".python-version":
        if lines:
            n, v = lines[0]
            _add(out, RuntimePin("python", v, Location(ctx.path, n), name,
                                 python_version_pinned(v) and bool(re.match(r"^(pypy|python-?)?\d", v))))
    elif name == "runtime.txt":
        if lines:
            n, v = lines[0]
            if v.lower().startswith("python"):
                _add(out, RuntimePin("python", v, Location(ctx.path, n), name, python_version_pinned(v)))
    elif name == ".tool-versions":
        for n, l in lines:
            parts = l.split()
            if len(parts) >= 2:
                tool = {"nodejs": "node", "node": "node", "python": "python", "bun": "bun", "deno": "deno"}.get(parts[0])
                if tool:
                    ok = node_version_pinned(parts[1]) if tool != "python" else python_version_pinned(parts[1])
                    _add(out, RuntimePin(tool, parts[1], Location(ctx.path, n), name, ok))


# ============================================================================ migrations

_JS_DESTRUCTIVE = re.compile(
    r"\.(dropTable(?:IfExists)?|dropColumns?|removeColumn|renameColumn|renameTable|dropSchema|truncate|"
    r"dropCollection|removeField)\s*\(\s*(?:['\"`]([\w.]+)['\"`])?(?:\s*,\s*['\"`]([\w.]+)['\"`])?")
_SQL_DESTRUCTIVE = re.compile(
    r"\b(DROP\s+TABLE(?:\s+IF\s+EXISTS)?\s+[\"`]?([\w.]+)|DROP\s+COLUMN(?:\s+IF\s+EXISTS)?\s+[\"`]?(\w+)"
    r"|TRUNCATE(?:\s+TABLE)?\s+[\"`]?([\w.]+)|RENAME\s+COLUMN\s+[\"`]?(\w+)|DROP\s+SCHEMA\s+[\"`]?(\w+))", re.I)
_ACTION = {"droptable": "drops table", "droptableifexists": "drops table", "dropcolumn": "drops column",
           "dropcolumns": "drops columns", "removecolumn": "drops column", "renamecolumn": "renames column",
           "renametable": "renames table", "dropschema": "drops schema", "truncate": "empties table",
           "dropcollection": "drops collection", "removefield": "drops field"}


def _sql_destructive(text: str, ctx: FileContext, first_line: int) -> list[tuple[str, Location]]:
    found = []
    for m in _SQL_DESTRUCTIVE.finditer(text):
        word = m.group(1).split()[0].upper()
        target = next((g for g in m.groups()[1:] if g), "")
        what = {"DROP": "drops " + ("column" if "COLUMN" in m.group(1).upper() else "schema" if "SCHEMA" in m.group(1).upper()
                                    else "table"), "TRUNCATE": "empties table", "RENAME": "renames column"}[word]
        line = first_line + text.count("\n", 0, m.start())
        if ctx.is_comment_line(line):
            continue
        found.append((f"{what} {target}".strip(), Location(ctx.path, line)))
    return found


_JS_FN_DEF = """
[
  (pair key: [(property_identifier) (string)] @name value: [(arrow_function) (function_expression)] @fn)
  (method_definition name: (property_identifier) @name) @fn
  (function_declaration name: (identifier) @name) @fn
  (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)] @fn)
  (assignment_expression left: (member_expression property: (property_identifier) @name)
                         right: [(arrow_function) (function_expression)] @fn)
]
"""
_JS_DOWN_VALUE = """
(assignment_expression left: (member_expression property: (property_identifier) @name) right: (_) @value)
"""


def _js_body_empty(ctx: FileContext, fn) -> bool:
    body = fn.child_by_field_name("body")
    if body is None:
        return False
    if body.type != "statement_block":
        return ctx.node_text(body).strip() in ("undefined", "null", "Promise.resolve()", "{}")
    stmts = [c for c in body.named_children if c.type != "comment"]
    if not stmts:
        return True
    if len(stmts) == 1:
        t = ctx.node_text(stmts[0]).strip().rstrip(";")
        return t in ("return", "return Promise.resolve()", "return undefined", "return null")
    return False


def _migration_js(ctx: FileContext, out: FileFacts) -> None:
    text = ctx.text
    if "node-pg-migrate" in text or re.search(r"\(\s*pgm\b", text):
        tool = "node-pg-migrate"
    elif "queryInterface" in text or "Sequelize" in text:
        tool = "sequelize"
    elif "MigrationInterface" in text or "queryRunner" in text:
        tool = "typeorm"
    elif "knex" in text.lower():
        tool = "knex"
    elif "Kysely" in text:
        tool = "kysely"
    elif "@mikro-orm" in text:
        tool = "mikro-orm"
    else:
        tool = "unknown"
    up = down = None
    for _, caps in ctx.matches(_JS_FN_DEF):
        name_node = caps.get("name", [None])[0]
        fn = caps.get("fn", [None])[0]
        if name_node is None or fn is None:
            continue
        name = ctx.node_text(name_node).strip("'\"")
        if name == "up" and up is None:
            up = fn
        elif name == "down" and down is None:
            down = fn
    if up is None:
        return                                     # not a migration module we understand (a helper, a config)
    destructive = []
    up_text = ctx.node_text(up)
    up_line = up.start_point[0] + 1
    for m in _JS_DESTRUCTIVE.finditer(up_text):
        line = up_line + up_text.count("\n", 0, m.start())
        what = _ACTION.get(m.group(1).lower(), m.group(1))
        target = ".".join(g for g in (m.group(2), m.group(3)) if g)
        destructive.append((f"{what} {target}".strip(), Location(ctx.path, line)))
    destructive += _sql_destructive(up_text, ctx, up_line)
    reversible: bool | None
    reason = ""
    down_loc = None
    if down is not None:
        down_loc = ctx.loc(down)
        reversible = not _js_body_empty(ctx, down)
        reason = "" if reversible else "down() does nothing"
    else:
        # `exports.down = false` (node-pg-migrate: irreversible on purpose)
        explicit = re.search(r"(exports\.down|export\s+const\s+down)\s*=\s*(false|undefined|null)\b", text)
        if explicit:
            reversible, reason = False, "down is set to " + explicit.group(2)
            down_loc = Location(ctx.path, ctx.offset_to_line(explicit.start()))
        elif tool == "node-pg-migrate" and not re.search(r"\bpgm\.(sql|db\.query)\s*\(", up_text) and not destructive:
            reversible = True                      # node-pg-migrate reverses createTable/addColumn… by itself
        else:
            reversible, reason = False, "no down()"
    loc = Location(ctx.path, up_line, up.start_point[1] + 1)
    _add(out, Migration(ctx.path, tool, loc, reversible, reason, down_loc, tuple(destructive)))


_PY_DESTRUCTIVE_CALLS = {"drop_table": "drops table", "drop_column": "drops column", "rename_table": "renames table",
                         "drop_index": None, "execute": "sql"}
_DJANGO_DESTRUCTIVE = {"RemoveField": "drops field", "DeleteModel": "drops model", "RenameField": "renames field",
                       "RenameModel": "renames model"}


def _str_arg(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def _py_only_passes(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for stmt in fn.body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue                               # docstring or `...`
        if isinstance(stmt, ast.Raise):
            continue                               # raise NotImplementedError: irreversible on purpose
        return False
    return True


def _migration_py(ctx: FileContext, out: FileFacts) -> None:
    tree = ctx.py_tree
    funcs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assigns: dict[str, ast.AST] = {}
    for n in tree.body:
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            assigns[n.targets[0].id] = n.value
        elif isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.value is not None:
            assigns[n.target.id] = n.value
    if "upgrade" in funcs:                         # Alembic
        up = funcs["upgrade"]
        destructive = []
        for node in ast.walk(up):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                attr = node.func.attr
                if attr in ("drop_table", "drop_column", "rename_table"):
                    args = [a for a in (_str_arg(x) for x in node.args) if a]
                    what = _PY_DESTRUCTIVE_CALLS[attr]
                    destructive.append((f"{what} {'.'.join(args[:2])}".strip(), ctx.loc(node)))
                elif attr == "alter_column" and any(k.arg == "new_column_name" for k in node.keywords):
                    destructive.append((f"renames column {_str_arg(node.args[1]) if len(node.args) > 1 else ''}".strip(),
                                        ctx.loc(node)))
                elif attr == "execute" and node.args:
                    sql = _str_arg(node.args[0])
                    if not sql and isinstance(node.args[0], ast.Call) and node.args[0].args:
                        sql = _str_arg(node.args[0].args[0])       # op.execute(sa.text("..."))
                    for what, _loc in _sql_destructive(sql, ctx, node.lineno):
                        destructive.append((what, ctx.loc(node)))
        down = funcs.get("downgrade")
        if down is None:
            reversible, reason, down_loc = False, "no downgrade()", None
        elif _py_only_passes(down):
            reversible, reason, down_loc = False, "downgrade() does nothing", ctx.loc(down)
        else:
            reversible, reason, down_loc = True, "", ctx.loc(down)
        rev = _str_arg(assigns.get("revision")) if "revision" in assigns else None
        parents: tuple[str, ...] = ()
        dr = assigns.get("down_revision")
        if isinstance(dr, ast.Constant) and isinstance(dr.value, str):
            parents = (dr.value,)
        elif isinstance(dr, (ast.Tuple, ast.List)):
            parents = tuple(_str_arg(e) for e in dr.elts if _str_arg(e))
        _add(out, Migration(ctx.path, "alembic", Location(ctx.path, up.lineno, up.col_offset + 1), reversible,
                            reason, down_loc, tuple(destructive), rev or None, parents))
        return
    # Django: class Migration(migrations.Migration) with operations = [...]
    for cls in tree.body:
        if not (isinstance(cls, ast.ClassDef) and cls.name == "Migration"):
            continue
        ops: list[ast.AST] = []
        deps: list[str] = []
        app = _dir(_dir(ctx.path)).rsplit("/", 1)[-1]
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                if stmt.targets[0].id == "operations" and isinstance(stmt.value, (ast.List, ast.Tuple)):
                    ops = list(stmt.value.elts)
                elif stmt.targets[0].id == "dependencies" and isinstance(stmt.value, (ast.List, ast.Tuple)):
                    for d in stmt.value.elts:
                        if isinstance(d, ast.Tuple) and len(d.elts) == 2 and _str_arg(d.elts[0]) == app:
                            deps.append(_str_arg(d.elts[1]))
        destructive = []
        reversible, reason, down_loc = True, "", None
        for op in ops:
            if not (isinstance(op, ast.Call)):
                continue
            fname = op.func.attr if isinstance(op.func, ast.Attribute) else (op.func.id if isinstance(op.func, ast.Name) else "")
            kw = {k.arg: k.value for k in op.keywords if k.arg}
            if fname in _DJANGO_DESTRUCTIVE:
                target = ".".join(a for a in (_str_arg(kw.get("model_name", ast.Constant(""))) or
                                              (_str_arg(op.args[0]) if op.args else ""),
                                              _str_arg(kw.get("name", ast.Constant(""))) or
                                              (_str_arg(op.args[1]) if len(op.args) > 1 else "")) if a)
                destructive.append((f"{_DJANGO_DESTRUCTIVE[fname]} {target}".strip(), ctx.loc(op)))
            elif fname == "RunPython":
                if len(op.args) < 2 and "reverse_code" not in kw:
                    reversible, reason, down_loc = False, "RunPython without reverse_code", ctx.loc(op)
            elif fname == "RunSQL":
                sql = _str_arg(op.args[0]) if op.args else _str_arg(kw.get("sql", ast.Constant("")))
                for what, _l in _sql_destructive(sql, ctx, op.lineno):
                    destructive.append((what, ctx.loc(op)))
                if len(op.args) < 2 and "reverse_sql" not in kw:
                    reversible, reason, down_loc = False, "RunSQL without reverse_sql", ctx.loc(op)
        name = ctx.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        _add(out, Migration(ctx.path, "django", Location(ctx.path, cls.lineno, cls.col_offset + 1), reversible,
                            reason, down_loc, tuple(destructive), name, tuple(deps)))
        return


# Postgrator (Fastify's migrations): 001.do.users.sql with its 001.undo.users.sql.
_POSTGRATOR_DO = re.compile(r"^\d+\.do\.[\w.-]*sql$", re.I)
_POSTGRATOR_UNDO = re.compile(r"^\d+\.undo\.[\w.-]*sql$", re.I)


def _down_half(path: str) -> str:
    """x.up.sql → x.down.sql; 001.do.x.sql → 001.undo.x.sql."""
    head, _, name = path.rpartition("/")
    name = re.sub(r"\.up\.sql$", ".down.sql", name, flags=re.I) if re.search(r"\.up\.sql$", name, re.I) \
        else re.sub(r"^(\d+)\.do\.", r"\1.undo.", name, flags=re.I)
    return f"{head}/{name}" if head else name


def _migration_sql(ctx: FileContext, out: FileFacts) -> None:
    name = _name(ctx)
    parts = ctx.path.split("/")
    text = ctx.text
    loc = Location(ctx.path, 1)
    m = re.search(r"^\s*--\s*migrate:down\b", text, re.M | re.I)
    if re.search(r"^\s*--\s*migrate:up\b", text, re.M | re.I):            # dbmate
        up_text = text[:m.start()] if m else text
        down_text = text[m.end():] if m else ""
        down_body = [l for l in down_text.splitlines() if l.strip() and not l.strip().startswith("--")]
        down_loc = Location(ctx.path, ctx.offset_to_line(m.start())) if m else None
        _add(out, Migration(ctx.path, "dbmate", loc, bool(down_body), "" if down_body else "empty migrate:down",
                            down_loc, tuple(_sql_destructive(up_text, ctx, 1))))
        return
    if re.search(r"\.down\.sql$", name, re.I) or re.match(r"^U\d", name) or _POSTGRATOR_UNDO.match(name):
        return                                      # the down half of a pair, or a Flyway/Postgrator undo script
    if re.search(r"\.up\.sql$", name, re.I) or _POSTGRATOR_DO.match(name):
        _add(out, Migration(ctx.path, "sql-pair", loc, None, "", None, tuple(_sql_destructive(text, ctx, 1))))
        return
    if "prisma" in parts or (name == "migration.sql" and len(parts) >= 2 and re.match(r"^\d{14}_\w+$", parts[-2])):
        tool = "prisma"     # Prisma Migrate's layout wherever the schema lives: <timestamp>_<name>/migration.sql
    elif re.match(r"^V\d+(_\d+)*__", name):
        tool = "flyway"
    elif "drizzle" in parts or re.match(r"^\d{4}_[a-z]+_[a-z_]+\.sql$", name):
        tool = "drizzle"
    elif "supabase" in parts:
        tool = "supabase"
    else:
        tool = "sql"
    _add(out, Migration(ctx.path, tool, loc, None, "", None, tuple(_sql_destructive(text, ctx, 1))))


def extract_migration(ctx: FileContext, out: FileFacts) -> None:
    if _name(ctx) in ("__init__.py", "env.py", "script.py.mako") or _name(ctx).startswith(("knexfile", "config")):
        return
    if ctx.language.is_js:
        _migration_js(ctx, out)
    elif ctx.language is Language.PYTHON:
        _migration_py(ctx, out)
    elif ctx.language is Language.SQL:
        _migration_sql(ctx, out)


# ============================================================================ tests

_JS_E2E = re.compile(r"""from\s+['"](@playwright/test|playwright|puppeteer|webdriverio|testcafe|selenium-webdriver|@wdio/[\w-]+)['"]"""
                     r"""|require\(\s*['"](@playwright/test|playwright|puppeteer|selenium-webdriver|webdriverio)['"]|\bcy\.(visit|get|request|contains)\(""")
_JS_FRAMEWORKS = (
    ("playwright", re.compile(r"""['"]@playwright/test['"]""")),
    ("cypress", re.compile(r"\bcy\.\w+\(")),
    ("vitest", re.compile(r"""['"]vitest['"]""")),
    ("node:test", re.compile(r"""['"]node:test['"]""")),
    ("jest", re.compile(r"""['"]@jest/globals['"]|\bjest\.(fn|mock|spyOn|setTimeout)\(""")),
    ("mocha", re.compile(r"""['"](mocha|chai)['"]|\bbefore(Each)?\(\s*function""")),
    ("ava", re.compile(r"""['"]ava['"]""")),
    ("tap", re.compile(r"""['"](tap|node-tap)['"]""")),
    ("supertest", re.compile(r"""['"]supertest['"]""")),
    ("puppeteer", re.compile(r"""['"]puppeteer['"]""")),
)
_JS_DRIVES_APP = ("supertest", "light-my-request", "mongodb-memory-server", "testcontainers", "pg-mem", "'msw'",
                  '"msw"', "'nock'", '"nock"', ".inject(", "app.request(", "testClient(", "testApiHandler(",
                  "createServer(")
_JS_CASE = re.compile(r"""(?<![\w.])(it|test)(\.(only|skip|concurrent|each\([^)]*\)))*\(\s*['"`]""")
_HTTP_VERB = r"(get|post|put|patch|delete|del|head|options)"
_JS_CALL_PATH = re.compile(r"""\.""" + _HTTP_VERB + r"""\(\s*(['"`])((?:https?://[^/'"`\s]+|\$\{[^}]+\})?/[^'"`\s]*)\2""", re.I)
_JS_NAV = re.compile(r"""\b(goto|visit|fetch|request)\(\s*(['"`])((?:https?://[^/'"`\s]+|\$\{[^}]+\})?/[^'"`\s]*)\2""")
_JS_URL_KEY = re.compile(r"""\b(url|path)\s*:\s*(['"`])((?:\$\{[^}]+\})?/[^'"`\s]*)\2""")
_JS_CY_REQ = re.compile(r"""cy\.request\(\s*['"](GET|POST|PUT|PATCH|DELETE)['"]\s*,\s*(['"`])([^'"`]+)\2""", re.I)
_METHOD_NEAR = re.compile(r"""method\s*:\s*['"](\w+)['"]""", re.I)

_PY_E2E = re.compile(r"^\s*(from|import)\s+(playwright|selenium|splinter|pyppeteer)\b", re.M)
# Plain substrings (a regex alternation of these is ten times slower on large test suites).
_PY_DRIVES_APP = ("TestClient", ".test_client(", "django.test", "rest_framework.test", "APIClient", "AsyncClient(",
                  "ASGITransport", "WSGITransport", "LiveServerTestCase", "testcontainers", "pytest_postgresql",
                  "webtest", "client.get(", "client.post(", "client.put(", "client.patch(", "client.delete(")
_PY_NAMED = re.compile(r"\b(reverse|reverse_lazy|url_for|resolve_url)\s*\(|\.url_path_for\s*\(")
_PY_NAMED_TOKENS = ("reverse", "url_for", "resolve_url", "url_path_for")
_PY_CALL_PATH = re.compile(r"""\.""" + _HTTP_VERB + r"""\(\s*(f?)(['"])((?:https?://[^/'"\s]+|(?:\{[^}'"]+\})+)?/(?:(?!\3)[^\s])*)\3""", re.I)
_PY_GOTO = re.compile(r"""page\.goto\(\s*f?(['"])([^'"]+)\1""")
_PY_CASE = re.compile(r"def test\w*\s*\(")


def _norm_request_path(raw: str) -> str:
    """A request path as tests write it; `…` marks an unknown prefix (`${base}/x`, f"{API}/x")."""
    p = re.sub(r"^https?://[^/]+", "", raw)
    prefix = "…" if re.match(r"^(\$?\{[^}]+\})+/", p) else ""
    p = re.sub(r"^(\$?\{[^}]+\})+", "", p)
    p = prefix + re.sub(r"\$?\{[^}]+\}", "*", p)
    p = p.split("?", 1)[0].split("#", 1)[0]
    return p or "/"


def extract_test_js(ctx: FileContext, out: FileFacts) -> None:
    text = ctx.text
    cases = len(_JS_CASE.findall(text))
    frameworks = tuple(name for name, rx in _JS_FRAMEWORKS if rx.search(text))
    if not frameworks and cases and re.search(r"\b(describe|expect)\(", text):
        frameworks = ("jest",)                     # jest/mocha globals: the runner comes from package.json
    requests: list[tuple[str, str, Location]] = []
    for m in _JS_CALL_PATH.finditer(text):
        method = m.group(1).upper().replace("DEL", "DELETE") if m.group(1).lower() != "delete" else "DELETE"
        requests.append((method, _norm_request_path(m.group(3)), Location(ctx.path, ctx.offset_to_line(m.start()))))
    for m in _JS_NAV.finditer(text):
        near = _METHOD_NEAR.search(text, m.end(), m.end() + 200)
        method = "GET" if m.group(1) in ("goto", "visit") else (near.group(1).upper() if near else "ANY")
        requests.append((method, _norm_request_path(m.group(3)), Location(ctx.path, ctx.offset_to_line(m.start()))))
    for m in _JS_URL_KEY.finditer(text):
        window = text[max(0, m.start() - 200): m.end() + 200]
        near = _METHOD_NEAR.search(window)
        requests.append((near.group(1).upper() if near else "ANY", _norm_request_path(m.group(3)),
                         Location(ctx.path, ctx.offset_to_line(m.start()))))
    for m in _JS_CY_REQ.finditer(text):
        requests.append((m.group(1).upper(), _norm_request_path(m.group(3)), Location(ctx.path, ctx.offset_to_line(m.start()))))
    if not cases and not requests:
        return
    if _JS_E2E.search(text):
        kind = "e2e"
    elif requests or any(tok in text for tok in _JS_DRIVES_APP):
        kind = "integration"
    else:
        kind = "unit"
    _add(out, TestFile(ctx.path, "js", frameworks, kind, cases, tuple(requests)))


def extract_test_py(ctx: FileContext, out: FileFacts) -> None:
    text = ctx.text
    cases = len(_PY_CASE.findall(text)) if "def test" in text else 0
    frameworks = []
    if "import pytest" in text or "from pytest" in text or (cases and "unittest" not in text):
        frameworks.append("pytest")
    if "unittest" in text:
        frameworks.append("unittest")
    if re.search(r"\bfrom\s+django\.test\b|\brest_framework\.test\b", text):
        frameworks.append("django")
    e2e = any(t in text for t in ("playwright", "selenium", "splinter", "pyppeteer")) and bool(_PY_E2E.search(text))
    if e2e:
        frameworks.append("playwright" if "playwright" in text else "selenium")
    requests = []
    for m in _PY_CALL_PATH.finditer(text):
        path = m.group(4)
        if not m.group(2) and path.startswith("{"):
            continue                               # "{x}/y" without f: a literal, not a path
        requests.append((m.group(1).upper(), _norm_request_path(path), Location(ctx.path, ctx.offset_to_line(m.start()))))
    for m in (_PY_GOTO.finditer(text) if "goto(" in text else ()):
        requests.append(("GET", _norm_request_path(re.sub(r"\{[^}]*\}", "", m.group(2))),
                         Location(ctx.path, ctx.offset_to_line(m.start()))))
    if not cases and not requests:
        return
    if e2e:
        kind = "e2e"
    elif requests or any(tok in text for tok in _PY_DRIVES_APP):
        kind = "integration"
    else:
        kind = "unit"
    named = any(tok in text for tok in _PY_NAMED_TOKENS) and bool(_PY_NAMED.search(text))
    if named and kind == "unit":
        kind = "integration"
    _add(out, TestFile(ctx.path, "python", tuple(frameworks), kind, cases, tuple(requests), named))


def extract_test(ctx: FileContext, out: FileFacts) -> None:
    if ctx.language.is_js:
        extract_test_js(ctx, out)
    elif ctx.language is Language.PYTHON:
        extract_test_py(ctx, out)


# ============================================================================ CI workflows

_CMD_KEYS = frozenset({"run", "script", "before_script", "after_script", "command", "bash", "pwsh", "sh",
                       "powershell", "inlineScript", "install", "before_install", "cmd", "commands"})
_PUSH = frozenset({"push", "pull_request", "pull_request_target", "merge_group", "pull-requests"})


def _block_lines(value: str, line: int) -> list[tuple[str, int]]:
    """A (possibly multi-line) command string, one entry per logical line, with its line number."""
    if "\n" not in value.strip():
        return [(value.strip(), line)]
    out = []
    offset = 1                                     # `run: |` block content starts on the next line
    buf, start = "", 0
    for i, raw in enumerate(value.split("\n")):
        s = raw.strip()
        if not buf:
            start = i
        if s.endswith("\\"):
            buf += s[:-1].rstrip() + " "
            continue
        s = (buf + s).strip()
        buf = ""
        if s and not s.startswith("#"):
            out.append((s, line + offset + start))
    return out


def _walk_commands(node: Any, key_line: int, found: list[tuple[str, int]], uses: list[tuple[str, int]],
                   envs: list[str], depth: int = 0) -> None:
    if depth > 40:
        return
    if isinstance(node, dict):
        for k, v in node.items():
            line = node.line_of(k) if isinstance(node, LinedDict) else key_line
            if k == "uses" and isinstance(v, str):
                uses.append((v, line))
            elif k in ("orbs",) and isinstance(v, dict):
                uses.extend((str(o), node.line_of(k) if isinstance(node, LinedDict) else line) for o in v.values())
            elif k in ("environment", "deployment") and isinstance(v, (str, dict)):
                name = v if isinstance(v, str) else v.get("name")
                if isinstance(name, str):
                    envs.append(name)
            if k in _CMD_KEYS and isinstance(v, str):
                found.extend(_block_lines(v, line))
            elif k in _CMD_KEYS and isinstance(v, list):
                lines = v.item_lines if isinstance(v, LinedList) else [line] * len(v)
                for item, il in zip(v, lines):
                    if isinstance(item, str):
                        found.extend(_block_lines(item, il))
                    else:
                        _walk_commands(item, il, found, uses, envs, depth + 1)
            else:
                _walk_commands(v, line, found, uses, envs, depth + 1)
    elif isinstance(node, list):
        lines = node.item_lines if isinstance(node, LinedList) else [key_line] * len(node)
        for item, il in zip(node, lines):
            if isinstance(item, str) and depth and False:
                continue
            _walk_commands(item, il, found, uses, envs, depth + 1)


def _gh_triggers(on: Any) -> tuple[bool, bool]:
    if isinstance(on, str):
        on = [on]
    if isinstance(on, list):
        names = {str(x) for x in on}
        return bool(names & _PUSH), bool(names & {"pull_request", "pull_request_target"})
    if isinstance(on, dict):
        push = False
        for k, v in on.items():
            if k in ("pull_request", "pull_request_target", "merge_group"):
                push = True
            elif k == "push":
                push = push or not (isinstance(v, dict) and v.get("tags") and not v.get("branches")
                                    and not v.get("branches-ignore"))
        return push, any(k in on for k in ("pull_request", "pull_request_target"))
    return False, False


def extract_ci(ctx: FileContext, out: FileFacts) -> None:
    low = ctx.path.lower()
    system = ("github" if low.startswith((".github/workflows/", ".gitea/workflows/")) else
              "gitlab" if low.endswith((".gitlab-ci.yml", ".gitlab-ci.yaml")) else
              "circleci" if low.startswith(".circleci/") else
              "bitbucket" if "bitbucket-pipelines" in low else
              "azure" if "azure-pipelines" in low else
              "travis" if ".travis" in low else
              "jenkins" if low.endswith("jenkinsfile") else "other")
    loc = Location(ctx.path, 1)
    if system == "jenkins" or ctx.language not in (Language.YAML,):
        cmds = []
        for m in re.finditer(r"""\b(?:sh|bat)\s*\(?\s*(?:script\s*:\s*)?(['"]{1,3})(.+?)\1""", ctx.text, re.S):
            for c, l in _block_lines(m.group(2), ctx.offset_to_line(m.start())):
                cmds.append((c, Location(ctx.path, l)))
        _add(out, CiWorkflow(ctx.path, system, loc, True, False, tuple(cmds)))
        return
    docs = [d for d in ctx.yaml_docs if isinstance(d, dict)]
    if not docs:
        return
    doc = docs[0]
    found: list[tuple[str, int]] = []
    uses: list[tuple[str, int]] = []
    envs: list[str] = []
    on_push, on_pr = True, False
    if system == "github":
        on = doc.get("on", doc.get(True))
        on_push, on_pr = _gh_triggers(on)
        _walk_commands(doc.get("jobs", {}), 1, found, uses, envs)
    else:
        _walk_commands(doc, 1, found, uses, envs)
        on_pr = system in ("gitlab", "bitbucket", "circleci", "azure", "travis")
    _add(out, CiWorkflow(ctx.path, system, loc, on_push, on_pr,
                         tuple((c, Location(ctx.path, l)) for c, l in found),
                         tuple((u, Location(ctx.path, l)) for u, l in uses), tuple(dict.fromkeys(envs))))


# ============================================================================ scripts


def extract_script(ctx: FileContext, out: FileFacts) -> None:
    name = _name(ctx).lower()
    if ctx.language is Language.SHELL:
        cmds = _block_lines(ctx.text, 0)
        cmds = [(c, l) for c, l in cmds if not c.startswith("#")]
        _add(out, Script(ctx.path, "shell", Location(ctx.path, 1),
                         tuple((c, Location(ctx.path, l)) for c, l in cmds)))
    elif name in ("makefile", "gnumakefile", "justfile"):
        targets: list[tuple[str, list[str]]] = []
        cmds = []
        for n, line in ctx.iter_lines():
            m = re.match(r"^([\w./-]+)\s*:(?!=)", line)
            if m:
                targets.append((m.group(1), []))
            elif line.startswith(("\t", "    ")) and targets and line.strip() and not line.strip().startswith("#"):
                c = line.strip().lstrip("@-")
                targets[-1][1].append(c)
                cmds.append((c, Location(ctx.path, n)))
        _add(out, Script(ctx.path, "makefile", Location(ctx.path, 1), tuple(cmds),
                         tuple((t, tuple(c)) for t, c in targets)))


# ============================================================================ instrumentation

# (name, module pattern, init pattern, key name) — the init pattern decides "initialised";
# an import alone is a "tracker-import" (installed somewhere, maybe never started).
_TRACKERS_JS = (
    ("sentry", r"@sentry/[\w-]+", r"\b(Sentry\.)?init\s*\(|withSentryConfig\s*\(|Sentry\.wrap\w*\(", "dsn"),
    ("bugsnag", r"@bugsnag/[\w-]+", r"\bBugsnag\.start\s*\(|\.start\s*\(\s*\{\s*apiKey", "apiKey"),
    ("rollbar", r"rollbar", r"new\s+Rollbar\s*\(|Rollbar\.init\s*\(", "accessToken"),
    ("honeybadger", r"@honeybadger-io/[\w-]+", r"Honeybadger\.configure\s*\(|setupHoneybadger\s*\(", "apiKey"),
    ("datadog", r"dd-trace(/init)?|@datadog/browser-(rum|logs)", r"\.init\s*\(|dd-trace/init", "clientToken"),
    ("new-relic", r"newrelic", r"newrelic", "licenseKey"),
    ("highlight", r"@highlight-run/[\w-]+|highlight\.run", r"\bH\.init\s*\(|withHighlight\w*\(|highlightMiddleware", "projectID"),
    ("posthog", r"posthog-node|posthog-js", r"captureException\s*\(|enableExceptionAutocapture|capture_exceptions", "apiKey"),
    ("axiom", r"@axiomhq/[\w-]+|next-axiom", r"withAxiom\w*\(|new\s+Axiom\s*\(|new\s+Logger\s*\(", "token"),
    ("logtail", r"@logtail/[\w-]+", r"new\s+Logtail\s*\(", "sourceToken"),
    ("elastic-apm", r"elastic-apm-node", r"\.start\s*\(", "secretToken"),
    ("appsignal", r"@appsignal/[\w-]+", r"new\s+Appsignal\s*\(", "pushApiKey"),
    ("airbrake", r"@airbrake/[\w-]+", r"new\s+Notifier\s*\(", "projectKey"),
    ("raygun", r"raygun4?\w*", r"new\s+raygun\.Client\s*\(|\.init\s*\(", "apiKey"),
    ("opentelemetry", r"@opentelemetry/sdk-node|@vercel/otel", r"new\s+NodeSDK\s*\(|registerOTel\s*\(", ""),
)
# Literal substrings one of which each tracker's import must contain.
_TRACKER_TOKENS = {
    "sentry": ("sentry", "raven"), "datadog": ("dd-trace", "ddtrace", "@datadog"), "new-relic": ("newrelic",),
    "highlight": ("highlight",), "elastic-apm": ("elastic-apm", "elasticapm"), "airbrake": ("airbrake", "pybrake"),
    "opentelemetry": ("opentelemetry", "@vercel/otel"), "axiom": ("axiom",), "raygun": ("raygun",),
}
_TRACKERS_PY = (
    ("sentry", r"sentry_sdk|raven", r"sentry_sdk\.init\s*\(|\binit\s*\(\s*dsn|raven\.contrib", "dsn"),
    ("bugsnag", r"bugsnag", r"bugsnag\.configure\s*\(", "api_key"),
    ("rollbar", r"rollbar", r"rollbar\.init\s*\(", "access_token"),
    ("honeybadger", r"honeybadger", r"honeybadger\.configure\s*\(|DjangoHoneybadgerMiddleware|FlaskHoneybadger", "api_key"),
    ("datadog", r"ddtrace", r"patch_all\s*\(|import\s+ddtrace\.auto|ddtrace\.auto|tracer\.configure\s*\(", ""),
    ("new-relic", r"newrelic", r"newrelic\.agent\.initialize\s*\(", ""),
    ("highlight", r"highlight_io", r"highlight_io\.H\s*\(|\bH\s*\(", "project_id"),
    ("posthog", r"posthog", r"capture_exception\s*\(|enable_exception_autocapture", "api_key"),
    ("logfire", r"logfire", r"logfire\.configure\s*\(", "token"),
    ("elastic-apm", r"elasticapm", r"ElasticAPM\s*\(|elasticapm\.Client\s*\(", "secret_token"),
    ("appsignal", r"appsignal", r"appsignal\.start\s*\(", "push_api_key"),
    ("airbrake", r"pybrake", r"pybrake\.Notifier\s*\(", "project_key"),
    ("opentelemetry", r"opentelemetry", r"configure_azure_monitor\s*\(|TracerProvider\s*\(", ""),
)
_FLAGS_JS = re.compile(
    r"""['"](?P<m>launchdarkly-[\w-]+|@launchdarkly/[\w-]+|flagsmith(-nodejs)?|@flagsmith/[\w-]+|unleash-client|@unleash/[\w-]+"""
    r"""|@growthbook/[\w-]+|@vercel/flags(/[\w-]+)?|flags/next|configcat-[\w-]+|@openfeature/[\w-]+|@splitsoftware/[\w-]+"""
    r"""|statsig-[\w-]+|@statsig/[\w-]+|@optimizely/[\w-]+|hypertune|@devcycle/[\w-]+)(/[\w-]+)?['"]""")
_FLAGS_PY = re.compile(
    r"^\s*(from|import)\s+(?P<m>ldclient|flagsmith|UnleashClient|growthbook|openfeature|configcatclient|splitio|statsig"
    r"|optimizely|waffle|devcycle_python_sdk)\b", re.M)
_FLAG_TOKENS = ("launchdarkly", "flagsmith", "unleash", "growthbook", "flags", "configcat", "openfeature",
                "splitsoftware", "statsig", "optimizely", "hypertune", "devcycle")
_HEALTH_TOKENS = ("terminus", "health", "actuator", "under-pressure", "lightship")
_POSTHOG_FLAGS = re.compile(r"isFeatureEnabled\s*\(|getFeatureFlag\s*\(|feature_enabled\s*\(|get_feature_flag\s*\(|useFeatureFlag\w*\(")
_HEALTH_LIBS_JS = re.compile(
    r"""['"](?P<m>@godaddy/terminus|express-healthcheck|express-actuator|fastify-healthcheck|@fastify/under-pressure"""
    r"""|@nestjs/terminus|lightship|@cloudnative/health-connect|express-health-check)['"]""")
_HEALTH_LIBS_PY = re.compile(r"(?P<m>health_check|flask_healthz|fastapi_health|django_health_check|healthcheck\b|py_healthcheck)")
_PROCESS_JS = re.compile(r"""process\.on\(\s*['"](unhandledRejection|uncaughtException)['"]""")
_ERRLOG_JS = re.compile(r"""\bconsole\.error\s*\(|\b(logger|log|\w+\.log|winston|pino|bunyan|this\.logger)\.(error|fatal)\s*\(""")
_ERRLOG_PY = re.compile(r"""\b(logger|log|logging|_log|LOG|LOGGER|\w+\.logger)\.(exception|error|critical)\s*\(|\bcapture_exception\s*\(""")
_ENV_KEY_JS = r"""\s*:\s*(?:process\.env\.(\w+)|process\.env\[\s*['"](\w+)['"]\s*\]|import\.meta\.env\.(\w+)|(['"`]))"""
_ENV_KEY_PY = r"""\s*=\s*(?:os\.environ\.get\(\s*['"](\w+)['"]|os\.getenv\(\s*['"](\w+)['"]|os\.environ\[\s*['"](\w+)['"]\s*\]|settings\.(\w+)|(['"]))"""


def _tracker_detail_js(text: str, key: str, name: str, start: int) -> str:
    window = text[start:start + 1500]
    if re.search(r"\benabled\s*:\s*false\b", window):
        return "off"
    if not key:
        return ""
    m = re.search(r"\b" + key + _ENV_KEY_JS, window)
    if m:
        if m.group(4):
            return ""                              # a literal key in the code: set (secrets may say more)
        return next(g for g in m.groups()[:3] if g)
    if re.search(r"\b" + key + r"\s*[:,}]", window):
        return "?"                                 # from a variable we do not follow
    return {"sentry": "SENTRY_DSN", "bugsnag": "BUGSNAG_API_KEY", "new-relic": "NEW_RELIC_LICENSE_KEY",
            "datadog": "DD_API_KEY", "honeybadger": "HONEYBADGER_API_KEY"}.get(name, "")


def _tracker_detail_py(text: str, key: str, name: str, start: int) -> str:
    window = text[start:start + 1500]
    if not key:
        return ""
    m = re.search(r"\b" + key + _ENV_KEY_PY, window)
    if m:
        if m.group(5):
            return ""
        if m.group(4):
            return m.group(4).upper()               # settings.sentry_dsn -> SENTRY_DSN (pydantic/django naming)
        return next(g for g in m.groups()[:3] if g)
    if re.search(r"\b" + key + r"\s*=", window):
        return "?"
    return {"sentry": "SENTRY_DSN"}.get(name, "")


def extract_instrumentation(ctx: FileContext, out: FileFacts) -> None:
    text = ctx.text
    js = ctx.language.is_js
    trackers = _TRACKERS_JS if js else _TRACKERS_PY
    for name, module, init, key in trackers:
        if not any(tok in text for tok in _TRACKER_TOKENS.get(name, (name,))):
            continue                               # cheap literal test before any regex
        if js:
            imp = re.search(r"""(?:from\s+|require\(\s*|import\s+|import\(\s*)['"](""" + module + r""")['"]""", text)
        else:
            imp = re.search(r"^\s*(?:from|import)\s+(" + module + r")\b", text, re.M) or \
                (re.search(r"['\"](" + module + r")[\w.]*['\"]", text) if name in ("sentry", "honeybadger") else None)
        if not imp:
            continue
        mi = re.search(init, text)
        if mi and not (name == "new-relic" and js and not re.search(r"""(require\(|import\s+)\s*['"]newrelic['"]""", text)):
            detail = (_tracker_detail_js if js else _tracker_detail_py)(text, key, name, mi.start())
            _add(out, Instrumentation("error-tracker", name, Location(ctx.path, ctx.offset_to_line(mi.start())), detail))
        else:
            _add(out, Instrumentation("tracker-import", name, Location(ctx.path, ctx.offset_to_line(imp.start()))))
    if js:
        for m in _PROCESS_JS.finditer(text):
            _add(out, Instrumentation("process-handler", m.group(1), Location(ctx.path, ctx.offset_to_line(m.start()))))
        m = _ERRLOG_JS.search(text) if (".error" in text or ".fatal" in text) else None
        if m:
            _add(out, Instrumentation("error-log", m.group(0).rstrip("( "), Location(ctx.path, ctx.offset_to_line(m.start()))))
        m = re.search(r"\bFastify\s*\(\s*\{[^)]*\blogger\s*:\s*(true|\{)", text) if "logger" in text else None
        if m:
            _add(out, Instrumentation("error-log", "fastify logger", Location(ctx.path, ctx.offset_to_line(m.start()))))
        for m in (_FLAGS_JS.finditer(text) if any(t in text for t in _FLAG_TOKENS) else ()):
            _add(out, Instrumentation("flag-sdk", m.group("m"), Location(ctx.path, ctx.offset_to_line(m.start()))))
        for m in (_HEALTH_LIBS_JS.finditer(text) if any(t in text for t in _HEALTH_TOKENS) else ()):
            _add(out, Instrumentation("health-lib", m.group("m"), Location(ctx.path, ctx.offset_to_line(m.start()))))
    else:
        m = re.search(r"^\s*sys\.excepthook\s*=", text, re.M)
        if m:
            _add(out, Instrumentation("process-handler", "sys.excepthook", Location(ctx.path, ctx.offset_to_line(m.start()))))
        m = _ERRLOG_PY.search(text)
        if m:
            _add(out, Instrumentation("error-log", m.group(0).rstrip("( "), Location(ctx.path, ctx.offset_to_line(m.start()))))
        for m in _FLAGS_PY.finditer(text):
            _add(out, Instrumentation("flag-sdk", m.group("m"), Location(ctx.path, ctx.offset_to_line(m.start()))))
        for m in _HEALTH_LIBS_PY.finditer(text):
            if re.search(r"(import|include\(|INSTALLED_APPS|['\"])", text[max(0, m.start() - 60):m.start() + 1]):
                _add(out, Instrumentation("health-lib", m.group("m"), Location(ctx.path, ctx.offset_to_line(m.start()))))
                break
    if "posthog" in text and _POSTHOG_FLAGS.search(text):
        m = _POSTHOG_FLAGS.search(text)
        _add(out, Instrumentation("flag-sdk", "posthog", Location(ctx.path, ctx.offset_to_line(m.start()))))


_TRACKER_TRIGGERS = (
    "sentry", "Sentry", "bugsnag", "Bugsnag", "rollbar", "Rollbar", "honeybadger", "dd-trace", "ddtrace",
    "@datadog", "newrelic", "highlight", "posthog", "axiom", "logtail", "elastic-apm", "elasticapm", "appsignal",
    "airbrake", "pybrake", "raygun", "logfire", "opentelemetry", "@vercel/otel", "unhandledRejection",
    "uncaughtException", "excepthook", "console.error", ".error(", ".exception(", ".critical(", ".fatal(",
    "logger", "launchdarkly", "ldclient", "flagsmith", "unleash", "Unleash", "growthbook", "flags", "configcat",
    "openfeature", "splitsoftware", "splitio", "statsig", "optimizely", "waffle", "hypertune", "devcycle",
    "terminus", "healthcheck", "health_check", "healthz", "fastapi_health", "under-pressure", "lightship",
    "health-connect", "express-actuator",
)


# ============================================================================ dispatch

_RUNTIME_FILES = (".nvmrc", ".node-version", ".python-version", "runtime.txt", ".tool-versions")
_JS_LOCKS = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock")
_PY_LOCKS = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")


def extract_manifest(ctx: FileContext, out: FileFacts) -> None:
    name = _name(ctx)
    if name == "package.json":
        extract_package_json(ctx, out)
    elif name in _JS_LOCKS:
        extract_js_lockfile(ctx, out)
    elif name in _PY_LOCKS:
        extract_py_lockfile(ctx, out)
    elif name in _RUNTIME_FILES:
        extract_runtime_file(ctx, out)
    elif name in ("pyproject.toml", "Pipfile"):
        extract_pyproject(ctx, out)
    elif name == "setup.py":
        if re.search(r"\bsetup\s*\(", ctx.text):
            _add(out, Manifest(ctx.path, "python", "setup.py", Location(ctx.path, 1),
                               publishable=bool(re.search(r"classifiers\s*=|url\s*=", ctx.text))))
    elif name.lower().startswith("requirements") or name.lower().endswith(("requirements.txt", "requirements.in")) \
            or name == "constraints.txt":
        extract_requirements(ctx, out)


def _requirements_dir(ctx: FileContext, out: FileFacts) -> None:
    if ctx.role is not Role.MANIFEST and _in_requirements_dir(ctx.path):
        extract_requirements(ctx, out)


def _runtime_txt(ctx: FileContext, out: FileFacts) -> None:
    if _name(ctx) == "runtime.txt":
        extract_runtime_file(ctx, out)


EXTRACTORS = (
    Extractor("repo.manifest", extract_manifest, roles=frozenset({Role.MANIFEST})),
    Extractor("repo.runtime-txt", _runtime_txt, roles=frozenset({Role.DEPLOY_CONFIG}), languages=frozenset({Language.TEXT})),
    Extractor("repo.requirements-dir", _requirements_dir, languages=frozenset({Language.TEXT})),
    Extractor("repo.migration", extract_migration, roles=frozenset({Role.MIGRATION})),
    Extractor("repo.test", extract_test, languages=CODE, roles=frozenset({Role.TEST})),
    Extractor("repo.ci", extract_ci, roles=frozenset({Role.CI})),
    Extractor("repo.script", extract_script, languages=frozenset({Language.SHELL, Language.OTHER}),
              roles=frozenset({Role.SCRIPT, Role.OTHER, Role.DEPLOY_CONFIG})),
    Extractor("repo.instrumentation", extract_instrumentation, languages=CODE,
              roles=frozenset({Role.APP, Role.BUILD_CONFIG}), triggers=_TRACKER_TRIGGERS),
)


# ============================================================================ linker

_LOCK_NAMES = frozenset(_JS_LOCKS + _PY_LOCKS + ("bun.lockb",))
_LOCK_KIND = {"package-lock.json": "npm", "npm-shrinkwrap.json": "npm", "yarn.lock": "yarn", "pnpm-lock.yaml": "pnpm",
              "bun.lock": "bun", "bun.lockb": "bun", "poetry.lock": "poetry", "uv.lock": "uv", "pdm.lock": "pdm",
              "Pipfile.lock": "pipenv"}


# which list of project.repo each kind of per-file fact goes to
_BUCKETS: dict[type, str] = {Manifest: "manifest_facts", Lockfile: "lockfile_facts", RuntimePin: "runtime_facts",
                             Migration: "migration_facts", TestFile: "test_facts", CiWorkflow: "ci_facts",
                             Script: "script_facts", Instrumentation: "instrumentation"}


def link_repo(project: Project) -> None:
    """Gather the per-file repository facts into project.repo, complete what needs several files,
    and detect the deploy platform."""
    repo = project.repo
    for fact in project.extra.get(KEY, []):
        bucket = _BUCKETS.get(type(fact))
        if bucket is not None:
            getattr(repo, bucket).append(fact)
    # A lockfile too large (or too odd) to read is still a lockfile.
    seen = {l.path for l in repo.lockfile_facts}
    for s in project.skipped:
        name = s.path.rsplit("/", 1)[-1]
        if name in _LOCK_NAMES and s.path not in seen:
            repo.lockfile_facts.append(Lockfile(s.path, _LOCK_KIND[name], Location(s.path), parsed=False))
            seen.add(s.path)
    # bun.lockb is binary: discovery never lists it, so look for it beside each package.json.
    for m in repo.manifest_facts:
        if m.kind == "package.json":
            rel = f"{_dir(m.path)}/bun.lockb".lstrip("/")
            if rel not in seen and (project.root / rel).is_file() and not _ignored(rel, repo.gitignore_patterns):
                repo.lockfile_facts.append(Lockfile(rel, "bun", Location(rel), parsed=False))
                seen.add(rel)
    # golang-migrate style pairs: x.up.sql is reversible when x.down.sql is committed beside it.
    paths = {f.path for f in project.files}
    for i, mig in enumerate(repo.migration_facts):
        if mig.tool == "sql-pair":
            down = _down_half(mig.path)
            has = down in paths
            missing = "no " + down.rpartition("/")[2]
            repo.migration_facts[i] = Migration(mig.path, "sql-pair", mig.location, has, "" if has else missing,
                                                Location(down) if has else None, mig.destructive)
    # Reusable workflows: a job that `uses: ./.github/workflows/x.yml` runs x.yml on the caller's triggers.
    by_path = {w.path: w for w in repo.ci_facts}
    for i, w in enumerate(repo.ci_facts):
        if not w.on_push:
            continue
        for use, _loc in w.uses:
            target = use[2:].split("@", 1)[0] if use.startswith("./") else None
            callee = by_path.get(target) if target else None
            if callee is not None and not callee.on_push:
                by_path[callee.path] = CiWorkflow(callee.path, callee.system, callee.location, True, w.on_pr,
                                                  callee.commands, callee.uses, callee.environments)
    repo.ci_facts = [by_path[w.path] for w in repo.ci_facts]
    for attr, items in (("manifests", repo.manifest_facts), ("lockfiles", repo.lockfile_facts),
                        ("migrations", repo.migration_facts), ("tests", repo.test_facts),
                        ("ci_workflows", repo.ci_facts)):
        target = getattr(repo, attr)
        for p in dict.fromkeys(x.path for x in items):
            if p not in target:
                target.append(p)
    for pin in repo.runtime_facts:
        if pin.pinned and (f"{pin.runtime} {pin.version}", pin.location) not in repo.runtime_pins:
            repo.runtime_pins.append((f"{pin.runtime} {pin.version}", pin.location))
    from deploycheck.project.platform import detect
    repo.platform = detect(project)


def _ignored(rel: str, patterns: list[str]) -> bool:
    if not patterns:
        return False
    import pathspec
    return pathspec.GitIgnoreSpec.from_lines(patterns).match_file(rel)


LINKERS = (link_repo,)
