"""Route extractors, one module per framework. Each module exposes EXTRACTORS."""
from __future__ import annotations

EXTRACTORS: tuple = ()
