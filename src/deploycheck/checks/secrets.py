"""secrets: Are there API keys, passwords, tokens or private keys in the source or in committed files?

Reads `SecretCandidate` facts (project/extract/secrets.py) and decides, per file role, which are
findings. The policy in one place:

- A provider-shaped key (sk_live_…, AKIA…, ghp_…, a Slack webhook …) is reported wherever it sits,
  tests and docs included: a leaked key is leaked wherever it is. Only placeholders are silent.
- Stripe *test* keys (sk_test_…) are a warning in files that deploy, silent in tests, examples and docs:
  they cannot move real money, but the live key usually ends up in the same spot.
- Private key blocks everywhere except tests (test fixtures routinely carry throw-away keys).
- Passwords inside connection URLs, unless the host is local or the password is a placeholder or a
  default (`postgres:postgres@localhost`); in tests, dev config and docs only for cloud hosts.
- In a committed `.env` (role ENV_FILE; an ignored one is never discovered), every credential-looking
  value is one `committed-env-file` finding that names the variable.
- Secret-named literals (generic / signing / fallback) only where code runs in production: app code,
  build config, deploy config. Tests, CI, dev config, examples and docs are silent.
- `NEXT_PUBLIC_*`/`VITE_*`/`REACT_APP_*` variables whose name says secret, or whose value is a
  provider secret: shipped to every visitor's browser.

Messages never carry a secret: only the mask (first 4 characters and the length). A finding's
subject is the secret's sha256 (its identity for baselines), or the variable name when there is
no value.
"""
from __future__ import annotations

from typing import Iterator

from deploycheck.core import Check, Finding, Rule, Severity
from deploycheck.project.model import Project, Role, SecretCandidate

QUESTION = "Are there API keys, passwords, tokens or private keys in the source or in committed files?"

_ROTATE = ("Revoke the key at the provider and create a new one (it is in the git history now), "
           "then read it from an environment variable set on the host.")

