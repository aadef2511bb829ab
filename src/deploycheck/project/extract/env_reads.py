"""Extractor module: env_reads (to be written)."""
from __future__ import annotations

EXTRACTORS: tuple = ()
