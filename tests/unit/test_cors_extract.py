"""CorsSetting facts per library and form (project/extract/cors.py)."""
from __future__ import annotations

import textwrap

import pytest

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source
from deploycheck.project.extract.cors import polarity
from deploycheck.project.model import CorsSetting


def extract(path: str, code: str) -> list[CorsSetting]:
    text = textwrap.dedent(code).lstrip("\n")
    data = text.encode("utf-8")
    facts = extract_source(path, Source(text=text, data=data, lines=text.count("\n") + 1, partial=None))
    assert facts.error is None, facts.error
    return facts.cors


def brief(settings: list[CorsSetting]) -> list[tuple]:
    """(line, library, origin, credentials) in source order; dev-only settings marked with 'dev'."""
    return sorted((s.location.line, s.library, s.origin, s.credentials) + (("dev",) if s.dev_only else ())
                  for s in settings)


# ----------------------------------------------------------------------------- JavaScript libraries

def test_express_cors_forms():
    got = extract("src/app.js", """
        const cors = require('cors');
        app.use(cors());
        app.use(cors({ origin: '*' }));
        app.use(cors({ origin: true, credentials: true }));
        app.use(cors({ origin: (origin, cb) => cb(null, true) }));
        app.use(cors({ origin: function (o, callback) { callback(null, o); } }));
        app.use(cors({ origin: ['https://a.example', 'https://b.example'], credentials: true }));
        app.use(cors({ origin: process.env.CORS_ORIGINS.split(',') }));
        app.use(cors({ origin: config.corsOrigins }));
        app.use(cors({ origin: false }));
        app.use(cors({ credentials: true }));
        app.get('/x', cors(), handler);
        """)
    assert brief(got) == [
        (2, "cors", "default", False),
        (3, "cors", "wildcard", False),
        (4, "cors", "reflect", True),
        (5, "cors", "reflect", False),
        (6, "cors", "reflect", False),
        (7, "cors", "list", True),
        (8, "cors", "env", False),
        (9, "cors", "env", False),
        (10, "cors", "disabled", False),
        (11, "cors", "default", True),
        (12, "cors", "default", False),
    ]
    assert next(s for s in got if s.location.line == 7).origins == ("https://a.example", "https://b.example")
    assert next(s for s in got if s.location.line == 4).value == "origin: true"


def test_express_origin_callbacks_that_check_are_functions():
    got = extract("src/app.js", """
        import cors from 'cors';
        const allowed = ['https://a.example'];
        app.use(cors({ origin: (origin, cb) => cb(null, allowed.includes(origin)) }));
        app.use(cors({
          origin(origin, callback) {
            if (!origin || allowed.indexOf(origin) !== -1) return callback(null, true);
            callback(new Error('blocked'));
          },
        }));
        app.use(cors({ origin: async (origin) => { const ok = await db.isAllowedOrigin(origin); return ok; } }));
        app.use(cors({ origin: (origin, cb) => { if (!origin) return cb(null, true); cb(null, true); } }));
        """)
    assert [(s.location.line, s.origin) for s in got] == [(3, "function"), (5, "function"), (10, "function"),
                                                          (11, "reflect")]


def test_options_from_a_variable_are_followed_and_reported_once():
    got = extract("src/app.js", """
        const cors = require('cors');
        const corsOptions = {
          origin: true,
          credentials: true,
        };
        app.use(cors(corsOptions));
        app.options('*', cors(corsOptions));
        """)
    assert brief(got) == [(3, "cors", "reflect", True)]
    assert got[0].credentials_location.line == 4


def test_origin_identifier_is_resolved():
    got = extract("src/app.ts", """
        import cors from "cors";
        const origins = ["https://a.example"];
        const wide = "*";
        app.use(cors({ origin: origins }));
        app.use(cors({ origin: wide }));
        app.use(cors({ origin: importedOrigins }));
        """)
    assert [(s.location.line, s.origin) for s in got] == [(4, "list"), (5, "wildcard"), (6, "unknown")]


def test_cors_that_is_not_the_package_is_ignored():
    assert extract("src/app.js", """
        const cors = require('./middleware/cors');
        app.use(cors());
        """) == []