PROVIDER_KEY = Rule(
    "secrets/provider-key", Severity.ERROR, "Provider API key in a committed file",
    why="Anyone who can read the repository (or a leaked copy of it) can use this key: send email, "
        "charge cards, read data, run up a bill. Bots scan public repositories for these within minutes.",
    fix=_ROTATE,
    docs="""Bad:
    const stripe = new Stripe('sk_live_51H…');
    SLACK_WEBHOOK = "https://hooks.slack.com/services/T…/B…/…"
    accessKeyId: 'AKIA…', secretAccessKey: '…'

Good:
    const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);

Recognised: Stripe live secret/restricted keys and webhook secrets, AWS access key ids and secret
keys (next to an AWS-ish name), OpenAI, Anthropic, GitHub, GitLab, Slack tokens and webhooks, Discord
webhooks, Google API keys and OAuth client secrets, SendGrid, Twilio (SK… keys; auth tokens next to a
Twilio name), Resend, Postmark, Mailgun, Heroku, npm, Hugging Face, Groq, Replicate, DigitalOcean,
Shopify, PyPI, Linear, PlanetScale, Sentry, Square, Doppler tokens, Supabase service-role keys.
A real-looking key is reported wherever it sits, tests and commented-out code included.

Not reported: placeholders (sk_live_xxx…, YOUR_KEY, the AWS documentation key), values a comment
next to them calls dummy or fake, publishable keys (pk_live_), Twilio account SIDs, Firebase web
config and browser Google keys (public by design), Supabase anon keys.

References: gitleaks default rules; GitHub secret scanning patterns.""")
PROVIDER_TEST_KEY = Rule(
    "secrets/provider-test-key", Severity.WARNING, "Test-mode provider key hard-coded",
    why="A test key cannot move real money, but it is still a credential to your provider account, and "
        "the live key usually ends up in the same line when you go to production.",
    fix="Read the key from an environment variable now, so the live key never gets written into the code.",
    docs="""Bad:
    const stripe = new Stripe('sk_test_4eC39…');

Good:
    const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);

Not reported: test keys in tests, examples, docs, dev-only config and CI.""")
PRIVATE_KEY = Rule(
    "secrets/private-key", Severity.ERROR, "Private key committed",
    why="A private key (SSH deploy key, TLS key, JWT signing key, service account) lets anyone who reads "
        "the repository log in as you, impersonate your server or forge tokens.",
    fix="Delete the file, add it to .gitignore, generate a new key pair and revoke the old one; load the "
        "key from a secret store or an environment variable on the host.",
    docs="""Bad:
    deploy/deploy_key               -----BEGIN OPENSSH PRIVATE KEY----- …
    service-account.json            "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE…"

Good:
    GOOGLE_APPLICATION_CREDENTIALS pointing to a file outside the repository, or the key in a secret store.

Not reported: public keys (*.pub, BEGIN PUBLIC KEY, certificates), shortened examples in docs
(MIIE…), and throw-away keys in test fixtures.""")
PASSWORD_IN_URL = Rule(
    "secrets/password-in-url", Severity.ERROR, "Password inside a connection URL",
    why="The database (or queue, cache, mail server) password is in the code; anyone with the repository "
        "can connect to it directly.",
    fix="Move the whole URL into an environment variable (DATABASE_URL) set on the host, and change the password.",
    docs="""Bad:
    const pool = new Pool({ connectionString: 'postgres://app:R6L9…@prod-db.rds.amazonaws.com/app' });
    MONGO_URL = "mongodb+srv://admin:Kd82…@cluster0.mongodb.net/app"

Good:
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });

Not reported: local databases (localhost, 127.0.0.1, *.local), passwords equal to the user name or
a default (postgres, guest, password), templates (${DB_PASSWORD}, <password>), and in tests, dev
config and docs any host that is not a managed cloud database.""")
HARDCODED_SECRET = Rule(
    "secrets/hardcoded-secret", Severity.ERROR, "Secret literal in code or deploy config",
    why="A secret-named variable holds a literal credential in a committed file; it is as public as the "
        "repository, and it cannot differ between your laptop and production.",
    fix="Read it from an environment variable (set on the host) instead, and rotate the value.",
    docs="""Bad:
    module.exports = { apiKey: 'S2A36wdjiPDm…' };
    headers: { Authorization: 'Bearer Uc4Xcff…' }
    render.yaml:  - key: SECRET_KEY / value: Zq8mP2vL…
    Dockerfile:   ENV API_SECRET=n5Ak040a…

Good:
    module.exports = { apiKey: process.env.BILLING_API_KEY };
    render.yaml:  - key: SECRET_KEY / generateValue: true   (or sync: false)

In code, only machine-made values count (digits and both cases, high entropy); in deploy config any
non-placeholder value of a secret-named variable does.

Not reported: UUIDs, hashes (bcrypt, sha256, integrity), URLs, paths, identifiers, placeholders,
values a comment calls dummy or fake; tests, CI workflows, dev-only config, examples and docs.""")
GENERIC_HIGH_ENTROPY = Rule(
    "secrets/generic-high-entropy", Severity.WARNING, "Random-looking literal in a secret-like slot",
    why="The name suggests a key or password and the value looks machine-generated (or like a hand-made "
        "password); if it is a real credential, it is exposed to everyone who can read the repository.",
    fix="If this is a credential, read it from an environment variable and rotate it; if it is not, "
        "silence this line with `deploycheck: ignore[secrets/generic-high-entropy] <why>`.",
    docs="""Bad:
    const licenseKey = 'Uc4XcffSHTRc2lo1NSLeRo8C';
    const adminPassword = 'Zq8#mP2…';

Good:
    const licenseKey = process.env.LICENSE_KEY;

Weaker evidence than secrets/hardcoded-secret: the name only suggests a key (`*_key`, salt, a key of
a provider whose keys are often public), or the value is a hand-made password.""")
HARDCODED_SIGNING_SECRET = Rule(
    "secrets/hardcoded-signing-secret", Severity.ERROR, "Session/JWT signing secret hard-coded",
    why="Whoever knows the signing secret can forge session cookies and login tokens for any user, "
        "admins included; a literal in the code is known to everyone who can read it.",
    fix="Read the secret from an environment variable, fail at start-up when it is missing, and set a "
        "long random value on the host (e.g. `openssl rand -hex 32`).",
    docs="""Bad:
    app.use(session({ secret: 'keyboard cat' }));
    const token = jwt.sign(payload, 'my-jwt-key');
    app.secret_key = "s3cr3t-…"; SECRET_KEY = 'django-insecure-…'

Good:
    const secret = process.env.SESSION_SECRET;
    if (!secret) throw new Error('SESSION_SECRET is not set');

Not reported: placeholders in tests, settings modules for development (settings/dev.py,
config/local.js), and values read from the environment (a literal fallback there is
secrets/hardcoded-fallback).""")
HARDCODED_FALLBACK = Rule(
    "secrets/hardcoded-fallback", Severity.WARNING, "Hard-coded fallback for a secret env var",
    why="When the variable is not set in production, the app silently uses this public value, so "
        "sessions or tokens are signed with a secret anyone can read in the code.",
    fix="Remove the fallback and fail at start-up when the variable is missing.",
    docs="""Bad:
    secret: process.env.SESSION_SECRET || 'keyboard cat',
    app.secret_key = os.environ.get("SECRET_KEY", "dev")
    class Settings(BaseSettings): jwt_secret: str = "change-me"

Good:
    secret: requireEnv('SESSION_SECRET'),
    app.secret_key = os.environ["SECRET_KEY"]

Reported even when the fallback is a placeholder: the placeholder is what production uses when the
variable is missing. Not reported: non-secret names (API_URL, PORT), empty or non-string defaults,
tests and dev-only settings.""")
COMMITTED_ENV_FILE = Rule(
    "secrets/committed-env-file", Severity.ERROR, "Credential in a committed .env file",
    why="This .env file is part of the repository (it is not in .gitignore), so every secret in it is "
        "readable by anyone with the code, and stays in the git history.",
    fix="Add the file to .gitignore, remove it from git (`git rm --cached`), rotate every credential in it, "
        "and commit a .env.example with placeholders instead.",
    docs="""Bad (a committed .env, .env.local, .env.production):
    SECRET_KEY=c0ffee00deadbeef…
    DATABASE_URL=postgres://app:R6L9…@prod-db.example.com/app

Good:
    .gitignore:   .env*  and  !.env.example
    .env.example: SECRET_KEY=replace-me

A .env that .gitignore ignores is never read. Not reported: empty values, ${interpolations},
emails, hosts, ports, booleans, numbers, URLs without a password, placeholders; .env.example,
.env.sample and .env.template; .env.development/.env.test (dev config) except for provider keys.""")
PUBLIC_ENV_SECRET = Rule(
    "secrets/public-env-secret", Severity.ERROR, "Secret in a browser-exposed variable",
    why="NEXT_PUBLIC_, VITE_, REACT_APP_ and EXPO_PUBLIC_ variables are copied into the JavaScript sent to "
        "every visitor; a secret in one is public.",
    fix="Rename it without the public prefix, use it only in server code (an API route or server action), "
        "and rotate the value.",
    docs="""Bad:
    new Stripe(process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY)
    createClient(url, import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY)
    NEXT_PUBLIC_OPENAI_KEY=sk-proj-…

Good:
    new Stripe(process.env.STRIPE_SECRET_KEY)          // in an API route only

Not reported: public values by design (NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY, *_ANON_KEY, site keys,
Google Maps and Firebase browser keys), examples, docs and tests. Each variable is reported once
per file.""")

