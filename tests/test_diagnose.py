"""diagnose: log formats, stack assembly, grouping, classification, blame and the JSON contract."""
from __future__ import annotations

import io
import json
import resource
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from deploycheck.cli import main
from deploycheck.cli.environment import Environment
from deploycheck.diagnose import diagnose
from deploycheck.diagnose.classify import classify
from deploycheck.diagnose.read import parse_line, read_events
from deploycheck.diagnose.signature import RepoMapper, error_line, normalise

DATA = Path(__file__).parent / "data" / "diagnose"


def run_json(*argv: str) -> tuple[int, dict]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), Environment(stdout=out, stderr=err, stdout_isatty=False, vars={}))
    assert code == 0, err.getvalue()
    return code, json.loads(out.getvalue())


@pytest.mark.parametrize("raw,stream,level,msg", [
    ("2026-11-23T08:01:11.644432+00:00 app[web.4]: Traceback (most recent call last):", "app[web.4]", "",
     "Traceback (most recent call last):"),
    ("2026-11-19T08:11:09.716655000Z [err]  Login error: boom", "", "error", " Login error: boom"),
    ("2026-11-22T03:49:06+0000 mail-1 python3[2233]: KeyError: 'X'", "python3[2233]", "", "KeyError: 'X'"),
    ('{"level":50,"msg":"db down","pid":7}', "7", "error", "db down"),
    ("plain text line", "", "", "plain text line"),
])
def test_parse_line_formats(raw, stream, level, msg):
    line = parse_line(1, raw)
    assert (line.stream, line.level, line.message) == (stream, level, msg)


def test_interleaved_tracebacks_are_assembled_per_process():
    events = list(read_events(open(DATA / "heroku.log", encoding="utf-8")))
    tracebacks = [e for e in events if any(l.startswith("Traceback") for l in e.lines)]
    assert len(tracebacks) == 3
    assert all(error_line(e) == "KeyError: 'SMS_FROM_NUMBER'" for e in tracebacks)
    assert sorted(e.first_line for e in tracebacks)[:2] == [2, 3]      # the "ERROR in app" header lines
    assert all(e.lines[0].startswith("[2026") for e in tracebacks)


def test_node_stack_lines_join_their_error():
    events = list(read_events(open(DATA / "railway.log", encoding="utf-8")))
    buffering = [e for e in events if "buffering" in e.text]
    assert len(buffering) == 3 and all(len(e.lines) == 3 for e in buffering)


def test_normalise_groups_variants_but_keeps_names():
    a = normalise("Login error: MongooseError: Operation `users.findOne()` buffering timed out after 10000ms")
    b = normalise("Register error: MongooseError: Operation `notes.find()` buffering timed out after 9000ms")
    assert a == b and a.startswith("MongooseError:")
    assert "SMS_FROM_NUMBER" in normalise("KeyError: 'SMS_FROM_NUMBER'")
    assert normalise("user 12 failed for bob@example.com") == normalise("user 99 failed for amy@example.org")


@pytest.mark.parametrize("text,category,subject", [
    ("KeyError: 'TWILIO_FROM_NUMBER'", "env-vars", "TWILIO_FROM_NUMBER"),
    ("Error: Missing required environment variable DATABASE_URL", "env-vars", "DATABASE_URL"),
    ("pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings\ndatabase_url\n  Field required",
     "env-vars", "Settings"),
    ("Error: secretOrPrivateKey must have a value", "env-vars", None),
    ("MongoDB connection error: connect ECONNREFUSED 127.0.0.1:27017", "localhost", "27017"),
    ('psycopg2.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused',
     "localhost", "5432"),
    ("FATAL:  remaining connection slots are reserved for non-replication superuser connections", "db-connections", None),
    ("sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached", "db-connections", None),
    ("MongooseError: Operation `users.findOne()` buffering timed out after 10000ms", "error-handling", None),
    ("Error: Cannot find module 'express'", "rollback", "express"),
    ('error: relation "users" does not exist', "rollback", "users"),
    ("Access to fetch at 'https://api.x' from origin 'https://app.x' has been blocked by CORS policy", "cors", None),
])
def test_classify_signatures(text, category, subject):
    cat, explanation, subj = classify(text)
    assert cat == category and explanation
    assert subj == subject


