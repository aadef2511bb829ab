"""Deploy-config extractors, one module per platform. Each module exposes EXTRACTORS."""
from __future__ import annotations

EXTRACTORS: tuple = ()
