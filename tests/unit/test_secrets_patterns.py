"""The value and name heuristics of the secrets extractor, and every provider pattern, positive and
negative. Hypothesis drives the properties that must hold for any input: random machine-made keys
are found, UUIDs / hashes / placeholders / word phrases never are, and nothing crashes."""
from __future__ import annotations

import hashlib
import random
import re
import string
import uuid

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source
from deploycheck.project.extract import secrets as S

ALNUM = string.ascii_letters + string.digits


def candidates(path: str, text: str):
    facts = extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))
    assert facts.error is None, facts.error
    return facts.secrets


def kinds(path: str, text: str) -> list[str]:
    return [c.kind for c in candidates(path, text) if not c.placeholder]


def rand(n: int, alphabet: str = ALNUM, seed: int = 0) -> str:
    """A deterministic machine-made token: at least three digits and both cases when the alphabet has them."""
    r = random.Random(seed * 7919 + n)
    for _ in range(1000):
        s = "".join(r.choice(alphabet) for _ in range(n))
        if (sum(c.isdigit() for c in s) >= min(3, n // 4)
                and all(any(c in group for c in s) for group in (string.ascii_uppercase, string.ascii_lowercase)
                        if any(ch in group for ch in alphabet))):
            return s
    raise AssertionError("no token")


# ------------------------------------------------------------------------------------ providers

PROVIDER_POSITIVES = [
    ("stripe-secret-key", f"sk_live_{rand(24)}"),
    ("stripe-secret-key", f"sk_live_{rand(99, seed=1)}"),
    ("stripe-restricted-key", f"rk_live_{rand(24, seed=2)}"),
    ("stripe-test-key", f"sk_test_{rand(24, seed=3)}"),
    ("stripe-webhook-secret", f"whsec_{rand(32, seed=4)}"),
    ("aws-access-key-id", "AKIA" + rand(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed=5)),
    ("aws-access-key-id", "AKIAJKLMNOPQRSTU2345"),        # sequential, but a real shape: still reported
    ("openai-api-key", f"sk-proj-{rand(48, seed=6)}"),
    ("openai-api-key", f"sk-{rand(48, seed=7)}"),
    ("anthropic-api-key", f"sk-ant-api03-{rand(93, ALNUM + '-_', seed=8)}AA"),
    ("github-token", f"ghp_{rand(36, seed=9)}"),
    ("github-token", f"gho_{rand(36, seed=10)}"),
    ("github-token", f"github_pat_{rand(22, seed=11)}_{rand(59, seed=12)}"),
    ("slack-token", "xoxb-123456789012-1234567890123-" + rand(24, seed=13)),
    ("slack-webhook", f"https://hooks.slack.com/services/T{rand(8, string.ascii_uppercase + string.digits, seed=14)}/"
                      f"B{rand(10, string.ascii_uppercase + string.digits, seed=15)}/{rand(24, seed=16)}"),
    ("google-api-key", "AIza" + rand(35, ALNUM + "_-", seed=17)),
    ("google-oauth-client-secret", "GOCSPX-" + rand(28, seed=18)),
    ("sendgrid-api-key", f"SG.{rand(22, seed=19)}.{rand(43, seed=20)}"),
    ("npm-token", f"npm_{rand(36, seed=21)}"),
    ("gitlab-token", f"glpat-{rand(20, seed=22)}"),
    ("huggingface-token", f"hf_{rand(34, seed=23)}"),
    ("digitalocean-token", "dop_v1_" + hashlib.sha256(b"do").hexdigest()),
]


@pytest.mark.parametrize("kind,key", PROVIDER_POSITIVES, ids=[k for k, _ in PROVIDER_POSITIVES])
def test_provider_keys_are_found_in_code(kind, key):
    found = candidates("server/client.js", f"const client = new Client('{key}');\n")
    assert [c.kind for c in found] == [kind]
    c = found[0]
    value = key.removeprefix("https://")      # a webhook's identity is its URL without the scheme
    assert c.masked == f"{value[:4]}****** ({len(value)} chars)" and value not in c.snippet
    assert c.digest == hashlib.sha256(value.encode()).hexdigest()


def test_context_gated_providers_need_their_context():
    twilio = "SK" + hashlib.md5(b"twilio").hexdigest()
    resend = f"re_{rand(8, seed=30)}_{rand(24, seed=31)}"
    mailgun = "key-" + hashlib.md5(b"mailgun").hexdigest()
    for value in (twilio, resend, mailgun):
        assert kinds("src/x.js", f"const k = '{value}';\n") == [], value
    assert kinds("src/sms.js", f"const twilio = require('twilio');\nconst k = '{twilio}';\n") == ["twilio-api-key"]
    assert kinds("src/mail.js", f"import {{ Resend }} from 'resend';\nnew Resend('{resend}');\n") == ["resend-api-key"]
    assert kinds("src/mail.py", f"# Mailgun\nrequests.post(url, auth=('api', '{mailgun}'))\n") == ["mailgun-api-key"]


@pytest.mark.parametrize("text", [
    "const k = 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx';",
    "const k = 'sk_live_000000000000000000000000';",
    "const k = 'sk_live_YOUR_KEY_HERE_1234567890ab';",
    "const k = 'pk_live_51HqLyjWDarjtT1zdp7dcXq9Lm2aB3cD4eF5gH6';",        # publishable: public by design
    "const id = 'AKIAIOSFODNN7EXAMPLE';",                                  # AWS documentation example
    "const slug = 'task-management-dashboard-component-v2-final';",        # 'sk-' inside a word
    "const hook = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';",
    "const t = 'xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx';",
    "const t = 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';",
    "const sid = 'AC0bc60ee6c4c07143846c3bd4bc7ec77f';",                    # Twilio account SID: an id
    "const re_compile_pattern_for_everything = 1;",
    "const mask_live_settings_for_everyone_here = 2;",
])
def test_provider_negatives(text):
    assert kinds("src/x.js", text + "\n") == []


def test_firebase_and_browser_google_keys_are_public():
    key = "AIza" + rand(35, seed=40)
    assert kinds("src/firebase.js", f"const cfg = {{ apiKey: '{key}', authDomain: 'x.firebaseapp.com' }};\n") == []
    assert kinds("src/Map.tsx", f"const k = '{key}';\n") == []
    assert kinds("server/geo.js", f"const k = '{key}';\n") == ["google-api-key"]


# ------------------------------------------------------------------------------------ names


@pytest.mark.parametrize("name,strength", [
    ("API_KEY", 2), ("apiKey", 2), ("clientSecret", 2), ("DB_PASSWORD", 2), ("SMTP_PASS", 2), ("password", 2),
    ("SECRET_KEY", 2), ("authorization", 2), ("STRIPE_KEY", 2), ("secretAccessKey", 2), ("accessToken", 2),
    ("X-Postmark-Server-Token", 2), ("app.config['SECRET_KEY']", 2), ("GOOGLE_CLIENT_SECRET", 2),
    ("licenseKey", 1), ("GOOGLE_MAPS_API_KEY", 1), ("salt", 1),
    ("key", 0), ("keyName", 0), ("apiKeyHeader", 0), ("tokenUrl", 0), ("passwordHash", 0), ("SECRET_KEY_FILE", 0),
    ("token_type", 0), ("publishableKey", 0), ("STRIPE_PUBLISHABLE_KEY", 0), ("SUPABASE_ANON_KEY", 0),
    ("keyboard", 0), ("TWILIO_ACCOUNT_SID", 0), ("AWS_ACCESS_KEY_ID", 0), ("access_token_minutes", 0),
    ("passwordMinLength", 0), ("secretName", 0), ("TEST_API_KEY", 0), ("", 0),
])
def test_name_strength(name, strength):
    assert S.name_strength(name) == strength


@pytest.mark.parametrize("rest,secret", [
    ("STRIPE_SECRET_KEY", True), ("SUPABASE_SERVICE_ROLE_KEY", True), ("ADMIN_PASSWORD", True),
    ("DATABASE_URL", True), ("PRIVATE_KEY", True),
    ("STRIPE_PUBLISHABLE_KEY", False), ("SUPABASE_ANON_KEY", False), ("GOOGLE_MAPS_API_KEY", False),
    ("API_URL", False), ("SECRET_SANTA_URL", False), ("FIREBASE_API_KEY", False), ("MAPBOX_TOKEN", False),
])
def test_public_secret_names(rest, secret):
    assert S.public_secret_name(rest) is secret


# ------------------------------------------------------------------------------------ values


@pytest.mark.parametrize("value,name", [
    ("replace-me", "JWT_SECRET"), ("changeme", "PASSWORD"), ("your-api-key", "API_KEY"), ("<long random string>", "JWT_SECRET"),
    ("xxx", "TOKEN"), ("${SECRET}", "SECRET"), ("{{ secrets.X }}", "X"), ("$VAR", "TOKEN"), ("%(password)s", "PASSWORD"),
    ("test-only-jwt-secret", "JWT_SECRET"), ("ci-only-session-password-0000000000000", "SESSION_PASSWORD"),
    ("replace-with-a-long-random-string", "SESSION_SECRET"), ("at-least-32-characters-long-random-string", "SESSION_PASSWORD"),
    ("postgres", "POSTGRES_PASSWORD"), ("secret", "secret"), ("password", "password"), ("mysecretpassword", "DB_PASSWORD"),
    ("supersecretkey123", "SECRET_KEY"), ("1234567890", "TOKEN"), ("abcdefghijklmnop", "TOKEN"), ("admin123", "PASSWORD"),
    ("test-session-secret", "SESSION_SECRET"), ("Password1!", "password"),
])
def test_placeholders(value, name):
    assert S.is_placeholder(value, name)


@pytest.mark.parametrize("value", [
    "c0ffee00deadbeef8badf00dcafebabe0123456789abcdef", "keyboard cat", "aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3a",
    "S2A36wdjiPDmuqiVMUfwxRwW8uQPAbvv", "Tr0ub4dor&3xQ", "django-insecure-7x$k2!p9qv#m3@l8z^w1r&t6y",
])
def test_not_placeholders(value):
    assert not S.is_placeholder(value, "SECRET_KEY")


@pytest.mark.parametrize("value", [
    "S2A36wdjiPDmuqiVMUfwxRwW8uQPAbvv", "n5Ak040anRJxEYIxDd4VLeZ7S514m5K1oz7Yobs1", "f69b619a00cc05df5e8558184d3bc738",
    "c0ffee00deadbeef8badf00dcafebabe0123456789abcdef", "aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3a",
])
def test_random(value):
    assert S.is_random(value)


@pytest.mark.parametrize("value", [
    "550e8400-e29b-41d4-a716-446655440000", "sha512-YSFlK1Ee0/GC8QaO91tHcDxJiE/X4FbpAyQWkxAvG6AXCuR65YzK8ua6D9hvi",
    "$2b$12$C6UzMDM.H6dfI/f/IKcEeO7e2pXkJ1yqQx0t5Jq3nZkqF0hBbLw4e", "handleStripeWebhookRequest",
    "at-least-32-characters-long-random-string", "https://api.example.org/v1/tokens", "noreply@example.org",
    "api.internal.example.org", "/var/run/secrets/kubernetes.io/token", "x-api-key", "0123456789abcdef0123456789abcdef",
    "MyVeryLongComponentNameForTheSettingsPage", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
])
def test_not_random(value):
    assert not S.is_random(value)


# ------------------------------------------------------------------------------------ properties

def _machine_made(s: str) -> bool:
    """What a generated key looks like: both cases, digits scattered, high entropy."""
    return (len(S._DIGIT_GROUPS.findall(s)) >= 3 and any(c.isupper() for c in s) and any(c.islower() for c in s)
            and S.entropy(s) >= 3.8)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.randoms(use_true_random=True), st.integers(min_value=20, max_value=64), st.sampled_from(["", "-_", "+/"]))
