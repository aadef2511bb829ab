"""The facts cache: a warm scan says exactly what a cold one says, and the cache never decides a result
(changed files and a changed tool are re-extracted, damaged entries and databases are misses)."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest

from cli_support import BROKEN, cli
from deploycheck import cache as cache_mod
from deploycheck import config as config_mod
from deploycheck import engine
from deploycheck.project import pickling
from deploycheck.project.discover import discover
from deploycheck.project.extract import extract_file
from deploycheck.report import json as json_report


def _scan_json(root: Path, cache_dir: Path | None, jobs: int = 1) -> dict:
    cfg = replace(config_mod.load(root, overrides={"jobs": jobs}), cache_dir=cache_dir)
    out = StringIO()
    json_report.render_scan(engine.scan(cfg), out)
    data = json.loads(out.getvalue())
    data.get("stats", {}).pop("duration_ms", None)
    return data


@pytest.fixture
def app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(BROKEN, root)
    return root


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The files the engine extracts in this process (not those it takes from the cache)."""
    seen: list[str] = []
    real = engine.extract_data

    def counting(rel, data):
        seen.append(rel)
        return real(rel, data)

    monkeypatch.setattr(engine, "extract_data", counting)
    return seen


def _entries(cache_dir: Path) -> int:
    with sqlite3.connect(cache_dir / cache_mod.FILE_NAME) as conn:
        return conn.execute("SELECT count(*) FROM facts").fetchone()[0]


def test_warm_scan_is_identical_and_extracts_nothing(app, tmp_path, counted):
    cdir = tmp_path / "cache"
    cold = _scan_json(app, cdir)
    assert counted, "the cold scan extracts"
    n = _entries(cdir)
    assert n == len(counted)
    counted.clear()
    warm = _scan_json(app, cdir)
    assert warm == cold
    assert counted == []
    assert warm == _scan_json(app, None)


def test_a_changed_file_is_extracted_again(app, tmp_path, counted):
    cdir = tmp_path / "cache"
    _scan_json(app, cdir)
    target = next(p for p in sorted((app / "src").rglob("*.js")) if "process.env" in p.read_text())
    target.write_text(target.read_text() + "\nconst extra = process.env.ONLY_IN_THE_NEW_VERSION;\n")
    counted.clear()
    warm = _scan_json(app, cdir)
    rel = target.relative_to(app).as_posix()
    assert counted == [rel]
    assert warm == _scan_json(app, None)
    assert "ONLY_IN_THE_NEW_VERSION" in json.dumps(warm)


def test_a_renamed_file_is_extracted_again(app, tmp_path, counted):
    cdir = tmp_path / "cache"
    _scan_json(app, cdir)
    src = next(p for p in sorted((app / "src").rglob("*.js")))
    dst = src.with_name("renamed_" + src.name)
    src.rename(dst)
    counted.clear()
    warm = _scan_json(app, cdir)
    assert counted == [dst.relative_to(app).as_posix()]
    assert warm == _scan_json(app, None)


def test_another_tool_version_misses(app, tmp_path, counted, monkeypatch):
    cdir = tmp_path / "cache"
    cold = _scan_json(app, cdir)
    first = len(counted)
    counted.clear()
    monkeypatch.setattr(cache_mod, "tool_id", lambda: b"another deploycheck")
    assert _scan_json(app, cdir) == cold
    assert len(counted) == first


def test_tool_id_follows_the_code(monkeypatch, tmp_path):
    import deploycheck
    cache_mod.tool_id.cache_clear()
    try:
        before = cache_mod.tool_id()
        monkeypatch.setattr(deploycheck, "__version__", deploycheck.__version__ + ".post1")
        cache_mod.tool_id.cache_clear()
        assert cache_mod.tool_id() != before
    finally:
        monkeypatch.undo()
        cache_mod.tool_id.cache_clear()


def test_a_corrupt_database_is_ignored_and_replaced(app, tmp_path, counted):
    cdir = tmp_path / "cache"
    cold = _scan_json(app, cdir)
    first = len(counted)
    db = cdir / cache_mod.FILE_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    counted.clear()
    assert _scan_json(app, cdir) == cold
    assert len(counted) == first                 # everything extracted again
    assert _entries(cdir) == first               # and a good database written in its place
    counted.clear()
    assert _scan_json(app, cdir) == cold
    assert counted == []


def test_a_damaged_entry_is_a_miss(app, tmp_path, counted):
    cdir = tmp_path / "cache"
    cold = _scan_json(app, cdir)
    with sqlite3.connect(cdir / cache_mod.FILE_NAME) as conn:
        keys = [k for (k,) in conn.execute("SELECT key FROM facts ORDER BY key")]
        conn.execute("UPDATE facts SET value = ? WHERE key = ?", (b"\x80\x05garbage", keys[0]))
        conn.execute("UPDATE facts SET value = ? WHERE key = ?", (pickling.dumps(["not", "facts"]), keys[1]))
    counted.clear()
    assert _scan_json(app, cdir) == cold
    assert len(counted) == 2


