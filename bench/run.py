#!/usr/bin/env python3
"""Speed and memory of deploycheck against the tools a user would otherwise run, on the same input,
in the same run. Prints a Markdown table (paste it into docs/benchmarks.md with the date).

    python bench/run.py TARGET [TARGET ...] [--repeat 3] [--jobs 2]

Tools are used when installed (give their paths with --semgrep/--bandit/--detect-secrets or put
them on PATH): semgrep with bench/semgrep-rules.yml (a handful of rules), bandit (Python targets),
detect-secrets (the secrets scanner available from PyPI; gitleaks has no offline package here).
Wall time is the median of --repeat runs; memory is the peak resident set of the tool's process
tree (from wait4), in MiB.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(HERE.parent / "src"), os.environ.get("PYTHONPATH")])))


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, exit status) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("targets", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
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
        tools = {"deploycheck": args.deploycheck.split() + ["scan", str(target), "-f", "json", "-o", os.devnull,
                                                            "--jobs", str(args.jobs)]}
        if args.semgrep:
            tools["semgrep (5 rules)"] = [args.semgrep, "scan", "--config", str(HERE / "semgrep-rules.yml"),
                                          "--metrics=off", "--disable-version-check", "--quiet", "-j", str(args.jobs),
                                          "--json", "-o", os.devnull, str(target)]
        if args.bandit and has_py:
            tools["bandit"] = [args.bandit, "-r", "-q", "-f", "json", "-o", os.devnull, str(target)]
        if args.detect_secrets:
            tools["detect-secrets"] = [args.detect_secrets, "scan", "--all-files", str(target)]
        results = {}
        for name, cmd in tools.items():
            runs = [run(cmd, cwd=target) for _ in range(args.repeat)]
            if name == "deploycheck" and runs[-1][2] not in (0, 1):
                sys.exit(f"deploycheck failed on {target} (exit {runs[-1][2]}): {' '.join(cmd)}")
            results[name] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2])
            print(f"  {target.name}: {name}: {results[name][0]:.2f} s, {results[name][1]:.0f} MiB (exit {results[name][2]})",
                  file=sys.stderr)
        rows.append((target.name, loc, results))

    print("| target | lines | tool | wall (median) | peak RSS | deploycheck is |")
    print("|---|---:|---|---:|---:|---|")
    for name, loc, results in rows:
        ours = results["deploycheck"][0]
        for tool, (secs, mib, _) in results.items():
            ratio = "" if tool == "deploycheck" else f"{secs / ours:.1f}x faster" if secs >= ours else f"{ours / secs:.1f}x slower"
            print(f"| {name} | {loc:,} | {tool} | {secs:.2f} s | {mib:.0f} MiB | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
