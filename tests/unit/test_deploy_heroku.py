"""Heroku: app.json (env kinds, add-on variables), Procfile, runtime.txt, heroku.yml."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


APP_JSON = """{
  "name": "shop",
  "env": {
    "SECRET_KEY": { "description": "Flask secret", "generator": "secret" },
    "SMS_ENABLED": { "value": "true" },
    "TWILIO_TOKEN": { "description": "Twilio auth token", "required": true },
    "PLAIN": "shorthand"
  },
  "addons": [
    "heroku-postgresql:standard-0",
    { "plan": "heroku-redis:mini", "as": "CACHE" },
    "papertrail",
    "mailgun:starter"
  ],
  "environments": { "review": { "addons": ["heroku-postgresql:essential-0"] } },
  "scripts": { "postdeploy": "python manage.py seed" }
}
"""


def test_app_json_settings_and_addons():
    facts = extract("app.json", APP_JSON)
    prod = next(s for s in facts.env_sources if s.environment == "production")
    assert (prod.platform, prod.opaque) == ("heroku", True)            # config vars are set with heroku config:set
    s = {x.name: x for x in prod.settings}
    assert s["SECRET_KEY"].kind == "generated" and s["SECRET_KEY"].location.line == 4
    assert s["SMS_ENABLED"].kind == "value" and s["SMS_ENABLED"].value == "true"
    assert s["TWILIO_TOKEN"].kind == "declared"
    assert s["PLAIN"].value == "shorthand"
    assert {"DATABASE_URL", "CACHE_URL", "PAPERTRAIL_API_TOKEN", "MAILGUN_API_KEY", "MAILGUN_SMTP_LOGIN",
            "PORT", "DYNO"} <= set(prod.injected)
    assert "REDIS_URL" not in prod.injected                            # attached as CACHE
    review = next(s for s in facts.env_sources if s.environment == "preview")
    assert "DATABASE_URL" in review.injected and "CACHE_URL" not in review.injected
    (cfg,) = facts.deploy
    assert cfg.commands[0][0] == "python manage.py seed" and cfg.command_kinds == ("setup",)


def test_app_json_that_is_not_heroku():
    assert extract("app.json", '{"expo": {"name": "x"}}').env_sources == []
    assert extract("mobile/app.json", '{"env": {"A": "1"}}').env_sources == []         # only a root app.json


def test_procfile():
    facts = extract("Procfile", "web: gunicorn app:app --bind 0.0.0.0:$PORT\nrelease: flask db upgrade\n"
                                "worker: celery -A tasks worker\n# comment\n")
    (src,) = facts.env_sources
    assert src.platform == "heroku" and src.opaque and "PORT" in src.injected
    (cfg,) = facts.deploy
    assert list(zip(cfg.command_kinds, [c for c, _ in cfg.commands])) == [
        ("start", "gunicorn app:app --bind 0.0.0.0:$PORT"), ("release", "flask db upgrade"),
        ("worker", "celery -A tasks worker")]
    assert [loc.line for _, loc in cfg.commands] == [1, 2, 3]


def test_procfile_bad_line():
    facts = extract("Procfile", "web gunicorn app:app\nworker: rq worker\n")
    assert [c for c, _ in facts.deploy[0].commands] == ["rq worker"]
    assert "line 1" in facts.file.partial


def test_runtime_txt():
    (cfg,) = extract("runtime.txt", "python-3.12.7\n").deploy
    assert (cfg.platform, cfg.runtime) == ("heroku", "python 3.12.7")


def test_heroku_yml():
    text = """\
setup:
  addons:
    - plan: heroku-postgresql
      as: DATABASE
  config:
    APP_ENV: production
build:
  docker:
    web: Dockerfile
  config:
    NODE_ENV: production
release:
  command:
    - ./bin/migrate
run:
  web: node server.js
"""
    facts = extract("heroku.yml", text)
    (src,) = facts.env_sources
    s = {x.name: x for x in src.settings}
    assert s["APP_ENV"].location.line == 6 and not s["APP_ENV"].build_only
    assert s["NODE_ENV"].build_only
    assert "DATABASE_URL" in src.injected
    (cfg,) = facts.deploy
    assert list(zip(cfg.command_kinds, [c for c, _ in cfg.commands])) == [("release", "./bin/migrate"),
                                                                          ("start", "node server.js")]
