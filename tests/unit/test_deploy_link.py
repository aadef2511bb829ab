"""The linker: env_file / EnvironmentFile / kustomize envs / envFrom resolved across files."""
from __future__ import annotations

from pathlib import Path

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source
from deploycheck.project.link import link
from deploycheck.project.model import Project


def project(files: dict[str, str]) -> Project:
    p = Project(root=Path("."))
    for path, text in files.items():
        p.add(extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None)))
    link(p)
    return p


def source(p: Project, name: str):
    return next(s for s in p.env_sources if s.name == name)


def test_compose_env_file_in_repo_is_merged_and_no_longer_opaque():
    p = project({
        "docker-compose.prod.yml": "services:\n  web:\n    image: acme/web:1\n    env_file: .env.production\n"
                                   "    environment:\n      A: own\n",
        ".env.production": "A=from-file\nB=2\n",
    })
    web = source(p, "docker-compose.prod.yml: web")
    assert not web.opaque
    s = {x.name: x for x in web.settings}
    assert s["A"].value == "own"                                   # environment: wins over env_file
    assert s["B"].location.path == ".env.production" and s["B"].location.line == 2


def test_compose_env_file_missing_from_repo_stays_opaque():
    p = project({"docker-compose.prod.yml": "services:\n  web:\n    image: acme/web:1\n    env_file: .env\n"})
    assert source(p, "docker-compose.prod.yml: web").opaque


def test_systemd_environment_file_under_working_directory():
    unit = "[Service]\nWorkingDirectory=/srv/app\nEnvironmentFile=-/srv/app/deploy/prod.env\nExecStart=/srv/app/run\n"
    p = project({"deploy/app.service": unit, "deploy/prod.env": "SECRET_THING=x\n"})
    src = source(p, "deploy/app.service")
    assert not src.opaque and [x.name for x in src.settings] == ["SECRET_THING"]


def test_systemd_environment_file_outside_repo_stays_opaque():
    unit = "[Service]\nEnvironmentFile=/etc/app/env\nExecStart=/srv/app/run\n"
    assert source(project({"app.service": unit}), "app.service").opaque


def test_k8s_envfrom_configmap_in_another_file_with_prefix():
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: web
          image: acme/api:1
          envFrom:
            - configMapRef:
                name: app-config
              prefix: CFG_
"""
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  LOG_LEVEL: info\n"
    p = project({"k8s/deployment.yaml": deployment, "k8s/configmap.yaml": cm})
    web = source(p, "k8s/deployment.yaml: Deployment api/web")
    assert not web.opaque
    assert [(x.name, x.location.path) for x in web.settings] == [("CFG_LOG_LEVEL", "k8s/configmap.yaml")]


def test_k8s_secret_ref_not_in_repo_stays_opaque():
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: web
          image: acme/api:1
          envFrom:
            - secretRef:
                name: api-secrets
"""
    p = project({"k8s/deployment.yaml": deployment})
    web = source(p, "k8s/deployment.yaml: Deployment api/web")
    assert web.opaque and web.references == ("Secret api-secrets",)


def test_kustomize_generator_from_env_file_feeds_envfrom():
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: web
          image: acme/api:1
          envFrom:
            - configMapRef:
                name: app-config
"""
    kust = "resources:\n  - deployment.yaml\nconfigMapGenerator:\n  - name: app-config\n    envs:\n      - app.env\n"
    p = project({"k8s/deployment.yaml": deployment, "k8s/kustomization.yaml": kust, "k8s/app.env": "FEATURE=1\n"})
    web = source(p, "k8s/deployment.yaml: Deployment api/web")
    assert not web.opaque and [x.name for x in web.settings] == ["FEATURE"]
