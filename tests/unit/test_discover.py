"""Discovery: which files are scanned, which are skipped silently (dependencies, build output,
what .gitignore excludes) and which are listed with a reason (links we do not follow, files we
cannot read). Reading a candidate (`read_source`) decides binary / too large / minified / encoding.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from deploycheck.project.discover import SKIP_DIRS, Source, discover, read_source
from cli_support import write_tree


def found(root: Path, **kwargs) -> list[str]:
    return [c.rel for c in discover(root, **kwargs).files]


def skipped(root: Path, **kwargs) -> dict[str, str]:
    return {s.path: s.reason for s in discover(root, **kwargs).skipped}


# ------------------------------------------------------------------------------------ .gitignore


def test_root_gitignore(tmp_path):
    write_tree(tmp_path, {
        ".gitignore": "*.log\nsecret/\n/only-at-root.js\n# a comment\n\n",
        "a.log": "", "src/b.log": "", "secret/key.js": "", "src/secret/key.js": "",
        "only-at-root.js": "", "src/only-at-root.js": "", "src/app.js": "",
    })
    assert found(tmp_path) == [".gitignore", "src/app.js", "src/only-at-root.js"]


def test_nested_gitignore_applies_below_its_folder_only(tmp_path):
    write_tree(tmp_path, {
        "api/.gitignore": "generated/\n/local.js\n*.tmp.js\n",
        "api/generated/client.js": "", "api/local.js": "", "api/src/local.js": "", "api/x.tmp.js": "",
        "api/src/y.tmp.js": "", "web/generated/client.js": "", "web/local.js": "", "web/x.tmp.js": "",
    })
    assert found(tmp_path) == ["api/.gitignore", "api/src/local.js", "web/generated/client.js",
                               "web/local.js", "web/x.tmp.js"]


def test_nested_gitignore_does_not_leak_to_sibling_folders(tmp_path):
    write_tree(tmp_path, {"a/.gitignore": "*.js\n", "a/x.js": "", "a/deep/y.js": "", "b/x.js": "", "c/d/x.js": ""})
    assert found(tmp_path) == ["a/.gitignore", "b/x.js", "c/d/x.js"]


def test_negation(tmp_path):
    write_tree(tmp_path, {
        ".gitignore": "*.env\n!keep.env\nlogs/*\n!logs/important.js\nbuild-out/\n!build-out/keep.js\n",
        "a.env": "", "keep.env": "", "logs/debug.js": "", "logs/important.js": "",
        "build-out/keep.js": "",   # git cannot re-include a file inside an excluded folder
    })
    assert found(tmp_path) == [".gitignore", "keep.env", "logs/important.js"]


def test_nested_negation_re_includes_what_the_parent_excluded(tmp_path):
    write_tree(tmp_path, {".gitignore": "*.sql\n", "db/.gitignore": "!schema.sql\n",
                          "db/schema.sql": "", "db/dump.sql": "", "other/schema.sql": ""})
    assert found(tmp_path) == [".gitignore", "db/.gitignore", "db/schema.sql"]


def test_invalid_gitignore_lines_are_ignored(tmp_path):
    write_tree(tmp_path, {".gitignore": "!\n*.log\n\\\n", "a.log": "", "a.js": ""})
    assert found(tmp_path) == [".gitignore", "a.js"]


def test_gitignore_can_be_turned_off(tmp_path):
    write_tree(tmp_path, {".gitignore": "*.js\n", "a.js": ""})
    assert found(tmp_path, use_gitignore=False) == [".gitignore", "a.js"]


def test_root_gitignore_lines_are_returned(tmp_path):
    write_tree(tmp_path, {".gitignore": ".env\nnode_modules\n", "sub/.gitignore": "x\n"})
    assert discover(tmp_path).root_gitignore == [".env", "node_modules"]


def test_exclude_from_config_wins_over_negation(tmp_path):
    write_tree(tmp_path, {".gitignore": "!vendor-lib/keep.js\n", "vendor-lib/keep.js": "", "src/a.js": "",
                          "src/a.generated.js": ""})
    assert found(tmp_path, exclude=["vendor-lib/", "*.generated.js"]) == [".gitignore", "src/a.js"]


# ------------------------------------------------------------------------------------ default skips


@pytest.mark.parametrize("folder", ["node_modules", ".git", "dist", "build", ".next", "__pycache__", "venv",
                                    ".venv", "coverage", ".pytest_cache", ".turbo", ".vercel", "vendor",
                                    ".terraform", ".serverless"])
def test_default_skip_dirs_are_skipped_silently(tmp_path, folder):
    write_tree(tmp_path, {f"{folder}/x.js": "", f"src/{folder}/y.js": "", "src/app.js": ""})
    assert found(tmp_path) == ["src/app.js"]
    assert skipped(tmp_path) == {}


def test_skip_dirs_cover_the_usual_suspects():
    assert {"node_modules", ".git", "venv", ".venv", "dist", ".next", "__pycache__"} <= SKIP_DIRS
    assert ".github" not in SKIP_DIRS and "src" not in SKIP_DIRS


def test_a_virtualenv_under_any_name_is_skipped(tmp_path):
    write_tree(tmp_path, {"myenv/pyvenv.cfg": "home = /usr/bin\n", "myenv/lib/python3.11/site-packages/x.py": "",
                          "app/main.py": ""})
    assert found(tmp_path) == ["app/main.py"]


def test_dot_folders_that_matter_are_scanned(tmp_path):
    write_tree(tmp_path, {".github/workflows/ci.yml": "", ".do/app.yaml": "", ".devcontainer/devcontainer.json": "",
                          ".env": "", ".env.example": "", ".nvmrc": ""})
    assert found(tmp_path) == [".devcontainer/devcontainer.json", ".do/app.yaml", ".env", ".env.example",
                               ".github/workflows/ci.yml", ".nvmrc"]


@pytest.mark.parametrize("name", ["app.min.js", "app.js.map", "logo.png", "font.woff2", "types.d.ts",
                                  "db.sqlite3", "a.pyc", ".DS_Store", "Archive.zip", "bun.lockb"])
def test_binary_and_generated_names_are_skipped_silently(tmp_path, name):
    write_tree(tmp_path, {f"src/{name}": "x", "src/app.js": ""})
    assert found(tmp_path) == ["src/app.js"]


def test_paths_are_relative_with_forward_slashes_and_sorted(tmp_path):
    write_tree(tmp_path, {"b/z.js": "", "a/y/x.js": "", "a.js": "", "a/b.js": ""})
    files = discover(tmp_path).files
    assert [c.rel for c in files] == sorted(c.rel for c in files)
    assert all("\\" not in c.rel and not c.rel.startswith("/") for c in files)
    assert all(os.path.isabs(c.path) and os.path.isfile(c.path) for c in files)


def test_root_given_as_a_relative_path(tmp_path, monkeypatch):
    write_tree(tmp_path, {"app/src/a.js": ""})
    monkeypatch.chdir(tmp_path)
    assert found(Path("app")) == ["src/a.js"]


# ------------------------------------------------------------------------------------ links


def test_file_link_inside_the_root_is_scanned_once(tmp_path):
    write_tree(tmp_path, {"src/real.js": ""})
    os.symlink("real.js", tmp_path / "src/alias.js")
    files = discover(tmp_path).files
    assert len(files) == 1
    assert files[0].path == str((tmp_path / "src/real.js").resolve())


def test_file_link_into_a_skipped_folder_is_read_through_its_real_path(tmp_path):
    write_tree(tmp_path, {"dist/server.js": "x"})
    os.symlink("dist/server.js", tmp_path / "server.js")
    files = discover(tmp_path).files
    assert [(c.rel, c.path) for c in files] == [("server.js", str((tmp_path / "dist/server.js").resolve()))]


def test_directory_links_are_listed_not_descended(tmp_path):
    write_tree(tmp_path, {"shared/util.js": ""})
    os.symlink("shared", tmp_path / "lib")
    assert found(tmp_path) == ["shared/util.js"]
    assert skipped(tmp_path)["lib"].startswith("link to a directory inside the root: not followed")


def test_link_to_a_skipped_folder_is_silent(tmp_path):
    write_tree(tmp_path, {"node_modules/x/index.js": "", "src/a.js": ""})
    os.symlink("../node_modules", tmp_path / "src/node_modules")
    os.symlink("missing", tmp_path / "dist")                  # broken, but a folder we never scan
    assert skipped(tmp_path) == {}


@pytest.mark.parametrize("kind", ["file", "dir"])
def test_links_out_of_the_root_are_listed(tmp_path, kind):
    outside = tmp_path / "outside"
    write_tree(outside, {"secret.js": "", "d/x.js": ""})
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside / ("secret.js" if kind == "file" else "d"), root / "escape")
    assert found(root) == []
    assert skipped(root) == {"escape": "link points outside the scanned root: not followed"}


def test_broken_link_and_loop(tmp_path):
    os.symlink("nowhere.js", tmp_path / "broken.js")
    os.symlink("b", tmp_path / "a")
    os.symlink("a", tmp_path / "b")
    assert skipped(tmp_path) == {"broken.js": "broken symlink: target does not exist",
                                 "a": "symlink loop: not followed", "b": "symlink loop: not followed"}


def test_ignored_links_are_not_listed(tmp_path):
    write_tree(tmp_path, {".gitignore": "escape\n"})
    os.symlink("/etc", tmp_path / "escape")
    assert skipped(tmp_path) == {}


def test_root_itself_may_be_a_link(tmp_path):
    write_tree(tmp_path, {"real/src/a.js": ""})
    os.symlink("real", tmp_path / "alias")
    assert found(tmp_path / "alias") == ["src/a.js"]


# ------------------------------------------------------------------------------------ reading a file


def _read(tmp_path: Path, data: bytes, name: str = "a.js", **kw) -> Source | object:
    p = tmp_path / name
    p.write_bytes(data)
    return read_source(p, name, **kw)


def test_read_plain_text(tmp_path):
    src = _read(tmp_path, b"const a = 1;\nconst b = 2;\n")
    assert isinstance(src, Source) and src.partial is None and src.text.startswith("const a")


def test_read_binary(tmp_path):
    assert _read(tmp_path, b"abc\x00def").reason == "binary file"


def test_read_too_large(tmp_path):
    assert _read(tmp_path, b"x" * 2000, max_bytes=1000).reason.startswith("too large (")


def test_read_minified_only_for_script_and_style_files(tmp_path):
    line = b"var a=1;" * 1000
    assert _read(tmp_path, line, "bundle.js").reason == "minified or generated code (very long lines)"
    assert isinstance(_read(tmp_path, line, "data.txt"), Source)
    assert isinstance(_read(tmp_path, b"var a = 1;\n" * 1000, "big.js"), Source)


def test_read_a_few_bad_bytes_is_partial(tmp_path):
    src = _read(tmp_path, b"ok\nna\xefve\n")
    assert isinstance(src, Source)
    assert src.partial.startswith("invalid UTF-8 at line 2 (byte offset 5)")
    assert "\ufffd" in src.text


def test_read_mostly_undecodable_is_skipped(tmp_path):
    assert _read(tmp_path, bytes(range(0x80, 0x100)) * 40).reason.startswith("not UTF-8 text")


def test_read_drops_the_bom_from_text_and_bytes(tmp_path):
    src = _read(tmp_path, b"\xef\xbb\xbfconst a = 1;\n")
    assert src.text == "const a = 1;\n" and src.data == b"const a = 1;\n"
