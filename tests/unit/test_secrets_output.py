"""No output format may contain a full secret: plant one of every kind in a project, run the real CLI
in-process for every format, and grep everything it prints for every planted value."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from deploycheck.cli import main
from deploycheck.cli.environment import Environment
from deploycheck.core import secret_hash
from deploycheck.report import formats

STRIPE = "sk_live_afQsS7zg1ZaJyAWQZZxemTJp7lNt7PJ2b4Ib8sOYSFkeKi3Q8WNp"
AWS_ID = "AKIAIO6IAKYMTMM6PVFP"
AWS_SECRET = "ttXW9ndaexAykf4YHbH1VM0QNkd3EBMB0O9r2kkY"
TWILIO = "f69b619a00cc05df5e8558184d3bc738"          # low entropy: the generic line redaction would miss it
SLACK = "hooks.slack.com/services/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"
DB_PW = "R6L99gTpZV9xjIxY1P"
ENV_PW = "Gm8kP2qLz7Rw"                              # short, hand-made: only the env-file rule sees it
SIGNING = "k3yb0ard-c4t-prod"
FALLBACK = "dev-fallback-k3y"
GENERIC = "S2A36wdjiPDmuqiVMUfwxRwW8uQPAbvv"
ADMIN_PW = "Xr7#kQ2$wN9!"
PUBLIC = "sk-proj-mtWogoiSbs6KBlwFYKXNYtuHsQhOoz3YNfSenKuavPmDDMV2"
KEY_LINE = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7on"

PLANTED = [STRIPE, AWS_ID, AWS_SECRET, TWILIO, SLACK, DB_PW, ENV_PW, SIGNING, FALLBACK, GENERIC, ADMIN_PW, PUBLIC,
           KEY_LINE]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    files = {
        "src/pay.js": f"const stripe = require('stripe')('{STRIPE}');\n",
        "src/upload.ts": f"const s3 = new S3Client({{ credentials: {{ accessKeyId: '{AWS_ID}', secretAccessKey: '{AWS_SECRET}' }} }});\n",
        "services/sms.py": f'TWILIO_AUTH_TOKEN = "{TWILIO}"\n',
        "worker/report.py": f'SLACK_WEBHOOK = "https://{SLACK}"\n',
        "worker/db.py": f'DB = "postgres://app:{DB_PW}@prod.abc.us-east-1.rds.amazonaws.com:5432/app"\n',
        ".env": f"SMTP_PASSWORD={ENV_PW}\nDATABASE_URL=postgres://app:{DB_PW}@db.example.org/app\n",
        "src/app.js": (f"app.use(session({{ secret: '{SIGNING}' }}));\n"
                       f"const jwtSecret = process.env.JWT_SECRET || '{FALLBACK}';\n"
                       f"module.exports = {{ apiKey: '{GENERIC}', adminPassword: '{ADMIN_PW}' }};\n"),
        ".env.production": f"NEXT_PUBLIC_OPENAI_KEY={PUBLIC}\n",
        "certs/server.key": "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join([KEY_LINE] * 12) + "\n-----END RSA PRIVATE KEY-----\n",
    }
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def run(args: list[str], cwd: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdout=out, stderr=err, stdin_isatty=False, stdout_isatty=False, stderr_isatty=False,
                      cwd=cwd, vars={"NO_COLOR": "1", "COLUMNS": "200"})
    code = main(args, env)
    return code, out.getvalue() + err.getvalue()


def test_every_rule_fires_on_the_planted_project(project: Path):
    code, out = run(["scan", str(project), "--format", "json", "--select", "secrets"], project)
    data = json.loads(out)
    rules = {f["rule"] for f in data["findings"]}
    assert rules == {"secrets/provider-key", "secrets/password-in-url", "secrets/committed-env-file",
                     "secrets/hardcoded-signing-secret", "secrets/hardcoded-fallback", "secrets/hardcoded-secret",
                     "secrets/generic-high-entropy", "secrets/public-env-secret", "secrets/private-key"}
    assert code == 1
    assert any("STRI" not in f["message"] and "sk_l****** (" in f["message"] for f in data["findings"])


def test_planted_values_are_not_documentation_examples():
    """Rule docs are printed by some formats (SARIF): the grep below is only meaningful if no planted
    value also appears there."""
    from deploycheck.checks import all_rules
    text = " ".join(r.title + r.why + r.fix + r.docs for r in all_rules())
    assert not [s for s in PLANTED if s in text]


@pytest.mark.parametrize("fmt", sorted(formats()))
def test_no_output_format_contains_a_secret(project: Path, fmt: str):
    code, out = run(["scan", str(project), "--format", fmt], project)
    assert code in (0, 1), out
    assert "****** (" in out                     # the masks are there…
    leaked = [s for s in PLANTED if s in out]     # …and never the values
    assert not leaked, f"{fmt} output leaks {leaked}"


def test_subject_is_the_digest(project: Path):
    from deploycheck import config as config_mod
    from deploycheck import engine
    result = engine.scan(config_mod.load(project, overrides={"select": ["secrets"], "jobs": 1}))
    subjects = {f.subject for f in result.findings}
    assert secret_hash(STRIPE) in subjects and secret_hash(ENV_PW) in subjects
    assert not any(s in subjects for s in PLANTED)
