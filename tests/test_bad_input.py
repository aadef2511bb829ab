"""Bad input never crashes the scan, is reported with the reason it was skipped or analysed only in
part, and never costs the results of the other files.

Every project here carries a probe: `src/ok.js` with an ignore comment that matches nothing, which
the engine reports under `unused_suppressions`. If the probe is missing from a result, the
bad file cost us the rest of the scan.

A throwaway "probe" extractor (registered by monkeypatching the extractor registry) touches every
parsed form of every file: the JavaScript and Python trees, YAML, TOML and JSON. So the parsing
layer's behaviour on bad input is exercised whether or not the real extractors that would touch a
file exist yet; where a real extractor exists (env reads), its facts are checked too.
"""
from __future__ import annotations

import ast
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploycheck import config as config_mod
from deploycheck import engine
from deploycheck.project import discover as discover_mod
from deploycheck.project import extract as extract_mod
from deploycheck.project.discover import Candidate, discover, read_source
from deploycheck.project.extract import Extractor, extract_file
from deploycheck.project.model import FileFacts, Language
from cli_support import cli, write_tree

PROBE = {"src/ok.js": "const a = 1;\n// deploycheck: ignore[localhost/hardcoded-url] probe\nconst b = 2;\n"}


# ------------------------------------------------------------------------------------ the probe extractor


def _probe(ctx, facts: FileFacts) -> None:
    """Touch every parsed form; record env reads seen in the trees as (path, line, column, name)."""
    seen = facts.extra.setdefault("probe", [])
    if ctx.language.is_js:
        for node in ctx.captures("(member_expression) @m").get("m", []):
            text = ctx.node_text(node)
            if text.startswith("process.env.") and text.count(".") == 2:
                loc = ctx.loc(node)
                seen.append((ctx.path, loc.line, loc.column, text.rsplit(".", 1)[1]))
    elif ctx.language is Language.PYTHON:
        for node in ast.walk(ctx.py_tree):
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                    and ast.unparse(node.value) == "os.environ":
                seen.append((ctx.path, node.lineno, node.col_offset + 1, node.slice.value))
    elif ctx.language is Language.YAML:
        ctx.yaml_docs
    elif ctx.language is Language.TOML:
        ctx.toml_data
    elif ctx.language is Language.JSON:
        ctx.json_data


PROBE_EXTRACTOR = Extractor("probe", _probe)


@pytest.fixture
def probe(monkeypatch):
    monkeypatch.setattr(extract_mod, "_EXTRACTORS", extract_mod.extractors() + (PROBE_EXTRACTOR,))


def scan(root: Path, **overrides):
    cfg = config_mod.load(root, overrides={"jobs": 1, **overrides})
    project = engine.build_project(cfg)
    return project, engine.scan(cfg, project=project)


def skipped(result) -> dict[str, str]:
    return {s.path: s.reason for s in result.skipped}


def partial(result) -> dict[str, str]:
    return {s.path: s.reason for s in result.partial}


def assert_probe_survived(result) -> None:
    probes = [f for f in result.unused_suppressions if f.location.path == "src/ok.js"]
    assert len(probes) == 1, "the other files' results were lost"


def probe_facts(project) -> set[tuple]:
    return {tuple(x) for x in project.extra.get("probe", [])}


def real_extractor_wants(rel: str, text: str) -> bool:
    """Would a real (non-probe, non-suppression) extractor parse this file? (`secrets` reads every
    file as text and parses none, so it does not count.)"""
    from deploycheck.project.classify import language_of, role_of
    from deploycheck.project.parse import FileContext
    lang = language_of(rel)
    ctx = FileContext(rel, lang, role_of(rel, lang, text), text, text.encode())
    return any(ex.wants(ctx) for ex in extract_mod.extractors() if ex.name not in ("suppressions", "probe", "secrets"))


# ------------------------------------------------------------------------------------ content


def test_binary_file_is_skipped_and_named(tmp_path, probe):
    write_tree(tmp_path, {**PROBE, "src/blob.js": b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)),
                          "assets/photo.bin.js": b"GIF89a\x00\x00"})
    _, result = scan(tmp_path)
    assert skipped(result)["src/blob.js"] == "binary file"
    assert skipped(result)["assets/photo.bin.js"] == "binary file"
    assert_probe_survived(result)
    assert result.files_scanned == 1


