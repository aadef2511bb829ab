"""Redaction of anything secret-shaped in text we print (snippets, messages, log lines).

The secrets extractor masks what it finds; this is the second line of defence for every other
line of source the tool shows: passwords in URLs and long random-looking tokens are masked, so no
output format can leak a credential that a rule did not know about.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from deploycheck.core import mask_secret

_URL_CREDS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:/@\s'\"`]*):(?P<pw>[^@/\s'\"`]+)@")
_TOKEN = re.compile(r"(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_+/=-]{20,}(?![A-Za-z0-9_+/=-])")
_KEY_BLOCK = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*", re.S)


def entropy(s: str) -> float:
    """Shannon entropy in bits per character."""
    if not s:
        return 0.0
    counts = Counter(s)
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_random(token: str) -> bool:
    """Mixed character classes and high entropy: a key, not a word or a path."""
    if len(token) < 20:
        return False
    classes = sum(bool(re.search(p, token)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    if classes < 2:
        return False
    if re.fullmatch(r"[a-z_-]+[0-9]*", token) or re.fullmatch(r"[A-Z_]+", token):
        return False
    parts = [p for p in re.split(r"[-_/.]+", token) if p]
    odd = [p for p in parts if not re.fullmatch(r"[a-z]{3,}|[A-Z][a-z]{2,}|\d{1,6}", p)]
    if len(parts) >= 2 and len(odd) <= 1 and all(len(p) < 16 for p in odd):
        return False   # words joined by separators: a path, a hostname, a slug (at most one short odd part)
    return entropy(token) >= 3.5


def redact_line(text: str) -> str:
    def creds(m: re.Match) -> str:
        pw = m.group("pw")
        if pw.startswith(("$", "{", "<")) or pw.lower() in ("password", "pass", "pw", "secret", "xxx", "****"):
            return m.group(0)
        return f"{m.group('scheme')}{m.group('user')}:****@"

    text = _URL_CREDS.sub(creds, text)
    text = _TOKEN.sub(lambda m: mask_secret(m.group(0)) if looks_random(m.group(0)) else m.group(0), text)
    return _KEY_BLOCK.sub("-----BEGIN PRIVATE KEY----- (redacted)", text)
