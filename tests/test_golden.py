"""Golden renders of the bundled examples in every format: messages, columns and layout are pinned
here, once, end to end (ruff's snapshots / gitleaks' testdata/expected, not per rule).

After an intended change: `python -m pytest tests/test_golden.py --update-golden` and review the diff.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from deploycheck.cli import main
from deploycheck.cli.environment import Environment

REPO = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = ["intake-form", "intake-form-fixed"]
FORMATS = {"text": "txt", "json": "json", "sarif": "sarif.json", "markdown": "md", "html": "html"}


def normalise(text: str) -> str:
    """Remove what changes from run to run: timings and this machine's absolute paths."""
    text = re.sub(r"\(\d+ files in \d+\.\d+ s\)", "(N files in T s)", text)
    text = re.sub(r'"duration_ms": [\d.]+', '"duration_ms": 0', text)
    text = re.sub(r"\d+ files in \d+\.\d+ s", "N files in T s", text)
    text = re.sub(r"&middot; \d+\.\d+ s", "&middot; T s", text)
    return text.replace(REPO.resolve().as_uri(), "file:///REPO").replace(str(REPO.resolve()), "/REPO")


def render(example: str, fmt: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdout=out, stderr=err, stdout_isatty=False, stderr_isatty=False, cwd=REPO,
                      vars={"COLUMNS": "100"})
    code = main(["scan", f"examples/{example}", "--format", fmt], env)
    assert code in (0, 1), err.getvalue()
    return normalise(out.getvalue())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_golden_render(example, fmt, request):
    got = render(example, fmt)
    path = GOLDEN / f"{example}.{FORMATS[fmt]}"
    if request.config.getoption("--update-golden"):
        path.write_text(got, "utf-8")
        return
    assert path.is_file(), f"{path} is missing: run pytest tests/test_golden.py --update-golden"
    want = path.read_text("utf-8")
    if got != want:
        import difflib
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), str(path), "now", n=2))
        pytest.fail(f"{example} {fmt} differs from {path.name} (intended? --update-golden):\n{diff[:6000]}",
                    pytrace=False)
