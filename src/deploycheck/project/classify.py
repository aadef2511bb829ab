"""Each file's language and role, decided once.

Checks never guess from paths: "silent on tests and dev-only config" is `file.role is Role.APP`.
The role comes from the path first (well-known names and folders), then from a small look at the
content where the name is ambiguous (a docker-compose file for local development, a Kubernetes
manifest among other YAML files).
"""
from __future__ import annotations

import re

from deploycheck.project.model import Language, Role

_EXT_LANG = {
    ".js": Language.JAVASCRIPT, ".mjs": Language.JAVASCRIPT, ".cjs": Language.JAVASCRIPT,
    ".jsx": Language.JAVASCRIPT, ".ts": Language.TYPESCRIPT, ".mts": Language.TYPESCRIPT,
    ".cts": Language.TYPESCRIPT, ".tsx": Language.TSX, ".py": Language.PYTHON, ".pyw": Language.PYTHON,
    ".json": Language.JSON, ".jsonc": Language.JSON, ".json5": Language.JSON, ".yaml": Language.YAML,
    ".yml": Language.YAML, ".toml": Language.TOML, ".ini": Language.INI, ".cfg": Language.INI,
    ".service": Language.INI, ".conf": Language.INI, ".sh": Language.SHELL, ".bash": Language.SHELL,
    ".zsh": Language.SHELL, ".md": Language.MARKDOWN, ".mdx": Language.MARKDOWN, ".rst": Language.MARKDOWN,
    ".sql": Language.SQL, ".txt": Language.TEXT, ".env": Language.DOTENV, ".properties": Language.INI,
    ".html": Language.OTHER, ".css": Language.OTHER, ".scss": Language.OTHER, ".vue": Language.OTHER,
    ".svelte": Language.OTHER, ".pem": Language.TEXT, ".key": Language.TEXT, ".pub": Language.TEXT,
    ".xml": Language.OTHER, ".tf": Language.OTHER, ".hcl": Language.OTHER, ".prisma": Language.OTHER,
    ".graphql": Language.OTHER, ".gql": Language.OTHER, ".csv": Language.OTHER, ".lock": Language.TEXT,
}
_NAME_LANG = {
    "procfile": Language.TEXT, "dockerfile": Language.DOCKERFILE, "containerfile": Language.DOCKERFILE,
    ".nvmrc": Language.TEXT, ".node-version": Language.TEXT, ".python-version": Language.TEXT,
    ".tool-versions": Language.TEXT, "runtime.txt": Language.TEXT, "pipfile": Language.TOML,
    "jenkinsfile": Language.OTHER, "makefile": Language.OTHER, "caddyfile": Language.OTHER,
    ".gitignore": Language.OTHER, ".dockerignore": Language.OTHER, ".npmrc": Language.INI,
    "id_rsa": Language.TEXT, "id_dsa": Language.TEXT, "id_ecdsa": Language.TEXT, "id_ed25519": Language.TEXT,
    "deploy_key": Language.TEXT, "yarn.lock": Language.TEXT,
}

_TEST_DIRS = {"test", "tests", "__tests__", "__test__", "spec", "specs", "e2e", "cypress", "playwright",
              "__mocks__", "__fixtures__", "fixtures", "testdata", "test_data", "testing", "integration-tests",
              "test-utils", "mocks", "stories", "__snapshots__",
              ".semgrep"}   # semgrep rules ship with example code that breaks them on purpose
# Helpers only tests import: jest-helpers/, test-helpers/, test_utils/, testsupport/, e2e-fixtures/.
_TEST_HELPER_DIR = re.compile(r"^(test|tests|jest|vitest|spec|e2e|mocha)[-_]?(helpers?|utils?|support|setup|fixtures|"
                              r"mocks|data|lib|common)$")
_TEST_FILE = re.compile(
    r"(\.(test|spec|e2e|cy|stories)\.[cm]?[jt]sx?$)|(^test_.*\.py$)|(_test\.py$)|(^tests?\.py$)|(^conftest\.py$)"
    r"|(^(jest|vitest|test)\.setup\.[cm]?[jt]s$)|(^setup[-_]?tests?\.[cm]?[jt]s$)")
