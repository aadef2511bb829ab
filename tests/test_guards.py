"""The start-up guards `deploycheck env --emit-guard js|ts|py` writes, tested by running them: real
`node` and `python` processes with controlled environments. Run on their own they exit 1 naming
every missing variable (not only the first) and stay silent with exit 0 when all are set; imported
by an app they stop it with the same list.

TypeScript is checked with tree-sitter (it parses without an error) and run after stripping its
type annotations (the Node in CI has no TypeScript), so its logic is the one tested."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import cli, write_tree
from deploycheck.writers.guard import GuardTarget, detect, import_hint, render_guard

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")

REQUIRED = [("DATABASE_URL", "src/db.js:4"), ("RESEND_API_KEY", "src/email.js:2"), ("JWT_SECRET", "src/auth.js:7")]
ALL_SET = {"DATABASE_URL": "postgres://db/app", "RESEND_API_KEY": "re_x", "JWT_SECRET": "s"}


def clean_env(**values: str) -> dict[str, str]:
    """A minimal process environment: PATH and HOME only, plus the given variables."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "SYSTEMROOT") if k in os.environ}
    return {**base, **values}


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def assert_lists_missing(proc: subprocess.CompletedProcess, missing: list[str], present: list[str]) -> None:
    assert proc.returncode != 0
    for name in missing:
        assert name in proc.stderr, proc.stderr
    where = dict(REQUIRED)
    for name in missing:
        assert where[name] in proc.stderr
    for name in present:
        assert name not in proc.stderr
    assert f"Missing {len(missing)} required environment variable(s)" in proc.stderr


def write_guard(tmp_path: Path, module: str, name: str, required=REQUIRED, lang: str = "js") -> Path:
    text = render_guard(GuardTarget(lang, module, name), required)
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


# ------------------------------------------------------------------------------------------ JavaScript


@needs_node
@pytest.mark.parametrize("module,name,package", [("esm", "env-guard.js", {"type": "module"}),
                                                 ("esm", "env-guard.mjs", {}),
                                                 ("cjs", "env-guard.js", {}),
                                                 ("cjs", "env-guard.cjs", {"type": "module"})])
def test_js_guard_run_on_its_own(tmp_path, module, name, package):
    (tmp_path / "package.json").write_text(json.dumps(package))
    guard = write_guard(tmp_path, module, name)
    proc = run([NODE, guard.name], tmp_path, clean_env(JWT_SECRET="x", RESEND_API_KEY="  "))
    assert proc.returncode == 1
    assert_lists_missing(proc, ["DATABASE_URL", "RESEND_API_KEY"], ["JWT_SECRET"])
    assert proc.stdout == "" and "at " not in proc.stderr.split("\n")[0]      # the list, not a stack trace
    ok = run([NODE, str(guard)], tmp_path, clean_env(**ALL_SET))
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")


@needs_node
@pytest.mark.parametrize("module,guard_name,app_name,importer", [
    ("esm", "env-guard.js", "server.js", "import './env-guard.js';\nconsole.log('started');\n"),
    ("cjs", "env-guard.js", "server.js", "require('./env-guard');\nconsole.log('started');\n"),
])
def test_js_guard_imported_first_stops_the_app_with_every_missing_name(tmp_path, module, guard_name, app_name, importer):
    (tmp_path / "package.json").write_text(json.dumps({"type": "module"} if module == "esm" else {}))
    write_guard(tmp_path, module, guard_name)
    (tmp_path / app_name).write_text(importer)
    proc = run([NODE, app_name], tmp_path, clean_env(DATABASE_URL="x"))
    assert_lists_missing(proc, ["RESEND_API_KEY", "JWT_SECRET"], ["DATABASE_URL"])
    assert "started" not in proc.stdout
    ok = run([NODE, app_name], tmp_path, clean_env(**ALL_SET))
    assert ok.returncode == 0 and ok.stdout.strip() == "started" and ok.stderr == ""


@needs_node
def test_js_guard_with_nothing_required_passes(tmp_path):
    (tmp_path / "package.json").write_text("{}")
    guard = write_guard(tmp_path, "cjs", "env-guard.js", required=[])
    proc = run([NODE, guard.name], tmp_path, clean_env())
    assert (proc.returncode, proc.stderr) == (0, "")


def strip_types(ts_source: str) -> str:
    """TypeScript -> JavaScript by deleting type annotations and type aliases (enough for the guard)."""
    from deploycheck.project.model import Language
    from deploycheck.project.parse import _parser
    tree = _parser(Language.TYPESCRIPT).parse(ts_source.encode())
    assert not tree.root_node.has_error, "the TypeScript guard does not parse"
    cuts = []
    stack = [tree.root_node]
    while stack:
        n = stack.pop()
        if n.type in ("type_annotation", "type_alias_declaration", "type_arguments"):
            cuts.append((n.start_byte, n.end_byte))
            continue
        stack.extend(n.children)
    data = ts_source.encode()
    for start, end in sorted(cuts, reverse=True):
        data = data[:start] + data[end:]
    return data.decode()


