"""SecretCandidate facts from the secrets extractor: kinds, names, locations, masks, snippets, the
env-read fallbacks, and the check's role policy (`checks.secrets.classify`)."""
from __future__ import annotations

import hashlib

import pytest

from deploycheck.checks.secrets import (COMMITTED_ENV_FILE, GENERIC_HIGH_ENTROPY, HARDCODED_FALLBACK,
                                        HARDCODED_SECRET, HARDCODED_SIGNING_SECRET, PASSWORD_IN_URL,
                                        PRIVATE_KEY, PROVIDER_KEY, PROVIDER_TEST_KEY, PUBLIC_ENV_SECRET,
                                        classify)
from deploycheck.core import Location
from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source
from deploycheck.project.extract.secrets import extract_secrets
from deploycheck.project.model import EnvRead, FileFacts, Language, Role, SecretCandidate, SourceFile
from deploycheck.project.parse import FileContext

KEY = "S2A36wdjiPDmuqiVMUfwxRwW8uQPAbvv"
HEX = "845cee4a49e06183a85430c7d512496e0e94c1fa6e22596c"


def facts_of(path: str, text: str) -> FileFacts:
    facts = extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))
    assert facts.error is None, facts.error
    return facts


def found(path: str, text: str) -> list[tuple[int, str, str | None]]:
    return sorted((c.location.line, c.kind, c.name) for c in facts_of(path, text).secrets if not c.placeholder)


# ------------------------------------------------------------------------------------ shape of a fact


def test_candidate_holds_mask_digest_location_and_masked_snippet_only():
    text = f"const a = 1;\nconst client = new Api({{ apiKey: '{KEY}' }});\n"
    (c,) = facts_of("src/api.js", text).secrets
    assert (c.location.line, c.location.column) == (2, text.splitlines()[1].index(KEY) + 1)
    assert c.kind == "generic" and c.name == "apiKey" and c.provider == "generic"
    assert c.masked == "S2A3****** (32 chars)"
    assert c.digest == hashlib.sha256(KEY.encode()).hexdigest()
    assert c.snippet == "const client = new Api({ apiKey: 'S2A3****** (32 chars)' });"
    assert all(KEY not in str(v) for v in (c.masked, c.snippet, c.name, c.digest))


def test_lockfiles_and_public_keys_are_not_read():
    lock = '{"packages": {"node_modules/x": {"integrity": "sha512-' + "A1b2" * 20 + '", "token": "' + KEY + '"}}}'
    assert facts_of("package-lock.json", lock).secrets == []
    assert facts_of("yarn.lock", f'token "{KEY}"\n').secrets == []
    assert facts_of("deploy/deploy_key.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFBp deploy\n").secrets == []


# ------------------------------------------------------------------------------------ file types


def test_dotenv_values_quotes_exports_and_comments():
    text = (f"export SECRET_KEY={HEX}\n"
            "SMTP_PASSWORD=\"Gm8kP2qLz7Rw\"  # the relay password\n"
            "ADMIN_EMAIL=ops@example.org\n"
            "JWT_SECRET=\n"
            "SESSION_SECRET=${SESSION_SECRET}\n"
            "TOKEN_TTL=3600\n"
            "# API_KEY=" + KEY + "\n")
    assert found(".env", text) == [(1, "generic", "SECRET_KEY"), (2, "config-value", "SMTP_PASSWORD")]


def test_yaml_name_value_pairs_take_the_name_from_the_line_above():
    render = ("services:\n  - type: web\n    envVars:\n      - key: SECRET_KEY\n        value: Zq8mP2vL5xK9nR3t\n"
              "      - key: JWT_SECRET\n        generateValue: true\n      - key: LOG_LEVEL\n        value: debug\n")
    assert found("render.yaml", render) == [(5, "generic", "SECRET_KEY")]
    k8s = ("env:\n  - name: DB_PASSWORD\n    value: \"Tr0ub4dor&3xQ\"\n  - name: API_KEY\n    valueFrom:\n"
           "      secretKeyRef: {name: api, key: api-key}\n")
    assert found("k8s/api.yaml", k8s) == [(3, "config-value", "DB_PASSWORD")]


def test_json_object_value_pairs():
    text = '{\n  "env": {\n    "ADMIN_PASSWORD": {\n      "value": "Tr0ub4dor&3xQ"\n    },\n' \
           '    "SECRET_KEY": {"generator": "secret"}\n  }\n}\n'
    assert found("app.json", text) == [(4, "config-value", "ADMIN_PASSWORD")]