def test_a_few_invalid_utf8_bytes_are_analysed_with_replacement(tmp_path, probe):
    write_tree(tmp_path, {**PROBE, "src/latin1.js": "// Zürich office\n".encode("latin-1")
                          + b"const url = process.env.API_URL;\n"})
    project, result = scan(tmp_path)
    reason = partial(result)["src/latin1.js"]
    assert "invalid UTF-8 at line 1 (byte offset 4)" in reason and "replacement" in reason
    assert "src/latin1.js" not in skipped(result)
    assert ("src/latin1.js", 2, 13, "API_URL") in probe_facts(project)
    assert_probe_survived(result)


def test_mostly_garbage_is_skipped_as_not_utf8(tmp_path, probe):
    rng = random.Random(7)
    garbage = bytes(rng.randrange(0x80, 0x100) for _ in range(20_000))   # no NUL: not "binary"
    write_tree(tmp_path, {**PROBE, "src/garbage.py": garbage})
    _, result = scan(tmp_path)
    assert skipped(result)["src/garbage.py"].startswith("not UTF-8 text (invalid byte at offset ")
    assert_probe_survived(result)


def test_huge_minified_bundle_is_skipped(tmp_path, probe):
    bundle = "!function(e){var t={};" + ("t[" + "1" * 40 + "]=e;") * 130_000 + "}();"
    assert len(bundle) > 5_000_000
    write_tree(tmp_path, {**PROBE, "public/app.js": bundle,
                          "public/vendor.js": "var a=1;" * 20_000})          # 160 KB on one line
    started = time.perf_counter()
    _, result = scan(tmp_path)
    assert time.perf_counter() - started < 5
    assert skipped(result)["public/app.js"].startswith("too large (")
    assert skipped(result)["public/vendor.js"] == "minified or generated code (very long lines)"
    assert_probe_survived(result)


def test_max_file_size_is_configurable(tmp_path, probe):
    write_tree(tmp_path, {**PROBE, "src/big.js": "const x = 1;\n" * 20_000})   # 260 KB of normal code
    _, result = scan(tmp_path)
    assert "src/big.js" not in skipped(result)
    _, result = scan(tmp_path, **{"max-file-size": "100KB"})
    assert skipped(result)["src/big.js"] == "too large (0.2 MB > 0.1 MB limit)"
    run = cli("scan", str(tmp_path), "--max-file-size", "lots")
    assert run.code == 2 and "max-file-size" in run.err


@pytest.mark.parametrize("rel,source,error_line,fact", [
    ("src/broken.js", "const url = process.env.API_URL;\nfunction (\nconst after = 1;\n", 2,
     ("src/broken.js", 1, 13, "API_URL")),
    ("src/broken.ts", "const url: string = process.env.API_URL!;\nlet x: = ;\n", 2,
     ("src/broken.ts", 1, 21, "API_URL")),
    ("src/Broken.tsx", "export const u = process.env.API_URL;\nexport default () => <div><span></div>;\n", 2,
     ("src/Broken.tsx", 1, 18, "API_URL")),
    ("app/broken.py", 'import os\nURL = os.environ["API_URL"]\ndef f(:\n    pass\n', 3,
     ("app/broken.py", 2, 7, "API_URL")),
])
def test_syntax_errors_are_partial_and_facts_before_them_are_kept(tmp_path, probe, rel, source, error_line, fact):
    write_tree(tmp_path, {**PROBE, rel: source})
    project, result = scan(tmp_path)
    reason = partial(result)[rel]
    assert f"line {error_line}" in reason, reason
    assert "syntax error" in reason or "missing" in reason, reason
    assert rel not in skipped(result)
    assert fact in probe_facts(project)
    assert_probe_survived(result)


@pytest.mark.parametrize("rel,source,needle,fact", [
    ("src/broken.js", "const url = process.env.API_URL;\nfunction (\n", "line 2", ("API_URL", 1)),
    ("app/broken.py", 'import os\nURL = os.environ["API_URL"]\ndef f(:\n    pass\n', "line 3", ("API_URL", 2)),
    ("render.yaml", "services:\n  - type: web\n    envVars:\n      - key: A\n     value: 1\n", "invalid YAML at line",
     None),
    ("package.json", '{\n  "name": "x",\n  "engines": {"node": "20.x"},,\n}\n', "invalid JSON at line 3", None),
])
def test_bad_files_with_the_real_extractors(tmp_path, rel, source, needle, fact):
    """Without the probe: once a real extractor reads such a file, the scan says so and keeps its facts."""
    if not real_extractor_wants(rel, source):
        pytest.skip(f"no real extractor reads {rel} yet")
    write_tree(tmp_path, {**PROBE, rel: source})
    project, result = scan(tmp_path)
    assert needle in partial(result).get(rel, ""), partial(result)
    if fact and any(ex.name.startswith("env") for ex in extract_mod.extractors()):
        assert any((r.name, r.location.line) == fact for r in project.env_reads), project.env_reads
    assert_probe_survived(result)


