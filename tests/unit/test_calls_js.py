"""Per-function call summaries for JavaScript / TypeScript."""
from __future__ import annotations

from calls_helpers import call, facts, fn


def test_kinds_of_common_clients():
    ff = facts("src/svc.js", """
        const { Pool } = require('pg');
        const Stripe = require('stripe');
        const nodemailer = require('nodemailer');
        const axios = require('axios');
        const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
        const Note = require('./models/Note');
        const pool = new Pool({ max: 5 });
        const stripe = Stripe(process.env.KEY);
        const transporter = nodemailer.createTransport({});
        const s3 = new S3Client({});

        async function work(id) {
          await pool.query('SELECT 1');
          await stripe.customers.create({ email: 'a@b.c' });
          await transporter.sendMail({ to: 'x' });
          await axios.get('https://api.example.com');
          await s3.send(new PutObjectCommand({}));
          await Note.findById(id).select('title');
          await fetch('https://api.twilio.com/2010-04-01/Accounts/x/Messages.json');
          console.log('done');
          res.json({});
        }
    """)
    kinds = {c.callee: c.kind for c in fn(ff, "work").calls}
    assert kinds["pool.query"] == "db"
    assert kinds["stripe.customers.create"] == "payment"
    assert kinds["transporter.sendMail"] == "email"
    assert kinds["axios.get"] == "http"
    assert kinds["s3.send"] == "storage"
    assert kinds["Note.findById"] == "db"
    assert kinds["fetch"] == "sms"          # refined by the Twilio URL
    assert "console.log" not in kinds and "res.json" not in kinds


def test_prisma_and_names_that_are_not_db():
    ff = facts("lib/a.ts", """
        import { prisma } from '@/lib/prisma';
        export async function load(map: Map<string, string>) {
          const u = await prisma.user.findMany();
          const v = map.get('x');
          const w = Object.create(null);
          const z = [1, 2].find((x) => x > 1);
          return u;
        }
    """)
    f = fn(ff, "load")
    assert call(f, "prisma.user.findMany").kind == "db"
    assert all(c.callee not in ("map.get", "Object.create") for c in f.calls)


def test_in_try_catch_action_and_await():
    ff = facts("src/h.js", """
        async function a() {
          try {
            await db.query('x');
          } catch (e) {}
        }
        async function b() {
          try {
            await db.query('x');
          } catch (e) {
            console.error(e);
          }
        }
        async function c(res) {
          try {
            await db.query('x');
          } catch (e) {
            return res.status(500).json({ error: 'no' });
          }
        }
        async function d() {
          try {
            await db.query('x');
          } catch (e) {
            throw new Error('wrapped');
          }
        }
        async function e() {
          await db.query('x');
        }
    """)
    assert call(fn(ff, "a"), "db.query").catch == "empty"
    assert call(fn(ff, "b"), "db.query").catch == "log-only"
    assert call(fn(ff, "c"), "db.query").catch == "respond-error"
    assert call(fn(ff, "d"), "db.query").catch == "rethrow"
    q = call(fn(ff, "e"), "db.query")
    assert not q.in_try and q.awaited and q.kind == "db"
    assert [cc.action for cc in fn(ff, "a").catches] == ["empty"]


def test_floating_returned_and_chained_catch():
    ff = facts("src/f.js", """
        async function h(req, res) {
          db.query('a');
          await db.query('b');
          db.query('c').catch((err) => console.error(err));
          db.query('d').then(() => {});
          res.json({});
        }
        function g() {
          return db.query('e');
        }
        const k = () => db.query('f');
    """)
    calls = fn(ff, "h").calls
    by_arg = {c.args: c for c in calls if c.callee == "db.query"}
    assert by_arg["('a')"].floating and not by_arg["('a')"].awaited
    assert not by_arg["('b')"].floating and by_arg["('b')"].awaited
    c = by_arg["('c')"]
    assert c.has_catch and not c.floating and c.catch == "log-only"
    assert by_arg["('d')"].floating          # .then without .catch
    assert call(fn(ff, "g"), "db.query").returned
    assert call(fn(ff, "k"), "db.query").returned


def test_fetch_status_checked():
    ff = facts("src/s.js", """
        async function unchecked() {
          const res = await fetch('https://x.example');
          return res.json();
        }
        async function checked() {
          const res = await fetch('https://x.example');
          if (!res.ok) throw new Error(String(res.status));
          return res.json();
        }
        async function handedOn() {
          const res = await fetch('https://x.example');
          return handleResponse(res);
        }
        async function chained() {
          return fetch('https://x.example').then((r) => r.json());
        }
        async function axiosThrows() {
          const { data } = await axios.get('https://x.example');
          return data;
        }
    """)
    assert call(fn(ff, "unchecked"), "fetch").fetch_like
    assert not call(fn(ff, "unchecked"), "fetch").status_checked
    assert call(fn(ff, "checked"), "fetch").status_checked
    assert call(fn(ff, "handedOn"), "fetch").status_checked
    assert not call(fn(ff, "chained"), "fetch").returned        # the body is returned, unchecked
    assert not call(fn(ff, "axiosThrows"), "axios.get").fetch_like


