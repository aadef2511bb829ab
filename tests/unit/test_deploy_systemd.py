"""systemd units: Environment= forms, EnvironmentFile= (with `-`), ExecStart, malformed lines."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


UNIT = """\
[Unit]
Description=Worker
Environment=NOT_IN_SERVICE=1

[Service]
User=app
WorkingDirectory=/opt/app
Environment=PYTHONUNBUFFERED=1
Environment="SMTP_HOST=smtp.example.com" SMTP_PORT=587 "GREETING=hello world"
EnvironmentFile=/etc/app/env
EnvironmentFile=-/opt/app/.env.production
ExecStartPre=/opt/app/.venv/bin/alembic upgrade head
ExecStart=/opt/app/.venv/bin/python -m worker \\
    --verbose
Restart=always
"""


def test_systemd_settings_and_files():
    facts = extract("deploy/worker.service", UNIT)
    (src,) = facts.env_sources
    assert (src.kind, src.platform, src.environment) == ("systemd", "systemd", "production")
    s = {x.name: x for x in src.settings}
    assert set(s) == {"PYTHONUNBUFFERED", "SMTP_HOST", "SMTP_PORT", "GREETING"}
    assert s["GREETING"].value == "hello world" and s["SMTP_PORT"].location.line == 9
    assert src.env_files == ("/etc/app/env", "/opt/app/.env.production")
    assert src.opaque
    assert {"INVOCATION_ID", "USER", "HOME"} <= set(src.injected)


def test_systemd_commands():
    (cfg,) = extract("deploy/worker.service", UNIT).deploy
    assert list(zip(cfg.command_kinds, [c for c, _ in cfg.commands])) == [
        ("release", "/opt/app/.venv/bin/alembic upgrade head"),
        ("start", "/opt/app/.venv/bin/python -m worker      --verbose")]
    assert cfg.commands[1][1].line == 13 and cfg.runtime is None


def test_empty_environment_resets_and_versioned_python_pins():
    text = "[Service]\nEnvironment=A=1\nEnvironment=\nEnvironment=B=2\nExecStart=/usr/bin/python3.12 app.py\n"
    facts = extract("app.service", text)
    assert [x.name for x in facts.env_sources[0].settings] == ["B"]
    assert not facts.env_sources[0].opaque
    assert facts.deploy[0].runtime == "python 3.12"
    text = "[Service]\nExecStart=/usr/bin/python3 app.py\n"
    assert extract("app.service", text).deploy[0].runtime is None        # the OS python: not a pin


def test_malformed_unit_line():
    facts = extract("app.service", "[Service]\nEnvironment=A=1\nthis is not valid\nExecStart=/bin/app\n")
    assert facts.env_sources[0].settings[0].name == "A"
    assert "line 3" in facts.file.partial
