"""Variables that something documents: EnvDeclarations. No values, only names and where.

- env-example: every key of an example file (.env.example, .env.sample, .env.template,
  env.example, deploy/env.example …), commented-out keys included (`# SENTRY_DSN=` documents an
  optional variable), and variable names mentioned in its comments.
- docs: README*, docs/**, DEPLOY*/SETUP*/CONFIG*.md. Conservative: only names in code spans, code
  blocks, table cells and list items; only UPPER_SNAKE names with an underscore, or a few well-known
  single words (PORT, HOST …) when they stand alone in a span/cell or are assigned. Sections about
  running locally (a "Local setup" heading, a "Local run:" paragraph) declare nothing for production
  and are skipped. In code blocks only assignments (`X=…`, `export X=…`, `X: …`, `- key: X`) and
  platform CLI commands (`fly secrets set X=…`) count, never bare words.
- config-comment: comments in deploy configs that name variables, e.g.
  `# Secrets (DATABASE_URL, SESSION_PASSWORD) are set in the Netlify UI.` Commented-out settings
  (`# - key: X`, `# X = "…"`) are disabled config, not declarations.
"""
from __future__ import annotations

import re

from deploycheck.core import Location
from deploycheck.project.extract import Extractor
from deploycheck.project.extract.deploy import cli
from deploycheck.project.extract.deploy.dotenv import parse_dotenv
from deploycheck.project.model import EnvDeclaration, FileFacts, Language, Role
from deploycheck.project.parse import FileContext

# A variable-looking name: UPPER_SNAKE with at least one underscore (DATABASE_URL, NEXT_PUBLIC_X).
_SNAKE = r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+"
SNAKE = re.compile(rf"^{_SNAKE}$")
_SNAKE_IN = re.compile(rf"(?<![A-Za-z0-9_./-]){_SNAKE}(?![A-Za-z0-9_(])")
# Single words that are environment variables whenever they stand alone.
WELL_KNOWN = frozenset({"PORT", "HOST", "HOSTNAME", "DEBUG", "ENVIRONMENT", "TZ"})
# UPPER_SNAKE words that are not variables (HTTP status names, SQL, C macros docs quote).
_NOT_VARS = re.compile(r"^(HTTP_\d+.*|[A-Z]+_(OK|ERROR)|NOT_NULL|PRIMARY_KEY|FOREIGN_KEY|ON_DELETE|AUTO_INCREMENT|"
                       r"CURRENT_TIMESTAMP|UTF_8|ISO_\d+|TODO_.*|READ_ME|LICENSE_.*|CHANGE_ME|YOUR_[A-Z_]+|"
                       r"X_[A-Z_]+|[A-Z]_[A-Z]|CAP_[A-Z_]+|(NET|SYS)_(ADMIN|RAW|BIND_SERVICE|PTRACE|TIME|MODULE|RESOURCE|NICE|CHROOT))$")


def _is_var(name: str, standalone: bool = False) -> bool:
    if SNAKE.match(name):
        return not _NOT_VARS.match(name)
    return standalone and name in WELL_KNOWN


def _emit(facts: FileFacts, ctx: FileContext, name: str, line: int, source: str, seen: set) -> None:
    if (name, line) in seen:
        return
    seen.add((name, line))
    facts.env_declarations.append(EnvDeclaration(name, Location(ctx.path, line), source))


# ------------------------------------------------------------------------------------------ env examples

