#!/usr/bin/env python3
"""Speed and memory of deploycheck against the tools a user would otherwise run, on the same input,
in the same run. Prints a Markdown table (paste it into docs/benchmarks.md with the date).

    python bench/run.py TARGET [TARGET ...] [--repeat 3] [--jobs 2] [--warm] [--semgrep PATH] …

deploycheck runs `scan TARGET -f json` three ways:
  cold     an empty facts cache (a fresh $XDG_CACHE_HOME per run): the first scan of a project;
  warm     (--warm) the cache filled by a previous run and nothing changed: a re-scan;
  no-cache (--no-cache-run) `--no-cache`: extraction only, nothing read or written.
Tools are used when installed (give their paths with --semgrep/--bandit/--detect-secrets or put
them on PATH): semgrep with bench/semgrep-rules.yml (a handful of JS/TS and Python rules), bandit
(targets with Python), detect-secrets (the secrets scanner available from PyPI; gitleaks has no
offline package here, so it is not measured). Wall time is the median of --repeat runs (min in
brackets: the machine may be shared); CPU is user+system of the tool's process tree; memory is its
peak resident set (from wait4), in MiB.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(HERE.parent / "src"), os.environ.get("PYTHONPATH")])))


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MiB, exit status) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            env=env or ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def lines_of_code(target: Path) -> int:
    total = 0
    skip = {"node_modules", ".git", ".next", "dist", "build", "venv", ".venv", "__pycache__"}
    for dirpath, dirnames, filenames in os.walk(target):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for f in filenames:
            if f.endswith((".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".py")):
                try:
                    with open(os.path.join(dirpath, f), "rb") as fh:
                        total += fh.read().count(b"\n")
                except OSError:
                    pass
    return total


def files_scanned(cmd: list[str], target: Path) -> int | None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scan.json"
        subprocess.run([*cmd, "-o", str(out), "--no-cache"], cwd=target, env=ENV, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        try:
            return json.loads(out.read_text())["stats"]["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None


def measure(name: str, cmd: list[str], target: Path, repeat: int, env_for=None) -> tuple[float, float, float, float, int]:
    runs = []
    for i in range(repeat):
        env = env_for(i) if env_for else None
        runs.append(run(cmd, cwd=target, env=env))
    walls = [r[0] for r in runs]
    result = (statistics.median(walls), min(walls), statistics.median(r[1] for r in runs), max(r[2] for r in runs),
              runs[-1][3])
    print(f"  {target.name}: {name}: {result[0]:.2f} s (min {result[1]:.2f}), cpu {result[2]:.2f} s, "
          f"{result[3]:.0f} MiB (exit {result[4]})", file=sys.stderr)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("targets", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--warm", action="store_true", help="also measure a re-scan with the facts cache filled")
    ap.add_argument("--no-cache-run", action="store_true", help="also measure `scan --no-cache`")
    ap.add_argument("--deploycheck", default=f"{sys.executable} -m deploycheck")
    ap.add_argument("--semgrep", default=shutil.which("semgrep"))
    ap.add_argument("--bandit", default=shutil.which("bandit"))
    ap.add_argument("--detect-secrets", dest="detect_secrets", default=shutil.which("detect-secrets"))
    args = ap.parse_args()

    rows = []
    for target in args.targets:
        target = target.resolve()
        loc = lines_of_code(target)
        has_py = any(target.rglob("*.py"))
        scan = args.deploycheck.split() + ["scan", str(target), "-f", "json", "--jobs", str(args.jobs)]
        nfiles = files_scanned(scan, target)
        results: dict[str, tuple] = {}
        with tempfile.TemporaryDirectory(prefix="deploycheck-bench-") as tmp:
            cold_dirs = [Path(tmp) / f"cold-{i}" for i in range(args.repeat)]
            results["deploycheck (cold)"] = measure(
                "deploycheck (cold)", scan + ["-o", os.devnull], target, args.repeat,
                env_for=lambda i: dict(ENV, XDG_CACHE_HOME=str(cold_dirs[i])))
            if args.warm:
                warm_home = str(cold_dirs[-1])   # filled by the last cold run
                results["deploycheck (warm)"] = measure(
                    "deploycheck (warm)", scan + ["-o", os.devnull], target, args.repeat,
                    env_for=lambda i: dict(ENV, XDG_CACHE_HOME=warm_home))
            if args.no_cache_run:
                results["deploycheck --no-cache"] = measure(
                    "deploycheck --no-cache", scan + ["-o", os.devnull, "--no-cache"], target, args.repeat)
        if results["deploycheck (cold)"][4] not in (0, 1):
            sys.exit(f"deploycheck failed on {target} (exit {results['deploycheck (cold)'][4]}): {' '.join(scan)}")
        tools: dict[str, list[str]] = {}
        if args.semgrep:
            tools["semgrep (bench rules)"] = [args.semgrep, "scan", "--config", str(HERE / "semgrep-rules.yml"),
                                              "--metrics=off", "--disable-version-check", "--quiet", "-j",
                                              str(args.jobs), "--json", "-o", os.devnull, str(target)]
        if args.bandit and has_py:
            tools["bandit"] = [args.bandit, "-r", "-q", "-f", "json", "-o", os.devnull, str(target)]
        if args.detect_secrets:
            tools["detect-secrets"] = [args.detect_secrets, "scan", "--all-files", str(target)]
        for name, cmd in tools.items():
            results[name] = measure(name, cmd, target, args.repeat)
        rows.append((target.name, loc, nfiles, results))

    print(f"| target | lines | files | tool | wall (median, min) | CPU | peak RSS | vs deploycheck cold |")
    print("|---|---:|---:|---|---:|---:|---:|---|")
    for name, loc, nfiles, results in rows:
        ours = results["deploycheck (cold)"][0]
        for tool, (secs, best, cpu, mib, _) in results.items():
            if tool == "deploycheck (cold)":
                ratio = ""
            elif tool.startswith("deploycheck"):
                ratio = f"{ours / secs:.1f}x faster than cold" if secs <= ours else f"{secs / ours:.1f}x slower than cold"
            else:
                ratio = f"deploycheck {secs / ours:.1f}x faster" if secs >= ours else f"deploycheck {ours / secs:.1f}x slower"
            print(f"| {name} | {loc:,} | {nfiles if nfiles is not None else '?'} | {tool} | {secs:.2f} s ({best:.2f}) | "
                  f"{cpu:.2f} s | {mib:.0f} MiB | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
