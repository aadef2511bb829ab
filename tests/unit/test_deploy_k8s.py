"""Kubernetes: multi-document manifests, env/valueFrom/envFrom, probes, ConfigMap/Secret documents,
kustomize generators, Helm templates."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: shop-prod
data:
  LOG_LEVEL: info
  nginx.conf: |
    server {}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop-prod
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: ghcr.io/acme/api:1.2.3
          command: ["npm", "run", "migrate"]
      containers:
        - name: web
          image: ghcr.io/acme/api:1.2.3
          env:
            - name: NODE_ENV
              value: production
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: db
                  key: url
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: SELF_URL
              value: http://$(POD_NAME).svc
          envFrom:
            - configMapRef:
                name: app-config
            - secretRef:
                name: app-secrets
              prefix: APP_
          readinessProbe:
            httpGet:
              path: /ready
              port: 3000
          livenessProbe:
            httpGet:
              path: /live
              port: 3000
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: digest
spec:
  schedule: "0 8 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: digest
              image: ghcr.io/acme/api:1.2.3
              args: ["node", "digest.js"]
              env:
                - name: DIGEST_ONLY
                  value: "1"
"""


def test_workload_sources():
    facts = extract("k8s/api.yaml", MANIFEST)
    by = {s.name: s for s in facts.env_sources}
    web = by["k8s/api.yaml: Deployment api/web"]
    assert (web.kind, web.platform, web.environment) == ("k8s", "k8s", "production")
    s = {x.name: x for x in web.settings}
    assert s["NODE_ENV"].value == "production" and s["NODE_ENV"].location.line == 27
    assert s["DATABASE_URL"].kind == "secret-ref" and s["DATABASE_URL"].value == "db/url"
    assert s["POD_NAME"].kind == "from-service"
    assert s["SELF_URL"].kind == "interpolated"
    assert web.references == ("ConfigMap app-config", "Secret app-secrets") and web.opaque
    assert {"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"} <= set(web.injected)
    assert not any("migrate" in name for name in by)                     # init containers feed no app
    cron = by["k8s/api.yaml: CronJob digest/digest"]
    assert [x.name for x in cron.settings] == ["DIGEST_ONLY"]


def test_configmap_document_is_a_source_with_env_like_keys_only():
    facts = extract("k8s/api.yaml", MANIFEST)
    cm = next(s for s in facts.env_sources if s.name.endswith("ConfigMap app-config"))
    assert [(x.name, x.value, x.location.line) for x in cm.settings] == [("LOG_LEVEL", "info", 7)]


def test_workload_deploy_configs():
    facts = extract("k8s/api.yaml", MANIFEST)
    deploy, cron = facts.deploy
    assert deploy.health_path == "/ready"                               # readiness before liveness
    assert [i for i, _ in deploy.images] == ["ghcr.io/acme/api:1.2.3"] * 2
    assert ("release", "npm run migrate") in zip(deploy.command_kinds, [c for c, _ in deploy.commands])
    assert cron.command_kinds == ("cron",) and cron.commands[0][0] == "node digest.js"


def test_environment_from_namespace_or_folder():
    text = MANIFEST.replace("shop-prod", "shop-staging")
    envs = {s.name: s.environment for s in extract("k8s/api.yaml", text).env_sources}
    assert envs["k8s/api.yaml: Deployment api/web"] == "staging"
    assert envs["k8s/api.yaml: CronJob digest/digest"] == "production"        # no namespace, no folder hint
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x:1\n"
    assert extract("k8s/overlays/staging/pod.yaml", text).env_sources[0].environment == "staging"
    assert extract("k8s/overlays/local/pod.yaml", text).env_sources[0].environment == "development"
    assert extract("k8s/base/pod.yaml", text).env_sources[0].environment == "production"


def test_secret_values_are_never_kept():
    text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\nstringData:\n  API_KEY: sk_live_x\n"
    (src,) = extract("k8s/secret.yaml", text).env_sources
    assert [(x.name, x.value) for x in src.settings] == [("API_KEY", None)]


def test_kustomize_generators():
    text = """\
configMapGenerator:
  - name: app-config
    literals:
      - FEATURE_X=on
    envs:
      - config.env
secretGenerator:
  - name: app-secrets
    literals:
      - API_KEY=abc
images:
  - name: ghcr.io/acme/api
    newTag: 1.2.4
"""
    facts = extract("k8s/overlays/prod/kustomization.yaml", text)
    cm, secret = facts.env_sources
    assert [x.name for x in cm.settings] == ["FEATURE_X"] and cm.env_files == ("k8s/overlays/prod/config.env",)
    assert cm.opaque and secret.settings[0].value is None
    assert facts.deploy[0].images[0][0] == "ghcr.io/acme/api:1.2.4"


def test_helm_template_is_read_with_actions_blanked():
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          env:
            - name: DATABASE_URL
              value: {{ .Values.databaseUrl | quote }}
            {{- toYaml .Values.extraEnv | nindent 12 }}
"""
    facts = extract("charts/app/templates/deployment.yaml", text)
    (src,) = facts.env_sources
    assert src.settings[0].name == "DATABASE_URL" and src.settings[0].kind == "interpolated"
    assert src.opaque                                         # values come from values.yaml / --set
    assert src.name.endswith("Deployment {{…}}/app")
    assert facts.deploy[0].images[0][0] == "{{ .Values.image.repository }}:{{ .Values.image.tag }}"


def test_multi_document_with_a_broken_document_keeps_the_first():
    text = MANIFEST.split("---")[0] + "---\nkind: Deployment\nspec: [\n"
    facts = extract("k8s/api.yaml", text)
    assert facts.error is None and "invalid YAML" in facts.file.partial
    assert any(s.name.endswith("ConfigMap app-config") for s in facts.env_sources)