def test_dockerfile_env_forms():
    text = f"FROM node:20\nENV API_SECRET={KEY}\nENV JWT_SECRET dev\nENV OTHER_TOKEN {KEY}\nARG NPM_TOKEN\n"
    assert found("Dockerfile", text) == [(2, "generic", "API_SECRET"), (4, "generic", "OTHER_TOKEN")]


def test_private_keys_pem_json_and_placeholders():
    body = "\n".join(["MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7Qk",
                      "rmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL"] * 4)
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n"
    (c,) = facts_of("certs/server.key", pem).secrets
    assert (c.kind, c.provider, c.location.line) == ("private-key", "rsa", 1)
    assert "MIIE" not in (c.snippet or "")[10:] and body.splitlines()[0] not in c.snippet
    one_line = '{\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n' + body.replace("\n", "\\n") + '\\n-----END PRIVATE KEY-----\\n"\n}\n'
    assert found("sa.json", one_line) == [(2, "private-key", "private_key")]
    docs = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n"
    assert found("docs/setup.md", docs) == []
    public = "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n"
    assert found("src/jwt.ts", public) == []


def test_connection_urls():
    text = ('PROD = "postgres://app:R6L99gTpZV9xjIxY1P@prod-db.abc.us-east-1.rds.amazonaws.com:5432/app"\n'
            'INTERNAL = "redis://:Kd82mXq0Lp3zQ@cache:6379/0"\n'
            'LOCAL = "postgresql://mailer:Kd82mXq0Lp3zQ@localhost:5432/mailer"\n'
            'SAME = "postgres://app:app@db.example.org/app"\n'
            'TEMPLATE = "mysql://user:password@host/db"\n'
            'BUILT = f"postgres://{user}:{pw}@{host}/db"\n'
            'DOCS = "https://user:pass@example.org/"\n'
            'GIT = "https://x-access-token:' + KEY + '@github.com/acme/app.git"\n')
    assert found("config.py", text) == [(1, "db-url-password-cloud", "PROD"), (2, "db-url-password", "INTERNAL"),
                                        (8, "db-url-password", "GIT")]


# ------------------------------------------------------------------------------------ code forms


def test_assignment_forms_in_code():
    text = (f"const apiKey: string = '{KEY}';\n"
            f"config.api_key = \"{KEY}\"\n"
            f"os.environ['API_TOKEN'] = '{KEY}'\n"
            f"headers = {{'X-Api-Key': '{KEY}'}}\n"
            f"client = Client(secret_key=r'{KEY}')\n"
            f"if (apiKey === '{KEY}') {{}}\n"
            f"const label = `${{apiKey}}`;\n")
    assert [(line, name) for line, _, name in found("src/x.ts", text)] == [
        (1, "apiKey"), (2, "api_key"), (3, "API_TOKEN"), (4, "X-Api-Key"), (5, "secret_key")]


def test_fallbacks_of_env_reads():
    text = ("const a = process.env.SESSION_SECRET || 'keyboard cat';\n"
            "const b = process.env['JWT_SECRET'] ?? \"dev\";\n"
            "const { COOKIE_SECRET = 'x-cookie', PORT = '3000' } = process.env;\n"
            "const c = import.meta.env.VITE_API_TOKEN || 'tok';\n"
            "const d = process.env.API_URL || 'http://localhost:3000';\n"
            "const e = process.env.SESSION_SECRET || '';\n")
    got = [(c.location.line, c.fallback_for, c.masked) for c in facts_of("src/a.js", text).secrets]
    assert got == [(1, "SESSION_SECRET", "keyb****** (12 chars)"), (2, "JWT_SECRET", "*** (3 chars)"),
                   (3, "COOKIE_SECRET", "******** (8 chars)"), (4, "VITE_API_TOKEN", "*** (3 chars)")]
    py = ('import os\nimport environ\nfrom decouple import config\n'
          'env = environ.Env()\n'
          'app.secret_key = os.environ.get("SECRET_KEY", "dev")\n'
          'KEY = os.getenv("STRIPE_SECRET", default="sk_test_x")\n'
          'SECRET = env("DJANGO_SECRET_KEY", default="insecure")\n'
          'PW = config("DB_PASSWORD", default="postgres")\n'
          'DEBUG = os.getenv("DEBUG", "0")\n'
          'TOKEN = os.environ.get("API_TOKEN") or "or-default"\n'
          'class Settings(BaseSettings):\n    jwt_secret: str = "change-me"\n    database_url: str\n')
    got = [(c.location.line, c.fallback_for) for c in facts_of("app/config.py", py).secrets if c.kind == "fallback"]
    assert got == [(5, "SECRET_KEY"), (6, "STRIPE_SECRET"), (7, "DJANGO_SECRET_KEY"), (8, "DB_PASSWORD"),
                   (10, "API_TOKEN"), (12, "JWT_SECRET")]


