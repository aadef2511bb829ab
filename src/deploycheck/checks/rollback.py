"""rollback: Can this deploy be undone: pinned runtime and dependencies, reversible migrations,
versioned artefacts, a documented revert path?

Reads repository facts (project.repo: manifests, lockfiles, runtime pins, migrations, scripts, CI),
the deploy configs (project.deploy: images and build/release commands) and the detected platform.
Going back to the previous release only works when the previous release can be rebuilt or is
kept (lockfile, pinned runtime, tagged images, a releases directory), and when the database can
follow it back (reversible migrations, no drops in the release).
"""
from __future__ import annotations

import re
from typing import Iterator, Sequence

from deploycheck.checks import _repo
from deploycheck.core import REPO, Check, Finding, Location, Rule, Severity, Status, default_verdict
from deploycheck.project.model import Lockfile, Manifest, Migration, Project, Role

QUESTION = "Can this deploy be undone: pinned runtime and dependencies, reversible migrations, versioned artefacts, a documented revert path?"

UNPINNED_RUNTIME = Rule(
    "rollback/unpinned-runtime", Severity.WARNING, "Runtime version not pinned",
    why="Without a pinned Node/Python version the platform builds with its current default. One day a "
        "deploy lands on a new major version and breaks, and redeploying the old commit no longer gives "
        "you the old, working build.",
    fix="Pin the version the app is tested with (for example `.nvmrc` with `20` and `\"engines\": {\"node\": \"20.x\"}`, "
        "or `.python-version` with `3.12`).",
    docs="Bad: no engines, .nvmrc, .python-version, runtime.txt or versioned base image.\n"
         "Good: `.python-version` containing `3.12`; `FROM node:20.18-alpine`.")
MISSING_LOCKFILE = Rule(
    "rollback/missing-lockfile", Severity.WARNING, "Dependencies not locked",
    why="Without a committed lockfile every deploy resolves dependency versions again. A new release of "
        "any package can break production, and rolling back to the previous commit does not give you "
        "back the previous versions.",
    fix="Commit the lockfile your package manager writes (package-lock.json, pnpm-lock.yaml, yarn.lock, "
        "poetry.lock, uv.lock) and install from it in the build (`npm ci`).",
    docs='Bad: package.json with `"express": "^4.21.1"` and no package-lock.json; pyproject.toml with ranges and no uv.lock/poetry.lock.\nGood: the lockfile committed and the build running `npm ci` / `uv sync --frozen`.')
IGNORED_LOCKFILE = Rule(
    "rollback/ignored-lockfile", Severity.WARNING, "Lockfile excluded by .gitignore",
    why="The lockfile is in .gitignore, so it never reaches the platform: every deploy resolves new "
        "dependency versions and the previous deploy cannot be rebuilt exactly.",
    fix="Remove the lockfile from .gitignore, commit it, and install with `npm ci` in the build.",
    docs='Bad: `.gitignore` listing `package-lock.json`.\nGood: the lockfile committed; only `node_modules` ignored.')
LOCKFILE_OUT_OF_SYNC = Rule(
    "rollback/lockfile-out-of-sync", Severity.WARNING, "Lockfile out of sync with package.json",
    why="package.json asks for packages the lockfile does not have. `npm ci` refuses to install and the "
        "build fails; `npm install` resolves fresh versions instead of the locked ones.",
    fix="Run `npm install` (or your package manager's install) locally and commit the updated lockfile.",
    docs='Bad: `"stripe": "^17.0.0"` added to package.json without re-running the install, so pnpm-lock.yaml lacks it.\nGood: package.json and the lockfile changed in the same commit.')
NPM_INSTALL_BUILD = Rule(
    "rollback/npm-install-build", Severity.WARNING, "Build runs `npm install` instead of `npm ci`",
    why="`npm install` may update the lockfile during the build, so the deployed versions can differ from "
        "the ones you tested, and an old commit may not rebuild the same.",
    fix="Use `npm ci` (or `pnpm install --frozen-lockfile`, `yarn install --immutable`) in the build command.",
    docs='Bad: `buildCommand: npm install` with a package-lock.json committed.\nGood: `buildCommand: npm ci`.\nNot flagged: `npm install -g pnpm` or `npm install some-package` (they do not install the manifest).')
