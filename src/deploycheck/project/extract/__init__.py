"""The per-file pass: bytes -> facts. One module per fact family; this file lists them, in order.

An extractor declares which languages and roles it reads and the trigger substrings whose absence
means it has nothing to find (a cheap prefilter: a React component with no `process.env`, `cors`
or route call is never parsed). Extraction is a pure function of one file, so the engine can run
it in a process pool and could cache it by content hash.
"""
from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import ahocorasick

from deploycheck.core import Skipped
from deploycheck.project.classify import is_client_side, language_of, role_of
from deploycheck.project.discover import Candidate, Source, decode_source, read_bytes
from deploycheck.project.model import FileFacts, Language, Role, SourceFile
from deploycheck.project.parse import FileContext


@dataclass(frozen=True, slots=True)
class Extractor:
    name: str
    run: Callable[[FileContext, FileFacts], None]
    languages: frozenset[Language] | None = None     # None: every language
    roles: frozenset[Role] | None = None             # None: every role
    triggers: tuple[str, ...] = ()                   # any one must occur in the text; () = always run

    def wants(self, ctx: FileContext) -> bool:
        if self.languages is not None and ctx.language not in self.languages:
            return False
        if self.roles is not None and ctx.role not in self.roles:
            return False
        return not self.triggers or any(t in ctx.text for t in self.triggers)


JS = frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.TSX})
PY = frozenset({Language.PYTHON})
CODE = JS | PY


def _registry() -> tuple[Extractor, ...]:
    # Imported here so that a worker process builds the list once, and so that this module stays
    # importable while an extractor module is being written.
    from deploycheck.project.extract import (calls, cors, declarations, deploy, env_reads, env_schemas, imports,
                                             repo, routes, secrets, suppressions, urls)
    return (
        *suppressions.EXTRACTORS,
        *env_reads.EXTRACTORS,
        *env_schemas.EXTRACTORS,
        *urls.EXTRACTORS,
        *secrets.EXTRACTORS,
        *cors.EXTRACTORS,
        *imports.EXTRACTORS,
        *routes.EXTRACTORS,
        *calls.EXTRACTORS,
        *deploy.EXTRACTORS,
        *declarations.EXTRACTORS,
        *repo.EXTRACTORS,
    )


_EXTRACTORS: tuple[Extractor, ...] | None = None


def extractors() -> tuple[Extractor, ...]:
    global _EXTRACTORS
    if _EXTRACTORS is None:
        _EXTRACTORS = _registry()
    return _EXTRACTORS


@lru_cache(maxsize=None)
def extractors_for(language: Language, role: Role) -> tuple[Extractor, ...]:
    """The extractors that read files of this language and role, in registry order."""
    return tuple(ex for ex in extractors()
                 if (ex.languages is None or language in ex.languages) and (ex.roles is None or role in ex.roles))


@lru_cache(maxsize=None)
def _trigger_automaton(language: Language, role: Role) -> ahocorasick.Automaton | None:
    """One Aho-Corasick automaton over every trigger of the extractors of a language and role: a
    single pass over a file's text tells which extractors have anything to look at."""
    words = sorted({t for ex in extractors_for(language, role) for t in ex.triggers})
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for w in words:
        automaton.add_word(w, w)
    automaton.make_automaton()
    return automaton


def _present_triggers(language: Language, role: Role, text: str) -> set[str]:
    automaton = _trigger_automaton(language, role)
    return {w for _, w in automaton.iter(text)} if automaton is not None else set()


def extract_file(cand: Candidate, max_bytes: int) -> FileFacts | Skipped:
    """Read, classify, parse (lazily) and extract one file. Never raises for a bad file."""
    data = read_bytes(cand.path, cand.rel, max_bytes=max_bytes)
    return data if isinstance(data, Skipped) else extract_data(cand.rel, data)


def extract_data(rel: str, data: bytes) -> FileFacts | Skipped:
    """Everything about one file from its path and bytes: a pure function of the two (and of this
    code), which is what lets the engine cache it by content."""
    src = decode_source(rel, data)
    if isinstance(src, Skipped):
        return src
    return extract_source(rel, src)


def extract_source(rel: str, src: Source) -> FileFacts:
    language = language_of(rel)
    role = role_of(rel, language, src.text[:20000])
    ctx = FileContext(rel, language, role, src.text, src.data, partial=src.partial,
                      client_side=is_client_side(rel, language, src.text))
    facts = FileFacts(file=_source_file(ctx, src))  # provisional; replaced below with the final partial
    present = _present_triggers(language, role, ctx.text)
    for ex in extractors_for(language, role):
        if ex.triggers and present.isdisjoint(ex.triggers):
            continue
        try:
            ex.run(ctx, facts)
        except RecursionError:
            facts.error = f"{ex.name}: file too deeply nested to analyse"
            ctx.partial = ctx.partial or facts.error
        except Exception as exc:  # an extractor bug must not lose the rest of the scan
            facts.error = f"{ex.name}: internal error {exc.__class__.__name__}: {exc}"
            ctx.partial = ctx.partial or facts.error
            if _debug():
                traceback.print_exc()
    facts.file = _source_file(ctx, src)
    # Drop the file's trees and analyses now: JsAnalysis and FileContext point at each other, and a
    # cycle would keep the syntax tree alive until the cyclic GC runs.
    ctx.__dict__.clear()
    return facts


def _source_file(ctx: FileContext, src: Source) -> SourceFile:
    return SourceFile(ctx.path, ctx.language, ctx.role, len(src.data), src.lines,
                      hashlib.sha256(src.data).hexdigest(), ctx.partial, ctx.client_side)


def _debug() -> bool:
    import os
    return bool(os.environ.get("DEPLOYCHECK_DEBUG"))
