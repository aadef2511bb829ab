"""Where does this repository deploy to? A pure function over facts: file names and roles, the
deploy configs (`project.deploy`), deploy commands in CI workflows, scripts and package.json
scripts, and a few platform-specific dependencies.

Each signal adds a weight to a platform; the strongest wins and the others are kept in `also`.
A platform's own manifest (fly.toml, render.yaml …) outweighs a deploy command in CI, which
outweighs a Dockerfile or a dependency. Nothing here judges: it only says where.
"""
from __future__ import annotations

import re
from collections import defaultdict

from deploycheck.project.extract._prefilter import any_literals
from deploycheck.project.model import Platform, Project, Role

NAMES = {
    "vercel": "Vercel", "netlify": "Netlify", "render": "Render", "railway": "Railway", "fly": "Fly.io",
    "heroku": "Heroku", "app-engine": "Google App Engine", "cloud-run": "Google Cloud Run",
    "aws-sam": "AWS SAM (Lambda)", "serverless": "Serverless Framework (AWS Lambda)", "amplify": "AWS Amplify",
    "aws-apprunner": "AWS App Runner", "aws-beanstalk": "AWS Elastic Beanstalk", "aws-ecs": "AWS ECS",
    "k8s": "Kubernetes", "docker-vps": "Docker on a server", "systemd-vps": "systemd service on a server (VPS)",
    "vps": "a server over SSH (VPS)", "docker": "a Docker container (host unknown)",
    "cloudflare": "Cloudflare", "digitalocean": "DigitalOcean App Platform", "firebase": "Firebase",
}

# (regex on the file path, platform, weight). Role is checked where a name alone is ambiguous.
_FILES: tuple[tuple[re.Pattern[str], str, int, frozenset[Role] | None], ...] = tuple(
    (re.compile(rx, re.I), pid, w, roles) for rx, pid, w, roles in (
        (r"(^|/)fly(\.[\w-]+)?\.toml$", "fly", 10, None),
        (r"(^|/)render\.ya?ml$", "render", 10, None),
        (r"(^|/)railway\.(json|toml)$", "railway", 10, None),
        (r"(^|/)vercel\.json$", "vercel", 10, None),
        (r"(^|/)netlify\.toml$", "netlify", 10, None),
        (r"(^|/)heroku\.yml$", "heroku", 10, None),
        (r"^procfile$", "heroku", 6, None),
        (r"^app\.json$", "heroku", 5, frozenset({Role.DEPLOY_CONFIG})),
        (r"(^|/)app\.ya?ml$", "app-engine", 10, frozenset({Role.DEPLOY_CONFIG})),
        (r"(^|/)cloudbuild\.ya?ml$", "cloud-run", 5, None),
        (r"(^|/)template\.ya?ml$", "aws-sam", 10, frozenset({Role.DEPLOY_CONFIG})),
        (r"(^|/)samconfig\.toml$", "aws-sam", 10, None),
        (r"(^|/)serverless\.ya?ml$", "serverless", 10, None),
        (r"(^|/)amplify\.ya?ml$", "amplify", 10, None),
        (r"(^|/)apprunner\.ya?ml$", "aws-apprunner", 10, None),
        (r"(^|/)(Dockerrun\.aws\.json|\.ebextensions/.*)$", "aws-beanstalk", 10, None),
        (r"(^|/)(Chart\.ya?ml|kustomization\.ya?ml|skaffold\.ya?ml)$", "k8s", 8, None),
        (r"^(k8s|kubernetes|helm|charts|manifests)/.*\.ya?ml$", "k8s", 6, frozenset({Role.DEPLOY_CONFIG})),
        (r"(^|/)(docker-)?compose(\.[\w-]+)?\.ya?ml$", "docker-vps", 5, frozenset({Role.DEPLOY_CONFIG})),
        (r"(^|/)([\w.-]+\.)?dockerfile$|(^|/)dockerfile(\.[\w-]+)?$", "docker", 3, None),
        (r"(^|/)[\w@.-]+\.service$", "systemd-vps", 7, frozenset({Role.DEPLOY_CONFIG})),
        (r"(^|/)ecosystem\.config\.[cm]?js$", "vps", 6, None),
        (r"(^|/)captain-definition$", "vps", 6, None),
        (r"(^|/)wrangler\.(toml|jsonc?)$", "cloudflare", 10, None),
        (r"^\.do/(app|deploy\.template)\.ya?ml$", "digitalocean", 10, None),
        (r"(^|/)firebase\.json$", "firebase", 8, None),
        (r"(^|/)nixpacks\.toml$", "railway", 2, None),
    ))
