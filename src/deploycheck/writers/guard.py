"""The fail-fast start-up guard `deploycheck env --emit-guard js|ts|py` writes.

A small module listing every variable the code requires (read without a default by production
server code, minus what the runtime or the platform provides), with where each is read. Imported
(JS) or called (`check_env()`, Python) at start-up, it stops the app with the list of every
missing variable; run on its own (`node env-guard.js`, `python env_guard.py`) it checks the
current environment: silent with exit 0 when all are set, the list on stderr and exit 1 when not.

JavaScript comes as ES module or CommonJS (from the output's extension, else package.json
"type"), TypeScript as ES module syntax (compiled by the app's own toolchain). Where to import it
depends on the framework, detected from the dependencies: `import_hint` says it.
"""
from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from importlib import resources
from typing import Callable, Iterable, Mapping, Sequence

DEFAULT_NAMES = {"js": "env-guard.js", "ts": "env-guard.ts", "py": "env_guard.py"}
JS_FRAMEWORKS = (("next", "Next.js"), ("@nestjs/core", "NestJS"), ("fastify", "Fastify"), ("hono", "Hono"),
                 ("koa", "Koa"), ("express", "Express"))
PY_FRAMEWORKS = (("django", "Django"), ("fastapi", "FastAPI"), ("flask", "Flask"))
_JS_ENTRIES = ("server.js", "src/server.js", "app.js", "src/app.js", "index.js", "src/index.js", "main.js",
               "src/main.js", "server.ts", "src/server.ts", "src/main.ts", "main.ts", "app.ts", "src/app.ts",
               "index.ts", "src/index.ts", "server.mjs", "src/server.mjs", "index.mjs", "server.cjs")


@dataclass(frozen=True, slots=True)
class GuardTarget:
    lang: str                    # "js" | "ts" | "py"
    module: str                  # "esm" | "cjs" | "ts" | "py"
    output: str                  # where it goes: relative to the project root, or absolute
    framework: str | None = None  # display name: "Express", "Next.js", "Flask" …
    entry: str | None = None     # the file to import it from, relative to the root, when known


def detect(lang: str, files: Iterable[str], *, package_json: Mapping | None = None, python_deps: str = "",
           read: Callable[[str], str] = lambda _p: "", output: str | None = None) -> GuardTarget:
    """Where the guard goes and how it is imported, from the project's files and dependencies."""
    paths = sorted(set(files), key=lambda p: (p.count("/"), p))
    present = set(paths)
    if lang == "py":
        framework, entry = _python_target(paths, python_deps, read)
        out = output or DEFAULT_NAMES["py"]
        return GuardTarget("py", "py", out, framework, entry)
    pkg = package_json or {}
    deps = {**(pkg.get("devDependencies") or {}), **(pkg.get("dependencies") or {})} if isinstance(pkg, Mapping) else {}
    framework = next((label for dep, label in JS_FRAMEWORKS if dep in deps), None)
    if framework == "Next.js":
        entry = next((p for p in ("instrumentation.ts", "instrumentation.js", "src/instrumentation.ts",
                                  "src/instrumentation.js") if p in present), None)
        if entry is None:
            uses_src = any(p.startswith(("src/app/", "src/pages/")) for p in paths)
            entry = ("src/" if uses_src else "") + ("instrumentation.ts" if lang == "ts" else "instrumentation.js")
    else:
        entry = _js_entry(pkg, present, read)
    name = DEFAULT_NAMES[lang]
    out = output or (posixpath.join(posixpath.dirname(entry), name) if entry else name)
    if lang == "ts" or out.endswith((".ts", ".mts", ".cts")):
        module = "ts"
    elif out.endswith(".mjs"):
        module = "esm"
    elif out.endswith(".cjs"):
        module = "cjs"
    else:
        module = "esm" if isinstance(pkg, Mapping) and pkg.get("type") == "module" else "cjs"
    return GuardTarget(lang, module, out, framework, entry)


def _js_entry(pkg: Mapping, present: set[str], read: Callable[[str], str]) -> str | None:
    cands: list[str] = []
    main = pkg.get("main") if isinstance(pkg, Mapping) else None
    if isinstance(main, str):
        cands.append(posixpath.normpath(main))
    scripts = pkg.get("scripts") if isinstance(pkg, Mapping) else None
    if isinstance(scripts, Mapping):
        for key in ("start", "dev", "serve"):
            cmd = scripts.get(key)
            if isinstance(cmd, str):
                cands += [posixpath.normpath(m) for m in re.findall(r"([\w./-]+\.(?:m|c)?[jt]s)\b", cmd)]
    cands = [c for c in cands if c in present]
    # `node --import ./src/instrument.js src/server.js`: the server is the file that listens, else the last one
    listening_cands = [c for c in cands if ".listen(" in read(c)]
    if listening_cands or cands:
        return (listening_cands or cands)[-1]
    listening = [p for p in _JS_ENTRIES if p in present and ".listen(" in read(p)]
    if listening:
        return listening[0]
    return next((p for p in _JS_ENTRIES if p in present), None)


