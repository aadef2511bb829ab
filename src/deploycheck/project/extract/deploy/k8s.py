"""Kubernetes manifests (multi-document YAML), Cloud Run/Knative service YAML, kustomization.yaml.

Per container of every workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
Pod, Argo Rollout, OpenShift DeploymentConfig, Knative/Cloud Run Service and Job): one EnvSource.
`env[].value` (value; `$(VAR)` expansion -> interpolated), `valueFrom.secretKeyRef` (secret-ref),
`configMapKeyRef`/`fieldRef`/`resourceFieldRef` (from-service). `envFrom` ConfigMaps and Secrets
are `references` and make the source opaque until the linker finds them in the repository
(ConfigMap/Secret/SealedSecret/ExternalSecret documents and kustomize generators, each also an
EnvSource of its own). Probes' `httpGet.path` is the health path (readiness first).
Helm templates are read with their `{{ }}` actions blanked out; values they fill are interpolated.
"""
from __future__ import annotations

import re
from typing import Any

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy._common import (Commands, ENV_NAME, INJECTED, K8S_OBJECTS, add_link, as_dict,
                                                        is_infra_image,
                                                        as_list, basename, command_text, dedupe, deployed_environment,
                                                        first_doc, item_line, repo_path, scalar, setting, yaml_docs,
                                                        yline)
from deploycheck.project.model import DeployConfig, EnvSetting, EnvSource, FileFacts, Language, Role
from deploycheck.project.parse import FileContext, load_yaml

_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
              "Pod", "Rollout", "DeploymentConfig", "Service", "PodTemplate"}
_DIR_NOISE = {"k8s", "kubernetes", "manifests", "deploy", "deployment", "deployments", "overlays", "base", "infra",
              "helm", "charts", "templates", "ops", "kustomize", "apps", "clusters"}
_HELM_LINE = re.compile(r"^\s*(\{\{-?.*?-?\}\}\s*)+$")
_HELM_ACTION = re.compile(r"\{\{-?.*?-?\}\}")


def _pod_spec(doc: dict) -> dict | None:
    kind, api = scalar(doc.get("kind")), scalar(doc.get("apiVersion")) or ""
    spec = as_dict(doc.get("spec"))
    if kind == "Pod":
        return spec
    if kind == "PodTemplate":
        return as_dict(as_dict(doc.get("template")).get("spec"))
    if kind == "CronJob":
        spec = as_dict(as_dict(spec.get("jobTemplate")).get("spec"))
    if kind == "Service" and "serving.knative.dev" not in api:
        return None
    if kind == "Job" and api.startswith("run.googleapis.com"):
        spec = as_dict(as_dict(spec.get("template")).get("spec"))          # Cloud Run job: execution template
    pod = as_dict(as_dict(spec.get("template")).get("spec"))
    return pod or None


def _platform(doc: dict) -> str:
    api = scalar(doc.get("apiVersion")) or ""
    if "serving.knative.dev" in api or api.startswith("run.googleapis.com"):
        return "cloud-run"
    return "k8s"


def _helm_text(text: str) -> str:
    out = []
    for line in text.splitlines():
        if _HELM_LINE.match(line):
            out.append("")
        else:
            out.append(_HELM_ACTION.sub("HELM_VALUE", line).replace('"HELM_VALUE"', "HELM_VALUE"))
    return "\n".join(out)


def _docs(ctx: FileContext) -> tuple[list[Any], bool]:
    if "{{" in ctx.text:
        docs, problem = load_yaml(_helm_text(ctx.text))
        if problem:
            ctx.partial = ctx.partial or f"Helm template: {problem}"
        return docs, True
    return yaml_docs(ctx), False


def _known(settings: tuple[EnvSetting, ...] | list[EnvSetting]) -> tuple[EnvSetting, ...]:
    """Drop variables whose name is itself a Helm template (`- name: {{ $key }}`, `secretKey: {{ $k }}`):
    the chart's values decide them, so no name is known."""
    return tuple(st for st in settings if "HELM_VALUE" not in st.name)


def _container_env(ctx: FileContext, c: dict, helm: bool) -> list[EnvSetting]:
    out: list[EnvSetting] = []
    items = c.get("env")
    for i, ev in enumerate(as_list(items)):
        if not isinstance(ev, dict) or not scalar(ev.get("name")):
            continue
        name = scalar(ev.get("name")) or ""
        line = yline(ev, "name", item_line(items, i))
        if "valueFrom" in ev:
            vf = as_dict(ev.get("valueFrom"))
            if "secretKeyRef" in vf:
                ref = as_dict(vf.get("secretKeyRef"))
                out.append(setting(ctx, name, line, f"{scalar(ref.get('name'))}/{scalar(ref.get('key'))}",
                                   kind="secret-ref"))
            else:
                what = next(iter(vf), "valueFrom")
                ref = as_dict(vf.get(what))
                detail = scalar(ref.get("fieldPath") or ref.get("resource") or ref.get("key")) or ""
                out.append(setting(ctx, name, line, f"{what}:{scalar(ref.get('name')) or ''}/{detail}",
                                   kind="from-service"))
        else:
            value = scalar(ev.get("value"))
            kind = "interpolated" if helm and value and "HELM_VALUE" in value else None
            out.append(setting(ctx, name, line, value if value is not None else "", kind=kind))
    return out