def test_fastify_hono_koa_nest():
    got = extract("src/server.ts", """
        import fastifyCors from '@fastify/cors';
        import { cors } from 'hono/cors';
        import koaCors from '@koa/cors';
        import { NestFactory } from '@nestjs/core';
        await app.register(fastifyCors);
        await app.register(fastifyCors, { origin: true, credentials: true });
        await app.register(require('@fastify/cors'), { origin: '*' });
        hono.use('*', cors());
        hono.use('*', cors({ origin: (origin) => origin, credentials: true }));
        koa.use(koaCors({ credentials: true }));
        const nest = await NestFactory.create(AppModule, { cors: true });
        nest.enableCors({ origin: ['https://a.example'] });
        """)
    assert brief(got) == [
        (5, "@fastify/cors", "default", False),
        (6, "@fastify/cors", "reflect", True),
        (7, "@fastify/cors", "wildcard", False),
        (8, "hono/cors", "default", False),
        (9, "hono/cors", "reflect", True),
        (10, "@koa/cors", "default", True),
        (11, "nestjs", "default", False),
        (12, "nestjs", "list", False),
    ]


def test_hono_cors_needs_the_named_import():
    assert extract("src/index.ts", """
        import cors from 'hono/cors';
        app.use(cors());
        """) == []


# ----------------------------------------------------------------------------- JavaScript headers

def test_manual_headers_reflect_with_credentials_in_the_same_function():
    got = extract("pages/api/posts.ts", """
        export default function handler(req, res) {
          res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');
          res.setHeader('Access-Control-Allow-Credentials', 'true');
        }
        export function other(req, res) {
          res.header('Access-Control-Allow-Origin', req.get('origin'));
        }
        """)
    assert brief(got) == [(2, "header", "reflect", True), (6, "header", "reflect", False)]
    assert got[0].credentials_location.line == 3


def test_manual_header_reflection_after_an_allow_list_check_is_a_function():
    got = extract("src/cors.js", """
        function corsMiddleware(req, res, next) {
          const origin = req.headers.origin;
          if (ALLOWED.includes(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
          next();
        }
        function unchecked(req, res, next) {
          const origin = req.headers.origin;
          if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
          next();
        }
        """)
    assert [(s.location.line, s.origin) for s in got] == [(3, "function"), (8, "reflect")]


def test_header_objects_of_responses_count_and_of_requests_do_not():
    got = extract("app/api/feed/route.ts", """
        const corsHeaders = { 'Access-Control-Allow-Origin': '*' };
        export async function GET(request) {
          await fetch('https://x.example', { headers: { 'Access-Control-Allow-Origin': '*' } });
          await axios.get('https://x.example', { headers: { 'Access-Control-Allow-Origin': '*' } });
          const r = NextResponse.json({}, { headers: { 'Access-Control-Allow-Origin': '*' } });
          r.headers.set('Access-Control-Allow-Origin', process.env.APP_ORIGIN);
          return new Response('ok', { headers: { "access-control-allow-origin": "*" } });
        }
        """)
    assert sorted((s.location.line, s.origin) for s in got) == [(1, "wildcard"), (5, "wildcard"), (6, "env"),
                                                                (7, "wildcard")]


def test_next_config_headers_key_value_entries():
    got = extract("next.config.mjs", """
        export default {
          async headers() {
            return [
              { source: '/api/:path*', headers: [
                { key: 'Access-Control-Allow-Credentials', value: 'true' },
                { key: 'Access-Control-Allow-Origin', value: '*' },
              ] },
              { source: '/fonts/:path*', headers: [{ key: 'Access-Control-Allow-Origin', value: '*' }] },
            ];
          },
        };
        """)
    assert brief(got) == [(6, "next-headers", "wildcard", True), (8, "next-headers", "wildcard", False)]


def test_comments_are_not_settings():
    assert extract("src/app.js", """
        const cors = require('cors');
        // The old cors({ origin: '*' }) was replaced
        /* res.setHeader('Access-Control-Allow-Origin', '*') */
        """) == []


# ----------------------------------------------------------------------------- development-only code

