"""Platform CLI commands that set variables."""
from __future__ import annotations

from deploycheck.project.extract.deploy.cli import scan


def one(text: str):
    (hit,) = scan(text)
    return hit


def test_gcloud():
    hit = one("gcloud run deploy web --image=gcr.io/p/web:3 --set-env-vars=^:^A=1,2:B=x --set-secrets=K=k:latest")
    assert (hit.platform, hit.service, hit.image, hit.replaces) == ("cloud-run", "web", "gcr.io/p/web:3", True)
    assert [(k, v, kind) for k, v, kind in hit.settings] == [("A", "1,2", "value"), ("B", "x", "value"),
                                                             ("K", "k:latest", "secret-ref")]
    assert one("gcloud beta run deploy web-staging --update-env-vars A=1").environment == "staging"


def test_other_platforms():
    assert [k for k, _, _ in one("fly secrets set A=1 B=2 --app shop-staging").settings] == ["A", "B"]
    assert one("fly secrets set A=1 --app shop-staging").environment == "staging"
    assert one("heroku config:set A=1 -a shop").platform == "heroku"
    hit = one("echo $KEY | vercel env add STRIPE_KEY preview")
    assert (hit.platform, hit.environment, hit.settings[0][0]) == ("vercel", "preview", "STRIPE_KEY")
    hit = one("netlify env:set API_URL https://x --context deploy-preview")
    assert (hit.environment, hit.settings[0][:2]) == ("preview", ("API_URL", "https://x"))
    assert one("npx wrangler secret put API_KEY --env staging").environment == "staging"
    assert one("railway variables --set A=1").settings[0][0] == "A"
    hit = one("kubectl create secret generic app-secrets --from-literal=API_KEY=x --from-env-file=.env.prod -n prod")
    assert (hit.object_kind, hit.object_name, hit.env_files) == ("Secret", "app-secrets", [".env.prod"])


def test_continuations_chains_and_lines():
    hits = scan("cd app && \\\n  fly secrets set A=1\nheroku config:set B=2\n", first_line=10)
    assert [(h.platform, h.line) for h in hits] == [("fly", 10), ("heroku", 12)]


def test_not_commands():
    assert scan("docker run -e A=1 postgres") == []
    assert scan("echo 'use fly secrets set to configure'") == []
    assert scan("fly deploy") == []
    assert scan('gcloud run deploy "unterminated') == [] or True       # never raises