def _env_from(c: dict) -> list[tuple[str, str, str, bool]]:
    """(kind, name, prefix, optional) of each envFrom entry."""
    out = []
    for ef in as_list(c.get("envFrom")):
        ef = as_dict(ef)
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = as_dict(ef.get(key))
            if scalar(ref.get("name")):
                out.append((kind, scalar(ref.get("name")) or "", scalar(ef.get("prefix")) or "",
                            ref.get("optional") in (True, "true")))
    return out


def _probe_path(c: dict) -> str | None:
    for key in ("readinessProbe", "livenessProbe", "startupProbe"):
        path = scalar(as_dict(as_dict(c.get(key)).get("httpGet")).get("path"))
        if path:
            return path
    return None


def _workload(ctx: FileContext, facts: FileFacts, doc: dict, pod: dict, helm: bool) -> None:
    kind = scalar(doc.get("kind")) or "Pod"
    meta = as_dict(doc.get("metadata"))
    wname = (scalar(meta.get("name")) or kind.lower()).replace("HELM_VALUE", "{{…}}")
    namespace = scalar(meta.get("namespace"))
    env = deployed_environment(namespace, *[d for d in reversed(ctx.path.split("/")[:-1]) if d not in _DIR_NOISE],
                               allow_local=True)
    platform = _platform(doc)
    injected = INJECTED["cloud-run"] + (INJECTED["cloud-run-job"] if kind == "Job" else ()) \
        if platform == "cloud-run" else INJECTED["k8s"]
    images: list[tuple[str, Location]] = []
    cmds = Commands(ctx)
    health = None
    for group in ("initContainers", "containers"):
        items = pod.get(group)
        for i, c in enumerate(as_list(items)):
            if not isinstance(c, dict):
                continue
            cname = (scalar(c.get("name")) or f"{group} {i + 1}").replace("HELM_VALUE", "{{…}}")
            image = scalar(c.get("image"))
            if image:
                line = yline(c, "image", item_line(items, i))
                if helm and "HELM_VALUE" in image:       # keep the template as written: values.yaml decides
                    raw = ctx.line_text(line).split("image:", 1)[-1].strip().strip("\"'")
                    image = raw or image
                images.append((image, Location(ctx.path, line)))
            command = " ".join(filter(None, (command_text(c.get("command")), command_text(c.get("args")))))
            cmd_kind = "release" if group == "initContainers" or kind == "Job" else \
                "cron" if kind == "CronJob" else "start"
            cmds.add(command, yline(c, "command", yline(c, "args", item_line(items, i))), cmd_kind)
            if group == "initContainers":
                continue
            if image and is_infra_image(image):
                continue    # a database or cache container: its environment configures that image
            health = health or _probe_path(c)
            refs = _env_from(c)
            src = EnvSource(
                name=f"{ctx.path}: {kind} {wname}/{cname}", kind="k8s", environment=env, path=ctx.path,
                platform=platform, settings=_known(dedupe(_container_env(ctx, c, helm))),
                references=tuple(f"{k} {n}".replace("HELM_VALUE", "{{…}}") for k, n, _, _ in refs), injected=injected,
                opaque=bool(refs) or helm)
            facts.env_sources.append(src)
            for k, n, prefix, optional in refs:
                add_link(facts, src, k, n, prefix, base_opaque=helm)
    facts.deploy.append(DeployConfig(
        platform=platform, path=ctx.path, location=Location(ctx.path, yline(doc, "kind")), health_path=health,
        images=tuple(images), commands=tuple(cmds.items), command_kinds=tuple(cmds.kinds), environments=(env,)))


