"""Express routes: full paths across files, methods, handler ids, guards in registration order."""
from __future__ import annotations

from routes_helpers import by_key, routes, table

APP = {
    "src/app.js": """
        const express = require('express');
        const cors = require('cors');
        const { requireAuth } = require('./middleware/auth');
        const notes = require('./routes/notes');
        const app = express();
        app.use(cors());
        app.get('/health', (req, res) => res.json({ ok: true }));
        app.use('/api/notes', requireAuth, notes);
        module.exports = app;
    """,
    "src/middleware/auth.js": """
        exports.requireAuth = function requireAuth(req, res, next) {
          if (!req.session.userId) return res.status(401).end();
          next();
        };
    """,
    "src/routes/notes.js": """
        const router = require('express').Router();
        const Note = require('../models/Note');
        const isAdmin = (req, res, next) => (req.user.role === 'admin' ? next() : res.sendStatus(403));
        router.get('/', async (req, res) => res.json(await Note.find({ owner: req.session.userId })));
        router.route('/:id')
          .get(async (req, res) => res.json(await Note.findById(req.params.id)))
          .delete(isAdmin, async (req, res) => res.json(await Note.findByIdAndDelete(req.params.id)));
        module.exports = router;
    """,
}


def test_paths_methods_and_guards_across_files():
    assert table(APP) == [
        ("GET", "/api/notes", ["requireAuth"]),
        ("DELETE", "/api/notes/:id", ["requireAuth", "isAdmin"]),
        ("GET", "/api/notes/:id", ["requireAuth"]),
        ("GET", "/health", []),
    ]


def test_handler_ids_follow_the_function_id_convention():
    r = by_key(APP)
    assert r[("GET", "/health")].handler == "src/app.js#<anonymous>@7"
    assert r[("GET", "/api/notes/:id")].handler == "src/routes/notes.js#<anonymous>@6"
    assert r[("GET", "/api/notes/:id")].handler_location.line == 6
    assert r[("GET", "/api/notes")].location.line == 4


def test_guard_scope_role_and_middleware_judged_by_body():
    r = by_key(APP)[("DELETE", "/api/notes/:id")]
    auth = [g for g in r.guards if g.is_auth]
    assert [g.scope for g in auth] == ["app", "route"]
    assert auth[1].role == "admin"
    health = by_key(APP)[("GET", "/health")]
    assert [(g.name, g.is_auth) for g in health.guards] == [("cors()", False)]


def test_use_after_a_route_does_not_protect_it():
    files = {
        "app.js": """
            const express = require('express');
            const app = express();
            const requireLogin = (req, res, next) => { if (!req.user) return res.status(401).end(); next(); };
            app.post('/early', (req, res) => res.end());
            app.use(requireLogin);
            app.post('/late', (req, res) => res.end());
            app.use('/admin', requireLogin);
        """,
    }
    rows = by_key(files)
    assert [g.name for g in rows[("POST", "/early")].guards if g.is_auth] == []
    assert [g.name for g in rows[("POST", "/late")].guards if g.is_auth] == ["requireLogin"]
    assert any(m.startswith("late-guard:requireLogin:") for m in rows[("POST", "/early")].markers)


def test_middleware_that_never_rejects_is_not_a_guard():
    files = {
        "app.js": """
            const express = require('express');
            const app = express();
            function attachUser(req, res, next) { req.user = decode(req.headers.authorization); next(); }
            app.use(attachUser);
            app.get('/me', (req, res) => res.json(req.user));
        """,
    }
    (r,) = by_key(files).values()
    assert [g.name for g in r.guards] == ["attachUser"]
    assert not r.guards[0].is_auth


