"""The call graph across files: imports resolved, call targets, transitive kinds and escaping failures."""
from __future__ import annotations

from calls_helpers import call, fn, project

from deploycheck.project.extract.calls_link import resolve_js, resolve_py


def test_resolve_js_paths():
    files = {"src/db.ts", "src/lib/index.js", "lib/db.ts", "src/routes/a.js", "src/util.js"}
    assert resolve_js("src/routes/a.js", "../db", files) == "src/db.ts"
    assert resolve_js("src/routes/a.js", "../db.js", files) == "src/db.ts"      # TS ESM style
    assert resolve_js("src/routes/a.js", "../lib", files) == "src/lib/index.js"
    assert resolve_js("src/routes/a.js", "@/lib/db", files) == "lib/db.ts"
    assert resolve_js("src/routes/a.js", "express", files) is None


def test_resolve_py_modules():
    files = {"app/db.py", "app/__init__.py", "services/sms.py", "services/__init__.py", "db.py"}
    assert resolve_py("app/routers/tasks.py", "app.db", files) == "app/db.py"
    assert resolve_py("routes/appointments.py", "db", files) == "db.py"
    assert resolve_py("routes/appointments.py", "services.sms", files) == "services/sms.py"
    assert resolve_py("app/main.py", ".db", files) == "app/db.py"
    assert resolve_py("app/main.py", "requests", files) is None


def test_handler_reaches_db_two_levels_js():
    p = project({
        "src/db.js": """
            const { Pool } = require('pg');
            const pool = new Pool({ max: 5 });
            module.exports = { query: (text, params) => pool.query(text, params) };
        """,
        "src/services/users.js": """
            const db = require('../db');
            async function findUser(id) { return db.query('SELECT * FROM users WHERE id = $1', [id]); }
            module.exports = { findUser };
        """,
        "src/routes/users.js": """
            const express = require('express');
            const { findUser } = require('../services/users');
            const router = express.Router();
            router.get('/:id', async (req, res) => { res.json(await findUser(req.params.id)); });
            module.exports = router;
        """,
    })
    handler = next(f for f in p.functions if f.handler and f.location.path == "src/routes/users.js")
    assert call(handler, "findUser").target == fn(p, "findUser").id
    assert handler.kinds == ("db",) and handler.raises == ("db",)
    assert handler.id in fn(p, "findUser").reached_from
    # db.query resolves to the wrapper in ./db, which reaches pool.query
    assert call(fn(p, "findUser"), "db.query").target == fn(p, "query").id
    assert handler.id in fn(p, "query").reached_from


def test_guarded_helper_does_not_raise():
    p = project({
        "src/mail.ts": """
            export async function sendSafely(to: string) {
              try { await transporter.sendMail({ to }); } catch (e) { console.error(e); }
            }
            export async function send(to: string) { await transporter.sendMail({ to }); }
        """,
        "src/h.ts": """
            import { sendSafely, send } from './mail';
            export async function a() { await sendSafely('x'); }
            export async function b() { await send('x'); }
        """,
    })
    assert fn(p, "a").kinds == ("email",) and fn(p, "a").raises == ()
    assert fn(p, "b").raises == ("email",)


def test_python_graph_and_reexport():
    p = project({
        "services/__init__.py": "from .sms import send_sms\n",
        "services/sms.py": """
            import requests
            def send_sms(to, body):
                return requests.post("https://api.twilio.com/x", data={"To": to}).json()
        """,
        "db.py": """
            import psycopg2
            def get_conn():
                return psycopg2.connect("dsn")
        """,
        "routes/book.py": """
            from flask import Blueprint
            from db import get_conn
            from services import send_sms
            bp = Blueprint("b", __name__)

            @bp.post("/book")
            def book():
                conn = get_conn()
                conn.cursor().execute("INSERT INTO x VALUES (1)")
                conn.commit()
                send_sms("+1", "booked")
                return "ok"
        """,
    })
    book = fn(p, "book")
    assert call(book, "get_conn").target == fn(p, "get_conn").id
    assert call(book, "send_sms").target == fn(p, "send_sms").id      # through services/__init__.py
    assert set(book.kinds) == {"db", "sms"}
    assert book.id in fn(p, "get_conn").reached_from
    imp = next(i for i in p.extra["call_imports"] if i.local == "get_conn")
    assert imp.resolved == "db.py"


def test_route_handler_ids_mark_functions():
    from deploycheck.core import Location
    from deploycheck.project.link import link
    from deploycheck.project.model import Route

    p = project({"src/ctrl.js": "exports.list = async (req, res) => { res.json(await db.query('x')); };\n"})
    target = fn(p, "list")
    p.routes.append(Route("GET", "/notes", "express", Location("src/routes.js", 3), handler=target.id))
    link(p)
    assert fn(p, "list").handler == "express"
    assert fn(p, "list").id == "src/ctrl.js#list@1"
