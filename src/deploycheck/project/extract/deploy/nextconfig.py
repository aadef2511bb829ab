"""next.config.{js,mjs,cjs,ts}: the `env: { … }` block.

Next.js inlines each key of `env` into every bundle at build time, server and browser alike, so
`process.env.basePath` works in a client component although no platform sets `basePath`. One
EnvSource of kind "inline" (environment production, platform nextjs) lists the keys. It is not a
production config the env-vars check compares reads with: it only tells that these names are
provided by the build.
"""
from __future__ import annotations

import re

from deploycheck.project.extract import Extractor, JS
from deploycheck.project.extract.deploy._common import dedupe, setting
from deploycheck.project.model import EnvSource, FileFacts, Role
from deploycheck.project.parse import FileContext

_NAME = re.compile(r"^next\.config\.(js|mjs|cjs|ts|mts)$")
_QUERY = """
(pair key: [(property_identifier) (string)] @key value: (object) @env)
"""


def run(ctx: FileContext, facts: FileFacts) -> None:
    if not _NAME.match(ctx.path.rsplit("/", 1)[-1]):
        return
    settings = []
    for _, c in ctx.matches(_QUERY):
        if ctx.node_text(c["key"][0]).strip("'\"`") != "env":
            continue
        for child in c["env"][0].named_children:
            key = None
            if child.type == "shorthand_property_identifier":
                key = child
            elif child.type == "pair":
                key = child.child_by_field_name("key")
            if key is None:
                continue
            name = ctx.node_text(key).strip("'\"`")
            if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
                settings.append(setting(ctx, name, ctx.loc(key).line, None, kind="value"))
    if settings:
        facts.env_sources.append(EnvSource(
            name=f"{ctx.path} env", kind="inline", environment="production", path=ctx.path, platform="nextjs",
            settings=dedupe(settings)))


EXTRACTORS = (
    Extractor("deploy.nextconfig", run, languages=JS, roles=frozenset({Role.BUILD_CONFIG}), triggers=("env",)),
)