def test_dev_only_branches_js():
    got = extract("src/app.js", """
        const cors = require('cors');
        if (process.env.NODE_ENV !== 'production') {
          app.use(cors());
        }
        if (process.env.NODE_ENV === 'production') {
          app.use(cors({ origin: allowed }));
        } else {
          app.use(cors({ origin: '*' }));
        }
        isDev && app.use(cors());
        app.use(cors({ origin: process.env.NODE_ENV === 'production' ? allowed : '*' }));
        app.use(cors({ origin: isDevelopment ? true : process.env.ORIGINS }));
        if (process.env.ENABLE_CORS) app.use(cors());
        """)
    assert brief(got) == [
        (3, "cors", "default", False, "dev"),
        (6, "cors", "unknown", False),
        (8, "cors", "wildcard", False, "dev"),
        (10, "cors", "default", False, "dev"),
        (11, "cors", "unknown", False),
        (12, "cors", "env", False),
        (13, "cors", "default", False),
    ]


@pytest.mark.parametrize("cond,expected", [
    ("process.env.NODE_ENV !== 'production'", ("dev", "prod")),
    ("process.env.NODE_ENV === 'production'", ("prod", "dev")),
    ("(process.env.NODE_ENV === 'development' || process.env.NODE_ENV === 'test')", ("dev", "prod")),
    ("isDev && req.query.flag", ("dev", None)),
    ("req.query.debug", (None, None)),
    ("DEBUG", ("dev", "prod")),
    ("!isProduction", ("dev", "prod")),
    ("app.debug", ("dev", "prod")),
    ("settings.DEBUG", ("dev", "prod")),
    ("not app.config['DEBUG']", ("prod", "dev")),
    ("os.environ.get('FLASK_ENV') == 'development'", ("dev", "prod")),
    ("process.env.ENABLE_CORS", (None, None)),
    ("isDev || process.env.OPEN_CORS", (None, "prod")),
    ("req.method === 'OPTIONS'", (None, None)),
])
def test_polarity(cond, expected):
    assert polarity(cond) == expected


# ----------------------------------------------------------------------------- Python

def test_flask_cors_forms():
    got = extract("app.py", """
        import os
        from flask_cors import CORS, cross_origin
        CORS(app)
        CORS(app, origins="*", supports_credentials=True)
        CORS(app, resources={r"/api/*": {"origins": "*"}})
        CORS(app, resources={r"/api/*": {"origins": ["https://a.example"], "supports_credentials": True}})
        CORS(app, origins=os.environ["CORS_ORIGINS"].split(","))
        CORS(app, origins=r".*")
        CORS(app, supports_credentials=True)
        if app.debug:
            CORS(app)

        @app.route("/x")
        @cross_origin()
        def x():
            return "x"

        ext = CORS(origins="*")
        ext.init_app(app)
        """)
    assert brief(got) == [
        (3, "flask-cors", "default", False),
        (4, "flask-cors", "wildcard", True),
        (5, "flask-cors", "wildcard", False),
        (6, "flask-cors", "list", True),
        (7, "flask-cors", "env", False),
        (8, "flask-cors", "reflect", False),
        (9, "flask-cors", "default", True),
        (11, "flask-cors", "default", False, "dev"),
        (14, "flask-cors", "default", False),
        (18, "flask-cors", "wildcard", False),
    ]


def test_flask_cors_module_import_and_config_keys():
    got = extract("app.py", """
        import flask_cors
        app.config["CORS_ORIGINS"] = "*"
        app.config["CORS_SUPPORTS_CREDENTIALS"] = True
        flask_cors.CORS(app)
        """)
    assert brief(got) == [(2, "flask-cors-config", "wildcard", True), (4, "flask-cors", "default", False)]


def test_starlette_and_fastapi_middleware():
    got = extract("main.py", """
        from fastapi.middleware.cors import CORSMiddleware
        from starlette.middleware import Middleware
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
        )
        app.add_middleware(CORSMiddleware, allow_origin_regex="https://.*", allow_credentials=True)
        app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*\\.example\\.com")
        mw = [Middleware(CORSMiddleware, allow_origins=["*"])]
        app.add_middleware(CORSMiddleware, allow_origins=["*"] if settings.DEBUG else settings.cors_origins)
        app.add_middleware(CORSMiddleware)
        """)
    assert brief(got) == [
        (3, "fastapi", "wildcard", True),
        (6, "fastapi", "env", True),
        (9, "fastapi", "reflect", True),
        (10, "fastapi", "list", False),
        (11, "fastapi", "wildcard", False),
        (12, "fastapi", "env", False),
        (13, "fastapi", "list", False),
    ]