UNPINNED_REQUIREMENTS = Rule(
    "rollback/unpinned-requirements", Severity.WARNING, "Python requirements without exact versions",
    why="Lines like `flask` or `requests>=2` install whatever is newest on each deploy: a new major "
        "release can break production, and redeploying the old commit will not bring the old versions back.",
    fix="Pin every requirement with `==` (run `pip freeze > requirements.txt` in a working virtualenv, "
        "or use pip-tools / uv to compile a locked requirements.txt).",
    docs='Bad: `flask`, `gunicorn>=22` in requirements.txt.\nGood: `flask==3.1.0` (pip freeze / pip-compile / uv pip compile). Dev-only files (requirements-dev.txt) are not judged.')
LATEST_IMAGE = Rule(
    "rollback/latest-image", Severity.WARNING, "Image without a version tag",
    why="`:latest` (or no tag) points at whatever was pushed last. You cannot tell which build is running, "
        "and you cannot go back to the previous one by name.",
    fix="Use a versioned tag (a release number or the commit SHA) or a digest, and deploy by that tag.",
    docs='Bad: `image: ghcr.io/acme/api:latest`, `FROM node`.\nGood: `image: ghcr.io/acme/api:1.4.2` or `…@sha256:…`, `FROM node:20.18-alpine`.')
IRREVERSIBLE_MIGRATION = Rule(
    "rollback/irreversible-migration", Severity.WARNING, "Newest migration cannot be undone",
    why="If this release has to be rolled back, the database cannot follow the code back: the old code "
        "then runs against the new schema.",
    fix="Write the down/downgrade step (drop what up() added), or plan a roll-forward fix before deploying.",
    docs='Only the newest migration of each set is judged: it is the one a rollback has to undo.\nBad: Alembic `def downgrade(): pass`; knex `exports.down = async () => {}`; Django `RunPython(forwards)` without reverse_code.\nGood: a downgrade that drops what upgrade added; `RunPython(forwards, backwards)`.')
DESTRUCTIVE_MIGRATION = Rule(
    "rollback/destructive-migration", Severity.WARNING, "Migration drops or renames data",
    why="Dropping or renaming a table or column cannot be undone by a rollback: the data is gone, and the "
        "previous release still reads the old name.",
    fix="Deploy in two steps: first release code that no longer uses the column/table, then drop it in a "
        "later release (after a backup).",
    docs='Only the newest migration of each set is judged.\nBad: `op.drop_column("tasks", "legacy")` in the release that stops using it.\nGood: release N stops reading the column; release N+1 (after a backup) drops it.')
FORWARD_ONLY_MIGRATIONS = Rule(
    "rollback/forward-only-migrations", Severity.INFO, "Migrations without down steps",
    why="This migration tool keeps no down migrations, so undoing a schema change is a manual job.",
    fix="Know how you would undo the newest migration before you deploy it (see the message).",
    docs='Prisma, Drizzle, Flyway Community, Supabase and plain SQL folders keep no down migrations; the message says how to undo the newest one.')
MIGRATES_EVERY_CONTEXT = Rule(
    "rollback/migrations-in-every-deploy", Severity.WARNING, "Migrations run by every deploy, previews included",
    why="The build command migrates the database in every deploy context, including preview deploys of "
        "unmerged branches. Unless previews use a separate database, a pull request changes the production "
        "schema, and publishing the previous deploy does not undo it.",
    fix="Run migrations only for production (a production-only build command or a release step), and give "
        "previews their own database.",
    docs='Bad: netlify.toml `[build] command = "npm run migrate && npm run build"`; a Vercel build script `prisma migrate deploy && next build`.\nGood: `[context.production] command = "npm run migrate && npm run build"` with `[build] command = "npm run build"`, or a release step (Render preDeployCommand, Fly release_command, Heroku release:).')
IN_PLACE_DEPLOY = Rule(
    "rollback/in-place-deploy", Severity.WARNING, "Deploy overwrites the running code in place",
    why="The deploy copies the new code over the old one. If the release is bad there is no previous "
        "release on the server to go back to, and a half-finished copy leaves a broken mix of both.",
    fix="Upload each release to its own directory (releases/<timestamp>), switch a `current` symlink with "
        "`ln -sfn`, then restart; to roll back, point the symlink at the previous release.",
    docs='Bad: `rsync -az --delete ./ app@host:/srv/app && ssh app@host systemctl restart app`.\nGood: `rsync -az ./ app@host:/srv/app/releases/$TS/ && ssh app@host "ln -sfn /srv/app/releases/$TS /srv/app/current && systemctl restart app"`.')