RULES = (PROVIDER_KEY, PROVIDER_TEST_KEY, PRIVATE_KEY, PASSWORD_IN_URL, HARDCODED_SECRET,
         GENERIC_HIGH_ENTROPY, HARDCODED_SIGNING_SECRET, HARDCODED_FALLBACK, COMMITTED_ENV_FILE,
         PUBLIC_ENV_SECRET)

_NOT_PROVIDER = frozenset({"private-key", "db-url-password", "db-url-password-cloud", "signing-secret",
                           "fallback", "generic", "generic-weak", "config-value", "password-literal",
                           "public-env-secret"})
_TEST_KINDS = frozenset({"stripe-test-key"})

_LABELS = {
    "stripe-secret-key": "Stripe live secret key", "stripe-restricted-key": "Stripe live restricted key",
    "stripe-test-key": "Stripe test key", "stripe-webhook-secret": "Stripe webhook signing secret",
    "aws-access-key-id": "AWS access key id", "google-oauth-client-secret": "Google OAuth client secret", "aws-secret-access-key": "AWS secret access key",
    "openai-api-key": "OpenAI API key", "anthropic-api-key": "Anthropic API key",
    "github-token": "GitHub token", "slack-token": "Slack token", "slack-webhook": "Slack webhook URL",
    "discord-webhook": "Discord webhook URL", "google-api-key": "Google API key",
    "sendgrid-api-key": "SendGrid API key", "twilio-api-key": "Twilio API key",
    "twilio-auth-token": "Twilio auth token", "resend-api-key": "Resend API key",
    "postmark-token": "Postmark server token", "mailgun-api-key": "Mailgun API key",
    "heroku-api-key": "Heroku API key", "npm-token": "npm token", "gitlab-token": "GitLab token",
    "huggingface-token": "Hugging Face token", "supabase-service-role-key": "Supabase service-role key",
}
_DEPLOYED = frozenset({Role.APP, Role.SCRIPT, Role.BUILD_CONFIG, Role.DEPLOY_CONFIG, Role.MIGRATION, Role.OTHER})
_RUNS_IN_PROD = frozenset({Role.APP, Role.BUILD_CONFIG})
_QUIET = frozenset({Role.TEST, Role.DOCS, Role.ENV_EXAMPLE})


