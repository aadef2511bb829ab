"""Fastify (plugins, prefixes, hooks, fastify-plugin, decorators, route options) and Hono (use patterns,
sub-apps, basePath)."""
from __future__ import annotations

from routes_helpers import by_key, table

FASTIFY = {
    "src/app.js": """
        import Fastify from 'fastify';
        import fp from 'fastify-plugin';
        import { authPlugin } from './auth.js';
        import items from './items.js';
        const app = Fastify();
        app.register(fp(authPlugin));
        app.register(items, { prefix: '/items' });
        app.get('/ping', async () => 'pong');
    """,
    "src/auth.js": """
        export async function authPlugin(app) {
          app.decorate('authenticate', async (request, reply) => {
            try { await request.jwtVerify(); } catch (e) { return reply.code(401).send(); }
          });
          app.decorate('audit', async (request) => { request.log.info('seen'); });
        }
    """,
    "src/items.js": """
        export default async function items(app) {
          const adminOnly = { preHandler: [app.authenticate] };
          app.get('/', async () => []);
          app.post('/', { ...adminOnly, schema: {} }, async (request) => request.body);
          app.route({ method: ['PUT', 'PATCH'], url: '/:id', onRequest: app.audit, handler: async () => ({}) });
          app.register(async (child) => {
            child.addHook('onRequest', child.authenticate);
            child.delete('/:id', async () => ({}));
          });
        }
    """,
}


def test_fastify_plugins_prefixes_and_hooks():
    assert table(FASTIFY) == [
        ("GET", "/items", []),
        ("POST", "/items", ["app.authenticate"]),
        ("DELETE", "/items/:id", ["child.authenticate"]),
        ("PATCH", "/items/:id", []),
        ("PUT", "/items/:id", []),
        ("GET", "/ping", []),
    ]


def test_fastify_decorators_are_judged_by_their_body():
    r = by_key(FASTIFY)[("PUT", "/items/:id")]
    assert [(g.name, g.kind, g.is_auth) for g in r.guards] == [("app.audit", "hook", False)]
    assert all(x.framework == "fastify" for x in by_key(FASTIFY).values())


def test_fastify_plugin_level_hook_covers_routes_registered_before_it():
    files = {
        "plugin.js": """
            module.exports = async function (fastify) {
              fastify.get('/a', async () => 1);
              fastify.addHook('onRequest', async (request, reply) => {
                if (!request.headers.authorization) return reply.code(401).send();
              });
            };
        """,
    }
    (r,) = by_key(files).values()
    assert [g.is_auth for g in r.guards] == [True]


HONO = {
    "src/index.ts": """
        import { Hono } from 'hono';
        import { bearerAuth } from 'hono/bearer-auth';
        import { logger } from 'hono/logger';
        import books from './books';
        const app = new Hono().basePath('/api');
        app.use(logger());
        app.get('/open', (c) => c.text('hi'));
        app.use('/books/*', bearerAuth({ token: process.env.TOKEN! }));
        app.route('/books', books);
        export default app;
    """,
    "src/books.ts": """
        import { Hono } from 'hono';
        const books = new Hono();
        books.get('/', (c) => c.json([]));
        books.get('/:id', (c) => c.json({ id: c.req.param('id') }));
        export default books;
    """,
}


def test_hono_sub_apps_base_path_and_use_patterns():
    assert table(HONO) == [
        ("GET", "/api/books", ["bearerAuth({ token: process.env.TOKEN! })"]),
        ("GET", "/api/books/:id", ["bearerAuth({ token: process.env.TOKEN! })"]),
        ("GET", "/api/open", []),
    ]
    assert by_key(HONO)[("GET", "/api/open")].framework == "hono"


def test_hono_cloudflare_bindings_count_as_data():
    files = {
        "src/index.ts": """
            import { Hono } from 'hono';
            const app = new Hono();
            app.delete('/notes/:id', async (c) => {
              await c.env.NOTES.delete(`note:${c.req.param('id')}`);
              return c.body(null, 204);
            });
            app.get('/notes/:id', async (c) => {
              const row = await c.env.DB.prepare('SELECT * FROM notes WHERE id = ?').bind(c.req.param('id')).first();
              return c.json(row);
            });
            export default app;
        """,
    }
    rows = by_key(files)
    assert [(a.op, a.key) for a in rows[("DELETE", "/notes/:id")].accesses] == [("delete", "request")]
    assert [(a.op, a.key, a.single) for a in rows[("GET", "/notes/:id")].accesses] == [("read", "request", True)]