@needs_node
def test_ts_guard_parses_and_behaves_like_the_js_one(tmp_path):
    text = render_guard(GuardTarget("ts", "ts", "env-guard.ts"), REQUIRED)
    assert "ReadonlyArray<readonly [string, string]>" in text
    js = strip_types(text)
    assert "Env" not in js.replace("Env(", "").replace("missingEnv", "").replace("assertEnv", "")
    (tmp_path / "env-guard.mjs").write_text(js)
    proc = run([NODE, "env-guard.mjs"], tmp_path, clean_env(RESEND_API_KEY="x"))
    assert_lists_missing(proc, ["DATABASE_URL", "JWT_SECRET"], ["RESEND_API_KEY"])
    ok = run([NODE, "env-guard.mjs"], tmp_path, clean_env(**ALL_SET))
    assert (ok.returncode, ok.stderr) == (0, "")
    (tmp_path / "server.mjs").write_text("import './env-guard.mjs';\nconsole.log('started');\n")
    app = run([NODE, "server.mjs"], tmp_path, clean_env())
    assert_lists_missing(app, ["DATABASE_URL", "RESEND_API_KEY", "JWT_SECRET"], [])


# ------------------------------------------------------------------------------------------ Python


def test_python_guard_run_on_its_own(tmp_path):
    guard = write_guard(tmp_path, "py", "env_guard.py", lang="py")
    proc = run([sys.executable, guard.name], tmp_path, clean_env(RESEND_API_KEY="re_x", JWT_SECRET=""))
    assert proc.returncode == 1 and proc.stdout == ""
    assert_lists_missing(proc, ["DATABASE_URL", "JWT_SECRET"], ["RESEND_API_KEY"])
    assert "Traceback" not in proc.stderr
    ok = run([sys.executable, str(guard)], tmp_path, clean_env(**ALL_SET))
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")


def test_python_guard_called_at_start_up_raises_with_every_missing_name(tmp_path):
    write_guard(tmp_path, "py", "env_guard.py", lang="py")
    (tmp_path / "app.py").write_text("from env_guard import check_env\ncheck_env()\nprint('started')\n")
    proc = run([sys.executable, "app.py"], tmp_path, clean_env(JWT_SECRET="x"))
    assert "MissingEnvironmentError" in proc.stderr
    assert_lists_missing(proc, ["DATABASE_URL", "RESEND_API_KEY"], ["JWT_SECRET"])
    assert "started" not in proc.stdout
    ok = run([sys.executable, "app.py"], tmp_path, clean_env(**ALL_SET))
    assert ok.returncode == 0 and ok.stdout.strip() == "started"
    importer = "import env_guard\nprint(env_guard.missing_env({'DATABASE_URL': 'x'}))\n"
    probe = run([sys.executable, "-c", importer], tmp_path, clean_env())
    assert probe.returncode == 0 and "RESEND_API_KEY" in probe.stdout and "'DATABASE_URL'" not in probe.stdout


def test_render_guard_refuses_a_name_that_is_not_a_variable():
    with pytest.raises(ValueError):
        render_guard(GuardTarget("py", "py", "env_guard.py"), [("A'); import os; ('", "x")])


def test_locations_are_quoted_safely(tmp_path):
    guard = write_guard(tmp_path, "py", "env_guard.py", required=[("A", 'src/we"ird\'\\name.py:3')], lang="py")
    proc = run([sys.executable, guard.name], tmp_path, clean_env())
    assert proc.returncode == 1 and 'src/we"ird\'\\name.py:3' in proc.stderr


# ------------------------------------------------------------------------------------------ detection & hints


def test_detect_esm_express_entry_from_package_json():
    t = detect("js", ["src/server.js", "src/app.js", "package.json"],
               package_json={"type": "module", "scripts": {"start": "node src/server.js"}, "dependencies": {"express": "4"}})
    assert (t.module, t.framework, t.entry, t.output) == ("esm", "Express", "src/server.js", "src/env-guard.js")
    assert import_hint(t)[-1].strip() == "import './env-guard.js';"


def test_detect_entry_from_a_start_script_that_preloads_a_file():
    texts = {"src/server.js": "app.listen({ port })\n", "src/instrument.js": "Sentry.init({})\n"}
    t = detect("js", ["src/server.js", "src/instrument.js"], read=lambda p: texts.get(p, ""),
               package_json={"type": "module", "scripts": {"start": "node --import ./src/instrument.js src/server.js"}})
    assert t.entry == "src/server.js"


def test_detect_python_worker_entry():
    texts = {"worker/main.py": "if __name__ == '__main__':\n    run()\n", "worker/config.py": "X = 1\n"}
    t = detect("py", ["worker/main.py", "worker/config.py"], read=lambda p: texts.get(p, ""))
    assert (t.framework, t.entry) == (None, "worker/main.py")
    assert import_hint(t)[0] == "Call it first thing in worker/main.py:"


def test_detect_commonjs_and_explicit_output():
    t = detect("js", ["index.js"], package_json={"dependencies": {"fastify": "5"}}, output="lib/check-env.cjs")
    assert (t.module, t.framework, t.entry, t.output) == ("cjs", "Fastify", "index.js", "lib/check-env.cjs")
    assert import_hint(t)[-1].strip() == "require('./lib/check-env');"


