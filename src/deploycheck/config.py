"""One frozen Config: defaults <- [tool.deploycheck] in pyproject.toml or deploycheck.toml <- CLI flags.

Validated once. An unknown key is an error with a "did you mean" hint, never silently ignored.
"""
from __future__ import annotations

import difflib
import fnmatch
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from deploycheck.core import CHECK_IDS, Severity


class ConfigError(Exception):
    """A problem with the user's configuration or arguments (exit status 2)."""


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    select: tuple[str, ...] = ()                 # check ids, rule ids or "family/*"; () = all
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    exclude: tuple[str, ...] = ()                # gitignore syntax
    severity: Mapping[str, Severity] = field(default_factory=dict)      # rule id -> severity
    per_path_ignore: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    check_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    confirm: Mapping[str, str] = field(default_factory=dict)            # check id -> how it was confirmed
    max_file_bytes: int = 2 * 1024 * 1024
    jobs: int = 0                                # 0: automatic
    use_gitignore: bool = True
    baseline: Path | None = None
    use_baseline: bool = True                    # False while writing a new baseline
    config_file: Path | None = None
    display_root: str | None = None              # the PATH as the user gave it (the contract's `root`)
    cache_dir: Path | None = None                # facts cache (see cache.py); None: no cache

    def selected(self, rule_id: str) -> bool:
        if self.select and not any(_matches(rule_id, p) for p in self.select):
            return False
        return not any(_matches(rule_id, p) for p in self.ignore)

    def check_selected(self, check_id: str) -> bool:
        if self.select and not any(_matches_check(check_id, p) for p in self.select):
            return False
        return check_id not in self.ignore and f"{check_id}/*" not in self.ignore

    def options(self, check_id: str) -> Mapping[str, Any]:
        return self.check_options.get(check_id, {})


def _matches(rule_id: str, pattern: str) -> bool:
    family = rule_id.split("/", 1)[0]
    return pattern == rule_id or pattern == family or fnmatch.fnmatchcase(rule_id, pattern)


def _matches_check(check_id: str, pattern: str) -> bool:
    return pattern.split("/", 1)[0] == check_id


_INTERNAL = {"display-root"}
_KEYS = {"select", "ignore", "fail-on", "exclude", "severity", "per-path-ignore", "checks", "confirm",
         "max-file-size", "jobs", "gitignore", "baseline"}


def load(root: Path, *, config_file: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    """Build the Config for a scan of `root`."""
    root = Path(root)
    table: dict[str, Any] = {}
    source: Path | None = None
    if config_file is not None:
        table, source = _read_table(config_file, explicit=True), config_file
    else:
        for candidate in (root / "deploycheck.toml", root / ".deploycheck.toml", root / "pyproject.toml"):
            if candidate.is_file():
                t = _read_table(candidate, explicit=False)
                if t is not None:
                    table, source = t, candidate
                    break
    table = dict(table or {})
    for key, value in (overrides or {}).items():
        if value is not None and value != () and value != []:
            table[key] = value
    return _validate(root, table, source)


def _read_table(path: Path, *, explicit: bool) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if "deploycheck" not in tool:
            return {} if explicit else None
        return tool["deploycheck"]
    return data


def _did_you_mean(word: str, options: set[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _validate(root: Path, table: dict[str, Any], source: Path | None) -> Config:
    where = f"{source}: " if source else ""
    for key in table:
        if key not in _KEYS and key not in _INTERNAL:
            raise ConfigError(f"{where}unknown key '{key}'{_did_you_mean(key, _KEYS)}")

    def ids(key: str) -> tuple[str, ...]:
        value = table.get(key, ())
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}'{key}' must be a list of check or rule ids")
        for v in value:
            family = v.split("/", 1)[0]
            if family not in CHECK_IDS:
                raise ConfigError(f"{where}'{key}': unknown check '{family}'{_did_you_mean(family, CHECK_IDS)}")
        return tuple(value)

    fail_on = table.get("fail-on", "error")
    try:
        fail_sev = Severity(str(fail_on))
    except ValueError:
        raise ConfigError(f"{where}'fail-on' must be 'error', 'warning' or 'info', not {fail_on!r}") from None

    severity: dict[str, Severity] = {}
    for rule_id, sev in (table.get("severity") or {}).items():
        try:
            severity[rule_id] = Severity(sev)
        except ValueError:
            raise ConfigError(f"{where}[severity] {rule_id}: '{sev}' is not error, warning or info") from None

    per_path = {}
    for pattern, rules in (table.get("per-path-ignore") or {}).items():
        if isinstance(rules, str):
            rules = [rules]
        per_path[pattern] = tuple(rules)

    checks = table.get("checks") or {}
    for cid in checks:
        if cid not in CHECK_IDS:
            raise ConfigError(f"{where}[checks.{cid}]: unknown check{_did_you_mean(cid, CHECK_IDS)}")
    confirm = table.get("confirm") or {}
    for cid in confirm:
        if cid not in CHECK_IDS:
            raise ConfigError(f"{where}[confirm] {cid}: unknown check{_did_you_mean(cid, CHECK_IDS)}")

    exclude = table.get("exclude", ())
    if isinstance(exclude, str):
        exclude = [exclude]
    max_size = table.get("max-file-size", 2 * 1024 * 1024)
    if isinstance(max_size, str):
        max_size = _parse_size(max_size, where)
    baseline = table.get("baseline")
    return Config(
        root=root, select=ids("select"), ignore=ids("ignore"), fail_on=fail_sev, exclude=tuple(exclude),
        severity=severity, per_path_ignore=per_path, check_options={k: dict(v) for k, v in checks.items()},
        confirm={k: str(v) for k, v in confirm.items()}, max_file_bytes=int(max_size),
        jobs=int(table.get("jobs", 0)), use_gitignore=bool(table.get("gitignore", True)),
        baseline=(root / baseline) if isinstance(baseline, str) else baseline, config_file=source,
        display_root=table.get("display-root"),
    )


def _parse_size(text: str, where: str) -> int:
    units = {"k": 1024, "kb": 1024, "m": 1024 ** 2, "mb": 1024 ** 2, "g": 1024 ** 3, "gb": 1024 ** 3, "b": 1, "": 1}
    t = text.strip().lower()
    num = t.rstrip("kmgb")
    try:
        return int(float(num) * units[t[len(num):]])
    except (ValueError, KeyError):
        raise ConfigError(f"{where}'max-file-size': cannot read {text!r} (use e.g. '2MB')") from None


def with_(config: Config, **changes: Any) -> Config:
    return replace(config, **changes)