def test_router_mounted_twice_and_path_scoped_use():
    files = {
        "server.ts": """
            import express from 'express';
            import { router as v1 } from './api';
            import passport from 'passport';
            const app = express();
            app.use('/private', passport.authenticate('jwt', { session: false }));
            app.use('/public', v1);
            app.use('/private', v1);
        """,
        "api.ts": """
            import { Router } from 'express';
            export const router = Router();
            router.get('/items', (req, res) => res.json([]));
        """,
    }
    assert table(files) == [
        ("GET", "/private/items", ["passport.authenticate('jwt', { session: false })"]),
        ("GET", "/public/items", []),
    ]


def test_controller_functions_in_another_module():
    files = {
        "routes.js": """
            const express = require('express');
            const ctrl = require('./controllers/notes');
            const router = express.Router();
            router.get('/notes/:id', ctrl.getNote);
            module.exports = router;
        """,
        "controllers/notes.js": """
            const Note = require('../models/Note');
            exports.getNote = async (req, res) => {
              res.json(await Note.findById(req.params.id));
            };
        """,
    }
    (r,) = by_key(files).values()
    assert r.handler == "controllers/notes.js#getNote@2"
    assert [(a.op, a.callee, a.key, a.single) for a in r.accesses] == [("read", "Note.findById", "request", True)]


def test_middleware_registered_with_all_covers_the_routes_after_it():
    files = {
        "app.js": """
            const express = require('express');
            const app = express();
            function requireUser(req, res, next) { if (!req.session.user) return res.redirect('/login'); next(); }
            app.get('/', (req, res) => res.send('home'));
            app.all('/app/*', requireUser);
            app.get('/app/dashboard', (req, res) => res.send('dash'));
        """,
    }
    assert table(files) == [("GET", "/", []), ("GET", "/app/dashboard", ["requireUser"])]


def test_cycles_in_mounts_and_re_exports_do_not_hang():
    files = {
        "a.js": """
            const express = require('express');
            const b = require('./b');
            const router = express.Router();
            router.use('/b', b);
            router.get('/x', (req, res) => res.end());
            module.exports = router;
        """,
        "b.js": """
            const express = require('express');
            const a = require('./a');
            const router = express.Router();
            router.use('/a', a);
            router.get('/y', (req, res) => res.end());
            module.exports = router;
        """,
        "c.js": "module.exports = require('./d');\n",
        "d.js": "module.exports = require('./c');\n",
    }
    paths = {r.path for r in routes(files)}
    assert "/x" in {p[-2:] for p in paths} or any(p.endswith("/x") for p in paths)
    assert any(p.endswith("/y") for p in paths)


def test_route_modules_called_with_the_app_keep_middleware_order():
    files = {
        "server.js": """
            const express = require('express');
            const { verifyToken } = require('./middleware/authJwt');
            const app = express();
            require('./routes/public.routes')(app);
            app.use(verifyToken);
            require('./routes/user.routes')(app);
        """,
        "middleware/authJwt.js": """
            exports.verifyToken = (req, res, next) => {
              const token = req.headers['x-access-token'];
              if (!token) return res.status(403).send({ message: 'No token provided!' });
              next();
            };
        """,
        "routes/public.routes.js": """
            module.exports = function (app) {
              app.get('/api/test/all', (req, res) => res.send('public'));
            };
        """,
        "routes/user.routes.js": """
            module.exports = (app) => {
              app.get('/api/test/user', (req, res) => res.send('user'));
            };
        """,
    }
    assert table(files) == [("GET", "/api/test/all", []), ("GET", "/api/test/user", ["verifyToken"])]


def test_guard_whose_rejection_falls_through_after_the_if():
    files = {
        "app.js": """
            const express = require('express');
            const passportConfig = require('./config/passport');
            const app = express();
            app.post('/account/profile', passportConfig.isAuthenticated, (req, res) => res.end());
        """,
        "config/passport.js": """
            exports.isAuthenticated = (req, res, next) => {
              if (req.isAuthenticated()) {
                return next();
              }
              res.redirect('/login');
            };
        """,
    }
    assert table(files) == [("POST", "/account/profile", ["passportConfig.isAuthenticated"])]
