"""dotenv files (.env, .env.production, deploy/production.env …) as environment sources.

The environment comes from the file name: `.env` and `.env.local` are a developer's machine (even
when committed), `.env.production`/`.env.prod` production, `.env.staging` staging, `.env.preview`
preview, `.env.test` test. Example files (.env.example …) are not environments: declarations.py
turns them into EnvDeclarations. Parsing is python-dotenv's parser, so quoting, `export`, comments
and multi-line values behave as the libraries apps load them with; interpolated values (`${X}`,
`$X`, not in single quotes) are kept as kind "interpolated". Malformed lines are skipped and named
in the file's `partial` reason.
"""
from __future__ import annotations

import io
import re

from dotenv.parser import parse_stream

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import ENV_NAME, dedupe, environment_from, is_interpolated
from deploycheck.project.model import EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext


def dotenv_environment(path: str) -> str:
    """.env -> development, .env.production -> production, config/staging.env -> staging."""
    parts = path.split("/")
    name = parts[-1].lower()
    stem = re.sub(r"(^\.?env\b|\benv$)", " ", name)
    env = environment_from(stem)
    if env:
        return env
    if name in (".env", "env", ".env.local"):
        # a bare .env inside deploy/production/ belongs to that environment
        return environment_from(*reversed(parts[:-1])) or "development"
    return "development"


def parse_dotenv(ctx: FileContext) -> tuple[list[EnvSetting], list[int]]:
    """(settings, malformed line numbers). Commented lines are not settings."""
    settings: list[EnvSetting] = []
    bad: list[int] = []
    for b in parse_stream(io.StringIO(ctx.text)):
        line = b.original.line
        if b.error:
            bad.append(line)
            continue
        if b.key is None:
            continue
        key = b.key
        if not ENV_NAME.match(key):
            bad.append(line)
            continue
        raw = b.original.string.split("=", 1)[1].strip() if "=" in b.original.string else ""
        if b.value is None:
            kind = "declared"              # `KEY` alone: named, no value
        elif not raw.startswith("'") and is_interpolated(b.value):
            kind = "interpolated"
        else:
            kind = "value"
        settings.append(EnvSetting(key, Location(ctx.path, line, 1), b.value, kind))
    return settings, bad


def malformed_reason(bad: list[int]) -> str:
    shown = ", ".join(str(n) for n in bad[:5]) + (" …" if len(bad) > 5 else "")
    return f"malformed dotenv line{'s' if len(bad) > 1 else ''} {shown} (not KEY=VALUE): skipped"


def run(ctx: FileContext, facts: FileFacts) -> None:
    settings, bad = parse_dotenv(ctx)
    if bad:
        ctx.partial = ctx.partial or malformed_reason(bad)
    facts.env_sources.append(EnvSource(
        name=ctx.path, kind="dotenv", environment=dotenv_environment(ctx.path), path=ctx.path,
        settings=dedupe(settings)))


EXTRACTORS = (
    Extractor("deploy.dotenv", run, languages=frozenset({Language.DOTENV}),
              roles=frozenset({Role.ENV_FILE, Role.DEV_CONFIG})),
)
