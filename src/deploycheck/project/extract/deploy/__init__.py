"""Deploy-config and environment-source extractors, one module per platform or format.

Each module reads one kind of file and appends `EnvSource`s (what an environment sets, and what
the platform injects), `DeployConfig`s (health path, images, commands, runtime pin) to the file's
facts. `link.py` completes sources that load other files (env_file, EnvironmentFile, envFrom).
"""
from __future__ import annotations

from deploycheck.project.extract.deploy import (aws, ci, cloudflare, compose, digitalocean, dockerfile, dotenv, fly,
                                                gcp, heroku, k8s, netlify, nextconfig, pm2, railway, render,
                                                systemd, vercel)
from deploycheck.project.extract.deploy.link import LINKERS

EXTRACTORS = (
    *dotenv.EXTRACTORS,
    *render.EXTRACTORS,
    *fly.EXTRACTORS,
    *railway.EXTRACTORS,
    *vercel.EXTRACTORS,
    *netlify.EXTRACTORS,
    *heroku.EXTRACTORS,
    *gcp.EXTRACTORS,
    *digitalocean.EXTRACTORS,
    *compose.EXTRACTORS,
    *dockerfile.EXTRACTORS,
    *k8s.EXTRACTORS,
    *systemd.EXTRACTORS,
    *pm2.EXTRACTORS,
    *aws.EXTRACTORS,
    *cloudflare.EXTRACTORS,
    *ci.EXTRACTORS,
    *nextconfig.EXTRACTORS,
)

__all__ = ["EXTRACTORS", "LINKERS"]