_FILE_HINTS = any_literals([rx for rx, _pid, _w, _roles in _FILES])

# Deploy commands (CI steps, scripts, package.json scripts) and CI actions.
_COMMANDS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(rx, re.I), pid) for rx, pid in (
    (r"\b(flyctl|fly)\s+(deploy|launch)\b|superfly/flyctl-actions", "fly"),
    (r"\bvercel(\s+deploy|\s+--prod|\s+build)\b|amondnet/vercel-action|vercel/action", "vercel"),
    (r"\bnetlify\s+deploy\b|nwtgck/actions-netlify|netlify/actions", "netlify"),
    (r"\brailway\s+(up|redeploy|deploy)\b|railwayapp/", "railway"),
    (r"\bgit\s+push\s+(\S+\s+)?heroku\b|\bheroku\s+(container:push|container:release|deploy)|akhileshns/heroku-deploy", "heroku"),
    (r"\bgcloud\s+app\s+deploy\b|google-github-actions/deploy-appengine", "app-engine"),
    (r"\bgcloud\s+(beta\s+)?run\s+deploy\b|google-github-actions/deploy-cloudrun", "cloud-run"),
    (r"\bkubectl\s+(apply|set\s+image|rollout|create)\b|\bhelm\s+(upgrade|install)\b|azure/k8s-deploy|\bkustomize\s+build\b", "k8s"),
    (r"\bsam\s+deploy\b|aws-actions/setup-sam", "aws-sam"),
    (r"\b(serverless|sls)\s+deploy\b|serverless/github-action", "serverless"),
    (r"\bamplify\s+publish\b", "amplify"),
    (r"\beb\s+deploy\b|beanstalk-deploy", "aws-beanstalk"),
    (r"\baws\s+ecs\s+update-service\b|aws-actions/amazon-ecs-deploy", "aws-ecs"),
    (r"\bwrangler\s+(deploy|publish|pages\s+deploy)\b|cloudflare/wrangler-action", "cloudflare"),
    (r"\bfirebase\s+deploy\b", "firebase"),
    (r"\bdoctl\s+apps\b", "digitalocean"),
    (r"\b(rsync|scp)\b.*\S+@?[\w.-]+:|appleboy/(ssh|scp)-action|\bssh\s+(-\S+\s+)*\S+@\S+|easingthemes/ssh-deploy", "vps"),
    (r"\bsystemctl\s+(restart|reload|start)\b", "systemd-vps"),
    (r"\bpm2\s+(reload|restart|start|deploy)\b", "vps"),
    (r"\bdocker[\s-]compose\b.*\bup\b", "docker-vps"),
))

_DEPS = {
    "@netlify/plugin-nextjs": ("netlify", 4), "netlify-cli": ("netlify", 3), "@netlify/functions": ("netlify", 4),
    "vercel": ("vercel", 3), "@vercel/analytics": ("vercel", 2), "@vercel/speed-insights": ("vercel", 2),
    "@vercel/postgres": ("vercel", 3), "@vercel/kv": ("vercel", 3), "@vercel/blob": ("vercel", 3),
    "@vercel/node": ("vercel", 4), "@sveltejs/adapter-vercel": ("vercel", 5), "@astrojs/vercel": ("vercel", 5),
    "@sveltejs/adapter-netlify": ("netlify", 5), "@astrojs/netlify": ("netlify", 5),
    "@sveltejs/adapter-cloudflare": ("cloudflare", 5), "@astrojs/cloudflare": ("cloudflare", 5), "wrangler": ("cloudflare", 3),
    "serverless": ("serverless", 3), "serverless-http": ("serverless", 3), "@aws-amplify/backend": ("amplify", 4),
    "firebase-functions": ("firebase", 4), "firebase-tools": ("firebase", 3),
}

