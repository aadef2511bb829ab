"""EnvDeclarations from env examples, docs and deploy-config comments."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


def decls(path: str, text: str) -> list[tuple[str, int, str]]:
    return [(d.name, d.location.line, d.source) for d in extract(path, text).env_declarations]


# ------------------------------------------------------------------------------------------ examples

def test_env_example_keys_and_commented_optional_keys():
    text = "# Required\nDATABASE_URL=postgres://localhost/app\nexport JWT_SECRET=<long random>\n" \
           "# Optional\n# SENTRY_DSN=\n#   LOG_LEVEL=debug\n# Get STRIPE_SECRET_KEY from the dashboard\n"
    assert decls(".env.example", text) == [
        ("DATABASE_URL", 2, "env-example"), ("JWT_SECRET", 3, "env-example"), ("SENTRY_DSN", 5, "env-example"),
        ("LOG_LEVEL", 6, "env-example"), ("STRIPE_SECRET_KEY", 7, "env-example")]


def test_other_example_names():
    for path in (".env.sample", ".env.template", "env.example", "deploy/env.example", ".env.production.example"):
        facts = extract(path, "API_KEY=\n")
        assert [d.name for d in facts.env_declarations] == ["API_KEY"], path
        assert facts.env_sources == [], path


def test_malformed_example_does_not_crash():
    facts = extract(".env.example", "just some words\nAPI_KEY=1\n")
    assert [d.name for d in facts.env_declarations] == ["API_KEY"]


# ------------------------------------------------------------------------------------------ docs

README = """\
# Shop

Run `npm start`. The SERVER_MODE word in prose is not a declaration, nor is Read The Docs.

## Local setup

```bash
cp .env.example .env
export LOCAL_ONLY_VAR=1
```

Set `LOCAL_SPAN_VAR` on your machine.

## Configuration

| Variable | Required | Where |
| --- | --- | --- |
| DATABASE_URL | yes | `fly secrets set DATABASE_URL=...` |
| LOG_LEVEL, PORT | no | `fly.toml` |
| Mode | no | HTTP_404 is a status |

- `REDIS_URL`: cache connection
- STRIPE_WEBHOOK_SECRET — from the Stripe dashboard
- MAX_ITEMS is a constant, see `config.ts`

## Deploy

```sh
heroku config:set MAIL_FROM=shop@example.com
fly secrets set PAYMENT_KEY=$KEY
npm run build
echo $NOT_DECLARED_REF
```

```yaml
envVars:
  - key: RENDER_SIDE
    sync: false
```

Local run: `QUICK_VAR=1 npm start` (e.g. with `OTHER_LOCAL=1`).
"""


def test_docs_declarations():
    names = {(n, line) for n, line, src in decls("README.md", README) if src == "docs"}
    assert names == {("DATABASE_URL", 18), ("LOG_LEVEL", 19), ("PORT", 19), ("REDIS_URL", 22),
                     ("STRIPE_WEBHOOK_SECRET", 23), ("MAIL_FROM", 29), ("PAYMENT_KEY", 30), ("RENDER_SIDE", 37)}


def test_docs_are_conservative():
    names = {n for n, _, _ in decls("README.md", README)}
    for never in ("SERVER_MODE", "LOCAL_ONLY_VAR", "LOCAL_SPAN_VAR", "HTTP_404", "MAX_ITEMS", "NOT_DECLARED_REF",
                  "QUICK_VAR", "OTHER_LOCAL", "Mode"):
        assert never not in names, never


def test_docs_only_for_docs_files():
    assert decls("CHANGELOG.md", "- `RENAMED_VAR` was renamed\n") == []
    assert [n for n, _, _ in decls("docs/deployment.md", "Set `API_TOKEN`.\n")] == ["API_TOKEN"]


def test_setext_headings_and_title_do_not_hide_the_body():
    text = "Local Tools\n===========\n\nSet `TOKEN_A`.\n\nDevelopment\n-----------\n\nSet `TOKEN_B`.\n"
    assert [n for n, _, _ in decls("README.md", text)] == ["TOKEN_A"]


# ------------------------------------------------------------------------------------------ config comments

def test_comment_in_deploy_config_declares_names():
    text = '[build]\n  command = "npm run build"\n# Secrets (DATABASE_URL, SESSION_PASSWORD) are set in the Netlify UI.\n'
    assert decls("netlify.toml", text) == [("DATABASE_URL", 3, "config-comment"),
                                           ("SESSION_PASSWORD", 3, "config-comment")]


def test_commented_out_settings_are_not_declarations():
    text = ("services:\n  - type: web\n    name: api\n    envVars:\n"
            "      # - key: OLD_STRIPE_KEY\n      #   sync: false\n"
            "      # LEGACY_URL: https://old.example.com\n"
            "      - key: A   # B_TOKEN is rotated monthly\n        value: x\n")
    assert decls("render.yaml", text) == [("B_TOKEN", 8, "config-comment")]


def test_comments_in_app_code_are_not_config_comments():
    assert decls("src/app.py", "# DATABASE_URL is read below\nimport os\n") == []


def test_code_block_forms():
    text = ("## Environment\n\n```\nDATABASE_URL\nSTRIPE_SECRET_KEY   # from the dashboard\n```\n\n"
            "```json\n{\n  \"env\": { \"API_BASE_URL\": \"https://x\" }\n}\n```\n\n"
            "```js\nconst MAX_RETRIES = 3;\nfetch(API_URL);\n```\n"
            "```python\nMAX_ITEMS = 10\nTIMEOUT_SECONDS: int = 5\n```\n")
    assert [n for n, _, _ in decls("README.md", text)] == ["DATABASE_URL", "STRIPE_SECRET_KEY", "API_BASE_URL"]