def test_no_cache_never_touches_the_cache_dir(app, tmp_path):
    cache_home = tmp_path / "xdg"
    run = cli("scan", str(app), "--format", "json", "--no-cache", vars={"XDG_CACHE_HOME": str(cache_home)})
    assert run.code in (0, 1), run.err
    assert not cache_home.exists()
    for cmd in (["env", str(app)], ["routes", str(app)]):
        run = cli(*cmd, "--no-cache", vars={"XDG_CACHE_HOME": str(cache_home)})
        assert run.code in (0, 1), run.err
        assert not cache_home.exists()


def test_cli_commands_use_the_cache_by_default(app, tmp_path):
    cache_home = tmp_path / "xdg"
    first = cli("scan", str(app), "--format", "json", vars={"XDG_CACHE_HOME": str(cache_home)})
    assert (cache_home / "deploycheck" / cache_mod.FILE_NAME).is_file()
    second = cli("scan", str(app), "--format", "json", vars={"XDG_CACHE_HOME": str(cache_home)})
    a, b = first.json(), second.json()
    for d in (a, b):
        d.get("stats", {}).pop("duration_ms", None)
    assert a == b
    for cmd in ("env", "routes"):
        cold = cli(cmd, str(app), vars={"XDG_CACHE_HOME": str(tmp_path / f"fresh-{cmd}")})
        warm = cli(cmd, str(app), vars={"XDG_CACHE_HOME": str(cache_home)})
        assert (cold.code, cold.out) == (warm.code, warm.out)


def test_cache_location():
    assert cache_mod.default_dir({"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}) == Path("/x/cache/deploycheck")
    assert cache_mod.default_dir({"HOME": "/home/u"}) == Path("/home/u/.cache/deploycheck")
    assert cache_mod.default_dir({"XDG_CACHE_HOME": "relative", "HOME": "/home/u"}) == Path("/home/u/.cache/deploycheck")
    assert cache_mod.default_dir({"DEPLOYCHECK_CACHE_DIR": "/c", "HOME": "/home/u"}) == Path("/c")
    assert cache_mod.default_dir({}) is None


def test_parallel_workers_share_the_cache(app, tmp_path, monkeypatch):
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("no fork")
    monkeypatch.setattr(engine, "PARALLEL_MIN_FILES", 1)
    cdir = tmp_path / "cache"
    serial = _scan_json(app, None, jobs=1)
    assert _scan_json(app, cdir, jobs=2) == serial      # cold, in workers
    assert _entries(cdir) > 0
    assert _scan_json(app, cdir, jobs=2) == serial      # warm, in workers
    assert _scan_json(app, None, jobs=2) == serial      # no cache, in workers


def test_size_is_bounded(tmp_path):
    c = cache_mod.Cache(tmp_path / "c", b"tool", max_bytes=20_000)
    for batch in range(5):
        assert c.store([(os.urandom(32), os.urandom(1000)) for _ in range(10)])
    with sqlite3.connect(c.db) as conn:
        total = conn.execute("SELECT total(size) FROM facts").fetchone()[0]
    assert total <= 20_000


def test_least_recently_used_go_first(tmp_path):
    c = cache_mod.Cache(tmp_path / "c", b"tool", max_bytes=10_000)
    old = [(bytes([i]) * 32, b"o" * 1000) for i in range(5)]
    assert c.store(old)
    with sqlite3.connect(c.db) as conn:
        conn.execute("UPDATE facts SET used = used - 100000")
    fresh = [(bytes([100 + i]) * 32, b"f" * 1000) for i in range(6)]
    assert c.store(fresh)
    got = c.reader().get_many([k for k, _ in old + fresh])
    assert set(got) >= {k for k, _ in fresh}
    assert len(set(got) & {k for k, _ in old}) < len(old)


def test_concurrent_writers_are_safe(tmp_path):
    c = cache_mod.Cache(tmp_path / "c", b"tool")
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            for j in range(5):
                c.store([(bytes([i, j]) * 16, os.urandom(500)) for _ in range(1)] +
                        [(os.urandom(32), os.urandom(500)) for _ in range(20)])
        except BaseException as exc:   # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert c.reader().get_many([bytes([0, 0]) * 16])


def test_reader_without_database_creates_nothing(tmp_path):
    c = cache_mod.Cache(tmp_path / "nowhere", b"tool")
    assert c.reader().get_many([b"k" * 32]) == {}
    assert not (tmp_path / "nowhere").exists()


def test_facts_survive_the_pickle_round_trip():
    found = discover(BROKEN)
    for cand in found.files:
        item = extract_file(cand, 2 * 1024 * 1024)
        assert repr(pickling.loads(pickling.dumps(item))) == repr(item)
