"""systemd service units (*.service): Environment=, EnvironmentFile=, ExecStart= and friends.

`Environment=` lines hold one or more assignments, each optionally quoted
(`Environment="A=one two" B=3`); an empty `Environment=` resets the list. `EnvironmentFile=`
paths (a leading `-` means "ignore when missing") go to `env_files`; the source is opaque unless
the linker finds every such file in the repository (a path under `WorkingDirectory=` maps to the
repository root, where a deploy usually copies it). systemd does not expand `$VAR` in
Environment=, so values are literal.
"""
from __future__ import annotations

import re
import shlex

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, ENV_NAME, INJECTED, add_link, basename, dedupe,
                                                        deployed_environment)
from deploycheck.project.model import DeployConfig, EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_KEY = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*)$")
_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_EXEC_KINDS = {"ExecStart": "start", "ExecStartPre": "release", "ExecStartPost": "start", "ExecReload": "start"}
_VERSIONED_BIN = re.compile(r"\b(python|node|nodejs)(\d+\.\d+(?:\.\d+)?)\b")


def _logical(ctx: FileContext) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    buf, start = "", 0
    for n, line in ctx.iter_lines():
        if not buf:
            start = n
            if line.lstrip().startswith(("#", ";")):
                continue
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        buf += line
        out.append((start, buf))
        buf = ""
    if buf:
        out.append((start, buf))
    return out


def _assignments(value: str) -> list[tuple[str, str]]:
    try:
        words = shlex.split(value, comments=False, posix=True)
    except ValueError:
        words = value.split()
    return [tuple(w.split("=", 1)) for w in words if "=" in w]  # type: ignore[misc]


def run(ctx: FileContext, facts: FileFacts) -> None:
    if not basename(ctx.path).endswith(".service"):
        return
    section = ""
    settings: list[EnvSetting] = []
    env_files: list[tuple[str, bool, int]] = []
    cmds = Commands(ctx)
    workdir = None
    user = None
    bad = []
    saw_service = False
    for n, line in _logical(ctx):
        if not line.strip():
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1).strip()
            saw_service = saw_service or section == "Service"
            continue
        k = _KEY.match(line)
        if not k:
            bad.append(n)
            continue
        if section != "Service":
            continue
        key, value = k.group(1), k.group(2).strip()
        if key == "Environment":
            if not value:
                settings = []                      # an empty assignment resets the list
                continue
            for name, val in _assignments(value):
                if ENV_NAME.match(name):
                    settings.append(EnvSetting(name, Location(ctx.path, n), val, "value"))
        elif key == "EnvironmentFile":
            if not value:
                env_files = []
                continue
            optional = value.startswith("-")
            env_files.append((value.lstrip("-").strip(), optional, n))
        elif key in _EXEC_KINDS:
            cmds.add(value.lstrip("@-:+!"), n, _EXEC_KINDS[key])
        elif key == "WorkingDirectory":
            workdir = value.lstrip("-")
        elif key == "User":
            user = value
    if not saw_service:
        if bad:
            ctx.partial = ctx.partial or f"not a systemd unit: line {bad[0]} is not `Key=value`"
        return
    if bad:
        ctx.partial = ctx.partial or f"systemd unit line {bad[0]} is not `Key=value`: skipped"
    env = deployed_environment(basename(ctx.path)[:-8])
    src = EnvSource(
        name=ctx.path, kind="systemd", environment=env, path=ctx.path, platform="systemd",
        settings=dedupe(settings), env_files=tuple(p for p, _, _ in env_files),
        injected=INJECTED["systemd"] + (("USER", "HOME", "LOGNAME", "SHELL") if user else ()),
        opaque=bool(env_files))
    facts.env_sources.append(src)
    for path, optional, _ in env_files:
        target = path
        if workdir and path.startswith(workdir.rstrip("/") + "/"):
            target = path[len(workdir.rstrip("/")) + 1:]        # /opt/app/.env -> .env (repo root)
        elif not path.startswith("/"):
            target = path
        add_link(facts, src, "env-file", target)
    runtime = None
    for text, _ in cmds.items:
        m = _VERSIONED_BIN.search(text.split()[0] if text.split() else "")
        if m:
            runtime = f"{'node' if m.group(1).startswith('node') else 'python'} {m.group(2)}"
            break
    facts.deploy.append(DeployConfig(
        platform="systemd", path=ctx.path, location=Location(ctx.path, 1), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), runtime=runtime, environments=(env,)))


EXTRACTORS = (
    Extractor("deploy.systemd", run, languages=frozenset({Language.INI}), roles=frozenset({Role.DEPLOY_CONFIG}),
              triggers=("[Service]",)),
)