def _label(c: SecretCandidate) -> str:
    if c.kind == "private-key":
        return f"{c.provider.replace('-', ' ').upper() if c.provider != 'pkcs8' else ''} private key".strip()
    return _LABELS.get(c.kind, f"{c.provider} {c.kind.replace('-', ' ')}")


def _var(c: SecretCandidate) -> str:
    return f" in `{c.name}`" if c.name else ""


def classify(c: SecretCandidate, role: Role | None) -> Rule | None:
    """The rule a candidate breaks in a file of this role, or None. The whole policy lives here."""
    kind = c.kind
    provider = kind not in _NOT_PROVIDER and not kind.startswith("db-url")
    if kind == "public-env-secret":
        return None if role in _QUIET or c.in_comment else PUBLIC_ENV_SECRET
    if c.in_comment and not (provider or kind == "private-key"):
        return None
    if kind == "fallback":
        return HARDCODED_FALLBACK if role in _RUNS_IN_PROD else None
    if c.placeholder:
        return None
    if kind in _TEST_KINDS:
        return PROVIDER_TEST_KEY if role in _DEPLOYED or role is Role.ENV_FILE else None
    if role is Role.ENV_FILE:
        return COMMITTED_ENV_FILE if kind not in ("signing-secret", "password-literal") else None
    if provider:
        return PROVIDER_KEY
    if kind == "private-key":
        return None if role is Role.TEST else PRIVATE_KEY
    if kind == "db-url-password-cloud":
        return PASSWORD_IN_URL
    if kind == "db-url-password":
        return PASSWORD_IN_URL if role in _DEPLOYED or role is Role.CI else None
    if kind == "signing-secret":
        return HARDCODED_SIGNING_SECRET if role in _RUNS_IN_PROD else None
    if kind == "generic":
        return HARDCODED_SECRET if role in _DEPLOYED else None
    if kind == "config-value":
        return HARDCODED_SECRET if role is Role.DEPLOY_CONFIG else None
    if kind == "generic-weak":
        return GENERIC_HIGH_ENTROPY if role in _DEPLOYED - {Role.SCRIPT, Role.MIGRATION} else None
    if kind == "password-literal":
        return GENERIC_HIGH_ENTROPY if role in _RUNS_IN_PROD else None
    return None


def _message(rule: Rule, c: SecretCandidate) -> str:
    m = c.masked
    if rule is COMMITTED_ENV_FILE:
        what = ("a database password" if c.kind.startswith("db-url") else
                "a private key" if c.kind == "private-key" else
                f"a {_label(c)}" if c.kind not in _NOT_PROVIDER else "a secret")
        return f"`{c.name or '?'}` in this committed env file holds {what}: {m}"
    if rule is PUBLIC_ENV_SECRET:
        if m:
            return f"`{c.name}` is shipped to the browser and holds a secret: {m}"
        return f"`{c.name}` is shipped to the browser, and its name says it is a secret"
    if rule is PASSWORD_IN_URL:
        return f"{c.provider} URL{_var(c)} has its password inline: {m}"
    if rule is PRIVATE_KEY:
        return f"{_label(c)} committed: {m}"
    if rule is HARDCODED_FALLBACK:
        return f"`{c.fallback_for}` falls back to a hard-coded value when it is not set: {m}"
    if rule is HARDCODED_SIGNING_SECRET:
        where = f"`{c.name}`" if c.name and not c.name.startswith(("jwt.", "jsonwebtoken.", "cookieParser")) \
            else f"{c.name}()" if c.name else "the signing call"
        return f"signing secret hard-coded in {where}: {m}"
    if rule is HARDCODED_SECRET:
        return f"`{c.name}` is set to a literal secret: {m}"
    if rule is GENERIC_HIGH_ENTROPY:
        what = "a password literal" if c.kind == "password-literal" else "a random-looking literal"
        return f"`{c.name}` is set to {what}: {m}"
    return f"{_label(c)} hard-coded{_var(c)}: {m}"


def find(project: Project, ctx: object) -> Iterator[Finding]:
    reported: set[tuple[str | None, int | None, str, str]] = set()
    for c in project.secrets:
        rule = classify(c, project.role(c))
        if rule is None:
            continue
        subject = c.digest or (c.name or "")
        key = (c.location.path, c.location.line, rule.id, subject)
        if key in reported:
            continue
        reported.add(key)
        fix = None
        if rule is PROVIDER_KEY and c.provider and c.provider != "generic":
            fix = f"Revoke this {c.provider} key in the {c.provider} dashboard and create a new one (it is in the git " \
                  f"history now), then read it from an environment variable set on the host."
        yield rule.at(c.location, _message(rule, c), subject=subject, fix=fix, snippet=c.snippet or None)


CHECK = Check("secrets", QUESTION, rules=RULES, find=find, title="No secrets in code")