_DEV_CONFIG_FILE = re.compile(
    r"^(vite|vitest|webpack(\.dev|\.development)?|jest|playwright|cypress|karma|rollup|esbuild|storybook|"
    r"nodemon|wdio|nightwatch|protractor|snowpack|parcel)\.(config|conf)?\.?[cm]?[jt]s(on)?$"
    r"|^nodemon\.json$|^\.env\.(development|dev|test|testing|ci)(\.local)?$|^setupproxy\.[jt]s$"
    r"|^(docker-)?compose[.-](dev|development|local|override|test|ci)\.ya?ml$|^devcontainer\.json$"
    r"|^tilt(file)?$|^\.?mocharc")
_BUILD_CONFIG_FILE = re.compile(
    r"^(next|nuxt|svelte|astro|remix|tailwind|postcss|babel|metro|gatsby-config|gatsby-node|vue|angular|"
    r"eslint|prettier|stylelint|commitlint|lint-staged|turbo|nx|lerna|tsup|rspack)([.-].*)?\.(config\.)?[cm]?[jt]s(on)?$"
    r"|^tsconfig.*\.json$|^jsconfig.*\.json$|^\.babelrc|^\.eslintrc|^\.prettierrc|^\.swcrc$|^biome\.json$"
    r"|^(turbo|nx|lerna|angular)\.json$|^components\.json$")
_DEPLOY_FILE = re.compile(
    r"^(render\.ya?ml|fly\.toml|railway\.(json|toml)|vercel\.json|netlify\.toml|app\.ya?ml|procfile|"
    r"app\.json|nixpacks\.toml|serverless\.ya?ml|template\.ya?ml|samconfig\.toml|amplify\.ya?ml|"
    r"cloudbuild\.ya?ml|appspec\.ya?ml|ecosystem\.config\.[cm]?js|runtime\.txt|heroku\.yml|"
    r"skaffold\.ya?ml|kustomization\.ya?ml|chart\.yaml|values(\.[\w-]+)?\.ya?ml|zeabur\.json|koyeb\.ya?ml|"
    r"\.do/app\.ya?ml|apprunner\.ya?ml|wrangler\.toml|firebase\.json|captain-definition|"
    r"(docker-)?compose(\.[\w-]+)?\.ya?ml|.*\.service|.*\.socket)$")
_CI_PATHS = re.compile(
    r"^(\.github/workflows/.*\.ya?ml|\.gitlab-ci\.ya?ml|\.circleci/config\.ya?ml|bitbucket-pipelines\.ya?ml|"
    r"azure-pipelines\.ya?ml|\.travis\.ya?ml|jenkinsfile|\.buildkite/.*|\.drone\.ya?ml|\.woodpecker.*|"
    r"codemagic\.ya?ml|\.gitea/workflows/.*)$", re.I)
_MANIFEST_FILE = re.compile(
    r"^(package\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|pnpm-workspace\.yaml|"
    r"bun\.lockb?|requirements([-_.][\w.-]+)?\.(txt|in)|constraints\.txt|pipfile(\.lock)?|pyproject\.toml|"
    r"poetry\.lock|uv\.lock|pdm\.lock|setup\.py|setup\.cfg|\.nvmrc|\.node-version|\.python-version|"
    r"\.tool-versions|\.npmrc|\.yarnrc(\.yml)?|deno\.jsonc?|deno\.lock)$")
_ENV_EXAMPLE = re.compile(r"(^|[./_-])(example|sample|template|dist|defaults|tmpl|tpl)([._-]|$)", re.I)
# A dotenv sample under a name of its own: `env-example`, `env-example-document`, `.env-sample`, `env_template`.
_ENV_SAMPLE_NAME = re.compile(r"^\.?env[-_](example|sample|template|dist|defaults)([-_.][\w.-]*)?$")
_OPENAPI_FILE = re.compile(r"^(openapi|swagger)([.-][\w.-]*)?\.(ya?ml|json)$")
_DOC_NAMES = {"license", "licence", "changelog", "contributing", "authors", "notice", "copying", "security",
              "code_of_conduct", "history", "readme"}