def test_someone_elses_cors_middleware_is_ignored():
    assert extract("main.py", """
        from app.middleware import CORSMiddleware
        app.add_middleware(CORSMiddleware, allow_origins=["*"])
        """) == []
    assert extract("main.py", """
        class CORSMiddleware(BaseHTTPMiddleware):
            pass
        app.add_middleware(CORSMiddleware, allow_origins=["*"])
        """) == []


def test_django_settings():
    got = extract("mysite/settings.py", """
        import os
        DEBUG = os.environ.get("DEBUG") == "1"
        CORS_ALLOW_ALL_ORIGINS = True
        CORS_ALLOW_CREDENTIALS = True
        CORS_ORIGIN_ALLOW_ALL = DEBUG
        CORS_ALLOWED_ORIGIN_REGEXES = [r".*"]
        """)
    assert brief(got) == [
        (3, "django-cors-headers", "wildcard", True),
        (5, "django-cors-headers", "wildcard", True, "dev"),
        (6, "django-cors-headers", "reflect", True),
    ]
    assert extract("mysite/settings.py", "CORS_ALLOW_ALL_ORIGINS = os.environ.get('CORS_ALL') == '1'\n")[0].origin == "env"
    assert extract("mysite/settings.py", "CORS_ALLOW_ALL_ORIGINS = False\n") == []
    # settings/local.py is dev config (classify): never production, so nothing to extract
    assert extract("mysite/settings/local.py", "CORS_ALLOW_ALL_ORIGINS = True\n") == []
    dev = extract("mysite/config_dev.py", "CORS_ALLOW_ALL_ORIGINS = True\n")
    assert [s.dev_only for s in dev] == [True]


def test_python_manual_headers():
    got = extract("views.py", """
        def view(request):
            response = HttpResponse("x")
            response["Access-Control-Allow-Origin"] = request.META.get("HTTP_ORIGIN")
            response["Access-Control-Allow-Credentials"] = "true"
            return response

        def feed():
            return {}, 200, {"Access-Control-Allow-Origin": "*"}

        def checked(resp):
            origin = request.headers.get("Origin")
            if origin in ALLOWED:
                resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers.add("Access-Control-Allow-Credentials", "true")

        def proxy():
            requests.get(URL, headers={"Access-Control-Allow-Origin": "*"})

        def wsgi(environ, start_response):
            start_response("200 OK", [("Access-Control-Allow-Origin", "*")])
        """)
    assert brief(got) == [
        (3, "header", "reflect", True),
        (8, "header", "wildcard", False),
        (13, "header", "function", True),
        (20, "header", "wildcard", False),
    ]


# ----------------------------------------------------------------------------- config files

def test_vercel_json_lines_and_credentials():
    got = extract("vercel.json", """
        {
          "headers": [
            {"source": "/api/(.*)", "headers": [
              {"key": "Access-Control-Allow-Credentials", "value": "true"},
              {"key": "Access-Control-Allow-Origin", "value": "*"}
            ]},
            {"source": "/p/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://p.example"}]}
          ]
        }
        """)
    assert brief(got) == [(5, "platform-headers", "wildcard", True), (7, "platform-headers", "list", False)]


def test_netlify_toml_and_headers_file():
    got = extract("netlify.toml", """
        [[headers]]
          for = "/*"
          [headers.values]
            Access-Control-Allow-Origin = "*"
        """)
    assert brief(got) == [(4, "platform-headers", "wildcard", False)]
    got = extract("public/_headers", """
        /api/*
          Access-Control-Allow-Origin: *
          Access-Control-Allow-Credentials: true
        /*
          Access-Control-Allow-Origin: https://a.example
        """)
    assert brief(got) == [(2, "platform-headers", "wildcard", True), (5, "platform-headers", "list", False)]


# ----------------------------------------------------------------------------- bad input never crashes

@pytest.mark.parametrize("path,code", [
    ("src/app.js", "const cors = require('cors');\napp.use(cors({ origin: '*' \n"),
    ("app.py", "from flask_cors import CORS\nCORS(app, origins='*'\n"),
    ("vercel.json", '{"headers": [{"key": "Access-Control-Allow-Origin", "value": "*"'),
    ("netlify.toml", '[[headers]\nAccess-Control-Allow-Origin = "*"\n'),
    ("public/_headers", "Access-Control-Allow-Origin\n  :\n"),
    ("src/app.ts", "import cors from 'cors';\n" + "app.use(" * 300 + "cors()" + ")" * 300 + "\n"),
])
def test_bad_input_does_not_crash(path, code):
    extract(path, code)


