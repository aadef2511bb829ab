"""Each file's language and role, from its path (and a little content where the name is ambiguous).

Checks filter on roles ("silent on tests and dev-only config" is `role is Role.APP`), so a wrong
role is a false positive or a miss in every check at once.
"""
from __future__ import annotations

import pytest

from deploycheck.project.classify import is_client_side, language_of, role_of
from deploycheck.project.model import Language, Role

APP, TEST, SCRIPT, DEV, DEPLOY, CI, DOCS = (Role.APP, Role.TEST, Role.SCRIPT, Role.DEV_CONFIG,
                                            Role.DEPLOY_CONFIG, Role.CI, Role.DOCS)
ENV_EXAMPLE, ENV_FILE, MANIFEST, MIGRATION, BUILD, OTHER = (Role.ENV_EXAMPLE, Role.ENV_FILE, Role.MANIFEST,
                                                            Role.MIGRATION, Role.BUILD_CONFIG, Role.OTHER)


def role(path: str, text: str = "") -> Role:
    return role_of(path, language_of(path), text)


@pytest.mark.parametrize("path,lang", [
    ("src/server.js", Language.JAVASCRIPT), ("src/a.mjs", Language.JAVASCRIPT), ("src/a.cjs", Language.JAVASCRIPT),
    ("src/App.jsx", Language.JAVASCRIPT), ("src/a.ts", Language.TYPESCRIPT), ("src/a.mts", Language.TYPESCRIPT),
    ("app/page.tsx", Language.TSX), ("app/main.py", Language.PYTHON), ("package.json", Language.JSON),
    ("tsconfig.json", Language.JSON), ("render.yaml", Language.YAML), (".github/workflows/ci.yml", Language.YAML),
    ("fly.toml", Language.TOML), ("Pipfile", Language.TOML), (".env", Language.DOTENV),
    (".env.production.local", Language.DOTENV), ("env.example", Language.DOTENV), ("prod.env", Language.DOTENV),
    ("Dockerfile", Language.DOCKERFILE), ("Dockerfile.prod", Language.DOCKERFILE),
    ("docker/api.Dockerfile", Language.DOCKERFILE), ("Containerfile", Language.DOCKERFILE),
    ("Procfile", Language.TEXT), ("requirements.txt", Language.TEXT), ("requirements-dev.txt", Language.TEXT),
    (".nvmrc", Language.TEXT), ("deploy/app.service", Language.INI), ("setup.cfg", Language.INI),
    ("scripts/deploy.sh", Language.SHELL), ("README.md", Language.MARKDOWN), ("db/init.sql", Language.SQL),
    ("deploy/id_rsa", Language.TEXT), ("Makefile", Language.OTHER), ("logo.svg", Language.OTHER),
])
def test_language(path, lang):
    assert language_of(path) is lang


@pytest.mark.parametrize("path", [
    # Express / Fastify / Hono / NestJS
    "server.js", "index.js", "app.js", "src/server.js", "src/app.ts", "src/routes/users.js",
    "src/middleware/auth.js", "src/controllers/user.controller.ts", "src/users/users.module.ts",
    "src/db.js", "src/lib/email.ts", "src/config.js", "api/index.js",
    # Next.js app and pages routers
    "app/page.tsx", "app/layout.tsx", "app/api/users/route.ts", "app/(shop)/cart/page.tsx",
    "app/blog/[slug]/page.tsx", "src/app/api/auth/[...nextauth]/route.ts", "pages/index.tsx",
    "pages/api/hello.ts", "pages/api/posts/[id].ts", "middleware.ts", "src/middleware.ts", "lib/db.ts",
    "components/Header.tsx",
    # Flask / Django / FastAPI
    "app.py", "wsgi.py", "app/__init__.py", "app/routes.py", "app/models.py", "config.py",
    "mysite/settings.py", "mysite/urls.py", "blog/views.py", "blog/admin.py", "blog/models.py",
    "app/main.py", "app/routers/items.py", "app/api/v1/endpoints/users.py", "app/core/config.py",
    "worker/main.py", "bakery/settings/production.py", "bakery/settings/base.py", "app/routes/dev.py",
    "config/production.js",
])
def test_application_code(path):
    assert role(path) is APP


