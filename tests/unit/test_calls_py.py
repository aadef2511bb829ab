"""Per-function call summaries for Python."""
from __future__ import annotations

from calls_helpers import call, facts, fn


def test_kinds_of_common_clients():
    ff = facts("app/svc.py", """
        import smtplib
        import requests
        import stripe
        import httpx
        import boto3
        from django.core.mail import send_mail
        from twilio.rest import Client

        s3 = boto3.client("s3")
        tw = Client("sid", "token")

        def work(conn, db):
            cur = conn.cursor()
            cur.execute("SELECT 1")
            db.session.commit()
            requests.get("https://x.example", timeout=3)
            httpx.post("https://x.example")
            stripe.Customer.create(email="a@b.c")
            s3.put_object(Bucket="b", Key="k", Body=b"")
            send_mail("s", "m", "a@b.c", ["c@d.e"])
            tw.messages.create(to="+1", from_="+2", body="hi")
            with smtplib.SMTP("mail", 587, timeout=10) as smtp:
                smtp.send_message(None)
            print("done")
    """)
    kinds = {c.callee: c.kind for c in fn(ff, "work").calls}
    assert kinds["cur.execute"] == "db"
    assert kinds["db.session.commit"] == "db"
    assert kinds["requests.get"] == "http"
    assert kinds["httpx.post"] == "http"
    assert kinds["stripe.Customer.create"] == "payment"
    assert kinds["s3.put_object"] == "storage"
    assert kinds["send_mail"] == "email"
    assert kinds["tw.messages.create"] == "sms"
    assert kinds["smtp.send_message"] == "email"
    assert "print" not in kinds


def test_query_builders_are_not_calls():
    ff = facts("app/models.py", """
        import sqlalchemy as sa
        from sqlalchemy import select, func
        from flask import session

        def build(user_id):
            q = select(sa.table("x")).where(sa.column("id") == user_id)
            n = func.count()
            who = session.get("user_id")
            return q, n, who
    """)
    assert not [c for c in fn(ff, "build").calls if c.kind]


def test_try_except_actions():
    ff = facts("app/h.py", """
        import logging
        log = logging.getLogger(__name__)

        def a(cur):
            try:
                cur.execute("x")
            except:
                pass

        def b(cur):
            try:
                cur.execute("x")
            except Exception:
                log.exception("failed")

        def c(cur):
            try:
                cur.execute("x")
            except Exception as exc:
                raise RuntimeError("db") from exc

        def d(cur):
            try:
                cur.execute("x")
            except KeyError:
                return None

        def e(cur):
            try:
                pass
            finally:
                cur.execute("x")
    """)
    assert call(fn(ff, "a"), "cur.execute").catch == "empty"
    assert fn(ff, "a").catches[0].broad and fn(ff, "a").catches[0].kinds == ("db",)
    assert call(fn(ff, "b"), "cur.execute").catch == "log-only"
    assert call(fn(ff, "c"), "cur.execute").catch == "rethrow"
    d = fn(ff, "d")
    assert d.catches[0].types == ("KeyError",) and not d.catches[0].broad
    assert not call(fn(ff, "e"), "cur.execute").in_try     # finally does not guard


def test_status_and_timeout():
    ff = facts("app/api.py", """
        import requests

        def unchecked():
            resp = requests.post("https://api.twilio.com/x", data={})
            return resp.json()

        def checked():
            resp = requests.post("https://x.example", timeout=5)
            resp.raise_for_status()
            return resp.json()

        def compared():
            r = requests.get("https://x.example", timeout=5)
            if r.status_code != 200:
                return None
            return r.json()

        def inline():
            return requests.get("https://x.example", timeout=5).json()
    """)
    u = call(fn(ff, "unchecked"), "requests.post")
    assert u.fetch_like and not u.status_checked and u.timeout is False and u.kind == "sms"
    c = call(fn(ff, "checked"), "requests.post")
    assert c.status_checked and c.timeout is True
    assert call(fn(ff, "compared"), "requests.get").status_checked
    assert not call(fn(ff, "inline"), "requests.get").status_checked


def test_loops_and_poll():
    ff = facts("worker/main.py", """
        import time

        def run(conn, rows):
            for row in rows:
                handle(row)
            for attempt in range(3):
                handle(None)
            while True:
                handle(None)
                time.sleep(1)

        def handle(row):
            pass
    """)
    calls = [c for c in fn(ff, "run").calls if c.callee == "handle"]
    assert [c.loop for c in calls] == ["items", "range", "poll"]
    assert calls[2].in_poll_loop and calls[0].target == fn(ff, "handle").id


def test_handlers_and_error_handlers():
    ff = facts("app.py", """
        from flask import Flask
        app = Flask(__name__)

        @app.route("/x", methods=["POST"])
        def x():
            return "ok"

        @app.errorhandler(500)
        def boom(e):
            return "sorry", 500

        def helper():
            pass
    """)
    assert fn(ff, "x").handler == "flask"
    assert fn(ff, "helper").handler is None
    assert [h.catches for h in ff.extra["error_handlers"]] == ["500"]
    fa = facts("main.py", """
        from fastapi import FastAPI, Depends
        app = FastAPI()

        def get_db():
            yield 1

        @app.get("/items")
        async def items(db=Depends(get_db)):
            return []
    """)
    items = fn(fa, "items")
    assert items.handler == "fastapi" and items.is_async
    assert call(items, "get_db").target == fn(fa, "get_db").id


def test_db_clients_and_checkouts():
    ff = facts("app/db.py", """
        import psycopg2
        from psycopg2 import pool
        from flask import g
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker
        from functools import lru_cache

        engine = create_engine("postgresql://")
        SessionLocal = sessionmaker(bind=engine)
        shared = pool.SimpleConnectionPool(1, 5, "dsn")

        def get_conn():
            return psycopg2.connect("dsn")

        def get_g():
            if "db" not in g:
                g.db = psycopg2.connect("dsn")
            return g.db

        @lru_cache
        def cached():
            return psycopg2.connect("dsn")

        def session_ok():
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()

        def session_leak():
            db = SessionLocal()
            return db.execute("x")
    """)
    by_fn = {}
    for d in ff.db_clients:
        by_fn.setdefault(d.function.split("#")[1].split("@")[0] if d.function else "<module>", []).append(d)
    mod = {d.what: d for d in by_fn["<module>"]}
    assert mod["engine"].bounded is True and mod["pool"].bounded is True
    assert by_fn["get_conn"][0].returned and not by_fn["get_conn"][0].singleton
    assert by_fn["get_g"][0].cache == "flask-g"
    assert by_fn["cached"][0].cache == "lru_cache"
    assert by_fn["session_ok"][0].released == "finally"
    assert by_fn["session_leak"][0].released == "never"


def test_floating_coroutine():
    ff = facts("app/main.py", """
        async def notify():
            pass

        async def handler():
            notify()
            await notify()
    """)
    calls = [c for c in fn(ff, "handler").calls if c.callee == "notify"]
    assert calls[0].floating and not calls[1].floating


def test_syntax_error_keeps_prefix():
    ff = facts("app/bad.py", """
        def ok(cur):
            cur.execute("x")

        def broken(:
            pass
    """)
    assert fn(ff, "ok")
