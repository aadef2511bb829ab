"""Secrets: credential-shaped strings in any text file, as `SecretCandidate` facts.

Runs on every file the scan reads (code, dotenv, YAML, JSON, TOML, Dockerfiles, key files…), so it
is built for one cheap pass per file:

1. Provider keys (Stripe, AWS, OpenAI, Anthropic, GitHub, Slack, Google, SendGrid, Twilio, Resend,
   npm, GitLab, Hugging Face …) are found by regexes that each start with a literal prefix and run
   only when their keyword occurs in the text (`str.__contains__` in C, gitleaks' "keywords").
2. Private key blocks (`-----BEGIN … PRIVATE KEY-----` with a real body).
3. Connection URLs with an inline password (`postgres://user:pw@host`), found from `://`.
4. Assignments of literals to secret-like names (`API_KEY = "…"`, `apiKey: '…'`, `SECRET_KEY=…`
   in dotenv/YAML): only lines that hold a secret-ish word are looked at (one keyword regex pass).
5. Hard-coded fallbacks of secret env reads (`process.env.SESSION_SECRET || 'keyboard cat'`,
   `os.environ.get("SECRET_KEY", "dev")`, a BaseSettings default): from `facts.env_reads`
   (`EnvRead.default`), which the env-read extractor fills before this one runs.
6. JWT/session signing secrets given literally (`jwt.sign(payload, 'literal')`, `secret: '…'`).
7. Browser-shipped variables (`NEXT_PUBLIC_*`, `VITE_*`, `REACT_APP_*` …) whose name says secret.

The extractor never judges a file's role: it records *what* it saw (kind, provider, name, whether
the value is a placeholder) and the check decides what that means in an app file, a test, a CI
workflow or a committed `.env`. A candidate never holds the value: only `core.mask_secret` (first 4
characters and the length), `core.secret_hash` (identity for baselines) and a snippet of the line
with the value already masked.
"""
from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from deploycheck.core import Location, mask_secret, secret_hash
from deploycheck.project.model import FileFacts, Language, SecretCandidate
from deploycheck.project.parse import FileContext
from deploycheck.redact import entropy, redact_line

from deploycheck.project.extract import Extractor

# ------------------------------------------------------------------------------------------ files

# Lockfiles are all hashes and URLs, and large: never worth a pass.
_LOCKFILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "poetry.lock",
    "pipfile.lock", "uv.lock", "pdm.lock", "cargo.lock", "go.sum", "composer.lock", "gemfile.lock",
    "podfile.lock", "packages.lock.json", "flake.lock", "deno.lock", "mix.lock", "pubspec.lock",
})
_SKIP_SUFFIXES = (".pub", ".lock", ".crt", ".cer", ".csr", ".asc.pub")
_CONFIG_LANGS = frozenset({Language.DOTENV, Language.YAML, Language.TOML, Language.INI, Language.JSON,
                           Language.DOCKERFILE, Language.SHELL, Language.TEXT, Language.OTHER})
# Settings modules that only ever run on a developer's machine (settings/dev.py, config/local.py).
_DEV_STEM = re.compile(r"(^|[/_.-])(dev|development|local|test|testing|ci)\.(py|[cm]?[jt]s)$"
                       r"|(^|/)(dev|development|local|local-dev|sandbox|playground)/")
# A human said so next to the value: "// dummy secret", "# not actually a secret", "example key".
_FAKE_NOTE = re.compile(
    r"(?i)(?:#|//|/\*|<!--|--|\*)[^\n]*\b(?:dummy|fake|placeholder|example|sample|mock|"
    r"not\s+(?:actually\s+|really\s+)?(?:a\s+)?(?:real\s+|actual\s+)?(?:secret|sensitive|credential|key)|"
    r"(?:for\s+)?test(?:ing|s)?\s+only|public\s+by\s+design|safe\s+to\s+(?:commit|share|publish))\b")


def _skip_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name in _LOCKFILES or name.endswith(_SKIP_SUFFIXES)


# ------------------------------------------------------------------------------------------ names

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

_STRONG_WORDS = frozenset({
    "secret", "secrets", "password", "passwd", "passphrase", "pwd", "token", "apikey", "credential",
    "credentials", "authorization", "privatekey", "secretkey", "accesstoken", "authtoken", "apisecret",
    "clientsecret", "appsecret", "masterkey", "accesskey", "apitoken", "refreshtoken", "bearer",
})
# <qualifier> + key is a credential (api key, secret key, signing key …).
_KEY_QUALIFIERS = frozenset({
    "api", "access", "secret", "private", "signing", "encryption", "encrypt", "master", "app", "client",
    "auth", "admin", "service", "webhook", "hmac", "session", "cookie", "jwt", "crypto", "cipher",
    "aes", "server", "account", "write", "root", "sign", "token",
})
# Providers whose "<provider> key" is a credential.
_PROVIDERS = frozenset({
    "stripe", "openai", "anthropic", "claude", "sendgrid", "twilio", "mailgun", "postmark", "resend",
    "github", "gitlab", "slack", "aws", "azure", "supabase", "algolia", "pusher", "cloudinary", "plaid",
    "paypal", "braintree", "shopify", "vercel", "heroku", "datadog", "mailchimp", "mandrill", "brevo",
    "sendinblue", "telegram", "discord", "openrouter", "groq", "replicate", "huggingface", "cohere",
    "mistral", "gemini", "pinecone", "clerk", "auth0", "okta", "twitch", "spotify", "lemonsqueezy",
    "paddle", "square", "razorpay", "mollie", "coinbase", "nylas", "vonage", "nexmo", "sparkpost",
    "mailjet", "elevenlabs", "deepgram", "assemblyai", "perplexity", "together", "fireworks", "upstash",
    "neon", "planetscale", "turso", "convex", "doppler", "linear", "notion", "airtable", "segment",
})
# Public by design, or not a credential at all.
_PUBLIC_WORDS = frozenset({"public", "publishable", "anon", "pub", "example", "sample", "dummy", "fake",
                           "mock", "placeholder", "test", "site", "recaptcha", "turnstile"})
# The credential scope of an AWS Signature V4 (X-Amz-Credential): the access key id is public there.
_SIGV4_SCOPE = re.compile(r"(/|%2F)\d{8}(/|%2F)[a-z0-9-]+(/|%2F)[a-z0-9-]+(/|%2F)aws4_request", re.I)
_WEAK_PROVIDERS = frozenset({"google", "firebase", "mapbox", "maps", "sentry", "gmaps", "posthog",
                             "amplitude", "mixpanel", "segment", "algolia"})
_NON_SECRET_LAST = frozenset("""
id ids name names url uri urls endpoint host hostname domain port file filename path dir directory header
headers ttl expires expiry expiration expire expiresin exp age maxage length len size min max minlength
maxlength type types prefix suffix field fields column col param params env var variable enabled enable
disabled required mode policy regex regexp pattern label placeholder hint input reset confirm confirmation
error errors message msg count attempts retries timeout version algorithm algorithms alg algo format
encoding hash hashed digest rounds cost strength issuer audience scope scopes location storage bucket
region user username login email owner account sid class schema model provider handler callback route
method index list map cache store strategy generator rotation visible shown show hidden kid keyid mask
masked ref from source lifetime duration days hours minutes seconds ms valid validity check checker
validator validation rule rules requirements changed updated created at date time status state flag
option options config settings doc docs description help title text link button icon form modal dialog
page screen view component props prop key keys rounds visibility strategy service
manager client store provider context request response req res set get fn func function handler
usage limit limits quota bits chars characters location pair pairs slot slots counter mapping lookup
""".split())


