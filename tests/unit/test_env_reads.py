"""EnvRead facts: which reads sit behind a presence test of a variable (`only_if`)."""
from __future__ import annotations

from deploycheck.checks.env_vars import is_required_read
from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def reads(path: str, text: str) -> list[tuple[int, str, bool, tuple[str, ...]]]:
    facts = extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))
    assert facts.error is None, facts.error
    return [(r.location.line, r.name, r.conditional, r.only_if) for r in facts.env_reads]


def test_python_reads_inside_presence_tests_name_the_tested_variables():
    text = (
        'import os\n'
        'if "A" in os.environ:\n'
        '    a = os.environ["A"]\n'
        '    if os.getenv("B"):\n'
        '        b = os.getenv("B")\n'
        'if not os.environ.get("C"):\n'
        '    c = None\n'
        'else:\n'
        '    c = os.environ["C"]\n'
        'd = os.environ["D"] if "D" in os.environ else None\n'
        'e = os.environ["E"]\n'
    )
    got = {(line, name): only for line, name, cond, only in reads("app/settings.py", text) if not cond}
    assert got == {(3, "A"): ("A",), (5, "B"): ("B", "A"), (9, "C"): ("C",), (10, "D"): ("D",), (11, "E"): ()}


def test_python_value_tested_before_use_is_optional_but_a_fatal_test_keeps_it_required():
    text = (
        'import os\n'
        'DSN = os.getenv("SENTRY_DSN")\n'
        'if DSN:\n'
        '    init(DSN)\n'
        'KEY = os.getenv("API_KEY")\n'
        'if not KEY:\n'
        '    raise RuntimeError("API_KEY is not set")\n'
    )
    got = {name: only for _, name, cond, only in reads("app/config.py", text)}
    assert got == {"SENTRY_DSN": ("SENTRY_DSN",), "API_KEY": ()}


def test_js_if_ternary_and_logical_and_guards():
    text = (
        "if (process.env.HOOK) { fetch(process.env.HOOK); }\n"
        "const h = process.env.TOKEN && { a: process.env.TOKEN };\n"
        "const u = process?.env?.SITE ? process.env.SITE : '/';\n"
        "if (!process.env.LOCAL) { connect(process.env.QUEUE); } else { connect(process.env.OTHER); }\n"
        "const k = new Stripe(process.env.STRIPE_KEY);\n"
    )
    got = {(line, name): only for line, name, cond, only in reads("src/app.js", text) if not cond}
    assert got == {(1, "HOOK"): ("HOOK",), (2, "TOKEN"): ("TOKEN",), (3, "SITE"): ("SITE",),
                   (4, "QUEUE"): (), (4, "OTHER"): ("LOCAL",), (5, "STRIPE_KEY"): ()}


def test_js_presence_test_itself_is_conditional():
    assert reads("src/app.js", "if (process.env.FLAG) { run(); }\n") == [(1, "FLAG", True, ())]


def test_required_depends_on_the_switch_being_present():
    text = 'import os\nif "S3_BUCKET" in os.environ:\n    r = os.environ["S3_REGION"]\n'
    facts = extract_source("app/settings.py", Source(text, text.encode(), 3, None))
    (read,) = [r for r in facts.env_reads if r.name == "S3_REGION"]
    assert not is_required_read(read)
    assert is_required_read(read, {"S3_BUCKET"})


def test_dj_database_url_config_reads_database_url_or_its_env_argument():
    text = ('import dj_database_url\n'
            'A = dj_database_url.config(default="sqlite:///db.sqlite3")\n'
            'B = dj_database_url.config(env="REPLICA_URL")\n')
    facts = extract_source("mysite/settings.py", Source(text, text.encode(), 3, None))
    assert [(r.name, r.has_default) for r in facts.env_reads] == [("DATABASE_URL", True), ("REPLICA_URL", False)]


def test_python_value_tested_before_use_through_a_nested_default():
    text = ('import os\n'
            'REDIS_URL = os.environ.get("REDIS_TLS_URL", os.environ.get("REDIS_URL"))\n'
            'if REDIS_URL:\n'
            '    CACHES = REDIS_URL\n')
    got = {name: only for _, name, cond, only in reads("app/settings.py", text)}
    assert got == {"REDIS_TLS_URL": ("REDIS_TLS_URL",), "REDIS_URL": ("REDIS_URL",)}


def test_worker_context_env_reads_in_hono_and_durable_object_files_only():
    text = ("import { Hono } from 'hono'\n"
            "app.get('/', (c) => c.json({ a: c.env.API_KEY, b: c.env.incoming }))\n"
            "class Counter extends DurableObject { f() { return this.env.KV.get('x') } }\n")
    assert [(line, name) for line, name, _, _ in reads("src/index.ts", text)] == [(2, "API_KEY"), (3, "KV")]
    assert reads("src/other.ts", "const k = c.env.API_KEY;\n") == []   # no Hono/Workers import: some other `c`


def test_js_bound_value_tested_before_use_and_presence_tests_through_boolean_and_or():
    text = ("function ip(h) {\n  const custom = process.env.CLIENT_IP_HEADER;\n  return custom ? h[custom] : null;\n}\n"
            "function key() {\n  const k = process.env.MAIL_KEY;\n  if (!k) { throw new Error('no key'); }\n  return k;\n}\n"
            "const on = Boolean(process.env.CLICKHOUSE_URL);\n"
            "if (process.env.A || process.env.B) { run(); }\n")
    got = {name: (cond, only) for _, name, cond, only in reads("src/lib.js", text)}
    assert got == {"CLIENT_IP_HEADER": (False, ("CLIENT_IP_HEADER",)), "MAIL_KEY": (False, ()),
                   "CLICKHOUSE_URL": (True, ()), "A": (True, ()), "B": (True, ())}


def test_unset_message_names_at_most_three_configs(tmp_path):
    from deploycheck import config as config_mod
    from deploycheck import engine
    for i in range(5):
        (tmp_path / f"svc{i}").mkdir()
        (tmp_path / f"svc{i}" / "wrangler.toml").write_text(f'name = "s{i}"\ncompatibility_date = "2024-09-23"\n')
    (tmp_path / "svc0" / "index.ts").write_text("import { Hono } from 'hono';\nexport const k = (c) => c.env.API_KEY;\n")
    result = engine.scan(config_mod.load(tmp_path, overrides={"select": ["env-vars"], "jobs": 1}))
    (f,) = [f for f in result.active if f.rule.id == "env-vars/unset-in-production"]
    assert "svc0/wrangler.toml, svc1/wrangler.toml, svc2/wrangler.toml and 2 more" in f.message
