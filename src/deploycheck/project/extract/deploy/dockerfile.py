"""Dockerfiles: ENV/ARG settings, every FROM image, HEALTHCHECK, CMD/ENTRYPOINT/RUN; multi-stage aware.

Only the final stage's ENV (and what it inherits through `FROM <stage>`) reaches the running
container; ENV of other stages and every ARG are build-only. ARGs declared before the first FROM
substitute into FROM lines (`FROM node:${NODE_VERSION}-alpine`). A Dockerfile never holds the
whole runtime environment (`docker run -e`, the platform add the rest), so its source is opaque.
The runtime pin is the final stage's official language base image with a versioned tag.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field, replace

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, ENV_NAME, INJECTED, dedupe, environment_from,
                                                        health_path_in, runtime_of_image, setting, split_image)
from deploycheck.project.model import DeployConfig, EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

_INSTR = re.compile(r"^\s*([A-Za-z]+)(\s+|$)(.*)$", re.S)
_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_IMAGE_ENV = {"node": ("NODE_VERSION", "YARN_VERSION"), "python": ("PYTHON_VERSION", "LANG", "GPG_KEY", "PYTHON_SHA256")}


@dataclass
class Instruction:
    line: int
    keyword: str
    args: str


@dataclass
class Stage:
    line: int
    image: str
    name: str | None
    parent: "Stage | None" = None
    env: list[EnvSetting] = field(default_factory=list)
    args: list[EnvSetting] = field(default_factory=list)


def instructions(text: str) -> list[Instruction]:
    """Logical instructions with their first line: continuation lines joined, comments and
    heredoc bodies skipped. Honours the `# escape=` parser directive."""
    lines = text.splitlines()
    escape = "\\"
    for line in lines[:5]:
        m = re.match(r"^\s*#\s*escape\s*=\s*(\S)", line, re.I)
        if m:
            escape = m.group(1)
    out: list[Instruction] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        start = i + 1
        i += 1
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        buf = raw
        while buf.rstrip().endswith(escape) and i < len(lines):
            buf = buf.rstrip()[:-1] + " "
            while i < len(lines) and (lines[i].lstrip().startswith("#") or not lines[i].strip()):
                i += 1              # comment (and empty) lines inside a continuation are dropped
            if i < len(lines):
                buf += lines[i]
                i += 1
        m = _INSTR.match(buf)
        if not m:
            continue
        keyword, args = m.group(1).upper(), m.group(3).strip()
        out.append(Instruction(start, keyword, args))
        for h in _HEREDOC.finditer(args if keyword in ("RUN", "COPY", "ADD") else ""):
            strip_tabs, word = h.group(1) == "-", h.group(3)
            while i < len(lines):
                body = lines[i]
                i += 1
                if (body.lstrip("\t") if strip_tabs else body).rstrip() == word:
                    break
    return out


def _substitute(text: str, values: dict[str, str]) -> str:
    def repl(m: re.Match) -> str:
        name = m.group(1) or m.group(4)
        if name in values:
            return values[name]
        if m.group(2) in (":-", "-") and m.group(3) is not None:
            return m.group(3)
        return m.group(0)
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)", repl, text)


def _env_pairs(args: str) -> list[tuple[str, str]]:
    """ENV a=1 b="two words"  /  ENV legacy value with spaces."""
    first = args.split(None, 1)
    if not first:
        return []
    if "=" not in first[0]:
        return [(first[0], first[1] if len(first) > 1 else "")]
    try:
        lex = shlex.shlex(args, posix=True)
        lex.whitespace_split = True
        lex.escape = ""            # keep backslashes: Dockerfile ENV values are not shell-escaped here
        words = list(lex)
    except ValueError:
        words = args.split()
    return [tuple(w.split("=", 1)) for w in words if "=" in w]  # type: ignore[misc]


def _exec_form(args: str) -> str:
    if args.startswith("["):
        try:
            parts = json.loads(args)
            if isinstance(parts, list):
                return " ".join(str(p) for p in parts)
        except json.JSONDecodeError:
            pass
    return args


def run(ctx: FileContext, facts: FileFacts) -> None:
    instrs = instructions(ctx.text)
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    by_name: dict[str, Stage] = {}
    images: list[tuple[str, Location]] = []
    cmds = Commands(ctx)
    health: str | None = None
    health_none = False
    for ins in instrs:
        kw, args = ins.keyword, ins.args
        if kw == "FROM":
            words = [w for w in args.split() if not w.startswith("--")]
            if not words:
                continue
            image = _substitute(words[0], global_args)
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            parent = by_name.get(image.lower())
            stage = Stage(ins.line, image, name, parent)
            stages.append(stage)
            if name:
                by_name[name.lower()] = stage
            if parent is None and image.lower() != "scratch":
                images.append((image, Location(ctx.path, ins.line)))
            health, health_none = None, False      # HEALTHCHECK/CMD belong to the last stage
            cmds = Commands(ctx) if not stages[:-1] else _keep_build(cmds)
        elif kw == "ARG":
            for word in args.split():
                name, eq, default = word.partition("=")
                if not ENV_NAME.match(name):
                    continue
                default = default.strip("\"'")
                if not stages:
                    if eq:
                        global_args[name] = default
                    continue
                stages[-1].args.append(setting(ctx, name, ins.line, default if eq else None,
                                               kind=None if eq else "declared", build_only=True))
        elif kw == "ENV" and stages:
            for name, value in _env_pairs(args):
                if ENV_NAME.match(name):
                    stages[-1].env.append(setting(ctx, name, ins.line, value))
        elif kw == "HEALTHCHECK":
            if args.strip().upper() == "NONE":
                health, health_none = None, True
            else:
                m = re.search(r"\bCMD\b(.*)$", args, re.S)
                health = health_path_in(_exec_form(m.group(1).strip()) if m else args)
        elif kw in ("CMD", "ENTRYPOINT"):
            cmds.add(_exec_form(args), ins.line, "start")
        elif kw == "RUN":
            cmds.add(_exec_form(args), ins.line, "build")
    if not stages:
        if instrs:
            ctx.partial = ctx.partial or "Dockerfile has no FROM instruction"
        return
    final = stages[-1]
    runtime_env: list[EnvSetting] = []
    chain: list[Stage] = []
    s: Stage | None = final
    while s is not None and s not in chain:
        chain.insert(0, s)
        s = s.parent
    for st in chain:
        runtime_env.extend(st.env)
    build_env = [EnvSetting(e.name, e.location, e.value, e.kind, True)
                 for st in stages if st not in chain for e in st.env]
    base = chain[0].image
    repo = split_image(base)[0].rsplit("/", 1)[-1].lower()
    injected = INJECTED["docker"] + _IMAGE_ENV.get(repo, ())
    env = environment_from(ctx.path.rsplit("/", 1)[-1].lower().replace("dockerfile", "")) \
        if ctx.role is not Role.DEV_CONFIG else "development"
    env = env or "production"
    settings = build_env + [a for st in stages for a in st.args] + runtime_env
    expanded = _expanded_names(instrs)
    settings = [replace(st, used_in_config=True) if st.name in expanded else st for st in settings]
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="dockerfile", environment=env, path=ctx.path, platform="docker",
        settings=dedupe(settings), injected=injected, opaque=True))
    facts.deploy.append(DeployConfig(
        platform="docker", path=ctx.path, location=Location(ctx.path, final.line),
        health_path=None if health_none else health, images=tuple(images), commands=tuple(cmds.items),
        command_kinds=tuple(cmds.kinds), runtime=runtime_of_image(base), environments=(env,),
        dev_only=env in ("development", "test", "ci")))


_EXPANSION = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _expanded_names(instrs: list[Instruction]) -> set[str]:
    """Variables the Dockerfile itself expands: `WORKDIR $APP_HOME`, `RUN if [ "$NIGHTLY" = 1 ]`, `CMD … $PORT`."""
    out: set[str] = set()
    for ins in instrs:
        if ins.keyword in ("ARG",):
            continue
        if ins.keyword == "ENV":
            # `ENV PATH=$VIRTUAL_ENV/bin:$PATH` expands VIRTUAL_ENV (the right-hand sides only)
            out.update(m.group(1) for _, value in _env_pairs(ins.args) for m in _EXPANSION.finditer(value or ""))
            continue
        out.update(m.group(1) for m in _EXPANSION.finditer(ins.args))
    return out


def _keep_build(cmds: Commands) -> Commands:
    """A new stage: earlier stages' RUN steps still build the image; their CMD does not run."""
    kept = Commands(cmds.ctx)
    for (text, loc), kind in zip(cmds.items, cmds.kinds):
        if kind == "build":
            kept.items.append((text, loc))
            kept.kinds.append(kind)
    return kept


EXTRACTORS = (
    Extractor("deploy.dockerfile", run, languages=frozenset({Language.DOCKERFILE}),
              roles=frozenset({Role.DEPLOY_CONFIG, Role.DEV_CONFIG}), triggers=("FROM", "from")),
)
