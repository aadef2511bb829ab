"""deploycheck rules [explain RULE]: every rule, what it catches, why it matters, how to fix it."""
from __future__ import annotations

import argparse
import json

from deploycheck.cli.environment import Environment

HELP = "list the rules, or explain one (`deploycheck rules explain localhost/hardcoded-url`)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", choices=["list", "explain"], default="list")
    p.add_argument("rule", nargs="?", help="rule id (for explain)")
    p.add_argument("--format", "-f", default="text", choices=["text", "json"])


def run(args: argparse.Namespace, env: Environment) -> int:
    from deploycheck.checks import CHECKS, rule_by_id
    from deploycheck.cli import UsageError

    if args.action == "explain":
        if not args.rule:
            raise UsageError("rules explain: which rule? e.g. deploycheck rules explain localhost/hardcoded-url")
        rule = rule_by_id(args.rule)
        if rule is None:
            import difflib
            from deploycheck.checks import all_rules
            close = difflib.get_close_matches(args.rule, [r.id for r in all_rules()], n=1)
            raise UsageError(f"no rule '{args.rule}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        if args.format == "json":
            json.dump(_rule_dict(rule), env.stdout, indent=2)
            env.stdout.write("\n")
            return 0
        out = env.stdout
        out.write(f"{rule.id}  ({rule.severity.value})\n{rule.title}\n\nWhy it matters\n  {rule.why}\n\n"
                  f"How to fix\n  {rule.fix}\n")
        if rule.docs:
            out.write("\n" + rule.docs.strip() + "\n")
        return 0
    if args.format == "json":
        json.dump({"version": 1, "checks": [
            {"id": c.id, "question": c.question, "built": c.find is not None,
             "rules": [_rule_dict(r) for r in c.rules]} for c in CHECKS]}, env.stdout, indent=2)
        env.stdout.write("\n")
        return 0
    for c in CHECKS:
        env.stdout.write(f"{c.id}: {c.question}\n")
        if c.find is None:
            env.stdout.write("    (not checked yet)\n")
        for r in c.rules:
            env.stdout.write(f"    {r.id:<48} {r.severity.value:<8} {r.title}\n")
    return 0


def _rule_dict(rule) -> dict:
    return {"id": rule.id, "severity": rule.severity.value, "title": rule.title, "why": rule.why,
            "fix": rule.fix, "docs": rule.docs}