def test_fallbacks_from_env_read_facts():
    """When the env-read extractor provides EnvRead.default, reads our own patterns miss are used too."""
    text = "const s = readEnv('SESSION_SECRET', 'sekrit-fallback');\n"
    ctx = FileContext("src/a.js", Language.JAVASCRIPT, Role.APP, text, text.encode())
    facts = FileFacts(file=SourceFile("src/a.js", Language.JAVASCRIPT, Role.APP, len(text), 1, ""))
    facts.env_reads.append(EnvRead("SESSION_SECRET", Location("src/a.js", 1, 11), "wrapper:readEnv",
                                   has_default=True, default="sekrit-fallback"))
    facts.env_reads.append(EnvRead("API_URL", Location("src/a.js", 1, 11), "wrapper:readEnv",
                                   has_default=True, default="http://x"))
    extract_secrets(ctx, facts)
    assert [(c.kind, c.fallback_for, c.location.line, c.masked) for c in facts.secrets] == [
        ("fallback", "SESSION_SECRET", 1, "sekr****** (15 chars)")]


def test_signing_secrets():
    text = ("const t = jwt.sign({ sub: user.id, roles: [a, b] }, 'my-hardcoded-jwt-key-2024', { expiresIn: '1h' });\n"
            "jwt.verify(token, process.env.JWT_SECRET);\n"
            "jwt.sign(payload, `k-${suffix}`);\n"
            "app.use(cookieParser('Hq72LmX9pK3vT8wZ1nB6'));\n"
            "app.use(session({ secret: 'keyboard cat', resave: false }));\n")
    assert found("src/auth.js", text) == [(1, "signing-secret", "jwt.sign"), (4, "signing-secret", "cookieParser"),
                                          (5, "signing-secret", "secret")]
    py = ('SECRET_KEY = "django-insecure-7x$k2!p9qv#m3@l8z^w1r&t6y"\n'
          'token = jwt.encode(claims, "Hq72LmX9pK3vT8wZ1nB6", algorithm="HS256")\n')
    assert found("app/settings.py", py) == [(1, "signing-secret", "SECRET_KEY"), (2, "signing-secret", "jwt.encode")]
    dev = [c.placeholder for c in facts_of("app/settings/dev.py", py).secrets]
    assert dev == [True, True]


def test_public_env_names_once_per_file_and_not_in_comments():
    text = ("// NEXT_PUBLIC_STRIPE_SECRET_KEY must never be used\n"
            "const a = process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY;\n"
            "const b = process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY;\n"
            "const c = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY;\n"
            "const d = import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY;\n")
    got = [(c.location.line, c.name, c.masked) for c in facts_of("lib/x.ts", text).secrets]
    assert got == [(2, "NEXT_PUBLIC_STRIPE_SECRET_KEY", ""), (5, "VITE_SUPABASE_SERVICE_ROLE_KEY", "")]


def test_provider_key_in_a_public_variable():
    text = "NEXT_PUBLIC_OPENAI_KEY=sk-proj-mtWogoiSbs6KBlwFYKXNYtuHsQhOoz3YNfSenKuavPmDDMV2\n"
    assert found(".env.production", text) == [(1, "openai-api-key", "NEXT_PUBLIC_OPENAI_KEY"),
                                              (1, "public-env-secret", "NEXT_PUBLIC_OPENAI_KEY")]


def test_supabase_keys_by_role_claim():
    anon = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.Zx9LmQ2pR8sT4vW6yZ1aB3cD"
    service = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.Zx9LmQ2pR8sT4vW6yZ1aB3cD"
    text = f"SUPABASE_KEY={anon}\nSUPABASE_SERVICE_KEY={service}\n"
    assert found(".env", text) == [(2, "supabase-service-role-key", "SUPABASE_SERVICE_KEY")]


def test_comments_are_marked():
    text = "// const stripe = Stripe('sk_live_afQsS7zg1ZaJyAWQZZxemTJp7lNt7PJ2');\n"
    (c,) = facts_of("src/a.js", text).secrets
    assert c.in_comment and c.kind == "stripe-secret-key"


# ------------------------------------------------------------------------------------ the role policy


def cand(kind: str, **kw) -> SecretCandidate:
    return SecretCandidate(Location("x", 1), kind, kw.pop("provider", "generic"), "abcd****** (20 chars)", "d" * 64, **kw)