@pytest.mark.parametrize("rel,content,needle", [
    ("render.yaml", "services:\n  - type: web\n    envVars: [\n      - key: A\n", "invalid YAML at line"),
    ("config/app.yml", "a: 1\n b: 2\n", "invalid YAML at line 2"),
    ("fly.toml", 'app = "x"\n[env]\nPORT = \n', "invalid TOML"),
    ("package.json", '{\n  "name": "x",,\n}\n', "invalid JSON at line 2"),
    ("vercel.json", '{ "env": { "A": 1 } ', "invalid JSON at line 1"),
])
def test_malformed_config_is_partial_with_its_position(tmp_path, probe, rel, content, needle):
    write_tree(tmp_path, {**PROBE, rel: content})
    _, result = scan(tmp_path)
    assert needle in partial(result)[rel], partial(result)[rel]
    if rel == "fly.toml":
        assert "line 3" in partial(result)[rel]
    assert_probe_survived(result)


def test_jsonc_config_with_comments_is_not_an_error(tmp_path, probe):
    write_tree(tmp_path, {**PROBE, "tsconfig.json": '{\n  // strict\n  "compilerOptions": {"strict": true,},\n}\n'})
    _, result = scan(tmp_path)
    assert "tsconfig.json" not in partial(result)


@pytest.mark.parametrize("rel,content", [
    ("src/deep.js", "const x = process.env.A;\nconst y = " + "[\n" * 20_000 + "]\n" * 20_000 + ";\n"),
    ("src/deep.py", "import os\nX = os.environ['A']\ny = " + "(" * 5_000 + ")" * 5_000 + "\n"),
    ("data/deep.json", "[" * 100_000 + "]" * 100_000),
    ("config/deep.yaml", "a: " + "[" * 20_000 + "]" * 20_000 + "\n"),
    ("config/deep.toml", "a = " + "[" * 20_000 + "]" * 20_000 + "\n"),
])
def test_deep_nesting_does_not_crash(tmp_path, probe, rel, content):
    write_tree(tmp_path, {**PROBE, rel: content})
    project, result = scan(tmp_path)
    assert result.files_scanned == 2
    reason = partial(result).get(rel)
    if reason is not None:
        assert any(w in reason for w in ("nested", "syntax error", "invalid", "could not parse", "missing")), reason
    if rel.endswith(".js"):
        assert ("src/deep.js", 1, 11, "A") in probe_facts(project)
    assert_probe_survived(result)


def test_empty_and_bom_only_files(tmp_path, probe):
    write_tree(tmp_path, {**PROBE, "src/empty.js": b"", "src/bom.js": b"\xef\xbb\xbf", "app/empty.py": b"",
                          "render.yaml": b"", "package.json": b"\xef\xbb\xbf"})
    _, result = scan(tmp_path)
    assert result.files_scanned == 6
    assert not skipped(result)
    assert set(partial(result)) <= {"package.json"}   # an empty JSON document is invalid JSON, nothing more
    assert_probe_survived(result)


def test_bom_does_not_shift_lines_or_columns(tmp_path, probe):
    write_tree(tmp_path, {**PROBE,
                          "src/bom.js": b"\xef\xbb\xbfconst url = process.env.API_URL;\n",
                          "src/plain.js": b"const url = process.env.API_URL;\n",
                          "app/bom.py": b"\xef\xbb\xbfimport os\nURL = os.environ['API_URL']\n"})
    project, result = scan(tmp_path)
    facts = probe_facts(project)
    assert ("src/plain.js", 1, 13, "API_URL") in facts
    assert ("src/bom.js", 1, 13, "API_URL") in facts
    assert ("app/bom.py", 2, 7, "API_URL") in facts
    assert not partial(result)


def test_crlf_line_endings_keep_line_numbers(tmp_path, probe):
    src = "// header\r\n\r\nconst url = process.env.API_URL;\r\n"
    py = "import os\r\n\r\nURL = os.environ['API_URL']\r\n"
    write_tree(tmp_path, {**PROBE, "src/crlf.js": src.encode(), "app/crlf.py": py.encode(),
                          "src/ignored.js": b"const x = 1; // deploycheck: ignore[localhost/hardcoded-url] crlf probe\r\n"})
    project, result = scan(tmp_path)
    facts = probe_facts(project)
    assert ("src/crlf.js", 3, 13, "API_URL") in facts
    assert ("app/crlf.py", 3, 7, "API_URL") in facts
    assert not partial(result)
    crlf_probe = [f for f in result.unused_suppressions if f.location.path == "src/ignored.js"]
    assert [f.location.line for f in crlf_probe] == [1]
    assert "\r" not in crlf_probe[0].message


