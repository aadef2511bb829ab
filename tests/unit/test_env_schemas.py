"""Variables declared by an environment schema (zod, valibot, envalid, Joi/yup, t3-env, @fastify/env)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def schema_reads(path: str, text: str) -> dict[str, tuple[bool, str | None, str]]:
    """name -> (has_default, default, how) of the file's env reads."""
    facts = extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))
    assert facts.error is None, facts.error
    return {r.name: (r.has_default, r.default, r.how) for r in facts.env_reads}


def test_zod_inline_schema_chain_with_extend_and_defaults():
    got = schema_reads("src/env.ts", """
import { z } from "zod";
export const env = z.object({ DATABASE_URL: z.string(), PORT: z.coerce.number().default(8080) })
  .extend({ REDIS_URL: z.string().nullish(), JWT_SECRET: z.string().min(32) })
  .parse(process.env);
""")
    assert got == {"DATABASE_URL": (False, None, "schema:zod"), "PORT": (True, "8080", "schema:zod"),
                   "REDIS_URL": (True, None, "schema:zod"), "JWT_SECRET": (False, None, "schema:zod")}


def test_schema_bound_to_a_name_safe_parse_and_partial():
    got = schema_reads("src/config.ts", """
const base = z.object({ API_URL: z.string().url() });
const Env = base.merge(z.object({ S3_BUCKET: z.string() }));
const parsed = Env.safeParse(process.env);
const Loose = z.object({ LOG_LEVEL: z.string() }).partial();
Loose.parse(process.env);
""")
    assert got["API_URL"][0] is False and got["S3_BUCKET"][0] is False
    assert got["LOG_LEVEL"][0] is True            # .partial(): every key optional


def test_valibot_parse_takes_the_schema_first():
    got = schema_reads("src/env.ts", """
import * as v from "valibot";
const EnvSchema = v.object({ OPENAI_API_KEY: v.string(), MODEL: v.optional(v.string(), "gpt-4o") });
export const env = v.parse(EnvSchema, process.env);
""")
    assert got == {"OPENAI_API_KEY": (False, None, "schema:zod"), "MODEL": (True, None, "schema:zod")}


def test_envalid_default_counts_dev_default_does_not():
    got = schema_reads("src/env.js", """
const { cleanEnv, str, port } = require('envalid');
module.exports = cleanEnv(process.env, {
  SESSION_SECRET: str({ devDefault: 'dev-secret' }),
  PORT: port({ default: 3000 }),
  REGION: str({ choices: ['eu', 'us'], default: 'eu' }),
});
""")
    assert got == {"SESSION_SECRET": (False, None, "schema:envalid"), "PORT": (True, "3000", "schema:envalid"),
                   "REGION": (True, "eu", "schema:envalid")}


def test_joi_and_yup_keys_are_optional_unless_required():
    got = schema_reads("config/config.js", """
const schema = Joi.object({ MONGO_URL: Joi.string().required(), SMTP_PORT: Joi.number(),
                            JWT_EXPIRES: Joi.number().required().default(30) }).unknown();
const { value } = schema.validate(process.env);
const ySchema = yup.object().shape({ SENDGRID_KEY: yup.string().required() });
ySchema.validateSync(process.env);
""")
    assert got["MONGO_URL"][0] is False and got["SENDGRID_KEY"][0] is False
    assert got["SMTP_PORT"][0] is True and got["JWT_EXPIRES"] == (True, "30", "schema:joi")


def test_t3_env_schema_decides_whether_runtime_reads_are_needed():
    facts = extract_source("src/env.mjs", Source(*(lambda t: (t, t.encode(), t.count("\n") + 1, None))("""
export const env = createEnv({
  server: { AUTH_SECRET: z.string(), GITHUB_ID: z.string().optional(), UNMAPPED: z.string() },
  client: { NEXT_PUBLIC_POSTHOG_KEY: z.string().optional() },
  runtimeEnv: {
    AUTH_SECRET: process.env.AUTH_SECRET,
    GITHUB_ID: process.env.GITHUB_ID,
    NEXT_PUBLIC_POSTHOG_KEY: process.env.NEXT_PUBLIC_POSTHOG_KEY,
  },
});
""")))
    by = {}
    for r in facts.env_reads:
        by.setdefault(r.name, []).append((r.how, r.has_default))
    assert by["AUTH_SECRET"] == [("process.env", False)]           # the read stays, required
    assert by["GITHUB_ID"] == [("process.env", True)]              # optional by the schema
    assert by["NEXT_PUBLIC_POSTHOG_KEY"] == [("process.env", True)]
    assert by["UNMAPPED"] == [("schema:t3-env", False)]            # declared only in the schema


def test_fastify_env_json_schema_required_and_default():
    got = schema_reads("src/app.js", """
import fastifyEnv from '@fastify/env'
const schema = { type: 'object', required: ['PORT', 'DB_URL'],
  properties: { PORT: { type: 'number', default: 3000 }, DB_URL: { type: 'string' }, LOG_LEVEL: { type: 'string' } } }
const body = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }
export default async function (app) { await app.register(fastifyEnv, { schema }) }
""")
    assert got == {"PORT": (True, "3000", "schema:json-schema"), "DB_URL": (False, None, "schema:json-schema"),
                   "LOG_LEVEL": (True, None, "schema:json-schema")}


def test_schemas_of_other_things_declare_nothing():
    assert schema_reads("src/routes.ts", """
const Body = z.object({ email: z.string(), NAME: z.string() });
app.post('/x', (req, res) => { const b = Body.parse(req.body); res.json(b) });
const schema = { type: 'object', properties: { TITLE: { type: 'string' } } };   // no @fastify/env here
""") == {}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r"[A-Z][A-Z0-9_]{0,12}", fullmatch=True),
                          st.sampled_from(["z.string()", "z.string().optional()", "z.coerce.number().default(1)",
                                           "z.string().url()", "z.enum(['a', 'b']).default('a')"])),
                min_size=1, max_size=8, unique_by=lambda t: t[0]))
def test_every_zod_key_is_one_read_required_exactly_when_not_optional(keys):
    body = ",\n  ".join(f"{k}: {v}" for k, v in keys)
    got = schema_reads("src/env.ts", f"const Env = z.object({{\n  {body}\n}});\nexport const env = Env.parse(process.env);\n")
    assert set(got) == {k for k, _ in keys}
    for k, v in keys:
        assert got[k][0] == (".optional()" in v or ".default(" in v)


def test_zod4_prefault_is_a_default():
    got = schema_reads("src/env.ts", """
export const env = z.object({ SITE_URL: z.string().prefault("https://example.com"), API_KEY: z.string() })
  .parse(process.env);
""")
    assert got == {"SITE_URL": (True, "https://example.com", "schema:zod"), "API_KEY": (False, None, "schema:zod")}