def _config_object(ctx: FileContext, facts: FileFacts, doc: dict) -> None:
    kind = scalar(doc.get("kind")) or ""
    meta = as_dict(doc.get("metadata"))
    name = scalar(meta.get("name")) or ""
    spec = as_dict(doc.get("spec"))
    settings: list[EnvSetting] = []
    opaque = False
    if kind == "ConfigMap":
        for section in ("data", "binaryData"):
            data = as_dict(doc.get(section))
            settings += [setting(ctx, str(k), yline(data, k), v) for k, v in data.items() if ENV_NAME.match(str(k))]
    elif kind == "Secret":
        for section in ("data", "stringData"):
            data = as_dict(doc.get(section))
            settings += [setting(ctx, str(k), yline(data, k), None, kind="value")
                         for k in data if ENV_NAME.match(str(k))]
    elif kind == "SealedSecret":
        data = as_dict(spec.get("encryptedData"))
        settings += [setting(ctx, str(k), yline(data, k), None, kind="secret-ref") for k in data if ENV_NAME.match(str(k))]
        name = scalar(as_dict(as_dict(spec.get("template")).get("metadata")).get("name")) or name
        kind = "Secret"
    elif kind == "ExternalSecret":
        items = spec.get("data")
        for i, d in enumerate(as_list(items)):
            key = scalar(as_dict(d).get("secretKey"))
            if key and ENV_NAME.match(key):
                settings.append(setting(ctx, key, yline(as_dict(d), "secretKey", item_line(items, i)), None,
                                        kind="secret-ref"))
        opaque = bool(spec.get("dataFrom"))
        name = scalar(as_dict(spec.get("target")).get("name")) or name
        kind = "Secret"
    else:
        return
    env = deployed_environment(scalar(meta.get("namespace")),
                               *[d for d in reversed(ctx.path.split("/")[:-1]) if d not in _DIR_NOISE], allow_local=True)
    sname = f"{ctx.path}: {kind} {name}"
    facts.env_sources.append(EnvSource(name=sname, kind="k8s", environment=env, path=ctx.path, platform="k8s",
                                       settings=_known(dedupe(settings)), opaque=opaque))
    facts.extra.setdefault(K8S_OBJECTS, []).append((ctx.path, sname, kind, name, scalar(meta.get("namespace"))))


def _kustomization(ctx: FileContext, facts: FileFacts) -> None:
    doc = first_doc(ctx)
    if doc is None:
        return
    env = deployed_environment(*[d for d in reversed(ctx.path.split("/")[:-1]) if d not in _DIR_NOISE], allow_local=True)
    for key, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
        items = doc.get(key)
        for i, gen in enumerate(as_list(items)):
            if not isinstance(gen, dict) or not scalar(gen.get("name")):
                continue
            name = scalar(gen.get("name")) or ""
            settings = []
            lits = gen.get("literals")
            for j, lit in enumerate(as_list(lits)):
                k, eq, v = str(lit).partition("=")
                if eq and ENV_NAME.match(k.strip()):
                    settings.append(setting(ctx, k.strip(), item_line(lits, j, item_line(items, i)),
                                            None if kind == "Secret" else v))
            files = [repo_path(ctx.path, str(f)) for f in as_list(gen.get("envs")) + as_list(gen.get("env")) if f]
            sname = f"{ctx.path}: {kind} {name}"
            src = EnvSource(name=sname, kind="k8s", environment=env, path=ctx.path, platform="k8s",
                            settings=_known(dedupe(settings)), env_files=tuple(files), opaque=bool(files))
            facts.env_sources.append(src)
            facts.extra.setdefault(K8S_OBJECTS, []).append((ctx.path, sname, kind, name, scalar(doc.get("namespace"))))
            for f in files:
                add_link(facts, src, "env-file", f)
    images = []
    items = doc.get("images")
    for i, img in enumerate(as_list(items)):
        img = as_dict(img)
        ref = scalar(img.get("newName")) or scalar(img.get("name"))
        if not ref:
            continue
        if scalar(img.get("digest")):
            ref += "@" + (scalar(img.get("digest")) or "")
        elif scalar(img.get("newTag")):
            ref += ":" + (scalar(img.get("newTag")) or "")
        images.append((ref, Location(ctx.path, item_line(items, i))))
    if images:
        facts.deploy.append(DeployConfig(platform="k8s", path=ctx.path, location=Location(ctx.path, yline(doc, "images")),
                                         images=tuple(images), environments=(env,)))


def run(ctx: FileContext, facts: FileFacts) -> None:
    if basename(ctx.path).lower() in ("kustomization.yaml", "kustomization.yml"):
        _kustomization(ctx, facts)
        return
    if "apiVersion" not in ctx.text or "kind" not in ctx.text:
        return
    docs, helm = _docs(ctx)
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        items = [doc]
        if scalar(doc.get("kind")) == "List":
            items = [i for i in as_list(doc.get("items")) if isinstance(i, dict)]
        for d in items:
            kind = scalar(d.get("kind"))
            if kind in _WORKLOADS:
                pod = _pod_spec(d)
                if pod:
                    _workload(ctx, facts, d, pod, helm)
            elif kind in ("ConfigMap", "Secret", "SealedSecret", "ExternalSecret"):
                _config_object(ctx, facts, d)


EXTRACTORS = (
    Extractor("deploy.k8s", run, languages=frozenset({Language.YAML}), roles=frozenset({Role.DEPLOY_CONFIG}),
              triggers=("kind:", "configMapGenerator", "secretGenerator", "images:")),
)