@lru_cache(maxsize=8192)
def _words(name: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _CAMEL.findall(name))


def name_words(name: str) -> list[str]:
    return list(_words(name))


@lru_cache(maxsize=8192)
def _last_segment(name: str) -> str:
    """`app.config['SECRET_KEY']` → SECRET_KEY, `process.env.X` → X, `self.api_key` → api_key."""
    m = re.search(r"\[\s*['\"]([^'\"]+)['\"]\s*\]\s*$", name)
    if m:
        return m.group(1)
    return re.split(r"[.]", name.strip("'\"`[] "))[-1]


@lru_cache(maxsize=8192)
def name_strength(name: str) -> int:
    """2: the name says credential (API_KEY, clientSecret, DB_PASSWORD); 1: it may be one (STRIPE_KEY-ish
    weak providers, `*_key` with another qualifier, salt); 0: not a secret name."""
    words = name_words(_last_segment(name))
    if not words:
        return 0
    if any(w in _PUBLIC_WORDS for w in words):
        return 0
    last = words[-1]
    if last in _NON_SECRET_LAST and last != "key" and last != "keys":
        return 0
    joined = "".join(words)
    if any(w in _STRONG_WORDS for w in words) or joined in _STRONG_WORDS:
        # "GOOGLE_MAPS_API_KEY" is a browser key; "GOOGLE_CLIENT_SECRET" is a secret.
        if any(w in _WEAK_PROVIDERS for w in words) and not any(
                w in ("secret", "password", "passwd", "token", "credential", "credentials", "private") for w in words):
            return 1
        return 2
    if last in ("pass", "pw") and len(words) > 1:
        return 2
    if last in ("key", "keys") and len(words) > 1:
        prev = words[-2]
        if any(w in _WEAK_PROVIDERS for w in words):
            return 1
        if prev in _KEY_QUALIFIERS or prev in _PROVIDERS or any(w in _PROVIDERS for w in words[:-1]):
            return 2
        return 1
    if last in ("salt", "pepper", "nonce"):
        return 1
    return 0


_SIGNING_NAMES = frozenset({
    "secret", "secretkey", "sessionsecret", "jwtsecret", "jwtsecretkey", "jwtkey", "jwtsigningkey",
    "cookiesecret", "signingkey", "signingsecret", "tokensecret", "authsecret", "nextauthsecret",
    "secretkeybase", "accesstokensecret", "refreshtokensecret", "jwtaccesssecret", "jwtrefreshsecret",
    "hmacsecret", "hmackey", "appsecretkey", "jwtprivatekey", "betterauthsecret",
})


def is_signing_name(name: str) -> bool:
    return "".join(name_words(_last_segment(name))) in _SIGNING_NAMES


# ------------------------------------------------------------------------------------------ values

_TEMPLATE = re.compile(
    r"\$\{|\{\{|\}\}|^\$[A-Za-z_(]|%\(|%s\b|<[^<>]*>|^\{[A-Za-z_][\w.]*\}$|^\[[A-Za-z_ -]+\]$"
    r"|process\.env|os\.environ|import\.meta|^env\(|^#\{|^@[A-Za-z_]+@$|^__[A-Za-z_]+__$|^%[A-Za-z_]+%$|^ENC\[|^vault:|^arn:aws:")
_PLACEHOLDER_SUBSTR = (
    "example", "sample", "placeholder", "changeme", "change-me", "change_me", "change me", "changethis",
    "change-this", "change_this", "replace", "your", "xxx", "***", "...", "todo", "fixme", "dummy",
    "fake", "mock", "redacted", "insert", "notreal", "not-real", "not_real", "not-a-", "not_a_",
    "dontuse", "do-not-use", "goes-here", "goes_here", "-here", "_here", "fill-in", "fill_in", "foobar",
    "lorem", "test-only", "testonly", "test_only", "for-testing", "testing-only", "dev-only", "devonly",
    "dev_only", "local-only", "ci-only", "ci_only",
)
_DUMMY_WORDS = sorted("""
secret password passwd pass passphrase token key api apikey test testing dev
development local localhost prod production staging only session jwt cookie signing sign auth admin
administrator root user username default value string random long short characters chars char least more
than use this that not the and for with app application change please here some super top very strong
demo private public client server access refresh web hook webhook postgres postgresql mysql mariadb mongo
mongodb redis rabbit rabbitmq guest database letmein welcome qwerty abc abcd abcdef foo bar baz hello
world your our any new temp temporary dummy default insecure unsafe fixture seed hunter
""".split(), key=len, reverse=True)
_DUMMY_RX = re.compile("|".join(_DUMMY_WORDS))
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_HASH_PREFIX = re.compile(r"^(sha1|sha256|sha384|sha512|md5)[-:=]|^\$(2[abxy]?|argon2(id|i|d)?|pbkdf2[-\w]*|scrypt|1|5|6|y)\$")
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_HOSTNAME = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?$")
_PATHLIKE = re.compile(r"^(~?/|\.{1,2}/|[A-Za-z]:\\)|^[\w.-]+(/[\w.-]+)+/?$")


def _path_like(v: str) -> bool:
    """A file path or a URL path: rooted, or slash-separated words ('config/keys/app.pem'). Base64 keys
    contain slashes too, so relative paths need wordy segments."""
    if re.match(r"^[A-Za-z]:\\", v):
        return True
    if not _PATHLIKE.match(v):
        return False
    if len(_DIGIT_GROUPS.findall(v)) >= 3 and re.search(r"[a-z]", v) and re.search(r"[A-Z]", v):
        return False   # digits scattered through mixed case: base64, not a path
    segments = [seg for seg in re.split(r"[/.~]", v) if seg]
    return all(_wordy(seg) or len(seg) <= 3 for seg in segments)
_NUMBERISH = re.compile(r"^[-+]?\d+([.,]\d+)*(ms|s|m|h|d|w|y|kb|mb|gb|%)?$", re.I)
_BOOLISH = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "nil", "undefined", "0", "1",
                      "read", "write", "read-write", "readonly", "required", "optional", "enabled", "disabled",
                      "same-origin", "include", "omit", "inherit", "auto", "default"})
_AUTH_PREFIX = re.compile(r"^(Bearer|Basic|Token|token|bearer|Bot)\s+")


# keys that name where a secret is kept rather than hold it (Helm values, Kubernetes manifests)
_REFERENCE_NAME = re.compile(r"(?i)(?:^|[._-])(?:existing_?secret\w*|secret_?name|secret_?ref|secret_?key_?ref|"
                             r"secret_?provider_?class)$")
# a value that is itself a variable name (UPPER_SNAKE with an underscore), as long as the key is not
_ENV_NAME_VALUE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")


def is_template(value: str) -> bool:
    return bool(_TEMPLATE.search(value))