@pytest.mark.parametrize("path", [
    "tests/test_api.py", "test/app.test.js", "src/__tests__/Header.test.tsx", "src/utils.spec.ts",
    "conftest.py", "tests/conftest.py", "blog/tests.py", "app/tests/test_models.py", "test_app.py",
    "app_test.py", "e2e/login.spec.ts", "e2e/helpers.ts", "cypress/e2e/signup.cy.js",
    "cypress/support/commands.js", "playwright/fixtures.ts", "src/setupTests.js", "jest.setup.js",
    "src/__mocks__/fs.js", "tests/fixtures/users.json", "spec/models/user_spec.js",
    "src/components/Button.stories.tsx", "tests/e2e/seed.sql", "integration-tests/api.js",
    "jest-helpers/azure-http-function-v3-event.js", "src/test-helpers/db.ts", "test_utils/factories.py",
    ".semgrep/security/requests/no-use-requests-lib.py",
])
def test_tests(path):
    assert role(path) is TEST


@pytest.mark.parametrize("path", [
    "scripts/seed.js", "scripts/migrate.ts", "seed.py", "seed.js", "prisma/seed.ts", "bin/www.sh",
    "scripts/deploy.sh", "tools/gen_keys.py", "deploy/install.sh", "db/seeds/users.sql",
])
def test_scripts(path):
    assert role(path) is SCRIPT


@pytest.mark.parametrize("path", [
    "migrations/001_init.sql", "migrations/1730000000000_create-products.js",
    "alembic/versions/0002_task_due_date.py", "alembic/env.py", "blog/migrations/0001_initial.py",
    "prisma/migrations/20240101_init/migration.sql", "supabase/migrations/20240101_init.sql",
    "db/migrations/20240101-add-users.js", "src/migrations/1700000000000-Init.ts",
])
def test_migrations(path):
    assert role(path) is MIGRATION


@pytest.mark.parametrize("path", [
    ".github/workflows/ci.yml", ".github/workflows/deploy.yaml", ".gitlab-ci.yml", ".circleci/config.yml",
    "bitbucket-pipelines.yml", "azure-pipelines.yml", ".travis.yml", "Jenkinsfile",
])
def test_ci(path):
    assert role(path) is CI