@pytest.mark.parametrize("text", [
    "KeyError: 'name'",                                  # a dict key, not an env variable
    "ValidationError: Note validation failed: title: Path `title` is required.",
    "GET /health 200 3ms",
    "Connection refused by db.internal:5432",            # not localhost
    "user typed localhost into the form",
])
def test_classify_does_not_cry_wolf(text):
    assert classify(text)[0] == "unknown"


def test_repo_mapper_strips_deploy_prefixes():
    m = RepoMapper(None, {"services/sms.py", "app.py", "src/db.js"})
    assert m.map("/app/services/sms.py") == "services/sms.py"
    assert m.map("/opt/svc/releases/42/src/db.js") == "src/db.js"
    assert m.map("/app/.heroku/python/lib/python3.12/site-packages/flask/app.py") is None
    assert m.map("/app/node_modules/x/app.py") is None


def test_diagnose_heroku_log_end_to_end():
    _, doc = run_json("diagnose", str(DATA / "heroku.log"), "--repo", str(DATA / "app"), "--format", "json")
    assert doc["version"] == 1
    env = [i for i in doc["incidents"] if i["category"] == "env-vars"]
    assert len(env) == 1
    inc = env[0]
    assert inc["count"] == 3 and inc["first_seen_line"] == 2
    assert inc["frames"][0] == {"path": "services/sms.py", "line": 9, "function": "send_sms",
                                "log_path": "/app/services/sms.py"}
    assert "env-vars:services/sms.py:9" in inc["related_findings"]
    assert "SMS_FROM_NUMBER" in inc["summary"]
    assert "os.environ[\"SMS_FROM_NUMBER\"]" in inc["prompt"] and "Please:" in inc["prompt"]
    http = [i for i in doc["incidents"] if i["signature"].startswith("HTTP 500")]
    assert http and http[0]["category"] == "unknown" and http[0]["count"] == 3
    assert not any("health" in i["signature"] for i in doc["incidents"])   # 200s are not incidents


def test_diagnose_node_log_links_the_localhost_fallback():
    _, doc = run_json("diagnose", str(DATA / "railway.log"), "--repo", str(DATA / "app"), "--format", "json")
    by_cat = {i["category"]: i for i in doc["incidents"]}
    assert by_cat["localhost"]["count"] == 2
    assert "localhost:src/db.js:3" in by_cat["localhost"]["related_findings"]
    assert by_cat["error-handling"]["count"] == 3
    assert by_cat["error-handling"]["frames"] == []          # only node_modules frames
    assert "localhost:src/db.js:3" in by_cat["error-handling"]["related_findings"]


def test_text_output_and_bad_paths(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdout=out, stderr=err, stdout_isatty=False, vars={})
    assert main(["diagnose", str(DATA / "heroku.log"), "--repo", str(DATA / "app")], env) == 0
    assert "env-vars: 3x since line 2" in out.getvalue() and "Prompt for an AI assistant" in out.getvalue()
    assert main(["diagnose", str(tmp_path / "nope.log")], env) == 2
    assert "no such log file" in err.getvalue()


def test_gzip_and_binary_garbage(tmp_path):
    import gzip
    gz = tmp_path / "x.log.gz"
    with gzip.open(gz, "wt") as fh:
        fh.write("2026-01-01T00:00:00Z [err]  KeyError: 'API_TOKEN'\n")
    res = diagnose(gz, None, None)
    assert [i.category for i in res.incidents] == ["env-vars"]
    junk = tmp_path / "junk.log"
    junk.write_bytes(b"\x00\xff\xfe garbage \x80\n" * 100 + b"ok line\n")
    res = diagnose(junk, None, None)
    assert res.lines == 101


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=40))
def test_any_text_diagnoses_without_crashing(lines):
    res = diagnose("mem", None, None, stream=io.StringIO("\n".join(lines)))
    assert all(i.count >= 1 for i in res.incidents)


@pytest.mark.slow
def test_large_log_streams_in_bounded_memory(tmp_path):
    big = tmp_path / "big.log"
    block = (DATA / "heroku.log").read_text("utf-8")
    with open(big, "w", encoding="utf-8") as fh:
        for _ in range(4000):                              # ~19 MB, 160k lines
            fh.write(block)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res = diagnose(big, None, None)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    env = [i for i in res.incidents if i.category == "env-vars"][0]
    assert env.count == 3 * 4000
    assert grown_mib < 60, f"memory grew {grown_mib:.0f} MiB for a 19 MB log"
