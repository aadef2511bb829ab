"""Hono: `app.get/post…(path, …middleware, handler)`, `app.on(method(s), path, handler)`,
`app.use('/path/*', mw)` (path patterns with `*`), sub-apps mounted with `app.route('/x', sub)`,
and `new Hono().basePath('/api')`.

Hono registers like Express (middleware order matters, `use` patterns match by prefix), so the walk
is the shared one in `_jsrouters.py`; the linker treats `/x/*` patterns as prefixes.
"""
from __future__ import annotations

EXTRACTORS: tuple = ()   # registered once, in express.py