def _python_target(paths: Sequence[str], deps: str, read: Callable[[str], str]) -> tuple[str | None, str | None]:
    low = deps.lower()
    framework = next((label for dep, label in PY_FRAMEWORKS if re.search(rf"(^|[\s\"'\[,]){dep}\b", low, re.M)), None)
    py = [p for p in paths if p.endswith(".py") and not re.search(r"(^|/)(tests?|venv|\.venv|migrations)/", p)]
    if framework == "Django":
        return framework, next((p for p in py if p.endswith(("/settings.py", "/settings/base.py",
                                                             "/settings/__init__.py")) or p == "settings.py"), None)
    if framework == "FastAPI":
        hits = [p for p in py if "FastAPI(" in read(p)]
        return framework, next((p for p in hits if p.endswith(("main.py", "app.py"))), hits[0] if hits else None)
    if framework == "Flask":
        hits = [p for p in py if "def create_app" in read(p)] or [p for p in py if "Flask(__name__" in read(p)]
        return framework, hits[0] if hits else None
    mains = [p for p in py if "__name__" in read(p) and "__main__" in read(p)]
    preferred = [p for p in mains if p.rsplit("/", 1)[-1] in ("main.py", "__main__.py", "app.py", "worker.py", "run.py")]
    return framework, (preferred or mains or [None])[0]


# SDKs that run without their variable (monitoring is then off): never worth refusing to start for.
OPTIONAL_SDK = re.compile(r"^(NEXT_PUBLIC_|VITE_|REACT_APP_)?(SENTRY_\w+|OTEL_\w+|DD_\w+)$")


def optional_for_guard(name: str) -> bool:
    """A variable the guard leaves out although the code reads it without a default."""
    return bool(OPTIONAL_SDK.match(name))


def render_guard(target: GuardTarget, required: Sequence[tuple[str, str]]) -> str:
    """The guard's source text. `required`: (variable name, where it is read), in report order."""
    for name, _ in required:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"not a variable name: {name!r}")
    template = {"esm": "env-guard.esm.js.tmpl", "cjs": "env-guard.cjs.js.tmpl", "ts": "env-guard.ts.tmpl",
                "py": "env_guard.py.tmpl"}[target.module]
    text = resources.files("deploycheck.writers").joinpath("templates", template).read_text("utf-8")
    file_name = posixpath.basename(target.output.replace("\\", "/"))
    if target.module == "py":
        listed = "(\n" + "".join(f"    ({json.dumps(n)}, {json.dumps(w)}),\n" for n, w in required) + ")"
    else:
        listed = "[\n" + "".join(f"  [{json.dumps(n)}, {json.dumps(w)}],\n" for n, w in required) + "]"
    stem = re.escape(re.sub(r"\.[^.]+$", "", file_name))
    main_test = "/(^|[\\\\/])" + stem.replace("/", "\\/") + "(\\.[cm]?[jt]s)?$/"
    return (text.replace("__REQUIRED__", listed).replace("__FILE__", file_name)
            .replace("__LANG__", target.lang).replace("__MAIN_TEST__", main_test))


def import_hint(target: GuardTarget) -> list[str]:
    """Lines telling the user where to import the guard, for the detected framework."""
    out = target.output
    if target.module == "py":
        mod = re.sub(r"\.py$", "", out).replace("/", ".")
        line = f"from {mod} import check_env; check_env()"
        where = {
            "Flask": f"at the start of create_app() in {target.entry}" if target.entry else "at the start of create_app()",
            "FastAPI": f"at the top of {target.entry or 'main.py'}, before app = FastAPI()",
            "Django": f"at the end of {target.entry or 'settings.py'} (after loading .env, if you do)",
        }.get(target.framework or "", f"first thing in {target.entry}" if target.entry else
              "first thing in your app's entry point")
        return [f"Call it {where}:", f"    {line}"]
    spec = _relative_import(target.entry, out, target.module)
    if target.framework == "Next.js":
        entry = target.entry or "instrumentation.ts"
        return [f"Import it from {entry} (Next.js runs register() once when the server starts):",
                "    export async function register() {",
                f"      if (process.env.NEXT_RUNTIME === 'nodejs') await import('{spec}');",
                "    }",
                "(Next.js 13-14: also set experimental.instrumentationHook: true in next.config. Importing it at "
                "the top of next.config checks the build's environment instead.)"]
    where = f"{target.entry} ({target.framework})" if target.entry and target.framework else \
        (target.entry or "your server's entry file")
    line = f"require('{spec}');" if target.module == "cjs" else f"import '{spec}';"
    return [f"Import it on the first line of {where}, before anything reads process.env:", f"    {line}"]


def _relative_import(entry: str | None, output: str, module: str) -> str:
    base = posixpath.dirname(entry) if entry else ""
    rel = posixpath.relpath(output, base or ".") if not output.startswith("/") else output
    if not rel.startswith((".", "/")):
        rel = "./" + rel
    if module in ("ts", "cjs"):
        rel = re.sub(r"\.(ts|js|cjs|cts|mts)$", "", rel)
    return rel
