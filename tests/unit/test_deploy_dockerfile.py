"""Dockerfile: ENV (both syntaxes), ARG, multi-stage, images, HEALTHCHECK, CMD/ENTRYPOINT, runtime."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source
from deploycheck.project.extract.deploy.dockerfile import instructions


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


DOCKERFILE = """\
# syntax=docker/dockerfile:1
ARG NODE_VERSION=20.18.1
FROM node:${NODE_VERSION}-alpine AS build
ARG NEXT_PUBLIC_API_URL
ENV BUILD_ONLY_FLAG=1
WORKDIR /app
RUN npm ci && \\
    npm run build
RUN <<EOF
echo "FROM not-an-image"
ENV NOT_A_SETTING=1
EOF

FROM build AS runtime
ENV NODE_ENV=production \\
    APP_NAME="my app" LEGACY_FORM=1
ENV OLD_STYLE value with spaces
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:3000/healthz || exit 1
EXPOSE 3000
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node", "server.js"]
"""


def test_dockerfile_settings():
    facts = extract("Dockerfile", DOCKERFILE)
    (src,) = facts.env_sources
    assert (src.kind, src.environment, src.platform, src.opaque) == ("dockerfile", "production", "docker", True)
    s = {x.name: x for x in src.settings}
    assert s["NODE_ENV"].value == "production" and s["NODE_ENV"].location.line == 15
    assert s["APP_NAME"].value == "my app" and s["LEGACY_FORM"].value == "1"
    assert s["OLD_STYLE"].value == "value with spaces"
    assert s["NEXT_PUBLIC_API_URL"].build_only and s["NEXT_PUBLIC_API_URL"].kind == "declared"
    assert not s["BUILD_ONLY_FLAG"].build_only          # the runtime stage is FROM build: inherited
    assert "NOT_A_SETTING" not in s                     # heredoc body
    assert "NODE_VERSION" in src.injected               # set by the official node image


def test_dockerfile_deploy_config():
    (cfg,) = extract("Dockerfile", DOCKERFILE).deploy
    assert [i for i, _ in cfg.images] == ["node:20.18.1-alpine"]        # FROM build is a stage, not an image
    assert cfg.images[0][1].line == 3
    assert cfg.runtime == "node 20.18.1"
    assert cfg.health_path == "/healthz"
    kinds = list(zip(cfg.command_kinds, [c for c, _ in cfg.commands]))
    assert ("start", "node server.js") in kinds and ("start", "docker-entrypoint.sh") in kinds
    builds = [(c, loc.line) for (c, loc), k in zip(cfg.commands, cfg.command_kinds) if k == "build"]
    assert builds[0][1] == 7 and "npm run build" in builds[0][0]
    assert cfg.location.line == 14


def test_multistage_env_of_a_builder_stage_is_build_only():
    text = "FROM python:3.12-slim AS builder\nENV PIP_NO_CACHE=1\nFROM python:3.12-slim\nENV APP_ENV=prod\n"
    facts = extract("Dockerfile", text)
    s = {x.name: x for x in facts.env_sources[0].settings}
    assert s["PIP_NO_CACHE"].build_only and not s["APP_ENV"].build_only
    assert facts.deploy[0].runtime == "python 3.12"
    assert len(facts.deploy[0].images) == 2


def test_unpinned_and_scratch_images():
    facts = extract("Dockerfile", "FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b /app /app\n")
    assert [i for i, _ in facts.deploy[0].images] == ["golang:1.22"]
    assert facts.deploy[0].runtime is None
    assert extract("Dockerfile", "FROM node:lts\n").deploy[0].runtime is None


def test_healthcheck_none_and_dev_variant():
    text = "FROM node:20\nHEALTHCHECK CMD curl -f http://localhost/health\nHEALTHCHECK NONE\n"
    assert extract("Dockerfile", text).deploy[0].health_path is None
    assert extract("Dockerfile.dev", "FROM node:20\n").env_sources[0].environment == "development"


def test_no_from_is_partial_not_a_crash():
    facts = extract("Dockerfile", "# built from source\nRUN make\n")
    assert facts.env_sources == [] and "no FROM" in facts.file.partial


def test_instructions_join_continuations_and_skip_comments():
    ins = instructions("RUN a \\\n# a comment\n  b\nCMD x\n")
    assert [(i.line, i.keyword) for i in ins] == [(1, "RUN"), (4, "CMD")]
    assert "b" in ins[0].args


def test_settings_the_dockerfile_expands_itself_are_marked_used_in_config():
    text = ("FROM python:3.12\nARG NIGHTLY=0\nENV VIRTUAL_ENV=/venv PATH=/venv/bin:$PATH\nENV APP_HOME=/app\n"
            "ENV THEME=dark\nRUN if [ \"$NIGHTLY\" = 1 ]; then echo; fi\nWORKDIR ${APP_HOME}\n")
    (src,) = extract("Dockerfile", text).env_sources
    used = {s.name: s.used_in_config for s in src.settings}
    assert used == {"NIGHTLY": True, "VIRTUAL_ENV": False, "PATH": True, "APP_HOME": True, "THEME": False}