@pytest.mark.parametrize("kind,role,expected", [
    ("stripe-secret-key", Role.APP, PROVIDER_KEY), ("stripe-secret-key", Role.TEST, PROVIDER_KEY),
    ("stripe-secret-key", Role.DOCS, PROVIDER_KEY), ("stripe-secret-key", Role.ENV_FILE, COMMITTED_ENV_FILE),
    ("stripe-test-key", Role.APP, PROVIDER_TEST_KEY), ("stripe-test-key", Role.TEST, None),
    ("stripe-test-key", Role.ENV_EXAMPLE, None), ("stripe-test-key", Role.ENV_FILE, PROVIDER_TEST_KEY),
    ("private-key", Role.OTHER, PRIVATE_KEY), ("private-key", Role.TEST, None), ("private-key", Role.ENV_FILE, COMMITTED_ENV_FILE),
    ("db-url-password", Role.APP, PASSWORD_IN_URL), ("db-url-password", Role.CI, PASSWORD_IN_URL),
    ("db-url-password", Role.TEST, None), ("db-url-password", Role.DEV_CONFIG, None),
    ("db-url-password-cloud", Role.TEST, PASSWORD_IN_URL), ("db-url-password", Role.ENV_FILE, COMMITTED_ENV_FILE),
    ("signing-secret", Role.APP, HARDCODED_SIGNING_SECRET), ("signing-secret", Role.TEST, None),
    ("signing-secret", Role.SCRIPT, None), ("fallback", Role.APP, HARDCODED_FALLBACK), ("fallback", Role.TEST, None),
    ("generic", Role.APP, HARDCODED_SECRET), ("generic", Role.DEPLOY_CONFIG, HARDCODED_SECRET),
    ("generic", Role.CI, None), ("generic", Role.TEST, None), ("generic", Role.DEV_CONFIG, None),
    ("generic", Role.ENV_FILE, COMMITTED_ENV_FILE), ("generic", Role.ENV_EXAMPLE, None),
    ("generic-weak", Role.APP, GENERIC_HIGH_ENTROPY), ("generic-weak", Role.SCRIPT, None),
    ("config-value", Role.DEPLOY_CONFIG, HARDCODED_SECRET), ("config-value", Role.OTHER, None),
    ("config-value", Role.ENV_FILE, COMMITTED_ENV_FILE), ("password-literal", Role.APP, GENERIC_HIGH_ENTROPY),
    ("password-literal", Role.ENV_FILE, None), ("public-env-secret", Role.APP, PUBLIC_ENV_SECRET),
    ("public-env-secret", Role.CI, PUBLIC_ENV_SECRET), ("public-env-secret", Role.ENV_EXAMPLE, None),
    ("public-env-secret", Role.TEST, None),
])
def test_role_policy(kind, role, expected):
    assert classify(cand(kind), role) is expected


def test_placeholders_and_comments_are_silent_except_fallbacks_and_provider_keys():
    assert classify(cand("generic", placeholder=True), Role.APP) is None
    assert classify(cand("signing-secret", placeholder=True), Role.APP) is None
    assert classify(cand("fallback", placeholder=True), Role.APP) is HARDCODED_FALLBACK
    assert classify(cand("generic", in_comment=True), Role.APP) is None
    assert classify(cand("stripe-secret-key", in_comment=True), Role.APP) is PROVIDER_KEY


def test_a_comment_calling_the_value_fake_silences_it():
    text = ("// This is not actually a secret key, it's a string we XOR with\n"
            "const XOR_SECRET_KEY = \"58ff90c0dc372ded858cbf8fb2306066\";\n"
            "const webhook = { secret: \"whsec_6f9f3a63705c44206ca655813bf91b61\" }; // dummy secret\n"
            f"const apiKey = '{KEY}'; // used by the billing job\n"
            "const s = process.env.SESSION_SECRET || 'k3yb0ard-cat'; // dummy for local dev\n")
    got = sorted((c.location.line, c.kind, c.placeholder) for c in facts_of("src/a.ts", text).secrets)
    assert got == [(2, "generic", True), (3, "stripe-webhook-secret", True), (4, "generic", False),
                   (5, "fallback", False)]


def test_dev_directories_count_as_dev_files():
    text = f'const event = {{ checkout_token: "{HEX[:33]}" }};\n'
    assert found("apps/web/scripts/dev/simulate.ts", text) == []
    assert found("apps/web/scripts/simulate.ts", text) == [(1, "generic", "checkout_token")]


def test_fallbacks_that_are_not_string_literals_are_no_secrets():
    text = ("export const axiom = process.env.AXIOM_TOKEN\n  ? new Axiom({ token: process.env.AXIOM_TOKEN })\n  : null;\n"
            "const secret = process.env.CLIENT_SECRET ?? null;\n"
            "const retries = process.env.API_TOKEN_RETRIES || 3;\n")
    assert facts_of("src/axiom.ts", text).secrets == []