@pytest.mark.parametrize("path,text", [
    ("render.yaml", ""), ("fly.toml", ""), ("vercel.json", ""), ("netlify.toml", ""), ("railway.json", ""),
    ("railway.toml", ""), ("Procfile", ""), ("Dockerfile", ""), ("Dockerfile.prod", ""), ("app.json", ""),
    ("nixpacks.toml", ""), ("serverless.yml", ""), ("ecosystem.config.js", ""), ("wrangler.toml", ""),
    ("docker-compose.yml", "services:\n  web:\n    image: ghcr.io/acme/web:1.4.2\n"),
    ("docker-compose.prod.yml", "services:\n  web:\n    image: web:1\n"),
    ("app.yaml", "runtime: python311\nentrypoint: gunicorn main:app\n"),
    (".do/app.yaml", "name: web\nservices:\n  - name: api\n"),
    ("k8s/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
    ("manifests/web.yml", "apiVersion: v1\nkind: Service\n"),
    ("charts/web/values.yaml", "image: web\n"), ("helm/values.prod.yaml", "replicas: 2\n"),
    ("deploy/app.service", "[Service]\nExecStart=/usr/bin/node server.js\n"),
    ("template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"),
    ("runtime.txt", ""),
])
def test_deploy_configs(path, text):
    assert role(path, text) is DEPLOY


@pytest.mark.parametrize("path,text", [
    ("app.yaml", "title: My app\n"),                       # not App Engine
    ("template.yaml", "name: a mail template\n"),          # not SAM
    ("src/app.json", '{"name": "x"}'),                     # only a root app.json is Heroku's
    ("src/i18n/values.yaml", "greeting: hi\n"),            # not a Helm chart
])
def test_deploy_names_that_are_not_deploy_configs(path, text):
    assert role(path, text) is not DEPLOY


@pytest.mark.parametrize("path", [
    ".env", ".env.local", ".env.production", ".env.production.local", "config/.env", "prod.env",
])
def test_env_files(path):
    assert role(path) is ENV_FILE


@pytest.mark.parametrize("path", [
    ".env.example", ".env.sample", ".env.template", ".env.dist", "env.example", ".env.local.example",
    "deploy/env.example", ".env.production.example", "example.env", "env-example-relational", ".env-sample", ".dev.vars.example", "api/.dev.vars.template",
    "config/env_template",
])
def test_example_env_files(path):
    assert role(path) is ENV_EXAMPLE


@pytest.mark.parametrize("path,text", [
    ("vite.config.ts", ""), ("vitest.config.ts", ""), ("jest.config.js", ""), ("playwright.config.ts", ""),
    ("cypress.config.ts", ""), ("webpack.config.js", ""), ("webpack.dev.js", ""), ("nodemon.json", ""),
    ("karma.conf.js", ""), (".env.development", ""), (".dev.vars", ""), (".env.test", ""), (".env.development.local", ""),
    ("docker-compose.dev.yml", "services: {}\n"), ("docker-compose.override.yml", "services: {}\n"),
    ("compose.local.yaml", "services: {}\n"), (".devcontainer/devcontainer.json", "{}"),
    ("src/setupProxy.js", ""), (".mocharc.json", ""),
    ("bakery/settings/dev.py", ""), ("mysite/settings/local.py", ""), ("config/development.js", ""),
    ("src/config/local.ts", ""), ("mysite/local_settings.py", ""),
    ("docker-compose.yml", "services:\n  web:\n    build: .\n    command: npm run dev\n    volumes:\n      - .:/app\n"),
    ("docker-compose.yml", "services:\n  api:\n    command: uvicorn app.main:app --reload\n"),
])
def test_dev_configs(path, text):
    assert role(path, text) is DEV


@pytest.mark.parametrize("path", [
    "next.config.js", "next.config.mjs", "tailwind.config.ts", "postcss.config.js", "tsconfig.json",
    "tsconfig.build.json", "babel.config.js", ".eslintrc.json", "eslint.config.mjs", "svelte.config.js",
    "astro.config.mjs", "turbo.json",
])
def test_build_configs(path):
    assert role(path) is BUILD


@pytest.mark.parametrize("path", [
    "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "requirements.txt",
    "requirements-prod.txt", "pyproject.toml", "poetry.lock", "uv.lock", "Pipfile", "Pipfile.lock",
    ".nvmrc", ".python-version", ".node-version", "apps/web/package.json",
])
def test_manifests(path):
    assert role(path) is MANIFEST


@pytest.mark.parametrize("path", [
    "README.md", "docs/setup.md", "docs/deploy.rst", "CHANGELOG.md", "LICENSE", "CONTRIBUTING.md",
    "docs/conf.py", "docs/examples/server.js", "notes.txt", "src/docs/components.yml", "api/doc/openapi.json",
    "openapi.yaml", "swagger.json", "api/openapi.v2.yml", "examples/lambda/packages/api/.env.production",
])
def test_docs(path):
    assert role(path) is DOCS


def test_code_of_a_nested_docs_folder_is_still_code():
    assert role("src/docs/swaggerDef.js") is APP


def test_test_folders_win_over_names_that_look_like_app_code():
    assert role("tests/app.py") is TEST
    assert role("e2e/server.js") is TEST
    assert role("src/__tests__/db.js") is TEST


def test_env_examples_in_any_folder_and_case():
    assert role("config/.ENV.EXAMPLE") is ENV_EXAMPLE


@pytest.mark.parametrize("text,client", [
    ("'use client';\nexport default function A() {}", True),
    ('"use client"\nimport x from "y"', True),
    ("  \n'use client'\n", True),
    ("'use server';\nexport async function a() {}", False),
    ("// 'use client'\nexport default 1", False),
])
def test_client_side_modules(text, client):
    assert is_client_side("app/a.tsx", Language.TSX, text) is client
    assert is_client_side("app/a.py", Language.PYTHON, text) is False


@pytest.mark.parametrize("path", ["examples/basic/app.py", "example/server.js", "samples/api/index.ts"])
def test_top_level_example_folders_are_documentation(path):
    from deploycheck.project.classify import language_of, role_of
    assert role_of(path, language_of(path)) is Role.DOCS


def test_compose_file_that_says_it_is_for_local_development_is_dev_config():
    from deploycheck.project.classify import language_of, role_of
    text = "# This is meant for local development only. Do not use this in production.\nservices:\n  db:\n    image: mysql:8\n    restart: always\n"
    assert role_of("docker-compose.yml", language_of("docker-compose.yml"), text) is Role.DEV_CONFIG
    prod = "services:\n  web:\n    image: ghcr.io/acme/web:1.4.2\n    restart: always\n"
    assert role_of("docker-compose.yml", language_of("docker-compose.yml"), prod) is Role.DEPLOY_CONFIG