# ------------------------------------------------------------------------------------ the file system


def test_symlink_loop_is_listed_not_followed(tmp_path, probe):
    write_tree(tmp_path, PROBE)
    os.symlink("loop-b.js", tmp_path / "src/loop-a.js")
    os.symlink("loop-a.js", tmp_path / "src/loop-b.js")
    os.symlink(".", tmp_path / "src/self")                 # a directory link back into itself
    _, result = scan(tmp_path)
    assert skipped(result)["src/loop-a.js"] == "symlink loop: not followed"
    assert skipped(result)["src/loop-b.js"] == "symlink loop: not followed"
    assert skipped(result)["src/self"].startswith("link to a directory inside the root: not followed")
    assert result.files_scanned == 1
    assert_probe_survived(result)


def test_links_out_of_the_root_are_listed_not_followed(tmp_path, probe):
    outside = tmp_path / "outside"
    write_tree(outside, {"secret.js": "const k = process.env.SECRET;\n", "lib/x.js": "x\n"})
    root = tmp_path / "app"
    write_tree(root, PROBE)
    os.symlink(outside / "secret.js", root / "src/secret.js")
    os.symlink(outside / "lib", root / "lib")
    os.symlink("../../outside/secret.js", root / "src/relative.js")
    os.symlink(tmp_path / "nowhere.js", root / "src/dangling.js")
    project, result = scan(root)
    s = skipped(result)
    assert s["src/secret.js"] == "link points outside the scanned root: not followed"
    assert s["lib"] == "link points outside the scanned root: not followed"
    assert s["src/relative.js"] == "link points outside the scanned root: not followed"
    assert s["src/dangling.js"] == "broken symlink: target does not exist"
    assert [f.path for f in project.files] == ["src/ok.js"]
    assert_probe_survived(result)


def test_file_link_inside_the_root_is_read_once(tmp_path, probe):
    write_tree(tmp_path, {**PROBE, "src/real.js": "const u = process.env.API_URL;\n"})
    os.symlink("real.js", tmp_path / "src/alias.js")
    project, result = scan(tmp_path)
    paths = [f.path for f in project.files]
    assert len([p for p in paths if p in ("src/real.js", "src/alias.js")]) == 1
    assert len([x for x in probe_facts(project) if x[3] == "API_URL"]) == 1


def _deny(monkeypatch, target: Path) -> None:
    """Make `target` unreadable: chmod 000, or (as root, who reads anything) fail its open()."""
    if os.geteuid() != 0:
        target.chmod(0)
        return
    real_open = open

    def guarded_open(file, *args, **kwargs):
        if Path(file) == target:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(discover_mod, "open", guarded_open, raising=False)


def test_unreadable_file_is_listed(tmp_path, probe, monkeypatch):
    write_tree(tmp_path, {**PROBE, "src/locked.js": "const a = process.env.A;\n"})
    _deny(monkeypatch, tmp_path / "src/locked.js")
    try:
        _, result = scan(tmp_path)
    finally:
        (tmp_path / "src/locked.js").chmod(0o644)
    assert skipped(result)["src/locked.js"] == "unreadable: Permission denied"
    assert_probe_survived(result)


def test_unreadable_directory_is_listed(tmp_path, probe, monkeypatch):
    write_tree(tmp_path, {**PROBE, "private/a.js": "x\n"})
    locked = tmp_path / "private"
    if os.geteuid() != 0:
        locked.chmod(0)
    else:
        real = os.scandir

        def scandir(path="."):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)
        monkeypatch.setattr(discover_mod.os, "scandir", scandir)
    try:
        _, result = scan(tmp_path)
    finally:
        locked.chmod(0o755)
    assert skipped(result)["private"] == "cannot list directory: Permission denied"
    assert_probe_survived(result)


def test_fifo_is_listed_not_read(tmp_path, probe):
    write_tree(tmp_path, PROBE)
    os.mkfifo(tmp_path / "src/pipe.js")
    _, result = scan(tmp_path)      # reading a FIFO would block forever
    assert skipped(result)["src/pipe.js"] == "not a regular file (socket, device or pipe)"
    assert_probe_survived(result)


