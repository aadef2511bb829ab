"""What an external call is, from its callee text and where its receiver came from.

Shared by the JavaScript/TypeScript and Python call extractors. A callee is described as a `Chain`:
the root name (`db`, `prisma`, `fetch`, `requests`), the member names after it (`query`,
`user.findMany`), and the *origin* of the root when the file says where it comes from: the module it
was imported from (`pg`, `stripe`, `./db`), or the library of the object it was built from
(`const pool = new Pool()` with `Pool` from `pg` gives `pool` the origin `pg`).

Origin first, names second: `client.query` is a database call when `client` came from `pg`, and is
left alone when nothing says so and the name alone is too generic. Name heuristics are kept to
names that are hard to mistake (`prisma.*`, `transporter.sendMail`, `cur.execute`, `Note.findById`
on a model imported from a local module).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------- libraries

# module (npm package or Python top-level module, lower case) -> kind
_LIB_KIND: dict[str, str] = {
    # JS databases
    "pg": "db", "pg-pool": "db", "pg-promise": "db", "postgres": "db", "mysql": "db", "mysql2": "db",
    "mongoose": "db", "mongodb": "db", "@prisma/client": "db", "prisma": "db", "knex": "db",
    "sequelize": "db", "typeorm": "db", "drizzle-orm": "db", "better-sqlite3": "db", "sqlite3": "db",
    "sqlite": "db", "@neondatabase/serverless": "db", "@vercel/postgres": "db", "@planetscale/database": "db",
    "@libsql/client": "db", "kysely": "db", "mssql": "db", "oracledb": "db", "@supabase/supabase-js": "db",
    "firebase-admin": "db", "@google-cloud/firestore": "db", "@vercel/kv": "cache", "mikro-orm": "db",
    "@mikro-orm/core": "db", "objection": "db", "slonik": "db", "@electric-sql/pglite": "db",
    # JS http / APIs
    "axios": "http", "got": "http", "node-fetch": "http", "undici": "http", "ky": "http", "superagent": "http",
    "cross-fetch": "http", "isomorphic-fetch": "http", "needle": "http", "request": "http", "ofetch": "http",
    "http": "http", "https": "http", "openai": "http", "@anthropic-ai/sdk": "http", "@google/generative-ai": "http",
    "@octokit/rest": "http", "@slack/web-api": "http",
    # JS email
    "nodemailer": "email", "resend": "email", "@sendgrid/mail": "email", "postmark": "email",
    "mailgun.js": "email", "mailgun-js": "email", "@aws-sdk/client-ses": "email", "@aws-sdk/client-sesv2": "email",
    "@mailchimp/mailchimp_transactional": "email", "mailersend": "email", "@sendinblue/client": "email",
    "brevo": "email", "@getbrevo/brevo": "email",
    # payment / sms
    "stripe": "payment", "@stripe/stripe-js": "payment", "braintree": "payment", "@paypal/checkout-server-sdk": "payment",
    "@lemonsqueezy/lemonsqueezy.js": "payment", "razorpay": "payment",
    "twilio": "sms", "@vonage/server-sdk": "sms", "messagebird": "sms",
    # storage / cache / fs
    "@aws-sdk/client-s3": "storage", "@google-cloud/storage": "storage", "@vercel/blob": "storage",
    "@azure/storage-blob": "storage", "cloudinary": "storage", "minio": "storage",
    "redis": "cache", "ioredis": "cache", "@upstash/redis": "cache", "memcached": "cache",
    "fs": "fs", "fs/promises": "fs", "fs-extra": "fs", "graceful-fs": "fs",
    # Python
    "psycopg2": "db", "psycopg": "db", "asyncpg": "db", "sqlalchemy": "db", "sqlite3": "db", "pymysql": "db",
    "mysqldb": "db", "mysql.connector": "db", "pymongo": "db", "motor": "db", "peewee": "db", "tortoise": "db",
    "databases": "db", "sqlmodel": "db", "psycopg_pool": "db", "aiomysql": "db", "aiosqlite": "db",
    "flask_sqlalchemy": "db", "supabase": "db", "django.db": "db", "mongoengine": "db", "pyodbc": "db",
    "cx_oracle": "db", "oracledb.py": "db",
    "requests": "http", "httpx": "http", "aiohttp": "http", "urllib.request": "http", "urllib3": "http",
    "http.client": "http", "anthropic": "http", "google.generativeai": "http",
    "smtplib": "email", "flask_mail": "email", "django.core.mail": "email", "sendgrid": "email",
    "postmarker": "email", "yagmail": "email", "fastapi_mail": "email", "aiosmtplib": "email",
    "mailjet_rest": "email",
    "boto3": "storage", "google.cloud.storage": "storage", "aioboto3": "storage",
    "aioredis": "cache", "pymemcache": "cache",
}

# Libraries whose objects open database (or cache) connections when constructed or called.
_CONNECTORS_JS: dict[str, tuple[str, str]] = {
    # name as called/constructed -> (what, library); checked together with the origin
    "Pool": ("pool", ""), "Client": ("client", ""), "PrismaClient": ("client", "prisma"),
    "MongoClient": ("client", "mongodb"), "Sequelize": ("pool", "sequelize"), "DataSource": ("pool", "typeorm"),
    "Database": ("connection", ""), "Redis": ("client", "ioredis"), "Knex": ("pool", "knex"),
    "createPool": ("pool", ""), "createConnection": ("connection", ""), "createClient": ("client", ""),
    "createPoolCluster": ("pool", ""),
}

# Methods that never do I/O (event wiring, configuration, helpers) and are ignored on any receiver.
_INERT_METHODS = {
    "on", "once", "off", "emit", "addListener", "removeListener", "removeAllListeners", "listen", "use",
    "setTypeParser", "escape", "escapeId", "format", "toString", "model", "Schema", "plugin", "pluralize",
    "Types", "isValidObjectId", "bind", "call", "apply", "then", "catch", "finally", "release", "end",
    "close", "cursor", "sign", "verify", "constructEvent", "webhooks", "raw", "identifier", "fn", "ref",
    "toJSON", "toObject", "lean", "populate", "sort", "limit", "skip", "select", "where", "orderBy", "exec",
    "getClient", "cursor", "generatePresignedUrl", "getSignedUrl", "generate_presigned_url", "debug",
    "existsSync", "constants", "watch", "isConnected", "disconnect", "$disconnect", "$on", "$use", "$extends",
    "defaults", "interceptors", "create_default_context",
}
_SYNC_FS = re.compile(r"Sync$")

# Database method vocabulary.
_MODEL_METHODS = {
    "find", "findOne", "findById", "findByIdAndUpdate", "findByIdAndDelete", "findByIdAndRemove",
    "findOneAndUpdate", "findOneAndDelete", "findOneAndRemove", "findOneAndReplace", "create", "insertMany",
    "updateOne", "updateMany", "deleteOne", "deleteMany", "replaceOne", "countDocuments",
    "estimatedDocumentCount", "aggregate", "exists", "distinct", "bulkWrite", "findAll", "findByPk",
    "findAndCountAll", "findOrCreate", "upsert", "count", "destroy", "update", "bulkCreate", "increment",
    "decrement", "findOneBy", "findBy", "findOneOrFail", "findAndCount", "insert", "remove", "save",
    "query", "createQueryBuilder", "getRepository",
}
_INSTANCE_WRITES = {"save", "remove", "deleteOne", "updateOne", "destroy", "update", "reload", "increment",
                    "decrement", "set"}
_WRITE_METHODS = re.compile(
    r"^(insert\w*|create\w*|update\w*|upsert\w*|save|delete\w*|destroy|remove\w*|findByIdAnd(Update|Delete|Remove)"
    r"|findOneAnd(Update|Delete|Remove|Replace)|bulkWrite|bulkCreate|replaceOne|increment|decrement|commit"
    r"|\$executeRaw\w*|\$transaction|add|add_all|merge|execute_update|put\w*)$")
_SQL_WRITE = re.compile(r"""^\s*[`'"(]*\s*(insert|update|delete|merge|upsert|replace|commit|create|drop|alter)\b""", re.I)
_DB_ROOTS_JS = {"prisma", "db", "database", "knex", "pool", "pg", "sql", "supabase", "sequelize", "dbpool",
                "pgpool", "drizzle", "kysely", "firestore", "mongo", "mongodb", "dbclient", "dbconn", "mysql",
                "trx", "tx", "conn", "connection"}
_DB_GENERIC_METHODS = {"query", "execute", "executeQuery", "one", "oneOrNone", "many", "manyOrNone", "any",
                       "none", "multi", "result", "$queryRaw", "$executeRaw", "$queryRawUnsafe",
                       "$executeRawUnsafe", "$transaction", "transaction", "prepare", "batch", "task", "tx"}
_DB_RECEIVERS_GENERIC = {"client", "pgclient", "dbclient", "connection", "conn", "con", "cnx", "pool"}
_REPO_NAME = re.compile(r"(repo|repository)$", re.I)

# Python vocabulary
_PY_CURSOR_NAMES = {"cur", "cursor", "c", "curs", "conn", "connection", "con", "cnx", "db", "dbconn",
                    "db_conn", "connection_pool", "c2", "conn2"}
_PY_CURSOR_METHODS = {"execute", "executemany", "fetchone", "fetchall", "fetchmany", "commit", "rollback",
                      "callproc", "copy_from", "copy_expert", "copy_to", "fetch", "fetchrow", "fetchval",
                      "executescript", "execute_values"}
_PY_SESSION_NAMES = {"session", "db", "db_session", "dbsession", "sess", "s", "async_session", "database"}
_PY_SESSION_METHODS = {"execute", "scalar", "scalars", "get", "add", "add_all", "commit", "flush", "delete",
                       "query", "merge", "refresh", "rollback", "exec", "bulk_save_objects", "get_one"}
_PY_MONGO_METHODS = {"find_one", "insert_one", "insert_many", "update_one", "update_many", "delete_one",
                     "delete_many", "replace_one", "count_documents", "find_one_and_update",
                     "find_one_and_delete", "find_one_and_replace", "aggregate", "bulk_write"}
_PY_HTTP_VERBS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream"}
_PY_CONNECT = {
    # dotted suffix -> (what, library)
    "psycopg2.connect": ("connection", "psycopg2"), "psycopg.connect": ("connection", "psycopg"),
    "psycopg.AsyncConnection.connect": ("connection", "psycopg"),
    "asyncpg.connect": ("connection", "asyncpg"), "asyncpg.create_pool": ("pool", "asyncpg"),
    "sqlite3.connect": ("connection", "sqlite3"), "pymysql.connect": ("connection", "pymysql"),
    "MySQLdb.connect": ("connection", "mysqlclient"), "mysql.connector.connect": ("connection", "mysql-connector"),
    "aiomysql.connect": ("connection", "aiomysql"), "aiomysql.create_pool": ("pool", "aiomysql"),
    "aiosqlite.connect": ("connection", "aiosqlite"), "pyodbc.connect": ("connection", "pyodbc"),
    "create_engine": ("engine", "sqlalchemy"), "create_async_engine": ("engine", "sqlalchemy"),
    "sqlalchemy.create_engine": ("engine", "sqlalchemy"),
    "MongoClient": ("client", "pymongo"), "pymongo.MongoClient": ("client", "pymongo"),
    "AsyncIOMotorClient": ("client", "motor"), "motor.motor_asyncio.AsyncIOMotorClient": ("client", "motor"),
    "redis.Redis": ("client", "redis"), "redis.StrictRedis": ("client", "redis"),
    "redis.from_url": ("client", "redis"), "Redis.from_url": ("client", "redis"), "Redis": ("client", "redis"),
    "StrictRedis": ("client", "redis"), "redis.asyncio.Redis": ("client", "redis"),
    "SimpleConnectionPool": ("pool", "psycopg2"), "ThreadedConnectionPool": ("pool", "psycopg2"),
    "psycopg2.pool.SimpleConnectionPool": ("pool", "psycopg2"),
    "psycopg2.pool.ThreadedConnectionPool": ("pool", "psycopg2"),
    "pool.SimpleConnectionPool": ("pool", "psycopg2"), "pool.ThreadedConnectionPool": ("pool", "psycopg2"),
    "ConnectionPool": ("pool", "psycopg_pool"), "AsyncConnectionPool": ("pool", "psycopg_pool"),
    "psycopg_pool.ConnectionPool": ("pool", "psycopg_pool"), "Database": ("pool", "databases"),
    "databases.Database": ("pool", "databases"), "connect": ("connection", ""),
}
_PY_DRIVERS = {"psycopg2", "psycopg", "sqlite3", "pymysql", "mysqldb", "mysql", "asyncpg", "aiomysql",
               "aiosqlite", "pyodbc", "cx_oracle", "oracledb", "pg8000", "pymssql"}
_PY_BOUND_KWARGS = {"pool_size", "max_overflow", "maxconn", "max_size", "maxsize", "maxPoolSize",
                    "max_connections", "poolclass", "maxpoolsize"}

# ---------------------------------------------------------------------------------- providers

_PROVIDER_HOSTS = (
    ("api.twilio.com", "twilio", "sms"), ("api.stripe.com", "stripe", "payment"),
    ("api.postmarkapp.com", "postmark", "email"), ("api.sendgrid.com", "sendgrid", "email"),
    ("api.resend.com", "resend", "email"), ("api.mailgun.net", "mailgun", "email"),
    ("api.brevo.com", "brevo", "email"), ("api.sendinblue.com", "sendinblue", "email"),
    ("api.mailjet.com", "mailjet", "email"), ("hooks.slack.com", "slack", "http"),
    ("api.openai.com", "openai", "http"), ("api.anthropic.com", "anthropic", "http"),
    ("api.convertkit.com", "convertkit", "http"), ("api.paypal.com", "paypal", "payment"),
    ("s3.amazonaws.com", "s3", "storage"), ("api.vonage.com", "vonage", "sms"),
)
_PROVIDER_NAMES = {
    "stripe": "Stripe", "twilio": "Twilio", "postmark": "Postmark", "sendgrid": "SendGrid", "resend": "Resend",
    "mailgun": "Mailgun", "slack": "Slack", "openai": "OpenAI", "anthropic": "Anthropic", "s3": "S3",
    "nodemailer": "SMTP", "smtplib": "SMTP", "convertkit": "ConvertKit", "brevo": "Brevo",
}


def provider_from_text(text: str) -> tuple[str, str] | None:
    low = text.lower()
    for host, provider, kind in _PROVIDER_HOSTS:
        if host in low:
            return provider, kind
    return None


# ---------------------------------------------------------------------------------- results


@dataclass(slots=True)
class Chain:
    """A callee: `root.m1.m2(...)`. `called` is the list of member names that are calls in the chain."""
    root: str                               # first identifier ("this"/"self" resolved to the next name)
    members: list[str] = field(default_factory=list)
    origin: str | None = None               # module the root comes from ("pg", "./db") or derived library
    root_called: bool = False               # `knex('users')`, `sql\`...\``, `fetch(...)`
    derived: str | None = None              # "db-result" / "model" for objects built from a DB call
    is_new: bool = False                    # `new X(...)`
    first_arg: str = ""                     # text of the first argument (for SQL / URLs / boto3 service)
    kwargs: frozenset[str] = frozenset()    # Python keyword argument names
    rest: list[str] = field(default_factory=list)   # members chained after the I/O call (.json(), .select())

    @property
    def text(self) -> str:
        return ".".join([self.root, *self.members])


@dataclass(slots=True)
class Classified:
    kind: str
    write: bool = False
    fetch_like: bool = False                # resolves on HTTP errors: the status must be checked
    needs_timeout: bool = False             # library has no default timeout (Python requests, urlopen)
    provider: str | None = None
    is_async: bool = True                   # JS: returns a promise


def module_root(module: str) -> str:
    """'node:fs/promises' -> 'fs/promises'; '@aws-sdk/client-s3/dist' -> '@aws-sdk/client-s3';
    'psycopg2.extras' -> 'psycopg2' for Python dotted names."""
    m = module.strip()
    if m.startswith("node:"):
        m = m[5:]
    return m


def lib_kind(module: str | None, python: bool = False) -> str | None:
    if not module:
        return None
    m = module_root(module)
    low = m.lower()
    if low in _LIB_KIND:
        return _LIB_KIND[low]
    if python:
        parts = low.split(".")
        for i in range(len(parts), 0, -1):
            k = _LIB_KIND.get(".".join(parts[:i]))
            if k:
                return k
        return None
    if low.startswith("@"):
        base = "/".join(low.split("/")[:2])
    else:
        base = low.split("/")[0]
    if base in _LIB_KIND:
        return _LIB_KIND[base]
    if base.startswith("drizzle-orm"):
        return "db"
    if low.startswith(("@aws-sdk/client-s3",)):
        return "storage"
    if low.startswith("@aws-sdk/client-ses"):
        return "email"
    if low.startswith("@aws-sdk/client-dynamodb") or low.startswith("@aws-sdk/lib-dynamodb"):
        return "db"
    return None


def is_local_module(module: str | None) -> bool:
    return bool(module) and (module.startswith((".", "@/", "~/", "#", "src/")) or module == "..")


def sql_is_write(text: str) -> bool:
    return bool(_SQL_WRITE.match(text or ""))


# ---------------------------------------------------------------------------------- JavaScript


def classify_js(ch: Chain) -> Classified | None:
    """Kind of a JS/TS call, or None when it is not an external call we know."""
    members = ch.members
    method = members[-1] if members else None
    if method in _INERT_METHODS:
        return None
    origin = ch.origin
    kind = None if is_local_module(origin) else lib_kind(origin)
    provider = None
    if ch.root in ("fetch",) and not members and origin is None:
        if "import.meta.url" in ch.first_arg:
            return None     # fetch(new URL("./fonts/Inter.ttf", import.meta.url)): a file bundled with the code
        return _http_provider(Classified("http", fetch_like=True), ch)
    if origin in ("node-fetch", "cross-fetch", "isomorphic-fetch", "undici") and ch.root_called:
        return _http_provider(Classified("http", fetch_like=(origin != "undici" or ch.root == "fetch")), ch)
    if ch.root in ("window", "globalThis", "self") and members[:1] == ["fetch"]:
        return _http_provider(Classified("http", fetch_like=True), ch)
    if kind is not None:
        if kind == "fs":
            if method and _SYNC_FS.search(method):
                return Classified("fs", is_async=False)
            return Classified("fs")
        if kind == "http" and origin in ("http", "https"):
            if method not in ("request", "get"):
                return None
            return _http_provider(Classified("http", is_async=False), ch)
        if kind == "db" and origin == "better-sqlite3":
            return Classified("db", write=_js_write(ch), is_async=False)
        if kind == "db" and origin == "mongoose" and ch.root == "mongoose":
            if method in ("connect", "createConnection", "startSession"):
                return Classified("db")
            return None
        if kind == "db" and not members and not ch.root_called:
            return None
        if ch.is_new:
            return None   # constructing a client is not a call (connections are DbClient facts)
        if kind == "http":
            c = Classified("http", provider=origin if origin in ("openai", "@anthropic-ai/sdk") else None)
            return _http_provider(c, ch)
        if kind in ("payment", "sms", "email", "storage"):
            provider = _provider_for_origin(origin)
        return Classified(kind, write=kind == "db" and _js_write(ch), provider=provider)
    # -- origin unknown or a local module: names that are hard to mistake
    if ch.is_new:
        return None
    root = ch.root
    low = root.lower()
    if ch.derived == "model" or ch.derived == "db-result":
        if method in _INSTANCE_WRITES and len(members) == 1:
            return Classified("db", write=True)
        return None
    if ch.derived == "db-client" and method and (method in _DB_GENERIC_METHODS or method in _MODEL_METHODS):
        return Classified("db", write=_js_write(ch))
    if "prisma" in low:
        if method and (len(members) >= 2 or method.startswith("$")):
            return Classified("db", write=_js_write(ch))
        return None
    if low in ("axios", "got", "ky", "superagent", "ofetch", "$fetch", "needle"):
        return _http_provider(Classified("http"), ch)
    if "stripe" in low:
        return Classified("payment", provider="stripe") if members else None
    if "twilio" in low:
        return Classified("sms", provider="twilio") if members else None
    if method == "sendMail" or low in ("transporter", "sgmail", "resend", "postmark", "mailgun", "mg",
                                       "sendgrid", "mailer", "mailtransport") and members and method in (
            "sendMail", "send", "sendEmail", "sendEmailWithTemplate", "create", "sendMultiple"):
        return Classified("email", provider=low if low in _PROVIDER_NAMES else None)
    if low in ("s3", "s3client", "r2", "r2client") and method in (
            "send", "putObject", "getObject", "upload", "deleteObject", "headObject", "copyObject"):
        return Classified("storage", provider="s3")
    if "redis" in low and method and len(members) == 1:
        return Classified("cache")
    # Models imported from a local module (or defined in this file): Note.findById(), User.create()
    if root[:1].isupper() and root not in _JS_GLOBALS and members and members[0] in _MODEL_METHODS and (
            is_local_module(origin) or ch.derived == "model-class"):
        return Classified("db", write=_js_write(ch, members[0]))
    if _REPO_NAME.search(root) and members and members[0] in _MODEL_METHODS:
        return Classified("db", write=_js_write(ch, members[0]))
    if low in _DB_ROOTS_JS:
        if ch.root_called or (members and (members[0] in _DB_GENERIC_METHODS or members[0] in _MODEL_METHODS
                                           or members[0] in ("select", "insert", "update", "delete", "from",
                                                             "collection", "selectFrom", "insertInto",
                                                             "updateTable", "deleteFrom", "query"))):
            if low in ("conn", "connection", "tx", "trx") and members and members[0] not in _DB_GENERIC_METHODS:
                return None
            return Classified("db", write=_js_write(ch))
        return None
    if low in _DB_RECEIVERS_GENERIC and members and members[0] in ("query", "execute"):
        return Classified("db", write=_js_write(ch))
    return None


_JS_GLOBALS = {"Object", "Array", "Promise", "Math", "JSON", "Date", "Number", "String", "Boolean", "Reflect",
               "Buffer", "URL", "URLSearchParams", "Symbol", "Map", "Set", "WeakMap", "Intl", "Error", "RegExp",
               "React", "Sentry", "Joi", "Yup", "Response", "Request", "Headers", "NextResponse", "Router",
               "Atomics", "BigInt", "Proxy", "Crypto", "FormData", "Blob", "File", "Event", "Schema"}


def _js_write(ch: Chain, method: str | None = None) -> bool:
    for m in ([method] if method else []) + list(ch.members) + list(ch.rest):
        if m and _WRITE_METHODS.match(m):
            return True
        if m in ("query", "execute", "run", "exec", "prepare", "none", "result", "one") and sql_is_write(ch.first_arg):
            return True
    if ch.root_called and ch.root.lower() in ("sql", "db") and sql_is_write(ch.first_arg):
        return True
    return False


def _http_provider(c: Classified, ch: Chain) -> Classified:
    found = provider_from_text(ch.first_arg)
    if found:
        c.provider, kind = found
        if kind != "http":
            c.kind = kind
    return c


def _provider_for_origin(origin: str | None) -> str | None:
    if not origin:
        return None
    low = origin.lower()
    for key in ("stripe", "twilio", "postmark", "sendgrid", "resend", "mailgun", "nodemailer", "brevo"):
        if key in low:
            return key
    if "client-s3" in low:
        return "s3"
    return None


def js_connector(name: str, origin: str | None, is_new: bool, members: list[str],
                 root: str | None = None) -> tuple[str, str] | None:
    """(what, library) when `new X(...)` / `x.createPool(...)` / `mongoose.connect()` opens a DB/cache client.
    `root` is the receiver the chain starts from (`mongoose`, `MongoClient`, `client`)."""
    lib = module_root(origin or "")
    kind = lib_kind(lib)
    last = members[-1] if members else name
    if lib == "mongoose":
        if root not in (None, "mongoose", "Mongoose") and not is_new:
            return None
        if last in ("connect",):
            return ("connect", "mongoose")
        if last == "createConnection":
            return ("connection", "mongoose")
        return None
    if lib == "mongodb":
        # new MongoClient(uri) / MongoClient.connect(uri); client.connect() on an existing client is not new
        if (is_new and last == "MongoClient") or (last == "connect" and root == "MongoClient"):
            return ("client", "mongodb")
        return None
    if kind not in ("db", "cache"):
        return None
    if lib in ("postgres", "@neondatabase/serverless") and not members and not is_new and name not in ("Pool", "Client"):
        return ("pool", lib) if lib == "postgres" else None
    if lib == "knex" and not members and not is_new:
        return ("pool", "knex")
    if lib in ("pg-promise",):
        return None
    if last in _CONNECTORS_JS:
        what, fixed = _CONNECTORS_JS[last]
        if last in ("Pool", "Client", "Database", "Redis", "PrismaClient", "MongoClient", "Sequelize",
                    "DataSource", "Knex") and not is_new and lib not in ("knex",):
            return None
        if last == "createClient" and lib not in ("redis", "@libsql/client"):
            return None
        if last == "Client" and lib in ("@neondatabase/serverless", "pg", "pg-pool"):
            return ("client", lib)
        return (what, fixed or lib)
    return None


# ---------------------------------------------------------------------------------- Python


def classify_py(ch: Chain) -> Classified | None:
    members = ch.members
    method = members[-1] if members else None
    if method in _INERT_METHODS:
        return None
    origin = ch.origin
    kind = lib_kind(origin, python=True) if origin and not origin.startswith(".") else None
    root = ch.root
    low = root.lower()
    if origin == "flask" or (origin or "").startswith(("flask.", "werkzeug", "starlette", "fastapi", "django.http",
                                                      "json", "os", "logging", "jwt", "pydantic")):
        return None
    if kind == "http":
        if origin in ("requests",) or (origin or "").startswith("requests."):
            if members and members[-1] in ("Session", "exceptions", "adapters", "codes", "auth"):
                return None
            verb = members[-1] if members else root
            if verb in _PY_HTTP_VERBS or ch.derived == "http-client":
                return _http_provider(Classified("http", fetch_like=True, needs_timeout="timeout" not in ch.kwargs), ch)
            return None
        if origin == "httpx" or (origin or "").startswith("httpx"):
            verb = members[-1] if members else root
            if verb in _PY_HTTP_VERBS:
                return _http_provider(Classified("http", fetch_like=True), ch)
            return None
        if origin == "aiohttp" or (origin or "").startswith("aiohttp"):
            verb = members[-1] if members else root
            if verb in _PY_HTTP_VERBS and ch.derived == "http-client":
                return _http_provider(Classified("http", fetch_like=True), ch)
            return None
        if (origin or "").startswith("urllib.request") or origin == "urllib":
            verb = members[-1] if members else root
            if verb == "urlopen":
                has_timeout = "timeout" in ch.kwargs or ch.first_arg.count(",") >= 2
                return _http_provider(Classified("http", needs_timeout=not has_timeout), ch)
            return None
        if origin in ("urllib3", "http.client"):
            return None
        return _http_provider(Classified("http", provider=origin), ch)
    if kind == "email":
        if origin == "smtplib":
            if method in ("send_message", "sendmail", "login", "starttls") or (not members and root in ("SMTP", "SMTP_SSL")):
                return Classified("email", provider="smtplib")
            if members[:1] and members[0] in ("SMTP", "SMTP_SSL") and len(members) == 1:
                return Classified("email", provider="smtplib")
            return None
        if method in ("send", "send_message", "send_mail", "send_mass_mail", "sendmail", "send_email") or (
                not members and root in ("send_mail", "send_mass_mail", "mail_admins", "mail_managers")):
            return Classified("email", provider=_provider_for_origin(origin))
        return None
    if kind == "storage":
        if origin in ("boto3", "aioboto3"):
            if method in ("client", "resource", "Session"):
                return None
            if method and (method.startswith(("put_", "get_object", "upload", "download", "delete_", "copy", "head_",
                                               "list_objects"))):
                return Classified("storage", provider="s3")
            if method and method.startswith("send_"):
                return Classified("email" if "email" in method else "http")
            return None
        if method and method.startswith(("upload", "download", "delete", "exists", "reload")):
            return Classified("storage")
        return None
    if kind == "db":
        # Module-level functions of database libraries build queries and types (sa.String, select(),
        # psycopg2.extras.Json); the I/O happens on connections, cursors and sessions derived from them.
        if ch.derived in ("db-client", "db-engine") and members and method not in ("cursor", "close"):
            return Classified("db", write=_py_write(ch))
        if not (ch.derived or "").startswith("db") and members and members[0] == "session" and method in _PY_SESSION_METHODS:
            return Classified("db", write=_py_write(ch))   # flask_sqlalchemy: db.session.commit()
        return None
    if kind in ("payment", "sms", "cache"):
        if ch.is_new or not members:
            return None
        if kind == "sms" and ch.derived != "sms-client" and "messages" not in members and "calls" not in members:
            return None
        return Classified(kind, provider=_provider_for_origin(origin) or (origin if kind != "cache" else None))
    # -- derived objects and names
    if ch.derived == "db-client":
        if method in _PY_CURSOR_METHODS or method in _PY_SESSION_METHODS or method in _PY_MONGO_METHODS:
            return Classified("db", write=_py_write(ch))
        return None
    if ch.derived == "http-client":
        if method in _PY_HTTP_VERBS:
            return _http_provider(Classified("http", fetch_like=True, needs_timeout=(
                ch.origin == "requests" and "timeout" not in ch.kwargs)), ch)
        return None
    if ch.derived == "email-client":
        if method in ("send", "send_message", "sendmail", "send_email"):
            return Classified("email")
        return None
    if ch.derived in ("cache-client",) and members:
        return Classified("cache")
    if ch.derived == "storage-client" and method and method.startswith((
            "put_", "get_object", "upload", "download", "delete_", "copy", "head_", "list_objects")):
        return Classified("storage", provider="s3")
    if ch.derived == "sms-client" and "messages" in members:
        return Classified("sms", provider="twilio")
    if ch.derived == "payment":
        return Classified("payment", provider="stripe")
    if "objects" in members[:-1] and root[:1].isupper():
        return Classified("db", write=_py_write(ch))
    if len(members) >= 2 and members[0] == "query" and root[:1].isupper():
        return Classified("db", write=False)
    if members and members[0] == "session" and low == "db" and len(members) == 2:
        return Classified("db", write=_py_write(ch))
    if method in _PY_MONGO_METHODS and members:
        return Classified("db", write=_py_write(ch))
    if origin is None or origin.startswith("."):
        receiver = (members[-2] if len(members) >= 2 else root).lower()
        if method in _PY_CURSOR_METHODS and (receiver in _PY_CURSOR_NAMES or "cursor" in members[:-1]
                                              or receiver.endswith(("cur", "cursor", "conn"))):
            return Classified("db", write=_py_write(ch))
        if method in _PY_SESSION_METHODS and receiver in _PY_SESSION_NAMES and len(members) <= 2 and origin is None \
                and method not in ("get",):
            return Classified("db", write=_py_write(ch))
        if method == "get" and receiver in ("db", "db_session", "dbsession") and ch.first_arg[:1].isupper():
            return Classified("db")
    if low == "stripe" and members:
        return Classified("payment", provider="stripe")
    if root == "open" and not members:
        return Classified("fs", is_async=False)
    return None


def _py_write(ch: Chain) -> bool:
    m = ch.members[-1] if ch.members else ch.root
    if m in ("commit", "add", "add_all", "delete", "merge", "insert_one", "insert_many", "update_one", "update_many",
             "delete_one", "delete_many", "replace_one", "bulk_write", "save", "create", "update", "bulk_create",
             "bulk_update", "get_or_create", "update_or_create", "find_one_and_update", "find_one_and_delete"):
        return True
    if m in ("execute", "executemany", "exec", "fetch", "fetchrow", "fetchval") and sql_is_write(ch.first_arg):
        return True
    return False


def py_connector(ch: Chain) -> tuple[str, str] | None:
    """(what, library) for a Python call that opens a DB/cache connection, pool or engine."""
    if ch.derived:
        return None   # engine.connect(), client.db(): methods of something already opened
    full = ch.text
    origin = (ch.origin or "")
    cand = [full]
    if origin and not origin.startswith("."):
        cand.append(origin + "." + ".".join(ch.members) if ch.members else origin + "." + ch.root)
        cand.append(ch.root if not ch.members else ch.members[-1])
    for c in cand:
        for suffix, (what, lib) in _PY_CONNECT_BY_LAST.get(c.rsplit(".", 1)[-1], ()):
            if c == suffix or c.endswith("." + suffix):
                if suffix == "connect" and origin.split(".")[0].lower() not in _PY_DRIVERS:
                    continue   # `from psycopg2 import connect`, never Django's signal.connect()
                if suffix in ("Redis", "Database", "ConnectionPool") and lib_kind(origin, python=True) not in ("db", "cache"):
                    continue
                return what, lib or origin.split(".")[0]
    return None


_PY_CONNECT_BY_LAST: dict[str, list[tuple[str, tuple[str, str]]]] = {}
for _k, _v in _PY_CONNECT.items():
    _PY_CONNECT_BY_LAST.setdefault(_k.rsplit(".", 1)[-1], []).append((_k, _v))


def py_bounded(kwargs: frozenset[str], what: str, library: str, positional: int) -> bool | None:
    if what == "engine":
        return True           # SQLAlchemy QueuePool: 5 + 10 overflow by default
    if library == "psycopg2" and what == "pool":
        return True           # minconn, maxconn are required
    if what == "pool":
        return bool(kwargs & _PY_BOUND_KWARGS) or None
    if library in ("pymongo", "motor"):
        return bool(kwargs & _PY_BOUND_KWARGS)
    return None
