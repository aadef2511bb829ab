"""Express: `app/router.get|post|put|patch|delete|all(path, …middleware, handler)`,
`router.route(path).get(…).post(…)`, `router.use([path,] …middleware)` in registration order, and
routers mounted across files (`app.use('/api/notes', requireLogin, noteRoutes)` with `noteRoutes`
required/imported from another module; the linker resolves the full path).

Order matters and is kept: a `router.use(requireAuth)` registered after a route does not protect it.
The walk itself is shared with Fastify and Hono (`_jsrouters.py`), which register routes alike; this
module registers it once for the three.
"""
from __future__ import annotations

from deploycheck.project.extract.routes import _jsrouters
from deploycheck.project.model import Role

TRIGGERS = (".get(", ".post(", ".put(", ".patch(", ".delete(", ".del(", ".all(", ".use(", ".route(",
            ".register(", ".addHook(", ".on(", ".decorate(")


def _extractor():
    from deploycheck.project.extract import JS, Extractor
    return Extractor("routes.js-routers", _jsrouters.run, languages=JS, roles=frozenset({Role.APP}), triggers=TRIGGERS)


EXTRACTORS = (_extractor(),)