def test_loops_and_callbacks():
    ff = facts("src/w.js", """
        async function run(rows) {
          for (const row of rows) {
            await db.query('x', [row.id]);
          }
          while (true) {
            await tick();
          }
        }
        async function tick() {}
        function each(rows) {
          rows.forEach(async (r) => { await db.query('y', [r]); });
        }
    """)
    run = fn(ff, "run")
    q = call(run, "db.query")
    assert q.loop == "items" and q.loop_line == 2
    t = call(run, "tick")
    assert t.loop == "poll" and t.in_poll_loop and t.target == fn(ff, "tick").id
    cb = [c for c in fn(ff, "each").calls if c.callee.startswith("<callback")][0]
    assert cb.loop == "items" and cb.target and "loop-callback" in next(
        f for f in ff.functions if f.id == cb.target).facts


def test_handlers_and_wrappers():
    ff = facts("src/routes.js", """
        const express = require('express');
        const asyncHandler = require('express-async-handler');
        const router = express.Router();
        router.get('/a', async (req, res) => { res.json(await Note.find()); });
        router.post('/b', asyncHandler(async (req, res) => { res.json({}); }));
        router.use((err, req, res, next) => { res.status(500).end(); });
        async function helper(req, res) { return db.query('x', [req.user.id]); }
        module.exports = router;
    """)
    hs = {f.location.line: f for f in ff.functions if f.handler}
    assert hs[4].handler == "express" and hs[4].is_async and hs[4].wrapped is None
    assert hs[5].wrapped == "asyncHandler"
    assert fn(ff, "helper").handler is None          # (req, res) shape but never answers
    assert any(h.framework == "express" for h in ff.extra["error_handlers"])


def test_nextjs_conventions():
    route = facts("app/api/items/route.ts", """
        export async function GET(req: Request) { return Response.json(await db.query('x')); }
        export async function helper() { await db.query('y'); }
    """)
    assert fn(route, "GET").handler == "nextjs-app"
    assert fn(route, "helper").handler is None
    pages = facts("pages/api/items.ts", """
        export default async function handler(req, res) { res.json(await db.query('x')); }
    """)
    assert fn(pages, "handler").handler == "nextjs-pages"
    ssr = facts("pages/index.tsx", """
        export const getServerSideProps = async () => ({ props: { rows: await db.query('x') } });
        export default function Home() { return null; }
    """)
    assert fn(ssr, "getServerSideProps").handler == "nextjs-ssr"
    assert fn(ssr, "Home").handler is None


def test_db_clients_scope_cache_bounds():
    ff = facts("lib/db.js", """
        import pg from 'pg';
        import { PrismaClient } from '@prisma/client';
        export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
        export const small = new pg.Pool({ max: 2 });
        export const prisma = globalThis.prisma || new PrismaClient();
        export async function perCall() {
          const client = new pg.Client();
          await client.connect();
          return client;
        }
    """)
    by_line = {d.location.line: d for d in ff.db_clients}
    assert by_line[3].scope == "module" and by_line[3].bounded is False and by_line[3].what == "pool"
    assert by_line[4].bounded is True
    assert by_line[5].singleton and by_line[5].cache == "global"
    assert by_line[7].scope == "function" and by_line[7].what == "client" and by_line[7].returned
    assert len(ff.db_clients) == 4          # client.connect() is not a new client


def test_checkout_release_paths():
    ff = facts("src/tx.js", """
        const { Pool } = require('pg');
        const pool = new Pool({ max: 5 });
        async function never() { const c = await pool.connect(); await c.query('x'); }
        async function fin() { const c = await pool.connect(); try { await c.query('x'); } finally { c.release(); } }
        async function happy() { const c = await pool.connect(); await c.query('x'); c.release(); }
        async function both() {
          const c = await pool.connect();
          try { await c.query('x'); c.release(); } catch (e) { c.release(); throw e; }
        }
        async function handOver() { const c = await pool.connect(); return c; }
    """)
    rel = {d.function.split("#")[1].split("@")[0]: d.released for d in ff.db_clients if d.what == "checkout"}
    assert rel == {"never": "never", "fin": "finally", "happy": "success-path", "both": "all-paths",
                   "handOver": "escapes"}


def test_syntax_error_does_not_crash():
    ff = facts("src/broken.js", """
        async function ok() { await db.query('x'); }
        function broken( {
    """)
    assert any(f.name == "ok" for f in ff.functions)


def test_function_ids_follow_the_shared_convention():
    ff = facts("src/names.js", """
        const bound = function ownName() { return db.query('a'); };
        const arrow = async (req, res) => { await db.query('b'); };
        exports.list = async (req, res) => { await db.query('c'); };
        module.exports = function () { return db.query('d'); };
        router.get('/', async (req, res) => { res.json([]); });
        class Svc { async find(id) { return db.query('e'); } }
    """)
    ids = {f.id for f in ff.functions}
    assert "src/names.js#ownName@1" in ids
    assert "src/names.js#arrow@2" in ids
    assert "src/names.js#list@3" in ids
    anon = next(f for f in ff.functions if f.location.line == 4)
    assert anon.name == "<anonymous>" and "export-default" in anon.facts
    assert "src/names.js#<anonymous>@5" in ids
    assert "src/names.js#find@6" in ids


def test_callback_style_calls_are_not_floating():
    ff = facts("src/cb.js", """
        const nodemailer = require('nodemailer');
        const transporter = nodemailer.createTransport({});
        function h(req, res) {
          transporter.sendMail({ to: 'a' }, (err, info) => { if (err) console.error(err); });
          transporter.sendMail({ to: 'b' });
          res.end();
        }
    """)
    calls = [c for c in fn(ff, "h").calls if c.callee == "transporter.sendMail"]
    assert [c.floating for c in calls] == [False, True]