RULES = (UNPINNED_RUNTIME, MISSING_LOCKFILE, IGNORED_LOCKFILE, LOCKFILE_OUT_OF_SYNC, NPM_INSTALL_BUILD,
         UNPINNED_REQUIREMENTS, LATEST_IMAGE, IRREVERSIBLE_MIGRATION, DESTRUCTIVE_MIGRATION,
         FORWARD_ONLY_MIGRATIONS, MIGRATES_EVERY_CONTEXT, IN_PLACE_DEPLOY)

# How to put the previous release back, per platform (printed in the report's safety nets).
RECIPES = {
    "vercel": "Vercel: Deployments → the last good deployment → Instant Rollback (or `vercel rollback <url>`).",
    "netlify": "Netlify: Deploys → the last good deploy → Publish deploy (then lock auto publishing until fixed).",
    "render": "Render: the service → Events → Rollback on the last good deploy.",
    "railway": "Railway: the service → Deployments → the last good deployment → Redeploy.",
    "fly": "Fly.io: `fly releases --image` to find the last good image, then `fly deploy --image <that image>`.",
    "heroku": "Heroku: `heroku releases`, then `heroku releases:rollback v<N>`.",
    "app-engine": "App Engine: `gcloud app versions list`, then `gcloud app services set-traffic default --splits <previous>=1`.",
    "cloud-run": "Cloud Run: `gcloud run revisions list`, then `gcloud run services update-traffic <service> --to-revisions <previous>=100`.",
    "aws-sam": "AWS SAM: redeploy the last good commit (`git checkout <sha> && sam build && sam deploy`), or point the alias at the previous Lambda version.",
    "serverless": "Serverless: `serverless deploy list`, then `serverless rollback --timestamp <previous>`.",
    "amplify": "Amplify: console → the app → the branch → the last good build → Redeploy this version.",
    "aws-apprunner": "App Runner: deploy the previous image tag (`aws apprunner start-deployment` after pointing the service at it).",
    "aws-beanstalk": "Elastic Beanstalk: `eb deploy --version <previous label>` (or Application versions → Deploy).",
    "aws-ecs": "ECS: `aws ecs update-service --service <name> --task-definition <family>:<previous revision>`.",
    "k8s": "Kubernetes: `kubectl rollout history deployment/<name>`, then `kubectl rollout undo deployment/<name>`.",
    "docker-vps": "Docker on a server: tag images with the commit SHA, keep the previous tag, and roll back with "
                  "`IMAGE_TAG=<previous> docker compose up -d`.",
    "systemd-vps": "Server: keep each release in releases/<timestamp> with a `current` symlink; to roll back, "
                   "`ln -sfn releases/<previous> current` and `systemctl restart <service>`.",
    "vps": "Server: keep each release in releases/<timestamp> with a `current` symlink; to roll back, point "
           "`current` at the previous release and restart the app.",
    "docker": "Containers: tag each image with the commit SHA and redeploy the previous tag.",
    "cloudflare": "Cloudflare: `wrangler rollback` (Workers) or Pages → Deployments → Rollback.",
    "digitalocean": "DigitalOcean: the app → Activity → the previous deployment → Rollback.",
    "firebase": "Firebase Hosting: Hosting → Release history → Roll back (functions: redeploy the last good commit).",
}
DB_NOTE = "Rolling back the code does not roll back the database: run the newest migration's down step first if needed."


def recipe(platform_id: str | None) -> str | None:
    return RECIPES.get(platform_id or "")


# ============================================================================ runtime


_RUNTIME_NAMES = {"node": ("node", "nodejs"), "python": ("python", "py"), "bun": ("bun",)}
_ENV_VERSION = {"node": "NODE_VERSION", "python": "PYTHON_VERSION", "bun": "BUN_VERSION"}
_LABEL = {"node": "Node.js", "python": "Python", "bun": "Bun"}


def _image_parts(ref: str) -> tuple[str, str | None, bool]:
    """(repository, tag, has_digest) of an image reference."""
    digest = "@sha256:" in ref or "@" in ref.rsplit("/", 1)[-1]
    ref = ref.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        repo, tag = ref.rsplit(":", 1)
        return repo, tag, digest
    return ref, None, digest


