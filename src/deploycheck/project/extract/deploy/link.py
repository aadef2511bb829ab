"""Cross-file completion of environment sources, over facts only.

An extractor that sees a source load variables from elsewhere records a link (see
`_common.add_link`): a compose `env_file`, a systemd `EnvironmentFile=`, a kustomize `envs:` file,
a Kubernetes `envFrom` ConfigMap/Secret. Here each link is looked up among the sources the other
files produced: a dotenv file at that path, a ConfigMap/Secret of that name (kustomize generators
and `kubectl create` commands included). Found: its settings are added to the source (own settings
still win, as they do at run time; envFrom `prefix` applied). Every link found and nothing else
hidden: the source is no longer opaque.
"""
from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import replace

from deploycheck.project.extract.deploy._common import ENV_LINKS, K8S_OBJECTS, dedupe
from deploycheck.project.model import EnvSetting, EnvSource, Project


def _common_prefix(a: str, b: str) -> int:
    pa, pb = posixpath.dirname(a).split("/"), posixpath.dirname(b).split("/")
    n = 0
    for x, y in zip(pa, pb):
        if x != y:
            break
        n += 1
    return n


def _by_suffix(target: str, paths: dict[str, EnvSource]) -> str | None:
    """An absolute path on the server that ends with a repository path (/opt/app/deploy/prod.env)."""
    if not target.startswith("/"):
        return None
    hits = [p for p in paths if target.endswith("/" + p)]
    return max(hits, key=len) if hits else None


def link_env_sources(project: Project) -> None:
    links = project.extra.get(ENV_LINKS) or []
    if not links:
        return
    index = {(s.path, s.name): i for i, s in enumerate(project.env_sources)}
    dotenv = {s.path: s for s in project.env_sources if s.kind == "dotenv"}
    objects: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for path, sname, kind, name, _ns in project.extra.get(K8S_OBJECTS) or []:
        objects[(kind, name)].append((path, sname))
    pending: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for path, sname, kind, target, prefix, base_opaque in links:
        pending[(path, sname)].append((kind, target, prefix, base_opaque))

    base = {key: any(l[3] for l in ls) for key, ls in pending.items()}
    missed: dict[tuple[str, str], bool] = defaultdict(bool)

    def resolve(key: tuple[str, str], kinds: tuple[str, ...]) -> None:
        i = index.get(key)
        todo = [l for l in pending[key] if l[0] in kinds]
        if i is None or not todo:
            return
        src = project.env_sources[i]
        linked: list[EnvSetting] = []
        for kind, target, prefix, _ in todo:
            found: list[EnvSource] = []
            if kind == "env-file":
                path = target if target in dotenv else _by_suffix(target, dotenv)
                if path:
                    found = [dotenv[path]]
            else:
                cands = [(p, n) for p, n in objects.get((kind, target), []) if (p, n) != key and (p, n) in index]
                if cands:
                    best = max(_common_prefix(src.path, p) for p, _ in cands)
                    found = [project.env_sources[index[c]] for c in cands if _common_prefix(src.path, c[0]) == best]
            if not found:
                missed[key] = True
            for f in found:
                linked += [replace(s, name=prefix + s.name) if prefix else s for s in f.settings]
                missed[key] = missed[key] or f.opaque
        pending[key] = [l for l in pending[key] if l[0] not in kinds]
        opaque = base[key] or missed[key] or bool(pending[key])
        project.env_sources[i] = replace(src, settings=dedupe(linked + list(src.settings)), opaque=opaque)

    # env files first, so that ConfigMaps generated from env files are complete before envFrom reads them
    for key in list(pending):
        resolve(key, ("env-file",))
    for key in list(pending):
        resolve(key, ("ConfigMap", "Secret"))


LINKERS = (link_env_sources,)