def test_many_tiny_files_in_parallel(tmp_path, probe):
    n = 2_000
    for i in range(n):
        d = tmp_path / "src" / f"m{i // 100:02d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"f{i:04d}.js").write_text(f"export const v{i} = process.env.V{i};\n")
    write_tree(tmp_path, PROBE)
    started = time.perf_counter()
    cfg = config_mod.load(tmp_path, overrides={"jobs": 2})
    project = engine.build_project(cfg)
    result = engine.scan(cfg, project=project)
    elapsed = time.perf_counter() - started
    assert result.files_scanned == n + 1
    assert len(probe_facts(project)) == n, "the process pool lost facts"
    assert [f.path for f in project.files] == sorted(f.path for f in project.files)
    assert_probe_survived(result)
    assert elapsed < 60, f"{n} tiny files took {elapsed:.1f} s"


def test_the_cli_reports_what_it_skipped(tmp_path):
    write_tree(tmp_path, {**PROBE, "src/blob.js": b"\x00\x01", "src/latin1.js": "é\n".encode("latin-1")})
    run = cli("scan", str(tmp_path))
    assert "Skipped 1 file(s): 1 binary" in run.out
    assert "Analysed in part 1 file(s)" in run.out
    verbose = cli("scan", str(tmp_path), "--verbose")
    assert "skipped  src/blob.js: binary file" in verbose.out
    assert "partial  src/latin1.js: invalid UTF-8" in verbose.out


# ------------------------------------------------------------------------------------ random input


NAMES = ["src/a.js", "src/a.ts", "src/a.tsx", "app/a.py", "package.json", "render.yaml", "fly.toml",
         ".env", ".env.example", "Dockerfile", "vercel.json", ".github/workflows/ci.yml", "README.md",
         "docker-compose.yml", "requirements.txt", "Procfile", "k8s/deploy.yaml", "pyproject.toml"]

SNIPPETS = ["process.env.", "os.environ[", "cors(", "app.get('/", "fetch(", "http://localhost:3000",
            "@app.route(", "envVars:", "[env]", "key:", "{", "}", "(", ")", "[", "]", "'", '"', "`",
            "\n", "\r\n", "\\", "/*", "*/", "#", "//", "deploycheck: ignore[cors]", "\ufeff", "\x00", "é"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=2_000))
def test_random_bytes_never_crash_extraction(name, data):
    _extract_bytes(name, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES),
       parts=st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=20)), max_size=60))
def test_random_code_like_text_never_crashes_extraction(name, parts):
    _extract_bytes(name, "".join(parts).encode("utf-8", "surrogatepass"))


def _extract_bytes(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f"
        path.write_bytes(data)
        saved = extract_mod._EXTRACTORS
        extract_mod._EXTRACTORS = extract_mod.extractors() + (PROBE_EXTRACTOR,)
        try:
            facts = extract_file(Candidate(name, path), 2 * 1024 * 1024)
        finally:
            extract_mod._EXTRACTORS = saved
    if isinstance(facts, FileFacts):
        assert facts.file.path == name
        assert facts.error is None or not facts.error.startswith(tuple(
            ex.name + ": internal error" for ex in extract_mod.extractors())), facts.error
        for fact_list in (facts.env_reads, facts.urls, facts.secrets, facts.cors, facts.routes, facts.suppressions):
            for fact in fact_list:
                assert fact.location.path == name
                assert fact.location.line is None or fact.location.line >= 1
    else:
        assert facts.path == name and facts.reason


_NAME_CHARS = st.sampled_from(list("abcXYZ019._- é[]!#*") + ["ü", "漢"])


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")   # re, on random "[[" patterns
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.lists(st.text(_NAME_CHARS, min_size=1, max_size=8), min_size=1, max_size=3),
                      min_size=1, max_size=12),
       gitignore=st.lists(st.one_of(st.text(_NAME_CHARS, max_size=10),
                                    st.sampled_from(["*", "!*.js", "/a", "**/b", "#x", "\\!", "[", "a/**/"])),
                          max_size=8))
def test_random_trees_and_gitignores_never_crash_discovery(files, gitignore):
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / ".gitignore").write_text("\n".join(gitignore), "utf-8")
        made = set()
        for parts in files:
            parts = [p for p in parts if p not in (".", "..")]
            if not parts:
                continue
            target = root.joinpath(*parts)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("x = 1\n")
                made.add("/".join(parts))
            except OSError:
                continue   # a name that is a file here and a folder there
        found = discover(root)
        rels = [c.rel for c in found.files]
        assert len(rels) == len(set(rels))
        for c in found.files:
            assert not c.rel.startswith("/") and "\\" not in c.rel
            assert os.path.isfile(c.path)
        assert set(rels) <= made | {".gitignore"}
        shutil.rmtree(root, ignore_errors=True)
