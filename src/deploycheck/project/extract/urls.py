"""Extractor module: urls (to be written)."""
from __future__ import annotations

EXTRACTORS: tuple = ()