def _image_runtime(ref: str) -> str | None:
    repo, tag, _ = _image_parts(ref)
    base = repo.rsplit("/", 1)[-1].lower()
    for lang, names in _RUNTIME_NAMES.items():
        if base in names or base.startswith(names[0] + "-") or (tag and re.match(names[0] + r"\d", tag.lower())):
            return lang
    return None


def _image_pins(ref: str, lang: str) -> bool:
    repo, tag, digest = _image_parts(ref)
    if digest:
        return True
    if not tag:
        return False
    t = tag.lower()
    m = re.search(_RUNTIME_NAMES[lang][0] + r"-?(\d+(\.\d+)*)", t)
    if m:
        return True
    return bool(re.match(r"^v?\d+(\.\d+)*", t))


def _runtime_findings(project: Project) -> Iterator[Finding]:
    repo = project.repo
    platform = _repo.platform_id(project)
    images = [(img, loc, d) for d in _repo.deploy_configs(project) for img, loc in d.images]
    for lang in sorted(_repo.app_languages(project)):
        pins = [p for p in repo.runtime_facts if p.runtime == lang]
        if any(p.pinned for p in pins):
            continue
        if lang == "bun" and any(re.match(r"bun@\d", m.package_manager or "") for m in repo.manifest_facts):
            continue
        if any(d.runtime and re.search(r"\d", d.runtime) and _runtime_word_ok(d.runtime, lang)
               for d in _repo.deploy_configs(project)):
            continue
        if any(s.name == _ENV_VERSION[lang] and s.value and re.search(r"\d", s.value)
               for src in project.deploy_envs for s in src.settings):
            continue
        lang_images = [(img, loc) for img, loc, d in images if _image_runtime(img) == lang]
        if any(_image_pins(img, lang) for img, _ in lang_images):
            continue
        if any(_unversioned(img) for img, _ in lang_images):
            continue                               # rollback/latest-image already says it, at the image
        label = _LABEL[lang]
        fix = _runtime_fix(lang, platform)
        floating = next((p for p in pins if not p.pinned), None) or \
            next(((img, loc) for img, loc in lang_images), None)
        if isinstance(floating, tuple):
            img, loc = floating
            yield UNPINNED_RUNTIME.at(loc, f"the image `{img}` does not name a {label} version", subject=lang, fix=fix)
        elif floating is not None:
            yield UNPINNED_RUNTIME.at(floating.location, f"{floating.source} asks for {label} `{floating.version}`, "
                                      "which moves to a new version on its own", subject=lang, fix=fix)
        else:
            where = f" ({_platform_name(project)} uses its current default)" if platform else ""
            yield UNPINNED_RUNTIME.at(REPO, f"the {label} version is not pinned anywhere{where}", subject=lang, fix=fix)


def _runtime_word_ok(runtime: str, lang: str) -> bool:
    r = runtime.lower()
    other = [n for l, names in _RUNTIME_NAMES.items() if l != lang for n in names[:1]]
    return _RUNTIME_NAMES[lang][0] in r or not any(o in r for o in other)


def _unversioned(img: str) -> bool:
    _, tag, digest = _image_parts(img)
    return not digest and (tag is None or tag == "latest")


def _runtime_fix(lang: str, platform: str | None) -> str:
    if lang == "bun":
        return ("Pin Bun: `\"packageManager\": \"bun@1.1.38\"` in package.json (or a `.bun-version` file), and a versioned "
                "base image such as `FROM oven/bun:1.1` in the Dockerfile — use the version you test with.")
    if lang == "node":
        base = "Add `\"engines\": {\"node\": \"20.x\"}` to package.json and a `.nvmrc` containing `20`"
        extra = {"netlify": " (Netlify also reads NODE_VERSION in netlify.toml [build.environment])",
                 "render": " (Render reads engines, .node-version or NODE_VERSION)",
                 "fly": "; in the Dockerfile use a versioned base image such as `FROM node:20-alpine`",
                 "docker-vps": "; in the Dockerfile use `FROM node:20-alpine`",
                 "k8s": "; in the Dockerfile use `FROM node:20-alpine`",
                 "systemd-vps": "; on the server install that version (nvm, fnm or NodeSource) and point the service at it",
                 "vps": "; on the server install that version (nvm or fnm) and start the app with it"}.get(platform or "", "")
        return base + extra + " — use the version you test with."
    base = "Add a `.python-version` file containing the version you test with (for example `3.12`)"
    extra = {"heroku": " (Heroku reads .python-version)",
             "render": " (or set PYTHON_VERSION in render.yaml)",
             "fly": "; in the Dockerfile use `FROM python:3.12-slim`",
             "docker-vps": "; in the Dockerfile use `FROM python:3.12-slim`",
             "k8s": "; in the Dockerfile use `FROM python:3.12-slim`",
             "systemd-vps": ", install that Python on the server (uv python install 3.12 or pyenv), create a virtualenv "
                            "with it and point ExecStart at the virtualenv's python instead of /usr/bin/python3",
             "vps": ", install that Python on the server and run the app from a virtualenv built with it"}.get(platform or "", "")
    return base + extra + "."


