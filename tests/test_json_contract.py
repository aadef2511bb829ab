"""`scan --format json` against the contract (../shared/contract.md), written down as a JSON Schema
(tests/contract.schema.json, draft 2020-12) and checked on real outputs.

Besides validation: the checklist holds the ten ids in contract order, every key the tool emits
is described in the schema (semgrep's lesson: every part of the JSON output is specified), and
the schema is not vacuous (it rejects outputs that break the contract).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from deploycheck.core import CHECK_IDS
from cli_support import (BROKEN, FIXED, HARDCODED, LOCAL_URL_LINE, SCHEMA, cli, localhost_rule,  # noqa: F401
                         write_tree)

SCHEMA_DOC = json.loads(SCHEMA.read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA_DOC, format_checker=jsonschema.FormatChecker())


def errors(doc: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in VALIDATOR.iter_errors(doc)]


def assert_valid(doc: dict) -> None:
    problems = errors(doc)
    assert not problems, "output breaks the contract schema:\n  " + "\n  ".join(problems[:20])


def scan_json(*argv: str, cwd: Path | None = None) -> dict:
    run = cli("scan", *argv, "--format", "json", cwd=cwd)
    assert run.code in (0, 1), run.err
    return run.json()


@pytest.fixture(scope="module")
def broken() -> dict:
    return scan_json(str(BROKEN))


@pytest.fixture(scope="module")
def fixed() -> dict:
    return scan_json(str(FIXED))


@pytest.fixture
def busy(tmp_path, localhost_rule) -> dict:
    """A project whose output uses every part of the shape: active, suppressed and unused-suppression
    findings, skipped and partial files, a non-ASCII path."""
    write_tree(tmp_path, {
        "src/config.js": LOCAL_URL_LINE + "\n",
        "src/other.js": LOCAL_URL_LINE.replace("API_URL", "OTHER") + f" // deploycheck: ignore[{HARDCODED}] demo\n",
        "src/stale.js": f"const a = 1; // deploycheck: ignore[{HARDCODED}] stale\n",
        "src/ünïcödé.js": LOCAL_URL_LINE + "\n",
        "src/blob.js": b"\x00\x01\x02binary\x00",
        "src/latin1.js": "const city = 'Zürich';\n".encode("latin-1") + LOCAL_URL_LINE.encode() + b"\n",
    })
    return scan_json(str(tmp_path))


# ------------------------------------------------------------------------------------ the schema itself


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA_DOC)
    assert SCHEMA_DOC["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_check_ids_are_the_contracts():
    assert tuple(SCHEMA_DOC["$defs"]["checkId"]["enum"]) == CHECK_IDS


GOOD = {
    "version": 1, "root": "app",
    "checks": [{"id": "localhost", "status": "fail", "summary": "1 problem"}],
    "findings": [{"check": "localhost", "rule": "localhost/hardcoded-url", "severity": "error",
                  "path": "src/db.js", "line": 3, "column": 17, "message": "m", "fix": "f"},
                 {"check": "monitoring", "rule": "monitoring/no-health-endpoint", "severity": "warning",
                  "path": None, "line": None, "column": None, "message": "m", "fix": "f"}],
}


def _broken(mutate) -> dict:
    doc = copy.deepcopy(GOOD)
    mutate(doc)
    return doc


@pytest.mark.parametrize("name,mutate", [
    ("version 2", lambda d: d.update(version=2)),
    ("no root", lambda d: d.pop("root")),
    ("no findings", lambda d: d.pop("findings")),
    ("unknown status", lambda d: d["checks"][0].update(status="ok")),
    ("unknown check id", lambda d: d["checks"][0].update(id="speed")),
    ("unknown severity", lambda d: d["findings"][0].update(severity="critical")),
    ("absolute path", lambda d: d["findings"][0].update(path="/home/me/app/src/db.js")),
    ("backslashes", lambda d: d["findings"][0].update(path="src\\db.js")),
    ("dot-dot", lambda d: d["findings"][0].update(path="../src/db.js")),
    ("dot segment", lambda d: d["findings"][0].update(path="./src/db.js")),
    ("windows drive", lambda d: d["findings"][0].update(path="C:/app/db.js")),
    ("line 0", lambda d: d["findings"][0].update(line=0)),
    ("column 0", lambda d: d["findings"][0].update(column=0)),
    ("line as text", lambda d: d["findings"][0].update(line="3")),
    ("numeric rule", lambda d: d["findings"][0].update(rule="S113")),
    ("no fix", lambda d: d["findings"][0].pop("fix")),
    ("no message", lambda d: d["findings"][0].pop("message")),
    ("missing column key", lambda d: d["findings"][0].pop("column")),
    ("repo finding with a line", lambda d: d["findings"][1].update(line=4)),
])
def test_schema_rejects_what_breaks_the_contract(name, mutate):
    assert not errors(GOOD)
    assert errors(_broken(mutate)), f"the schema accepts an output with {name}"


# ------------------------------------------------------------------------------------ real outputs


def test_broken_example_output_is_valid(broken):
    assert_valid(broken)


def test_fixed_example_output_is_valid(fixed):
    assert_valid(fixed)


def test_busy_output_is_valid_and_uses_every_part(busy):
    assert_valid(busy)
    assert busy["findings"] and busy["suppressed"] and busy["skipped"] and busy["partial"]
    assert busy["unused_suppressions"]
    assert all(f["check"] in CHECK_IDS for f in busy["findings"])
    assert "src/ünïcödé.js" in {f["path"] for f in busy["findings"]}


def test_empty_project_output_is_valid(tmp_path):
    doc = scan_json(str(tmp_path))
    assert_valid(doc)
    assert doc["findings"] == [] and doc["stats"]["files"] == 0


def test_selected_run_is_valid_and_lists_only_the_selection():
    doc = scan_json(str(BROKEN), "--select", "tested-flow,env-vars")
    assert_valid(doc)
    assert [c["id"] for c in doc["checks"]] == ["env-vars", "tested-flow"]


@pytest.mark.parametrize("which", ["broken", "fixed"])
def test_checks_hold_the_ten_ids_in_contract_order(which, request):
    doc = request.getfixturevalue(which)
    assert [c["id"] for c in doc["checks"]] == list(CHECK_IDS)


def test_unbuilt_checks_are_manual(fixed):
    from deploycheck import checks
    unbuilt = {c.id for c in checks.CHECKS if c.find is None}
    manual = {c["id"] for c in fixed["checks"] if c["status"] == "manual"}
    assert unbuilt <= manual


def test_root_is_the_path_as_given(tmp_path):
    (tmp_path / "my app").mkdir()
    assert scan_json("my app", cwd=tmp_path)["root"] == "my app"
    assert scan_json(str(tmp_path / "my app"))["root"] == str(tmp_path / "my app")


# ------------------------------------------------------------------------------------ beyond the schema


def _all_findings(doc: dict) -> list[dict]:
    return doc["findings"] + doc.get("suppressed", [])


@pytest.mark.parametrize("which", ["broken", "fixed", "busy"])
def test_findings_belong_to_their_rules_check_and_point_into_the_project(which, request):
    doc = request.getfixturevalue(which)
    root = {"broken": BROKEN, "fixed": FIXED}.get(which)
    for f in _all_findings(doc):
        assert f["rule"].split("/", 1)[0] == f["check"], f
        if f["path"] is not None and root is not None:
            target = root / f["path"]
            assert target.is_file(), f"{f['path']} does not exist under the scanned root"
            if f["line"] is not None:
                assert f["line"] <= max(1, len(target.read_text("utf-8", errors="replace").splitlines())), f


@pytest.mark.parametrize("which", ["broken", "busy"])
def test_findings_are_sorted(which, request):
    doc = request.getfixturevalue(which)

    def key(f):
        return (f["path"] is not None, f["path"] or "", f["line"] or 0, f["column"] or 0, f["rule"])
    keys = [key(f) for f in doc["findings"]]
    assert keys == sorted(keys)


def test_every_emitted_key_is_described_in_the_schema(broken, fixed, busy):
    """A field added to report/json.py must be added (typed and described) to contract.schema.json."""
    undocumented: set[str] = set()

    def props(ref_or_schema: dict) -> dict:
        if "$ref" in ref_or_schema:
            name = ref_or_schema["$ref"].rsplit("/", 1)[-1]
            return props(SCHEMA_DOC["$defs"][name])
        merged = dict(ref_or_schema.get("properties", {}))
        for part in (*ref_or_schema.get("allOf", []), *ref_or_schema.get("anyOf", [])):
            merged.update(props(part))
        return merged

    def walk(value, schema: dict, where: str) -> None:
        if isinstance(value, dict):
            known = props(schema)
            for k, v in value.items():
                if k not in known:
                    undocumented.add(f"{where}.{k}")
                else:
                    walk(v, known[k], f"{where}.{k}")
        elif isinstance(value, list):
            items = schema.get("items") or next((b["items"] for b in schema.get("anyOf", []) if "items" in b), None)
            for item in value if items else ():
                walk(item, items, f"{where}[]")

    for doc in (broken, fixed, busy):
        walk(doc, SCHEMA_DOC, "$")
    assert not undocumented, "describe these fields in tests/contract.schema.json: " + ", ".join(sorted(undocumented))


def test_json_is_utf8_and_keeps_non_ascii(busy, tmp_path):
    assert "ü" in json.dumps(busy, ensure_ascii=False)
    target = tmp_path / "r.json"
    cli("scan", str(BROKEN), "-f", "json", "-o", str(target))
    target.read_bytes().decode("utf-8")   # strict: raises if not UTF-8