def test_detect_nextjs_instrumentation():
    t = detect("ts", ["src/app/page.tsx", "next.config.js"], package_json={"dependencies": {"next": "14"}})
    assert (t.framework, t.entry, t.output, t.module) == ("Next.js", "src/instrumentation.ts", "src/env-guard.ts", "ts")
    hint = "\n".join(import_hint(t))
    assert "export async function register()" in hint and "await import('./env-guard')" in hint


@pytest.mark.parametrize("deps,files,texts,framework,entry,where", [
    ("flask==3.0\n", ["app/__init__.py", "app/routes.py"], {"app/__init__.py": "def create_app():\n"},
     "Flask", "app/__init__.py", "create_app()"),
    ("fastapi\nuvicorn\n", ["app/main.py", "app/db.py"], {"app/main.py": "app = FastAPI()\n"},
     "FastAPI", "app/main.py", "before app = FastAPI()"),
    ('[project]\ndependencies = ["Django>=5"]\n', ["mysite/settings.py", "manage.py"], {},
     "Django", "mysite/settings.py", "at the end of mysite/settings.py"),
])
def test_detect_python_frameworks(deps, files, texts, framework, entry, where):
    t = detect("py", files, python_deps=deps, read=lambda p: texts.get(p, ""))
    assert (t.framework, t.entry, t.output) == (framework, entry, "env_guard.py")
    hint = import_hint(t)
    assert where in hint[0] and hint[1].strip() == "from env_guard import check_env; check_env()"


# ------------------------------------------------------------------------------------------ end to end


@needs_node
def test_emit_guard_js_end_to_end(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"type": "module", "main": "src/server.js", "dependencies": {"express": "4"}}),
        "src/server.js": "import express from 'express';\nconst db = process.env.DATABASE_URL;\n"
                         "const port = process.env.PORT || 3000;\nexpress().listen(port);\n",
        "src/email.js": "export const key = process.env.RESEND_API_KEY;\nconst beta = process.env.BETA === '1';\n"
                        "export const dsn = process.env.SENTRY_DSN;\n",
        "src/page.jsx": "'use client';\nexport const u = process.env.NEXT_PUBLIC_URL;\n",
    })
    out = cli("env", str(tmp_path), "--emit-guard", "js")
    assert out.code == 0, out.err
    guard = tmp_path / "src" / "env-guard.js"
    assert f"Wrote {guard}" in out.out and "DATABASE_URL, RESEND_API_KEY" in out.out
    assert "import './env-guard.js';" in out.out and "src/server.js (Express)" in out.out
    assert "Left out: SENTRY_DSN" in out.out
    text = guard.read_text()
    assert "NEXT_PUBLIC_URL" not in text and "PORT" not in text and "BETA" not in text and "SENTRY_DSN" not in text
    proc = run([NODE, "src/env-guard.js"], tmp_path, clean_env())
    assert proc.returncode == 1 and "DATABASE_URL" in proc.stderr and "RESEND_API_KEY" in proc.stderr
    assert "src/server.js:2" in proc.stderr
    ok = run([NODE, "src/env-guard.js"], tmp_path, clean_env(DATABASE_URL="x", RESEND_API_KEY="y"))
    assert (ok.returncode, ok.stderr) == (0, "")
    # re-running replaces its own file; a file it did not write is never overwritten
    assert cli("env", str(tmp_path), "--emit-guard", "js").code == 0
    (tmp_path / "mine.js").write_text("// my code\n")
    refused = cli("env", str(tmp_path), "--emit-guard", "js", "--output", str(tmp_path / "mine.js"))
    assert refused.code == 2 and "was not written by deploycheck" in refused.err
    assert (tmp_path / "mine.js").read_text() == "// my code\n"


def test_emit_guard_py_end_to_end(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.3\n",
        "app/__init__.py": "import os\nfrom flask import Flask\n\ndef create_app():\n"
                           "    app = Flask(__name__)\n    app.config['DB'] = os.environ['DATABASE_URL']\n"
                           "    app.config['KEY'] = os.getenv('TWILIO_AUTH_TOKEN')\n"
                           "    app.config['DEBUG'] = os.getenv('FLASK_DEBUG', '0')\n    return app\n",
    })
    out = cli("env", str(tmp_path), "--emit-guard", "py", "--write-example")
    assert out.code == 0, out.err
    assert (tmp_path / ".env.example").is_file() and "Created" in out.out
    assert "at the start of create_app() in app/__init__.py" in out.out
    proc = run([sys.executable, "env_guard.py"], tmp_path, clean_env())
    assert proc.returncode == 1
    assert "DATABASE_URL" in proc.stderr and "TWILIO_AUTH_TOKEN" in proc.stderr and "FLASK_DEBUG" not in proc.stderr
    assert "app/__init__.py:6" in proc.stderr
    ok = run([sys.executable, "env_guard.py"], tmp_path, clean_env(DATABASE_URL="x", TWILIO_AUTH_TOKEN="y"))
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