# Platform config kinds from project.deploy (extract/deploy) to platform ids here.
_DEPLOY_KIND = {"compose": "docker-vps", "systemd": "systemd-vps", "docker": "docker", "pm2": "vps",
                "sam": "aws-sam", "aws-sam": "aws-sam", "kubernetes": "k8s", "gae": "app-engine"}

_SPECIFIC_ORDER = ("fly", "render", "railway", "vercel", "netlify", "heroku", "app-engine", "cloud-run", "aws-sam",
                   "serverless", "amplify", "aws-apprunner", "aws-beanstalk", "aws-ecs", "cloudflare", "digitalocean",
                   "firebase", "k8s", "systemd-vps", "docker-vps", "vps", "docker")


def detect(project: Project) -> Platform | None:
    score: dict[str, int] = defaultdict(int)
    evidence: dict[str, list[str]] = defaultdict(list)

    def add(pid: str, weight: int, why: str) -> None:
        score[pid] += weight
        if why not in evidence[pid]:
            evidence[pid].append(why)

    # a compose file that starts only backing services (a local database) runs no app: not a deploy target
    with_app = {s.path for s in project.env_sources if s.kind == "compose"}
    infra_only = {d.path for d in project.deploy if d.platform == "compose" and d.dev_only and d.path not in with_app}
    for f in project.files:
        if f.role in (Role.TEST, Role.DOCS, Role.DEV_CONFIG) or f.path in infra_only:
            continue
        if _FILE_HINTS is not None and f.path.isascii():      # (most files can match none of them)
            low = f.path.lower()
            if not any(h in low for h in _FILE_HINTS):
                continue
        for rx, pid, weight, roles in _FILES:
            if rx.search(f.path) and (roles is None or f.role in roles):
                add(pid, weight, f.path)
                break
    for d in project.deploy:
        if d.dev_only:
            continue
        pid = _DEPLOY_KIND.get(d.platform, d.platform)
        if pid in NAMES:
            add(pid, 10 if pid not in ("docker", "docker-vps") else 4, d.path)
    for w in project.repo.ci_facts:
        for text, loc in (*w.commands, *w.uses):
            for rx, pid in _COMMANDS:
                if rx.search(text):
                    add(pid, 8 if pid not in ("vps", "systemd-vps", "docker-vps") else 6, f"`{_short(text)}` in {w.path}")
    for s in project.repo.script_facts:
        for text, loc in s.commands:
            for rx, pid in _COMMANDS:
                if rx.search(text):
                    add(pid, 6, f"`{_short(text)}` in {s.path}")
    for m in project.repo.manifest_facts:
        if m.kind != "package.json":
            continue
        for name, cmd in m.scripts:
            if "deploy" in name or "release" in name:
                for rx, pid in _COMMANDS:
                    if rx.search(cmd):
                        add(pid, 6, f"`{name}` script in {m.path}")
        for dep in m.dependencies:
            hit = _DEPS.get(dep.name)
            if hit:
                add(hit[0], hit[1], f"{dep.name} in {m.path}")
    if not score:
        return None
    # A container or an SSH deploy with a service manager is a server you run yourself.
    if "docker" in score and ("vps" in score or "systemd-vps" in score) and "docker-vps" not in score:
        add("docker-vps", score["docker"] + score.get("vps", 0), evidence["docker"][0])
    if "vps" in score and "systemd-vps" in score:
        score["systemd-vps"] += score["vps"]
        evidence["systemd-vps"].extend(e for e in evidence["vps"] if e not in evidence["systemd-vps"])
        del score["vps"]
    if "docker-vps" in score and "vps" in score:
        score["docker-vps"] += score.pop("vps")
    order = {pid: i for i, pid in enumerate(_SPECIFIC_ORDER)}
    ranked = sorted(score, key=lambda p: (-score[p], order.get(p, 99)))
    best = ranked[0]
    # A Dockerfile alone says how to build, not where to run: name the host when anything does.
    if best == "docker" and len(ranked) > 1:
        best = ranked[1]
    also = tuple(p for p in ranked if p != best and p != "docker" and score[p] >= 5)
    return Platform(best, NAMES.get(best, best), tuple(evidence[best][:4]), also)


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"