def test_syntax_error_keeps_what_parses():
    got = extract("src/app.js", """
        const cors = require('cors');
        app.use(cors({ origin: '*' }));
        function broken( {
        """)
    assert [s.origin for s in got] == ["wildcard"]


def test_a_generic_helper_that_sends_star_only_when_configured_is_unknown():
    got = extract("lib/cors.ts", """
        function originHeaders(reqOrigin, origin) {
          const headers = new Headers();
          if (origin === '*') {
            headers.set('Access-Control-Allow-Origin', '*');
          }
          return headers;
        }
        """)
    assert [s.origin for s in got] == ["unknown"]
    got = extract("cors.py", """
        def add(resp, allowed):
            if allowed == "*":
                resp.headers["Access-Control-Allow-Origin"] = "*"
        """)
    assert [s.origin for s in got] == ["unknown"]


def test_socket_io_servers():
    got = extract("src/server.js", """
        const { Server } = require('socket.io');
        import { Server as IO } from 'socket.io';
        const io = new Server(httpServer, { cors: { origin: '*' } });
        const io2 = new IO(httpServer, { cors: { origin: true, credentials: true } });
        const io3 = require('socket.io')(server, { cors: { origin: process.env.CLIENT_URL } });
        const io4 = new Server(httpServer);
        """)
    assert brief(got) == [(3, "socket.io", "wildcard", False), (4, "socket.io", "reflect", True),
                          (5, "socket.io", "env", False)]
    got = extract("app.py", """
        from flask_socketio import SocketIO
        socketio = SocketIO(app, cors_allowed_origins="*")
        sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins=[], cors_credentials=False)
        sio2 = socketio.AsyncServer(cors_allowed_origins=settings.origins)
        """)
    assert brief(got) == [(2, "python-socketio", "wildcard", True), (3, "python-socketio", "list", False),
                          (4, "python-socketio", "env", True)]


def test_options_from_a_local_module_are_recorded_for_the_linker():
    from deploycheck.project.extract.cors import EXPORTED_OPTIONS, IMPORTED_OPTIONS

    def raw(path, code):
        text = textwrap.dedent(code).lstrip("\n")
        return extract_source(path, Source(text=text, data=text.encode(), lines=text.count("\n") + 1,
                                           partial=None)).extra

    using = raw("src/app.js", """
        const cors = require('cors');
        const corsOptions = require('./config/corsOptions');
        import { strict } from '../cors';
        app.use(cors(corsOptions));
        app.use(cors(strict));
        """)
    assert using[IMPORTED_OPTIONS] == [("src/app.js", "./config/corsOptions", "default", "cors", False),
                                       ("src/app.js", "../cors", "strict", "cors", False)]
    defining = raw("src/config/corsOptions.js", """
        const corsOptions = { origin: true, credentials: true };
        module.exports = corsOptions;
        export const other = { maxAge: 600 };
        """)
    [(path, name, setting)] = defining[EXPORTED_OPTIONS]
    assert (path, name, setting.origin, setting.credentials, setting.location.line) == \
        ("src/config/corsOptions.js", "default", "reflect", True, 1)


def test_header_variables_sent_with_requests_are_not_settings():
    js = extract("src/client.js", """
        const headers = { 'Access-Control-Allow-Origin': '*' };
        const res = await fetch(url, { headers });
        const res2 = await axios.get(url, { headers: headers });
        const corsHeaders = { 'Access-Control-Allow-Origin': '*' };
        return new Response('ok', { headers: corsHeaders });
        """)
    assert [s.location.line for s in js] == [4]
    py = extract("client.py", """
        HEADERS = {"Access-Control-Allow-Origin": "*"}
        RESPONSE_HEADERS = {"Access-Control-Allow-Origin": "*"}
        def get():
            return requests.get(URL, headers=HEADERS)
        def view():
            return {}, 200, RESPONSE_HEADERS
        """)
    assert [s.location.line for s in py] == [2]