def test_generated_keys_in_secret_slots_are_found_and_never_printed(rnd, length, extra):
    token = "".join(rnd.choice(ALNUM + extra) for _ in range(length))
    assume(_machine_made(token) and not S.fake_token(token))
    text = f"export const config = {{ apiKey: '{token}' }};\n"
    found = candidates("src/config.ts", text)
    assert [c.kind for c in found] == ["generic"], token
    c = found[0]
    assert token not in c.masked and token not in (c.snippet or "")


@settings(max_examples=100)
@given(st.uuids())
def test_uuids_are_never_secrets(u: uuid.UUID):
    assert kinds("src/config.js", f"const apiKey = '{u}';\nconst secretToken = '{str(u).upper()}';\n") == []


@settings(max_examples=100)
@given(st.binary(min_size=16, max_size=64))
def test_hashes_in_non_secret_slots_are_silent(data: bytes):
    sha = hashlib.sha256(data).hexdigest()
    text = (f'const commitSha = "{sha[:40]}";\nconst integrity = "sha512-{hashlib.sha512(data).hexdigest()}";\n'
            f'const checksum = "{sha}";\n')
    assert kinds("src/build.js", text) == []


PHRASE_WORDS = st.sampled_from(["change", "your", "secret", "key", "here", "replace", "with", "long", "random",
                                "string", "test", "only", "dev", "local", "example", "password", "token", "default"])


@settings(max_examples=200)
@given(st.lists(PHRASE_WORDS, min_size=1, max_size=6), st.sampled_from(["-", "_", " ", ""]))
def test_placeholder_phrases_are_silent(words, sep):
    value = sep.join(words)
    text = f"JWT_SECRET={value}\nAPI_KEY={value}\n"
    assert [c for c in candidates(".env", text) if not c.placeholder] == []


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.sampled_from(["src/a.js", "app.py", ".env", "render.yaml", "x.json", "Dockerfile",
                                                "deploy_key", "README.md", "src/page.tsx"]))
def test_never_crashes(text, path):
    facts = extract_source(path, Source(text, text.encode("utf-8", "surrogatepass"), text.count("\n") + 1, None))
    assert facts.error is None, facts.error
    for c in facts.secrets:
        assert c.digest == "" or len(c.digest) == 64