def _is_sequence(s: str) -> bool:
    """Mostly an ascending/descending run (12345678, abcdef…) or a short unit repeated."""
    s = re.sub(r"[^a-z0-9]", "", s.lower())
    if len(s) < 4:
        return True
    best = run = 1
    covered = 0                      # characters inside runs of 4 or more (0123456789abcdef0123…)
    for a, b in zip(s, s[1:]):
        if abs(ord(b) - ord(a)) == 1:
            run += 1
        else:
            covered += run if run >= 4 else 0
            run = 1
        best = max(best, run)
    covered += run if run >= 4 else 0
    if best >= 0.6 * len(s) or covered >= 0.7 * len(s):
        return True
    for k in range(1, min(9, len(s) // 3 + 1)):
        if (s[:k] * (len(s) // k + 1))[:len(s)] == s:
            return True
    return False


def is_placeholder(value: str, name: str = "") -> bool:
    """A placeholder, an example, an obvious test value, a common default ('postgres', 'secret'), or a
    phrase made of the variable's own words ('ci-only-session-password' for SESSION_PASSWORD)."""
    v = value.strip()
    if not v or is_template(v):
        return True
    low = v.lower()
    # a long machine-made value contains 'todo' or 'xxx' by chance: only long placeholder words count
    machine = len(v) >= 20 and len(_DIGIT_GROUPS.findall(v)) >= 3
    if any(p in low for p in (_TOKEN_PLACEHOLDERS if machine else _PLACEHOLDER_SUBSTR)):
        return True
    if _is_sequence(low):
        return True
    residue = _DUMMY_RX.sub("", low)
    for w in name_words(_last_segment(name)) if name else ():
        if len(w) >= 3:
            residue = residue.replace(w, "")
    residue = re.sub(r"[^a-z0-9]", "", residue)
    residue = re.sub(r"(.)\1{2,}", r"\1", residue)
    return len(residue) <= max(4, int(0.25 * len(low)))


# Placeholder words for long random tokens: no three-letter entries, which random text contains by chance.
_TOKEN_PLACEHOLDERS = ("example", "sample", "placeholder", "changeme", "replace", "your", "xxxxx", "*****",
                       "...", "dummy", "fake", "redacted", "insert", "notreal", "goes_here", "goes-here")


def fake_token(body: str) -> bool:
    """For provider-shaped tokens, whose shape is already specific: only explicit placeholder words,
    a repeated unit (xxxx, 0000, abcabc) or a template mark the token as fake. (A run-of-letters
    heuristic would drop real-looking keys such as AKIAJKLMNOPQRSTU2345.)"""
    low = body.lower()
    if is_template(body) or any(p in low for p in _TOKEN_PLACEHOLDERS):
        return True
    s = re.sub(r"[^a-z0-9]", "", low)
    return any((s[:k] * (len(s) // k + 1))[:len(s)] == s for k in range(1, min(9, max(2, len(s) // 3 + 1))))


_VOWELS = frozenset("aeiou")


_DIGIT_GROUPS = re.compile(r"\d+")


def _wordy(v: str) -> bool:
    """Made of words (a sentence, an identifier, a slug): 'handleStripeWebhook', 'long-random-string'.
    Machine-made strings interleave digits (three or more digit groups): never wordy."""
    if len(_DIGIT_GROUPS.findall(v)) >= 3:
        return False
    letters = sum(1 for c in v if c.isalnum())
    if not letters:
        return True
    wordish = 0
    for seg in re.split(r"[^A-Za-z]+", v):
        whole = seg.islower() or seg.isupper() or seg.istitle()
        parts = [seg] if whole else _CAMEL.findall(seg)
        for t in parts:
            low = t.lower()
            if len(t) >= 3 and (whole or not t.isupper()):   # 'EKM' inside 'd1lh5EKMOlMCOZ' is noise
                vr = sum(c in _VOWELS for c in low) / len(low)
                if 0.2 <= vr <= 0.75 and not re.search(r"[^aeiouy]{5}", low):
                    wordish += len(t)
    return wordish >= 0.5 * letters


def is_random(value: str) -> bool:
    """A machine-made credential, not a word, path, URL, UUID, hash or identifier."""
    v = value
    n = len(v)
    if n < 16 or n > 1000 or any(c.isspace() for c in v):
        return False
    if (_UUID.fullmatch(v) or _HASH_PREFIX.search(v) or "://" in v or _EMAIL.match(v)
            or _path_like(v) or _HOSTNAME.match(v) or _is_sequence(v)):
        return False
    if _HEX.fullmatch(v):
        return n >= 32 and entropy(v) >= 3.0
    has_alpha = any(c.isalpha() for c in v)
    has_digit = any(c.isdigit() for c in v)
    if not has_alpha:
        return False
    if _wordy(v):
        return False
    # Character classes and entropy only: slugs, identifiers and paths were excluded above with this
    # module's own tests (redact.looks_random is tuned for masking printed lines, not for detection).
    both_cases = any(c.isupper() for c in v) and any(c.islower() for c in v)
    if not has_digit:
        return n >= 32 and both_cases and entropy(v) >= 3.5
    if n >= 20:
        return entropy(v) >= 3.5
    return entropy(v) >= 3.3 and both_cases


def is_password_shaped(value: str) -> bool:
    """A hand-made password: 8-64 characters, no spaces, letters plus digits or symbols."""
    v = value
    if not 8 <= len(v) <= 64 or any(c.isspace() for c in v) or "://" in v:
        return False
    if not any(c.isalpha() for c in v) or not any(not c.isalpha() for c in v):
        return False
    if _EMAIL.match(v) or _path_like(v) or _HOSTNAME.match(v) or _UUID.fullmatch(v) or _HASH_PREFIX.search(v):
        return False
    if re.fullmatch(r"[a-z]+([_-][a-z]+)*", v) or re.fullmatch(r"[A-Za-z]+[_.-]?\d{1,4}", v) and _wordy(v):
        return False
    return entropy(v) >= 2.75 and not _wordy(v)


def is_credential_value(value: str) -> bool:
    """A value that can be a secret at all (for secret-named config entries): not a boolean, number,
    duration, email, host, path, URL without a password, or a sentence."""
    v = value.strip()
    if not v or v.lower() in _BOOLISH or _NUMBERISH.match(v) or _EMAIL.match(v) or _HOSTNAME.match(v):
        return False
    if "://" in v or _path_like(v) or len(v.split()) > 2 or len(v) < 4:
        return False
    return True


def _jwt_role(value: str) -> str | None:
    """The `role` claim of a JWT (Supabase keys: anon / service_role), or None."""
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].startswith("eyJ"):
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    role = claims.get("role") if isinstance(claims, dict) else None
    return role if isinstance(role, str) else ""


# ------------------------------------------------------------------------------------------ providers


@dataclass(frozen=True, slots=True)
class _Provider:
    kind: str
    provider: str
    prefixes: tuple[str, ...]        # literal starts of the token (the dispatch key of the token pass)
    regex: re.Pattern[str]           # matched at the token's start
    min_entropy: float = 3.0
    context: tuple[str, ...] = ()    # one must occur in the text as well (Twilio's bare SK… ids)


def _p(kind: str, provider: str, pattern: str, prefixes: tuple[str, ...] | None = None, **kw) -> _Provider:
    literal = re.match(r"[A-Za-z0-9_.:/-]+", pattern.replace("\\.", "."))
    keys = prefixes or ((literal.group(0),) if literal else ())
    return _Provider(kind, provider, keys, re.compile(pattern), **kw)


PROVIDERS: tuple[_Provider, ...] = (
    _p("stripe-secret-key", "Stripe", r"sk_live_[0-9a-zA-Z]{20,247}"),
    _p("stripe-restricted-key", "Stripe", r"rk_live_[0-9a-zA-Z]{20,247}"),
    _p("stripe-test-key", "Stripe", r"sk_test_[0-9a-zA-Z]{20,247}"),
    _p("stripe-test-key", "Stripe", r"rk_test_[0-9a-zA-Z]{20,247}"),
    _p("stripe-webhook-secret", "Stripe", r"whsec_[0-9a-zA-Z]{24,}"),
    _p("aws-access-key-id", "AWS", r"AKIA[A-Z2-7]{16}", min_entropy=2.5),
    _p("aws-access-key-id", "AWS", r"ASIA[A-Z2-7]{16}", min_entropy=2.5),
    _p("anthropic-api-key", "Anthropic", r"sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{32,}"),
    _p("openai-api-key", "OpenAI", r"sk-[A-Za-z0-9_-]{32,}", min_entropy=3.5),
    _p("github-token", "GitHub", r"gh[pousr]_[A-Za-z0-9]{36,255}", prefixes=("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    _p("github-token", "GitHub", r"github_pat_[A-Za-z0-9_]{40,255}"),
    _p("slack-token", "Slack", r"xox[abposer]-[0-9A-Za-z-]{10,250}", prefixes=("xox",)),
    _p("slack-token", "Slack", r"xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+"),
    _p("google-api-key", "Google", r"AIza[0-9A-Za-z_-]{35}"),
    _p("google-oauth-client-secret", "Google", r"GOCSPX-[A-Za-z0-9_-]{28}"),
    _p("sendgrid-api-key", "SendGrid", r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}"),
    _p("twilio-api-key", "Twilio", r"SK[0-9a-fA-F]{32}", context=("twilio", "Twilio", "TWILIO")),
    _p("resend-api-key", "Resend", r"re_[A-Za-z0-9]{6,12}_[A-Za-z0-9]{16,40}", context=("resend", "Resend", "RESEND")),
    _p("mailgun-api-key", "Mailgun", r"key-[0-9a-f]{32}", context=("mailgun", "Mailgun", "MAILGUN")),
    _p("npm-token", "npm", r"npm_[A-Za-z0-9]{36}"),
    _p("gitlab-token", "GitLab", r"glpat-[A-Za-z0-9_-]{20,}"),
    _p("huggingface-token", "Hugging Face", r"hf_[A-Za-z0-9]{34,}"),
    _p("groq-api-key", "Groq", r"gsk_[A-Za-z0-9]{48,}"),
    _p("replicate-token", "Replicate", r"r8_[A-Za-z0-9]{37,}"),
    _p("digitalocean-token", "DigitalOcean", r"dop_v1_[a-f0-9]{64}"),
    _p("shopify-token", "Shopify", r"shpat_[a-fA-F0-9]{32}"),
    _p("shopify-token", "Shopify", r"shpss_[a-fA-F0-9]{32}"),
    _p("pypi-token", "PyPI", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    _p("linear-api-key", "Linear", r"lin_api_[A-Za-z0-9]{40}"),
    _p("planetscale-token", "PlanetScale", r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,}", prefixes=("pscale_",)),
    _p("sentry-auth-token", "Sentry", r"sntrys_[A-Za-z0-9_=+/-]{40,}"),
    _p("square-secret", "Square", r"sq0csp-[0-9A-Za-z_-]{43}"),
    _p("doppler-token", "Doppler", r"dp\.(?:pt|st|sa|ct)\.[A-Za-z0-9]{40,}", prefixes=("dp.",)),
)
# Secrets that are URLs: found from their host, not from a token start.
URL_PROVIDERS: tuple[_Provider, ...] = (
    _p("slack-webhook", "Slack", r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{20,}"),
    _p("discord-webhook", "Discord", r"discord(?:app)?\.com/api/webhooks/\d{15,}/[\w-]{40,}", prefixes=("discord",)),
)
_TOKEN_PREFIXES = tuple(sorted({k for p in PROVIDERS for k in p.prefixes}))
# Every run of token characters of 20 or more: one charset-led pass over the text; provider regexes
# run only where such a run starts with a known prefix (str.startswith with a tuple, in C).
_LONG_TOKEN = re.compile(r"[A-Za-z0-9_.-]{20,}")

# Test-mode keys: a credential, but not to production money. The check treats them apart.
TEST_KINDS = frozenset({"stripe-test-key"})
_TOKEN_CHAR = re.compile(r"[A-Za-z0-9_-]")


# ------------------------------------------------------------------------------------------ regexes

_HINT = re.compile(r"secret|passw|pwd|passphrase|token|key|auth|credential|bearer|salt|pass\b|_pw\b", re.I)
_HINT_WORDS = ("secret", "pass", "pwd", "token", "key", "auth", "credential", "salt", "_pw", "bearer", "sid")
# `any(w in low for w in words)` in one C call
_HINTS_CODE = re.compile("|".join(map(re.escape, _HINT_WORDS)))
_HINTS_JSON = re.compile("|".join(map(re.escape, _HINT_WORDS + ("value",))))
# Code and JSON: an operator followed by a quote. A charset-led regex, so `re` scans it fast; the name
# is then read backwards from the operator (`_NAME_END`) only when the few characters before it hold
# a secret-ish word.
_OP_QUOTE = re.compile(r"""[=:>][ \t]*(?:[rRbBuU]{1,2}(?=['"]))?['"`]""")
_NAME_END = re.compile(   # possessive quantifiers: no backtracking into long identifiers (Python 3.11+)
    r"""(?<![\w$@.-])(?P<name>[A-Za-z_$@][\w$@]*+(?:[.-][A-Za-z_$][\w$]*+)*+(?:\[\s*['"][^'"\n]{1,80}['"]\s*\])?)['"]?"""
    r"""(?:\s*:\s*[A-Za-z_][\w.<>\[\]| ]{0,40}?)?\s*(?::=|=>|\?\?=|\|\|=|(?<![=!<>])=|:)[ \t]*(?:[rRbBuU]{1,2})?$""")
# NAME <op> 'literal' (code, JSON, quoted YAML/TOML): the value in one of three quote styles.
_ASSIGN_Q = re.compile(
    r"""(?<![\w$@.-])(?P<name>[A-Za-z_$@][\w$@]*+(?:[.-][A-Za-z_$][\w$]*+)*+(?:\[\s*['"][^'"\n]{1,80}['"]\s*\])?)"""
    r"""['"]?(?:\s*:\s*[A-Za-z_][\w.<>\[\]| ]{0,40}?)?\s*(?P<op>:=|=>|\?\?=|\|\|=|=(?![=>~])|:)\s*"""
    r"""(?:SecretStr\(\s*|Secret\(\s*)?(?:[rRbBuU]{1,2}(?=['"]))?"""
    r"""(?:'(?P<v1>[^'\n]*)'|"(?P<v2>[^"\n]*)"|`(?P<v3>[^`\n]*)`)""")
# NAME=value / NAME: value without quotes (dotenv, YAML, INI, TOML-ish, compose lists, Dockerfile).
_ASSIGN_U = re.compile(
    r"^\s*(?:export\s+|ENV\s+|ARG\s+|set\s+|-\s+)?(?P<name>[A-Za-z_][\w.-]*)\s*(?P<op>=|:(?=\s))\s*"
    r"(?P<value>[^\s'\"#`|>&{\[*!][^\s#]*)\s*(?:#.*)?$"
    r"|^\s*ENV\s+(?P<dname>[A-Za-z_]\w*)\s+(?P<dvalue>[^\s='\"][^\s#]*)\s*$")
_NAME_BEFORE = re.compile(
    r"""(?<![\w$.-])([A-Za-z_$][\w$.-]*+(?:\[\s*['"][^'"]+['"]\s*\])?)['"]?\s*(?::|=|=>|\s)\s*['"`]?\s*(?:Bearer\s+)?$""")
_PAIR_NAME = re.compile(r"""(?:^|[\s{,-])['"]?(?:key|name|Name|Key|ParameterKey)['"]?\s*[:=]\s*['"]?([A-Za-z_][\w.-]*)""")
_OBJ_NAME = re.compile(r"""(?<![\w.-])['"]?([A-Za-z_][\w.-]*+)['"]?\s*:\s*\{\s*$""")

_URL_CREDS = re.compile(r"://(?P<user>[^\s:/@'\"`<>{}]*):(?P<pw>[^\s@/'\"`<>]+)@(?P<host>[^\s/:?#'\"`,;)\]}]+)")
_URL_SCHEMES = ("postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss",
                "amqp", "amqps", "mssql", "sqlserver", "cockroachdb", "smtp", "smtps", "cloudinary",
                "ldap", "ldaps", "ftp", "sftp", "nats", "kafka", "clickhouse", "neo4j", "bolt", "couchbase")
_LOCAL_HOSTS = re.compile(r"^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1|\[::1\]|host\.docker\.internal|[\w-]+\.local(host)?)$", re.I)
_CLOUD_HOSTS = re.compile(
    r"(amazonaws\.com|rds\.|supabase\.(co|com)|neon\.tech|render\.com|railway\.app|rlwy\.net|herokuapp\.com"
    r"|mongodb\.net|upstash\.io|psdb\.cloud|planetscale|elephantsql|aivencloud|redislabs|redis-cloud|cloudamqp"
    r"|azure\.com|database\.windows\.net|googleapis|cloudsql|digitaloceanspaces|db\.ondigitalocean\.com"
    r"|timescale|cockroachlabs|turso\.io|xata\.sh|fly\.dev|flycast|compute-\d|\.ec2|\d+\.\d+\.\d+\.\d+)", re.I)

_KEY_BLOCK = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----")
_KEY_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")

_JWT_CALLS = (re.compile(r"jwt\.(?:sign|verify|encode|decode)\s*\("), re.compile(r"jsonwebtoken\.(?:sign|verify)\s*\("),
              re.compile(r"cookieParser\s*\("))
_PUBLIC_PREFIX = re.compile(r"(?<![A-Za-z0-9_])(?:NEXT_PUBLIC|EXPO_PUBLIC|NUXT_PUBLIC|VITE|REACT_APP|GATSBY)_(?P<rest>[A-Z0-9_]+)")
_PUBLIC_KEYWORDS = ("NEXT_PUBLIC_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "VITE_", "REACT_APP_", "GATSBY_")
_PUBLIC_SECRET_WORDS = frozenset({"secret", "private", "password", "passwd", "pwd", "credential", "credentials"})


def public_secret_name(rest: str) -> bool:
    """The part after NEXT_PUBLIC_/VITE_/… names a secret (SECRET, PRIVATE, PASSWORD, SERVICE_ROLE …)."""
    words = name_words(rest)
    if not words or any(w in ("public", "publishable", "anon") for w in words):
        return False
    if words[-1] in _NON_SECRET_LAST - {"key", "keys"} and not (words[-1] == "url" and ("database" in words or "db" in words)):
        return False
    if any(w in _PUBLIC_SECRET_WORDS for w in words):
        return True
    joined = "_".join(words)
    return any(p in joined for p in ("service_role", "service_key", "admin_key", "admin_token", "database_url",
                                      "db_url", "master_key", "secret_key", "access_token_secret"))


# ------------------------------------------------------------------------------------------ extractor


class _Scan:
    """One file's pass: raw hits, then candidates. Holds no tree, only offsets."""

    def __init__(self, ctx: FileContext, facts: FileFacts):
        self.ctx = ctx
        self.facts = facts
        self.text = ctx.text
        self._nl: list[int] | None = None
        self.taken: list[tuple[int, int]] = []        # (start, end) of values already reported
        self.seen: set[tuple[int, str, str]] = set()   # (line, group, digest)
        self.pending: list[tuple[SecretCandidate, int]] = []
        self.masks: dict[int, list[tuple[int, int, str]]] = {}   # line -> spans of values, masked
        self.dev_file = bool(_DEV_STEM.search(ctx.path.lower()))
        self._low: str | None = None
        self.is_code = ctx.language.is_code
        self.config_slot = ctx.language in _CONFIG_LANGS

    @property
    def low(self) -> str:
        if self._low is None:
            self._low = self.text.lower()
        return self._low

    # -- positions
    def line_of(self, pos: int) -> int:
        if self._nl is None:
            self._nl = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self._nl, pos) + 1

    def line_bounds(self, pos: int) -> tuple[int, int]:
        """Start and end offsets of the line holding `pos`: O(log n), also on one-line minified files."""
        line = self.line_of(pos)
        nl = self._nl
        assert nl is not None
        start = nl[line - 2] + 1 if line >= 2 else 0
        end = nl[line - 1] if line - 1 < len(nl) else len(self.text)
        return start, end

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.taken)

    def in_comment(self, line: int) -> bool:
        return self.ctx.is_comment_line(line)

    def noted_fake(self, pos: int, end: int) -> bool:
        """A comment after the value on its line, or a comment line just above, calls it fake."""
        ls, le = self.line_bounds(pos)
        if _FAKE_NOTE.search(self.text, end, min(le, end + 300)):
            return True
        line = self.line_of(pos)
        return line > 1 and self.in_comment(line - 1) and bool(_FAKE_NOTE.search(self.ctx.line_text(line - 1)[:300]))

    # -- output
    def add(self, *, kind: str, provider: str, value: str, start: int, name: str | None = None,
            placeholder: bool = False, fallback_for: str | None = None, group: str | None = None,
            mask_span: tuple[int, int] | None = None) -> None:
        line = self.line_of(start)
        digest = secret_hash(value)
        key = (line, group or kind, digest)
        if key in self.seen:
            return
        self.seen.add(key)
        if not placeholder and kind not in ("fallback", "public-env-secret") and self.noted_fake(start, start + len(value)):
            placeholder = True
        ls, _ = self.line_bounds(start)
        s, e = mask_span or (start, start + len(value))
        masked = mask_secret(value)
        if e > s:
            self.masks.setdefault(line, []).append((s, e, masked))
        else:
            s = start
        self.pending.append((SecretCandidate(
            location=Location(self.ctx.path, line, start - ls + 1), kind=kind, provider=provider, masked=masked,
            digest=digest, name=name, entropy=round(entropy(value), 2), placeholder=placeholder,
            fallback_for=fallback_for, in_comment=self.in_comment(line)), s))

    def add_name_only(self, *, kind: str, name: str, start: int) -> None:
        """A finding about a name, with no value on the line (a read of NEXT_PUBLIC_…_SECRET)."""
        line = self.line_of(start)
        ls, _ = self.line_bounds(start)
        self.pending.append((SecretCandidate(
            location=Location(self.ctx.path, line, start - ls + 1), kind=kind, provider="generic", masked="",
            digest="", name=name, in_comment=self.in_comment(line)), start))

    def finish(self) -> None:
        """Attach snippets once every value of the file is known: a line holding two secrets shows
        both masked, whichever candidate the snippet belongs to."""
        for cand, pos in self.pending:
            ls, le = self.line_bounds(pos)
            lo, hi = max(ls, pos - 160), min(le, pos + 200)        # long lines: a window around the value
            parts, cur = [], lo
            for s, e, masked in sorted(self.masks.get(cand.location.line or 0, ())):
                if e <= cur or s >= hi:
                    continue
                s, e = max(s, cur), min(e, le)
                parts.append(self.text[cur:s])
                parts.append(masked)
                cur = e
                hi = max(hi, min(le, e + 40))
            parts.append(self.text[cur:hi] if cur < hi else "")
            snippet = redact_line("".join(parts).strip())[:240]
            self.facts.secrets.append(replace(cand, snippet=snippet))

    # -- 1. provider keys
    def providers(self) -> None:
        text = self.text
        for m in _LONG_TOKEN.finditer(text):
            tok = m.group(0)
            if not tok.startswith(_TOKEN_PREFIXES):
                continue
            for p in PROVIDERS:
                if tok.startswith(p.prefixes):
                    km = p.regex.match(text, m.start())
                    if km and self.provider_hit(p, km.start(), km.end()):
                        break
        for p in URL_PROVIDERS:
            if p.prefixes[0] in text:
                for km in p.regex.finditer(text):
                    self.provider_hit(p, km.start(), km.end())

    def provider_hit(self, p: _Provider, start: int, end: int) -> bool:
        text = self.text
        if p.context and not any(c in text for c in p.context):
            return False
        if start > 0 and _TOKEN_CHAR.match(text[start - 1]) and p not in URL_PROVIDERS:
            return False
        if end < len(text) and _TOKEN_CHAR.match(text[end]) and p.kind in ("aws-access-key-id", "twilio-api-key", "google-api-key"):
            return False
        if p.kind == "aws-access-key-id" and _SIGV4_SCOPE.match(text, end):
            self.taken.append((start, end))   # not a secret by any other rule either
            return True    # AKIA…/20220405/eu-central-1/s3/aws4_request: the key id every presigned URL shows
        value = text[start:end]
        if p.kind == "openai-api-key" and value.startswith("sk-ant-"):
            return False
        body = value.split("_", 2)[-1] if p.kind.startswith("stripe") else value
        if p.kind == "slack-webhook":
            body = value.rsplit("/", 1)[-1]
        if self._fake_body(body, p):
            return False
        name = self.name_before(start)
        self.taken.append((start, end))
        if p.kind == "google-api-key" and self.public_google(name):
            return True
        self.add(kind=p.kind, provider=p.provider, value=value, start=start, name=name, group="value")
        if name and (m2 := _PUBLIC_PREFIX.search(name)) and m2.start() == 0 and p.kind not in TEST_KINDS:
            self.add(kind="public-env-secret", provider=p.provider, value=value, start=start, name=name)
        return True

    def _fake_body(self, body: str, p: _Provider) -> bool:
        if fake_token(body) or entropy(body) < p.min_entropy:
            return True
        if p.kind in ("openai-api-key", "anthropic-api-key", "github-token", "resend-api-key", "huggingface-token",
                      "gitlab-token", "slack-webhook", "npm-token", "groq-api-key", "replicate-token"):
            tail = body.split("-", 2)[-1] if p.kind.startswith(("openai", "anthropic")) else body
            if not (any(c.isdigit() for c in tail) and any(c.isalpha() for c in tail)) or _wordy(tail):
                return True
        if p.kind == "slack-token" and not re.search(r"\d{6,}", body):
            return True
        return False

    def public_google(self, name: str | None) -> bool:
        """Firebase web config and browser Maps keys are public identifiers by design."""
        text = self.text
        if "authDomain" in text or "firebase" in self.low or self.ctx.client_side:
            return True
        if name and _PUBLIC_PREFIX.match(name):
            return True
        words = _words(name) if name else ()
        if any(w in ("map", "maps", "gmap", "gmaps", "embed") for w in words) and \
                not any(w in ("server", "backend", "secret", "private", "geocode", "geocoding") for w in words):
            return True   # GOOGLE_MAP_API_KEY: the Maps JavaScript key every page that shows a map carries
        return self.ctx.path.lower().endswith((".html", ".htm", ".vue", ".svelte", ".jsx", ".tsx", ".astro"))

    def name_before(self, pos: int) -> str | None:
        """The variable/key a value at `pos` is assigned to, on the same line."""
        ls, _ = self.line_bounds(pos)
        before = self.text[max(ls, pos - 200):pos]
        m = _NAME_BEFORE.search(before)
        return _last_segment(m.group(1)) if m else None

    # -- 2. private keys
    def private_keys(self) -> None:
        text = self.text
        if "PRIVATE KEY" not in text:
            return
        for m in _KEY_BLOCK.finditer(text):
            start = m.start()
            tail = text[m.end():m.end() + 20000]
            end = _KEY_END.search(tail)
            body_raw = tail[:end.start()] if end else tail[:4000]
            body_raw = body_raw.replace("\\n", "\n").replace("\\r", "")
            lines = [ln.strip().strip("'\",+").strip() for ln in body_raw.splitlines()]
            lines = [ln for ln in lines if ln and ":" not in ln]   # drop "Proc-Type:" style headers
            body = "".join(lines)
            b64 = re.sub(r"[^A-Za-z0-9+/=]", "", body)
            if len(b64) < 64 or "..." in body or fake_token(b64[:64]) or entropy(b64) < 4.0:
                continue
            kind = (m.group(1) or "").strip().lower().replace(" ", "-") or "pkcs8"
            self.taken.append((start, m.end() + (end.end() if end else len(body_raw))))
            self.add(kind="private-key", provider=kind, value=b64, start=start,
                     name=self.name_before(start), group="value", mask_span=(m.end(), m.end()))

    # -- 3. URLs with a password
    def url_passwords(self) -> None:
        text = self.text
        if "://" not in text or "@" not in text:
            return
        for m in _URL_CREDS.finditer(text):
            pw, user, host = m.group("pw"), m.group("user"), m.group("host")
            s = m.start()
            j = s
            while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "+.-"):
                j -= 1
            scheme = text[j:s].lower()
            base = scheme.split("+", 1)[0]
            if scheme not in _URL_SCHEMES and base not in _URL_SCHEMES and base not in ("http", "https"):
                continue
            if base in ("http", "https") and not is_random(pw):
                continue   # basic-auth URLs in docs: only token-like passwords count
            if (is_template(pw) or is_template(user) or pw == user or is_placeholder(pw, user)
                    or pw.startswith(("$", "%", "{", "<", "*"))):
                continue
            start = m.start("pw")
            if self.overlaps(start, m.end("pw")):
                continue
            if _LOCAL_HOSTS.match(host.split(":")[0]):
                continue   # a developer's own database: not a production credential
            kind = "db-url-password-cloud" if _CLOUD_HOSTS.search(host) else "db-url-password"
            self.taken.append((start, m.end("pw")))
            self.add(kind=kind, provider=base, value=pw, start=start, name=self.name_before(j), group="value")

    # -- 4. assignments to secret-like names
    def assignments(self) -> None:
        if self.config_slot and self.ctx.language is not Language.JSON:
            self.config_assignments()
            return
        text = self.text
        hints = _HINTS_CODE if self.is_code else _HINTS_JSON        # JSON {"key": …, "value": …}
        for m in _OP_QUOTE.finditer(text):
            op_end = m.end() - 1                       # the opening quote
            if text[m.start()] == ">" and text[m.start() - 1:m.start()] != "=":
                continue
            before = text[max(0, m.start() - 80):op_end]
            low = " ".join(before[-64:].split()[-3:]).lower()    # the last words before the operator
            if not hints.search(low):
                continue
            nl = before.rfind("\n")
            if nl >= 0:
                before = before[nl + 1:]
            nm = _NAME_END.search(before, max(0, len(before) - 72))
            if not nm:
                continue
            q = text[op_end]
            close = text.find(q, op_end + 1, op_end + 1200)
            if close < 0 or text.find("\n", op_end + 1, close) >= 0:
                continue
            value = text[op_end + 1:close]
            if q == "`" and "${" in value:
                continue
            ls, _ = self.line_bounds(op_end)
            self.assignment(nm.group("name"), value, op_end + 1, ls, "")

    def config_assignments(self) -> None:
        text = self.text
        done: set[int] = set()
        for h in _HINT.finditer(text):
            ls, le = self.line_bounds(h.start())
            if ls in done:
                continue
            done.add(ls)
            line = self.assignment_line(ls, le)
            # `- key: SECRET_KEY` / `- name: DB_PASSWORD` / `"SECRET": {`: the value sits on the next lines
            if self.config_slot and (_PAIR_NAME.search(line) or _OBJ_NAME.search(line)):
                nxt = le
                for _ in range(3):
                    if nxt >= len(text):
                        break
                    ns, ne = nxt + 1, text.find("\n", nxt + 1)
                    ne = len(text) if ne < 0 else ne
                    if ns not in done:
                        done.add(ns)
                        self.assignment_line(ns, ne)
                    nxt = ne

    def assignment_line(self, ls: int, le: int) -> str:
        line = self.text[ls:min(le, ls + 4000)]
        for m in _ASSIGN_Q.finditer(line):
            vg = "v1" if m.group("v1") is not None else "v2" if m.group("v2") is not None else "v3"
            self.assignment(m.group("name"), m.group(vg), ls + m.start(vg), ls, line)
        if self.config_slot:
            m = _ASSIGN_U.match(line)
            if m:
                g = "value" if m.group("value") is not None else "dvalue"
                self.assignment(m.group("name") or m.group("dname"), m.group(g), ls + m.start(g), ls, line)
        return line

    def _pair_name(self, ls: int) -> str | None:
        """`value:` in render.yaml / k8s / app.json takes its name from `key:`/`name:` just above."""
        pos = ls
        for _ in range(3):
            if pos <= 0:
                return None
            prev_start = self.text.rfind("\n", 0, pos - 1) + 1
            prev = self.text[prev_start:pos - 1]
            m = _PAIR_NAME.search(prev) or _OBJ_NAME.search(prev)
            if m:
                return m.group(1)
            pos = prev_start
        return None

    def assignment(self, raw_name: str, value: str, start: int, ls: int, line: str) -> None:
        name = _last_segment(raw_name)
        if name.lower() in ("value", "default", "defaultvalue"):
            pair = self._pair_name(ls)
            if not pair:
                return
            name = pair
        value_stripped = value.strip()
        if not value_stripped or self.overlaps(start, start + len(value)):
            return
        if _PUBLIC_PREFIX.match(name):
            return   # public-by-name variables: see public_names()
        strength = name_strength(name)
        if strength == 0:
            return
        v = value_stripped
        if (m := _AUTH_PREFIX.match(v)) and v[m.end():]:
            start += m.end()
            v = v[m.end():]
        if is_template(v) or "://" in v:
            return
        if _REFERENCE_NAME.search(name) or (_ENV_NAME_VALUE.match(v) and not _ENV_NAME_VALUE.match(name)):
            # `existingSecret: app-secrets`, `secretName: …` (which Kubernetes Secret to read) and
            # `serviceTokenKey: TAXONOMY_SERVICE_TOKEN` (which variable holds it): names of secrets, not secrets
            return
        words = name_words(name)
        # provider-specific secrets recognised by the name they sit in
        prov = self._provider_by_name(words, v)
        if prov:
            kind, provider = prov
            if not is_placeholder(v, name):
                self.taken.append((start, start + len(v)))
                self.add(kind=kind, provider=provider, value=v, start=start, name=name, group="value")
            return
        role = _jwt_role(v)
        if role is not None:
            if role == "service_role":
                self.add(kind="supabase-service-role-key", provider="Supabase", value=v, start=start, name=name, group="value")
            elif role in ("anon", "authenticated"):
                return
        placeholder = is_placeholder(v, name) or self.dev_file
        if self.is_code and is_signing_name(name):
            if self.in_comment(self.line_of(start)):
                return
            if self._read_when_present(name):
                # `if os.environ.get("SECRET_KEY"): SECRET_KEY = os.environ["SECRET_KEY"] else: SECRET_KEY = "…"`:
                # the literal is what runs when the variable is missing, a fallback like `get("X", "…")`
                self.add(kind="fallback", provider="generic", value=v, start=start, name=name,
                         placeholder=placeholder, fallback_for=name, group="fallback")
                return
            self.add(kind="signing-secret", provider="generic", value=v, start=start, name=name,
                     placeholder=placeholder, group="value")
            return
        if placeholder:
            return
        if is_random(v):
            self.add(kind="generic" if strength == 2 else "generic-weak", provider="generic", value=v,
                     start=start, name=name, group="value")
        elif strength == 2 and self.config_slot and not self.is_code and is_credential_value(v):
            self.add(kind="config-value", provider="generic", value=v, start=start, name=name, group="value")
        elif strength == 2 and self.is_code and words and words[-1] in ("password", "passwd", "pwd", "pass", "passphrase") \
                and is_password_shaped(v):
            self.add(kind="password-literal", provider="generic", value=v, start=start, name=name, group="value")

    def _read_when_present(self, name: str) -> bool:
        """This file reads the variable `name` (or one ending in it: DJANGO_SECRET_KEY) only after testing
        that it is set, so a literal assigned to `name` elsewhere in the file is its fallback."""
        upper = name.upper()
        return any(r.name and (r.name == upper or r.name.endswith("_" + upper)) and r.name in r.only_if
                   and r.location.path == self.ctx.path for r in self.facts.env_reads)

    def _provider_by_name(self, words: list[str], v: str) -> tuple[str, str] | None:
        ws = set(words)
        joined = "".join(words)
        text = self.text
        if ("secretaccesskey" in joined or ("aws" in ws and "secret" in ws)) and re.fullmatch(r"[A-Za-z0-9/+]{40}", v) \
                and entropy(v) >= 3.5:
            return "aws-secret-access-key", "AWS"
        twilio = "twilio" in ws or (bool(ws & {"auth", "authtoken"}) and "twilio" in self.low)
        if twilio and ws & {"auth", "token", "secret", "authtoken"} and re.fullmatch(r"[0-9a-fA-F]{32}", v):
            return "twilio-auth-token", "Twilio"
        if "postmark" in ws and _UUID.fullmatch(v):
            return "postmark-token", "Postmark"
        if "heroku" in ws and _UUID.fullmatch(v):
            return "heroku-api-key", "Heroku"
        if "mailgun" in ws and re.fullmatch(r"[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}", v):
            return "mailgun-api-key", "Mailgun"
        return None

    # -- 5. fallbacks of secret env reads
    def fallbacks(self) -> None:
        """`process.env.SESSION_SECRET || 'keyboard cat'`, `os.environ.get("SECRET_KEY", "dev")`,
        a BaseSettings field default …: the env-read extractor (which runs first) records the literal
        default of every read in `EnvRead.default`; a secret-named one is a hard-coded fallback."""
        seen: set[tuple[int, str]] = set()
        for read in self.facts.env_reads:
            name, value, loc = read.name, read.default, read.location
            if not (read.has_default and value and name and loc.line and loc.path == self.ctx.path):
                continue
            if (loc.line, name) in seen or name_strength(name) < 2 or is_template(value) or "://" in value:
                continue
            if self.in_comment(loc.line):
                continue
            pos = self._literal_after(value, loc.line, loc.column or 1)
            if pos is None:
                continue   # not a string literal: `?? null`, `|| 0`, `: undefined` are no secret
            seen.add((loc.line, name))
            self.taken.append((pos, pos + len(value)))
            self.add(kind="fallback", provider="generic", value=value, start=pos, name=name,
                     placeholder=is_placeholder(value, name) or self.dev_file, fallback_for=name, group="fallback")

    def _literal_after(self, value: str, line: int, column: int) -> int | None:
        """Offset of `value` written as a string literal at or after the read, on its line or the next
        two (a default on its own line), or None."""
        start = self._line_start(line) + max(column - 1, 0)
        end = self._line_start(line + 3) if line + 3 <= len(self._nl or ()) + 1 else len(self.text)
        for q in ("'", '"', "`"):
            i = self.text.find(q + value + q, start, min(end, start + 4000))
            if i >= 0:
                return i + 1
        return None

    def _line_start(self, line: int) -> int:
        if self._nl is None:
            self.line_of(0)
        assert self._nl is not None
        return 0 if line <= 1 else (self._nl[line - 2] + 1 if line - 2 < len(self._nl) else len(self.text))

    # -- 6. signing calls with a literal key
    def signing_calls(self) -> None:
        text = self.text
        if not self.is_code or not ("jwt" in text or "cookieParser" in text):
            return
        for m in (m for rx in _JWT_CALLS for m in rx.finditer(text)):
            if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_$"):
                continue
            callee = m.group(0).rstrip("( \t")
            arg_index = 0 if callee.endswith("cookieParser") else 1
            lit = _nth_literal_arg(text, m.end(), arg_index)
            if lit is None:
                continue
            value, pos = lit
            if not value or is_template(value):
                continue
            line = self.line_of(pos)
            if self.in_comment(line) or self.overlaps(pos, pos + len(value)):
                continue
            self.taken.append((pos, pos + len(value)))
            self.add(kind="signing-secret", provider="generic", value=value, start=pos, name=callee,
                     placeholder=is_placeholder(value, "jwt secret") or self.dev_file, group="value")

    # -- 7. secrets shipped to the browser by name
    def public_names(self) -> None:
        text = self.text
        if not any(k in text for k in _PUBLIC_KEYWORDS):
            return
        seen: set[str] = set()
        for m in _PUBLIC_PREFIX.finditer(text):
            name = m.group(0)
            if name in seen or not public_secret_name(m.group("rest")):
                continue
            line = self.line_of(m.start())
            if self.in_comment(line):
                continue
            seen.add(name)
            # the literal value set on this line, if any (dotenv, YAML, code assignment)
            ls, le = self.line_bounds(m.start())
            after = text[m.end():min(le, m.end() + 400)]
            vm = re.match(r"""['"]?\s*[:=]\s*(?:'([^'\n]*)'|"([^"\n]*)"|([^\s#'"]+))""", after)
            value = next((g for g in vm.groups() if g), None) if vm else None
            if value and not is_template(value) and not is_placeholder(value, name):
                vstart = m.end() + vm.start(next(i for i, g in enumerate(vm.groups(), 1) if g))
                self.add(kind="public-env-secret", provider="generic", value=value, start=vstart, name=name)
            else:
                self.add_name_only(kind="public-env-secret", name=name, start=m.start())


def _nth_literal_arg(text: str, pos: int, n: int) -> tuple[str, int] | None:
    """The n-th (0-based) top-level argument of a call whose '(' ends at `pos`, when it is a plain
    string literal: (value, offset of the value). Scans at most 600 characters."""
    depth = 0
    index = 0
    i = pos
    end = min(len(text), pos + 600)
    arg_start = pos
    while i < end:
        c = text[i]
        if c in "'\"`":
            j = text.find(c, i + 1, end)
            while j > 0 and text[j - 1] == "\\":
                j = text.find(c, j + 1, end)
            if j < 0:
                return None
            if depth == 0 and index == n and not text[arg_start:i].strip():
                rest = text[j + 1:end].lstrip()
                if rest[:1] in (",", ")"):
                    value = text[i + 1:j]
                    if c == "`" and "${" in value:
                        return None
                    return value, i + 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return None
            depth -= 1
        elif c == "," and depth == 0:
            index += 1
            arg_start = i + 1
            if index > n:
                return None
        i += 1
    return None


def extract_secrets(ctx: FileContext, facts: FileFacts) -> None:
    if _skip_file(ctx.path):
        return
    scan = _Scan(ctx, facts)
    scan.providers()
    scan.private_keys()
    scan.url_passwords()
    if ctx.language.is_code:
        scan.fallbacks()
        scan.signing_calls()
    scan.assignments()
    scan.public_names()
    scan.finish()


EXTRACTORS = (Extractor("secrets", extract_secrets),)