_COMMENTED_KEY = re.compile(r"^\s*#+\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


def _env_example(ctx: FileContext, facts: FileFacts) -> None:
    seen: set = set()
    settings, bad = parse_dotenv(ctx)
    for s in settings:
        _emit(facts, ctx, s.name, s.location.line or 1, "env-example", seen)
    if bad and not settings:
        ctx.partial = ctx.partial or f"malformed example line {bad[0]} (not KEY=VALUE): skipped"
    for n, line in ctx.iter_lines():
        if not line.lstrip().startswith("#"):
            continue
        m = _COMMENTED_KEY.match(line)
        if m and (SNAKE.match(m.group(1)) or m.group(1).isupper()):
            _emit(facts, ctx, m.group(1), n, "env-example", seen)
            continue
        for w in _SNAKE_IN.findall(line):
            if _is_var(w):
                _emit(facts, ctx, w, n, "env-example", seen)


# ------------------------------------------------------------------------------------------ docs

_DOC_NAME = re.compile(r"^(readme|deploy(ing|ment)?|setup|install(ation)?|config(uration)?|environment|env|"
                       r"hosting|production|getting[-_]started|operations|runbook)([._-].*)?\.(md|mdx|rst|txt)$", re.I)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LOCAL = re.compile(r"\b(local(ly)?|localhost|development|dev\s+(setup|server|environment)|develop(ing)?|"
                    r"run(ning)?\s+(it\s+)?locally|on\s+your\s+machine|tests?|testing|contribut\w*|hacking)\b", re.I)
_DEPLOY = re.compile(r"\b(deploy\w*|production|prod|hosting|host(ed)?\s+on|heroku|render|fly(\.io)?|railway|vercel|"
                     r"netlify|kubernetes|k8s|server|secrets?|environment\s+variables?|env\s+vars?|config\w*|"
                     r"settings?|variables?)\b", re.I)
_FENCE = re.compile(r"^\s{0,3}(```+|~~~+)\s*([\w+-]*)")
_SPAN = re.compile(r"(`+)(.+?)\1")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_ASSIGN = re.compile(rf"(?:^|[\s;&|(]|export\s+)({_SNAKE}|[A-Z]+)=")
_YAML_KEY = re.compile(rf"^\s*(?:-\s+)?(?:key|name):\s*[\"']?({_SNAKE}|[A-Z]+)[\"']?\s*$"
                       rf"|^\s*(?:-\s+)?[\"']?({_SNAKE})[\"']?\s*:\s|^\s*({_SNAKE})\s*(?:#.*)?$")
_TOML_KEY = re.compile(rf"^\s*({_SNAKE})\s*=\s*\S")
_JSON_KEY = re.compile(rf"\"({_SNAKE})\"\s*:")
# Code blocks in a programming language hold code: its constants are not settings.
_CODE_LANGS = frozenset({"python", "py", "js", "javascript", "jsx", "ts", "typescript", "tsx", "go", "rust", "rs",
                         "java", "kotlin", "kt", "ruby", "rb", "php", "c", "cpp", "c++", "cs", "csharp", "swift",
                         "sql", "scala", "elixir", "ex", "dart", "vue", "svelte", "html", "css"})


def _section_is_local(headings: list[tuple[int, str, int]], title_line: int) -> bool:
    """The innermost heading that says local or deploy decides; the document's title does not count."""
    for level, text, line in reversed(headings):
        if line == title_line:
            continue
        local, deploy = _LOCAL.search(text), _DEPLOY.search(text)
        if local and not (deploy and deploy.start() < local.start()):
            return True
        if deploy:
            return False
    return False


def _docs(ctx: FileContext, facts: FileFacts) -> None:
    seen: set = set()
    headings: list[tuple[int, str, int]] = []
    title_line = -1
    fence: str | None = None
    lang = ""
    block: list[tuple[int, str]] = []
    para_local = False
    prev = ""
    lines = ctx.lines
    for n, line in enumerate(lines, start=1):
        if fence:
            if line.strip().startswith(fence):
                if not _section_is_local(headings, title_line) and not para_local:
                    _code_block(ctx, facts, block, seen, lang)
                fence, block = None, []
            else:
                block.append((n, line))
            continue
        m = _FENCE.match(line)
        if m:
            fence, block, lang = m.group(1)[:3], [], m.group(2).lower()
            continue
        h = _HEADING.match(line)
        if h or (_SETEXT.match(line) and prev.strip() and not _LIST_ITEM.match(prev)):
            level = len(h.group(1)) if h else (1 if line.strip().startswith("=") else 2)
            text = h.group(2) if h else prev.strip()
            if title_line < 0 and not headings and level == 1:
                title_line = n
            headings = [x for x in headings if x[0] < level] + [(level, text, n)]
            para_local = False
            prev = line
            continue
        if not line.strip():
            para_local = False
            prev = line
            continue
        if not prev.strip() or _LIST_ITEM.match(line):
            # a paragraph or list item that opens with a local cue ("Local run:", "For local development")
            para_local = bool(re.match(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(for\s+)?(local|development|dev|"
                                       r"testing|tests?)\b", line, re.I))
        prev = line
        if _section_is_local(headings, title_line) or para_local or line.startswith("    ") and not _LIST_ITEM.match(line):
            continue
        _prose_line(ctx, facts, n, line, seen)


def _prose_line(ctx: FileContext, facts: FileFacts, n: int, line: str, seen: set) -> None:
    names: list[str] = []
    in_table = line.lstrip().startswith("|") and line.count("|") >= 2
    if in_table:
        if re.match(r"^\s*\|?\s*:?-{2,}", line):
            return
        for cell in line.strip().strip("|").split("|"):
            text = cell.strip().replace("`", "").replace("*", "").strip()
            parts = [p.strip() for p in re.split(r"\s*[,/]\s*|\s+or\s+|\s+and\s+", text) if p.strip()]
            if parts and all(_is_var(p, standalone=True) for p in parts):
                names += parts
    item = _LIST_ITEM.match(line)
    if item:
        lead = re.match(r"^(?:\*\*|__|`)?([A-Z][A-Z0-9_]*)(?:\*\*|__|`)?\s*(?:[:=—–-]|\(|$)", item.group(1).strip())
        if lead and _is_var(lead.group(1), standalone=True):
            names.append(lead.group(1))
    for m in _SPAN.finditer(line):
        names += _span_names(m.group(2).strip())
    for name in names:
        _emit(facts, ctx, name, n, "docs", seen)


def _span_names(span: str) -> list[str]:
    """Names a code span declares: `DATABASE_URL`, `$PORT`, `X=…`, `process.env.X`, a CLI command."""
    m = re.match(r"^\$?\{?([A-Z][A-Z0-9_]*)\}?$", span)
    if m:
        return [m.group(1)] if _is_var(m.group(1), standalone=True) else []
    m = re.match(r"^(?:process\.env\.|os\.environ\[[\"']|os\.getenv\([\"']|import\.meta\.env\.)([A-Z][A-Z0-9_]*)", span)
    if m:
        return [m.group(1)] if _is_var(m.group(1), standalone=True) else []
    out = [k for k in _ASSIGN.findall(span) if _is_var(k, standalone=True)]
    for hit in cli.scan(span):
        out += [k for k, _, _ in hit.settings if _is_var(k, standalone=True)]
    return out


def _code_block(ctx: FileContext, facts: FileFacts, block: list[tuple[int, str]], seen: set, lang: str = "") -> None:
    if not block:
        return
    text = "\n".join(line for _, line in block)
    first = block[0][0]
    cli_lines = {h.line: [k for k, _, _ in h.settings if _is_var(k, standalone=True)] for h in cli.scan(text, first)}
    for n, line in block:
        names = list(cli_lines.get(n, []))
        stripped = line.strip()
        if stripped.startswith(("#", "//")) or lang in _CODE_LANGS:
            for name in names:
                _emit(facts, ctx, name, n, "docs", seen)
            continue
        names += [k for k in _JSON_KEY.findall(line) if _is_var(k)]
        names += [k for k in _ASSIGN.findall(line) if _is_var(k, standalone=True)]
        y = _YAML_KEY.match(line)                  # `- key: X`, `X: value`, `"X": "value"`, a bare `X`
        if y:
            k = y.group(1) or y.group(2) or y.group(3)
            if _is_var(k, standalone=bool(y.group(1))):
                names.append(k)
        t = _TOML_KEY.match(line)
        if t:
            names.append(t.group(1))
        for name in names:
            _emit(facts, ctx, name, n, "docs", seen)


# ------------------------------------------------------------------------------------------ deploy-config comments

def _is_disabled_setting(comment: str) -> bool:
    """`# - key: STRIPE_KEY`, `# STRIPE_KEY = "sk_…"`, `# ENV FOO_BAR=1`: config switched off, not prose."""
    body = comment.lstrip("#;/ \t")
    if re.match(r"^(-\s+)?[A-Za-z_][\w.-]*\s*[:=]\s*[\"']?[^\s\"']+[\"']?\s*(#.*)?$", body):
        return True                       # `# key: VALUE`, `#   queue: QUEUE_URL` (one-token value)
    body = re.sub(r"^(-\s+)?(export\s+|ENV\s+|ARG\s+|Environment=)?", "", body, flags=re.I)
    m = re.match(rf"^[\"']?({_SNAKE})[\"']?\s*([=:])\s*(.*)$", body)
    if not m:
        return False
    rest = m.group(3).strip()
    return not rest or rest[0] in "\"'[{" or len(rest.split()) == 1


def _config_comments(ctx: FileContext, facts: FileFacts) -> None:
    seen: set = set()
    for n, line in ctx.iter_lines():
        pos = _comment_start(line)
        if pos is None:
            continue
        comment = line[pos:]
        if pos == len(line) - len(line.lstrip()) and _is_disabled_setting(comment):
            continue                       # a commented-out setting: disabled, not documented
        for w in _SNAKE_IN.findall(comment):
            if _is_var(w) and not re.search(re.escape(w) + r"\s*=\s*\S", comment):
                _emit(facts, ctx, w, n, "config-comment", seen)


def _comment_start(line: str) -> int | None:
    stripped = line.lstrip()
    if stripped.startswith(("#", ";")):
        return len(line) - len(stripped)
    m = re.search(r"\s#\s", line)                 # trailing comment (YAML/TOML/INI); not inside quotes
    if m and line[:m.start()].count('"') % 2 == 0 and line[:m.start()].count("'") % 2 == 0:
        return m.start() + 1
    return None


# ------------------------------------------------------------------------------------------ registry

def run_example(ctx: FileContext, facts: FileFacts) -> None:
    _env_example(ctx, facts)


def run_docs(ctx: FileContext, facts: FileFacts) -> None:
    name = ctx.path.rsplit("/", 1)[-1]
    under_docs = any(p.lower() in ("docs", "doc", "documentation") for p in ctx.path.split("/")[:-1])
    if _DOC_NAME.match(name) or (under_docs and ctx.language is Language.MARKDOWN):
        _docs(ctx, facts)


EXTRACTORS = (
    Extractor("declarations.env-example", run_example, roles=frozenset({Role.ENV_EXAMPLE})),
    Extractor("declarations.docs", run_docs, languages=frozenset({Language.MARKDOWN, Language.TEXT}),
              roles=frozenset({Role.DOCS}), triggers=("_", "PORT", "HOST", "DEBUG", "TZ")),
    Extractor("declarations.config-comments", _config_comments,
              languages=frozenset({Language.YAML, Language.TOML, Language.INI, Language.DOCKERFILE, Language.TEXT}),
              roles=frozenset({Role.DEPLOY_CONFIG}), triggers=("#",)),
)