# Settings modules for a developer's machine: settings/dev.py, settings/local.py, config/development.js,
# local_settings.py. Production imports settings/production.py (or base) instead.
_DEV_SETTINGS_FILE = re.compile(r"^(dev|development|local|local_dev|ci|local_settings|settings_local|settings_dev|"
                                r"dev_settings|development_settings|settings_development)\.(py|[cm]?[jt]s)$")
_EXTENDS_DEV_SETTINGS = re.compile(r"^from\s+\.(dev|development|local)\s+import\s+\*", re.M)
_SETTINGS_DIRS = {"settings", "config", "configs", "conf", "environments", "envs"}
_SCRIPT_DIRS = {"scripts", "script", "bin", "tools", "tasks", "seeds", "seeders", "fixtures-dev", "devtools", "hack"}
_MIGRATION_DIRS = {"migrations", "migration", "migrate", "alembic", "versions", "prisma"}


def language_of(rel: str) -> Language:
    name = rel.rsplit("/", 1)[-1]
    low = name.lower()
    if low in _NAME_LANG:
        return _NAME_LANG[low]
    if low.startswith(("dockerfile", "containerfile")) or low.endswith(".dockerfile"):
        return Language.DOCKERFILE
    if low == ".env" or low.startswith(".env.") or low.endswith(".env") or low in ("env", "env.example", "env.sample"):
        return Language.DOTENV
    if _ENV_SAMPLE_NAME.match(low) or low == ".dev.vars" or low.startswith(".dev.vars."):
        return Language.DOTENV      # env-example-relational, .env-sample, wrangler's .dev.vars(.example)
    if low.startswith("requirements") and low.endswith((".txt", ".in")):
        return Language.TEXT
    dot = low.rfind(".")
    if dot > 0 or (dot == 0 and low.count(".") > 1):
        return _EXT_LANG.get(low[dot:], Language.OTHER)
    if low.startswith("id_") or low.endswith("_key") or low.endswith("_rsa"):
        return Language.TEXT
    return Language.OTHER


