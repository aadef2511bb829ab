"""Route extractors, one module per framework, and the linker that completes them across files.

Each module exposes EXTRACTORS; this package concatenates them (framework walks first, then the
helper summaries that fill in what the walks did not summarise) and exposes LINKERS for link.py.
"""
from __future__ import annotations

from deploycheck.project.extract.routes import (django, express, fastapi, fastify, flask, helpers, hono, link,
                                                nestjs, nextjs)

EXTRACTORS: tuple = (
    *express.EXTRACTORS,
    *fastify.EXTRACTORS,
    *hono.EXTRACTORS,
    *nextjs.EXTRACTORS,
    *nestjs.EXTRACTORS,
    *flask.EXTRACTORS,
    *fastapi.EXTRACTORS,
    *django.EXTRACTORS,
    *helpers.EXTRACTORS,
)

LINKERS: tuple = (link.link_routes,)