def _platform_name(project: Project) -> str:
    p = project.repo.platform
    return p.name if p else "the platform"


# ============================================================================ dependencies


def _lock_for(manifest: Manifest, locks: list[Lockfile], kinds: tuple[str, ...]) -> Lockfile | None:
    d = _dir(manifest.path)
    while True:
        for lock in locks:
            if _dir(lock.path) == d and lock.kind in kinds:
                return lock
        if not d:
            return None
        d = _dir(d)


def _dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


_JS_LOCK_NAMES = ("package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "npm-shrinkwrap.json")
_NPM_INSTALL = re.compile(r"\bnpm\s+(?:install|i)\b([^;&|]*)")
_SPEC_SKIP = re.compile(r"^(workspace:|file:|link:|portal:|patch:|git|github:|https?:|catalog:|npm:|\*$|latest$)")


def _gitignore_line(project: Project, rel: str) -> int | None:
    patterns = project.repo.gitignore_patterns
    if not patterns:
        return None
    import fnmatch
    name = rel.rsplit("/", 1)[-1]
    hit = None
    for i, raw in enumerate(patterns, 1):
        p = raw.strip()
        if not p or p.startswith("#"):
            continue
        neg = p.startswith("!")
        p = p.lstrip("!").rstrip("/")
        anchored = p.startswith("/") or "/" in p.strip("/")
        p = p.lstrip("/")
        target = rel if anchored else name
        if fnmatch.fnmatchcase(target, p) or (p.startswith("**/") and fnmatch.fnmatchcase(name, p[3:])):
            hit = None if neg else i
    return hit


def _js_manifests(project: Project) -> list[Manifest]:
    return [m for m in _repo.deployed_js_manifests(project) if m.dependencies]


def _installs_from_manifest(cmd: str) -> bool:
    """`npm install` / `npm i` with no package names and not global: installs package.json's dependencies."""
    for m in _NPM_INSTALL.finditer(cmd):
        args = m.group(1).split()
        if not any(a in ("-g", "--global") for a in args) and all(a.startswith("-") for a in args):
            return True
    return False


def _build_npm_install(project: Project) -> list[tuple[str, Location]]:
    return [(cmd, loc) for cmd, loc, d in _repo.deploy_commands(project) if _installs_from_manifest(cmd)]


def _dependency_findings(project: Project) -> Iterator[Finding]:
    repo = project.repo
    locks = repo.lockfile_facts
    npm_installs = _build_npm_install(project)
    lock_missing = False
    ignored_by: dict[tuple[str, int], list[str]] = {}   # one .gitignore line can strip many workspaces' lockfiles
    for m in _js_manifests(project):
        lock = _lock_for(m, locks, ("npm", "yarn", "pnpm", "bun"))
        if lock is None:
            lock_missing = True
            where = Location(None) if m.path == "package.json" else Location(m.path)
            d = _dir(m.path)
            ignored = [(name, line) for name in _JS_LOCK_NAMES
                       if (line := _gitignore_line(project, f"{d}/{name}".lstrip("/")))]
            build = f"; the build runs `{npm_installs[0][0]}`, so every deploy resolves new versions" if npm_installs else ""
            if ignored:
                ignored_by.setdefault(ignored[0], []).append(m.path)
            else:
                yield MISSING_LOCKFILE.at(where, f"{m.path} has {len(m.dependencies)} dependencies and no lockfile is "
                                          f"committed{build}", subject=m.path,
                                          related=tuple(loc for _, loc in npm_installs[:1]))
            continue
        if not lock.parsed:
            continue
        problems = _lock_mismatches(m, lock)
        if problems:
            first = problems[0]
            names = ", ".join(f"`{d.name}`" for d, _ in problems[:4]) + (" …" if len(problems) > 4 else "")
            what = "is not in" if all(reason == "absent" for _, reason in problems) else "does not match"
            yield LOCKFILE_OUT_OF_SYNC.at(first[0].location, f"{names} in {m.path} {what} {lock.path}",
                                          subject=f"{m.path}:{lock.path}", related=(lock.location,))
    for (name, line), paths in ignored_by.items():
        build = f"; the build runs `{npm_installs[0][0]}`, so every deploy resolves new versions" if npm_installs else ""
        which = paths[0] if len(paths) == 1 else \
            f"{len(paths)} packages ({', '.join(paths[:3])}{' …' if len(paths) > 3 else ''}) are"
        which = f"{which} is" if len(paths) == 1 else which
        yield IGNORED_LOCKFILE.at(Location(".gitignore", line), f"{name} is listed in .gitignore, so {which} deployed "
                                  f"without a lockfile{build}", subject=name,
                                  related=tuple(loc for _, loc in npm_installs[:1]))
    if not lock_missing:
        for cmd, loc in npm_installs:
            yield NPM_INSTALL_BUILD.at(loc, f"the build runs `{_short(cmd)}`", subject=_short(cmd))
    yield from _python_dependency_findings(project)


def _lock_mismatches(m: Manifest, lock: Lockfile) -> list[tuple]:
    rel = _dir(m.path)[len(_dir(lock.path)):].lstrip("/")
    importer = next((specs for key, specs in lock.importers if key.strip("./") == rel), None)
    problems = []
    if importer is not None:
        recorded = dict(importer)
        for dep in m.dependencies:
            if dep.name not in recorded:
                problems.append((dep, "absent"))
            elif recorded[dep.name] != dep.spec and not _SPEC_SKIP.match(dep.spec) and not _SPEC_SKIP.match(recorded[dep.name]):
                problems.append((dep, "spec"))
        return problems
    if lock.importers:                             # the lockfile knows workspaces, just not this one
        return []
    if not lock.packages:
        return []
    for dep in m.dependencies:
        if dep.name not in lock.packages:
            problems.append((dep, "absent"))
        elif lock.kind == "yarn" and lock.entries and not _SPEC_SKIP.match(dep.spec) and \
                f"{dep.name}@{dep.spec}" not in lock.entries:
            problems.append((dep, "spec"))
    return problems


def _python_dependency_findings(project: Project) -> Iterator[Finding]:
    repo = project.repo
    py_locks = [l for l in repo.lockfile_facts if l.kind in ("poetry", "uv", "pdm", "pipenv")]
    manifests = [m for m in repo.manifest_facts if m.ecosystem == "python"]
    pinned_req_dirs = set()
    for m in manifests:
        if m.kind != "requirements" or m.dev_only or not m.dependencies:
            continue
        if any(re.search(r"constraint", inc, re.I) for inc in m.includes):
            pinned_req_dirs.add(_dir(m.path))
            continue
        loose = [d for d in m.dependencies if not d.pinned]
        if not loose:
            pinned_req_dirs.add(_dir(m.path))
            continue
        names = ", ".join(d.name for d in loose[:5]) + (" …" if len(loose) > 5 else "")
        share = "none" if len(loose) == len(m.dependencies) else f"{len(m.dependencies) - len(loose)}"
        yield UNPINNED_REQUIREMENTS.at(loose[0].location, f"{len(loose)} of {len(m.dependencies)} requirements in "
                                       f"{m.path} have no exact version ({names}); {share} pinned",
                                       subject=m.path)
    if repo.platform is None:
        return                                      # a library, or nothing we know how it deploys
    for m in manifests:
        if m.kind not in ("pyproject", "pipfile") or not m.dependencies:
            continue
        d = _dir(m.path)
        if _lock_for(m, py_locks, ("poetry", "uv", "pdm", "pipenv")) is not None or d in pinned_req_dirs:
            continue
        if all(dep.pinned for dep in m.dependencies):
            continue
        want = {"pipfile": "Pipfile.lock", "poetry": "poetry.lock", "pdm": "pdm.lock"}.get(
            m.kind if m.kind == "pipfile" else (m.lock_tool or ""), "uv.lock or poetry.lock")
        yield MISSING_LOCKFILE.at(Location(m.path), f"{m.path} lists dependencies with version ranges and no "
                                  f"{want} is committed", subject=m.path)


# ============================================================================ images


def _image_findings(project: Project) -> Iterator[Finding]:
    seen = set()
    for d in _repo.deploy_configs(project):
        for img, loc in d.images:
            if "$" in img or "{{" in img or img.lower() in ("scratch",) or (img, loc) in seen:   # (templated: Helm, Go)
                continue
            seen.add((img, loc))
            if _unversioned(img):
                tag = "`:latest`" if img.endswith(":latest") else "no tag"
                yield LATEST_IMAGE.at(loc, f"`{img}` has {tag}", subject=img)


# ============================================================================ migrations


_FORWARD_ONLY = {
    "prisma": "Prisma keeps no down migrations: to undo `{name}`, write the reverse SQL (Prisma docs, \"Generating down "
              "migrations\": `prisma migrate diff … --script > down.sql`), run it with `prisma db execute --file down.sql`, "
              "then `prisma migrate resolve --rolled-back {name}`; or ship a new migration that reverts it.",
    "drizzle": "Drizzle keeps no down migrations: to undo `{name}`, write a new migration that reverts it "
               "(or generate one from the previous schema with `drizzle-kit generate`).",
    "flyway": "Flyway Community has no undo: to undo `{name}`, ship a new versioned migration that reverts it.",
    "supabase": "Supabase migrations are forward-only: to undo `{name}`, create a new migration that reverts it "
                "(`supabase migration new revert_…`).",
    "sql": "These SQL migrations have no down files: to undo `{name}`, write and test the reverse SQL before you deploy.",
}


def _migration_sets(migrations: list[Migration]) -> dict[str, list[Migration]]:
    sets: dict[str, list[Migration]] = {}
    for m in migrations:
        key = _dir(_dir(m.path)) if m.tool == "prisma" else _dir(m.path)
        sets.setdefault(f"{m.tool}:{key}" if m.tool in ("prisma", "alembic", "django") else key, []).append(m)
    return sets


def _heads(group: list[Migration]) -> list[Migration]:
    """The newest migration(s) of a set: the ones this deploy most likely applies."""
    revs = {m.revision for m in group if m.revision}
    if revs and all(m.revision for m in group):
        parents = {p for m in group for p in m.parents}
        heads = [m for m in group if m.revision not in parents]
        if heads and len(heads) < len(group) or len(group) == 1:
            return heads
    key = (lambda m: _dir(m.path)) if group[0].tool == "prisma" else (lambda m: m.path)
    return [max(group, key=key)]


def _mig_name(m: Migration) -> str:
    parts = m.path.split("/")
    return parts[-2] if m.tool == "prisma" and len(parts) > 1 else parts[-1]


def _migration_findings(project: Project) -> Iterator[Finding]:
    for key, group in _migration_sets(project.repo.migration_facts).items():
        heads = _heads(group)
        forward_only = [m for m in group if m.reversible is None]
        for m in heads:
            for what, loc in m.destructive:
                yield DESTRUCTIVE_MIGRATION.at(loc, f"the newest migration {_mig_name(m)} {what}",
                                               subject=f"{m.path}:{what}")
            if m.reversible is False:
                older = sum(1 for x in group if x.reversible is False and x is not m)
                more = f" ({older} older migration{'s' if older != 1 else ''} also cannot be undone)" if older else ""
                yield IRREVERSIBLE_MIGRATION.at(m.down_location or m.location,
                                                f"the newest migration {_mig_name(m)} cannot be undone: "
                                                f"{m.reason}{more}", subject=m.path)
        if forward_only and len(forward_only) == len(group):
            newest = heads[0]
            name = _mig_name(newest)
            text = _FORWARD_ONLY.get(newest.tool, _FORWARD_ONLY["sql"]).format(name=name)
            yield FORWARD_ONLY_MIGRATIONS.at(Location(newest.path), f"{len(group)} {newest.tool} migration(s) without "
                                             f"down steps. {text}", subject=key, fix=text)


# ============================================================================ deploy process


def _context_findings(project: Project) -> Iterator[Finding]:
    """Build commands of preview-building platforms that migrate the database."""
    configs = [d for d in _repo.deploy_configs(project) if d.platform in ("netlify", "vercel")]
    flagged = False
    for d in configs:
        build_cmds = [(c, l) for c, l in d.commands if not re.search(r"\b(dev|serve|start)\b", c.split("&&")[0])]
        migrating = [(c, l) for c, l in build_cmds if _repo.migrates(c, project)]
        safe = [(c, l) for c, l in build_cmds if not _repo.migrates(c, project)]
        if migrating and not safe:
            for c, l in migrating[:1]:
                flagged = True
                name = {"netlify": "Netlify", "vercel": "Vercel"}[d.platform]
                yield MIGRATES_EVERY_CONTEXT.at(l, f"`{_short(c)}` migrates the database in every {name} deploy, "
                                                "previews included", subject=f"{d.path}:{_short(c)}")
    platform = _repo.platform_id(project)
    if flagged or platform not in ("netlify", "vercel") or any(d.commands for d in configs):
        return
    # No build command in the config: the platform runs the package.json build script.
    for m in project.repo.manifest_facts:
        if m.kind != "package.json" or _dir(m.path):
            continue
        scripts = dict(m.scripts)
        name = "vercel-build" if platform == "vercel" and "vercel-build" in scripts else "build"
        cmd = scripts.get(name)
        if cmd and _repo.migrates(cmd, project):
            line = dict(m.script_lines).get(name)
            pname = {"netlify": "Netlify", "vercel": "Vercel"}[platform]
            yield MIGRATES_EVERY_CONTEXT.at(Location(m.path, line), f"the `{name}` script migrates the database in "
                                            f"every {pname} deploy, previews included", subject=f"{m.path}:{name}")


_UPLOAD = re.compile(r"\b(rsync|scp|sftp|lftp)\b[^|;&]*?(\S+@)?[\w.-]+:\S*|\brsync\b.*--delete")
_RELEASES = re.compile(r"\breleases?/|\bln\s+-[a-z]*s[a-z]*\b|\bcurrent\b|\bmv\s+-T\b|\bdep\s+deploy\b|\bpm2\s+deploy\b"
                       r"|\bcap\s+\w+\s+deploy\b|\bdocker\s+(pull|push)\b|\bcompose\s+pull\b", re.I)
_RESTART = re.compile(r"\bsystemctl\s+(restart|reload)|\bpm2\s+(restart|reload)|\bsupervisorctl\s+restart|\bservice\s+\S+\s+restart"
                      r"|\bdocker[\s-]compose\b.*\bup\b|\bpassenger-config\s+restart|\btouch\s+\S*restart\.txt")


def in_place_findings(project: Project) -> Iterator[Finding]:
    sources = [(s.path, s.commands) for s in project.repo.script_facts if project.role(s.path) is not Role.TEST]
    sources += [(w.path, w.commands) for w in project.repo.ci_facts]
    for path, commands in sources:
        text = "\n".join(c for c, _ in commands)
        deployish = re.search(r"deploy|install|release|publish|ship|provision|update|upload", path, re.I) or _RESTART.search(text)
        if not deployish or _RELEASES.search(text):
            continue
        for cmd, loc in commands:
            if _UPLOAD.search(cmd):
                yield IN_PLACE_DEPLOY.at(loc, f"`{_short(cmd)}` copies over the running code: no previous release "
                                         "is kept to roll back to", subject=f"{path}:{_short(cmd, 40)}")
                break


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


# ============================================================================ check


def find(project: Project, ctx) -> Iterator[Finding]:
    if _repo.looks_like_library(project):
        return
    yield from _runtime_findings(project)
    yield from _dependency_findings(project)
    yield from _image_findings(project)
    yield from _migration_findings(project)
    yield from _context_findings(project)
    yield from in_place_findings(project)


def verdict(project: Project, findings: Sequence[Finding]) -> tuple[Status, str]:
    if _repo.looks_like_library(project):
        return Status.MANUAL, _repo.LIBRARY_SUMMARY
    status, summary = default_verdict(project, findings)
    platform = project.repo.platform
    if status is Status.PASS and platform is None:
        if not any(f.role is Role.APP for f in project.files):
            return Status.MANUAL, "no deployable app found in the files: confirm how a bad release is undone"
        return Status.MANUAL, "no deploy target found in the files: confirm how you would roll back a bad release"
    if platform is not None and status in (Status.PASS, Status.WARN):
        return status, f"{summary} (how to revert: see Safety nets)"
    return status, summary


CHECK = Check("rollback", QUESTION, rules=RULES, find=find, verdict=verdict, title="Rollback")