def role_of(rel: str, language: Language, text: str = "") -> Role:
    parts = rel.lower().split("/")
    name = parts[-1]
    dirs = parts[:-1]
    if _CI_PATHS.match(rel.lower()):
        return Role.CI
    if language is Language.DOTENV or name.startswith(".env"):
        if dirs[:1] in (["docs"], ["doc"], ["examples"], ["example"], ["samples"]):
            return Role.DOCS   # examples/lambda-app/.env.production belongs to a demo, not to this deploy
        if _ENV_EXAMPLE.search(name.replace(".env", "", 1) if name.startswith(".env") else name):
            return Role.ENV_EXAMPLE
        if re.match(r"^\.env\.(development|dev|test|testing|ci)(\.local)?$", name) or name == ".dev.vars":
            return Role.DEV_CONFIG   # .dev.vars: `wrangler dev` only
        return Role.ENV_FILE
    if any(d in _TEST_DIRS or _TEST_HELPER_DIR.match(d) for d in dirs) or _TEST_FILE.search(name):
        return Role.TEST
    # Code under a top-level docs/ folder is documentation (Sphinx conf.py, snippets), never deployed.
    # So is a top-level examples/ folder of a library or monorepo: demos, not the deployed app.
    if language is Language.MARKDOWN or (name.split(".")[0] in _DOC_NAMES and not language.is_code) or dirs[:1] in (
            ["docs"], ["doc"], ["examples"], ["example"], ["samples"]):
        return Role.DOCS
    # Data files of a docs folder anywhere (src/docs/components.yml) and OpenAPI/Swagger specs: API
    # documentation whose `example:` values are not the app's configuration.
    if not language.is_code and language is not Language.SHELL and (
            any(d in ("docs", "doc", "apidoc", "api-docs") for d in dirs) or _OPENAPI_FILE.match(name)):
        return Role.DOCS
    if _DEV_CONFIG_FILE.match(name) or ".devcontainer" in dirs or (dirs and dirs[0] in ("dev", "local-dev")):
        return Role.DEV_CONFIG
    if _MANIFEST_FILE.match(name):
        return Role.MANIFEST
    if _BUILD_CONFIG_FILE.match(name):
        return Role.BUILD_CONFIG
    if _DEPLOY_FILE.match(name) or language is Language.DOCKERFILE:
        if _is_compose(name) and _dev_compose(text):
            return Role.DEV_CONFIG
        if name == "app.json" and dirs:
            return Role.OTHER   # only a root app.json is Heroku's
        if name.startswith("values") and language is Language.YAML and "helm" not in rel.lower() and "chart" not in rel.lower():
            return Role.OTHER
        if name in ("template.yaml", "template.yml") and "AWSTemplateFormatVersion" not in text and "AWS::Serverless" not in text:
            return Role.OTHER
        if name in ("app.yaml", "app.yml") and not re.search(r"^\s*(runtime|env|entrypoint|services):", text, re.M):
            return Role.OTHER
        return Role.DEPLOY_CONFIG
    if language.is_code and _DEV_SETTINGS_FILE.match(name) and (
            "settings" in name or any(d in _SETTINGS_DIRS for d in dirs[-2:])):
        return Role.DEV_CONFIG   # settings/dev.py, config/local.js: a developer's machine only
    if language is Language.PYTHON and any(d in _SETTINGS_DIRS for d in dirs[-1:]) and _EXTENDS_DEV_SETTINGS.search(text):
        return Role.DEV_CONFIG   # settings/docker.py that starts `from .dev import *`: a variant of dev settings
    if any(d in _MIGRATION_DIRS for d in dirs) and (language.is_code or language is Language.SQL) \
            and not ("prisma" in dirs and "migrations" not in dirs):   # prisma/seed.ts is a script, not a migration
        return Role.MIGRATION
    if language is Language.YAML and _is_k8s(text):
        return Role.DEPLOY_CONFIG
    if dirs and dirs[0] in ("k8s", "kubernetes", "manifests", "deploy", "deployment", "infra", "helm", "charts", ".platform", "ops"):
        if language in (Language.YAML, Language.JSON, Language.TOML, Language.INI, Language.DOTENV):
            return Role.DEPLOY_CONFIG
        if language is Language.SHELL:
            return Role.SCRIPT
    if language.is_code:
        if any(d in _SCRIPT_DIRS for d in dirs) or re.match(r"^(seed|seeds|populate|fixtures?)([._-].*)?\.[a-z]+$", name):
            return Role.SCRIPT
        return Role.APP
    if language is Language.SHELL:
        return Role.SCRIPT
    if language is Language.SQL and any(d in ("seed", "seeds") for d in dirs):
        return Role.SCRIPT
    if language is Language.TEXT and name.endswith(".txt") and not name.startswith(("requirements", "runtime")):
        return Role.DOCS
    return Role.OTHER


def _is_compose(name: str) -> bool:
    return bool(re.match(r"^(docker-)?compose([.-][\w-]+)?\.ya?ml$", name))


_DEV_COMPOSE_HINTS = re.compile(
    r"(npm|yarn|pnpm|bun)\s+(run\s+)?dev\b|--reload\b|flask\s+run|runserver|nodemon|next\s+dev|vite\b"
    r"|^\s*-\s*\.{1,2}(/[\w.-]*)*:/"
    r"|^\s*#.*\b(local development|development only|for local (dev|use|testing)|not (for|meant for) production|"
    r"do not use (this )?in production|dev(elopment)? environment only)", re.M | re.I)


def _dev_compose(text: str) -> bool:
    """A compose file that mounts the working tree or runs a dev server is for local development."""
    return bool(_DEV_COMPOSE_HINTS.search(text))


def _is_k8s(text: str) -> bool:
    return bool(re.search(r"^apiVersion:\s*\S+", text, re.M) and re.search(r"^kind:\s*\w+", text, re.M))


def is_client_side(rel: str, language: Language, text: str) -> bool:
    """Code that ships to the browser as a whole file (a 'use client' module, a script under static/)."""
    if not language.is_js:
        return False
    head = text.lstrip()[:40]
    if head.startswith(("'use client'", '"use client"')):
        return True
    # served as a file to the browser: Django/Flask static/, Express public/, ASP.NET wwwroot/
    dirs = rel.lower().split("/")[:-1]
    return any(d in ("static", "staticfiles", "public", "wwwroot") for d in dirs)
