"""dotenv files as environment sources; the interpolation helpers they share with other formats."""
from __future__ import annotations

import string

from hypothesis import given, strategies as st

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source
from deploycheck.project.extract.deploy._common import interpolation_refs, is_interpolated
from deploycheck.project.extract.deploy.dotenv import dotenv_environment


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


def settings(facts):
    (src,) = facts.env_sources
    return {s.name: s for s in src.settings}


def test_environment_from_file_name():
    assert dotenv_environment(".env") == "development"
    assert dotenv_environment(".env.local") == "development"
    assert dotenv_environment(".env.development") == "development"
    assert dotenv_environment(".env.test") == "test"
    assert dotenv_environment(".env.production") == "production"
    assert dotenv_environment(".env.prod") == "production"
    assert dotenv_environment(".env.production.local") == "production"
    assert dotenv_environment(".env.staging") == "staging"
    assert dotenv_environment(".env.preview") == "preview"
    assert dotenv_environment("config/production.env") == "production"
    assert dotenv_environment("deploy/staging/.env") == "staging"
    assert dotenv_environment(".env.docker") == "development"


def test_values_kinds_lines_and_syntax():
    text = (
        "# comment\n"
        "export A=1\n"
        'B="two words" # trailing comment\n'
        "C='${LITERAL}'\n"
        "D=${HOME}/data\n"
        "E=postgres://$DB_USER@db/app\n"
        "F\n"
        "G=\n"
        'H="multi\nline"\n'
        "I=a#b\n"
    )
    facts = extract(".env.production", text)
    (src,) = facts.env_sources
    assert (src.kind, src.environment, src.path, src.opaque) == ("dotenv", "production", ".env.production", False)
    s = settings(facts)
    assert s["A"].value == "1" and s["A"].location.line == 2 and s["A"].kind == "value"
    assert s["B"].value == "two words"
    assert s["C"].kind == "value" and s["C"].value == "${LITERAL}"      # single quotes: no interpolation
    assert s["D"].kind == "interpolated"
    assert s["E"].kind == "interpolated"
    assert s["F"].kind == "declared" and s["F"].value is None
    assert s["G"].kind == "value" and s["G"].value == ""
    assert s["H"].value == "multi\nline" and s["H"].location.line == 9
    assert s["I"].value == "a#b" and s["I"].location.line == 11
    assert facts.file.partial is None


def test_malformed_lines_are_skipped_with_a_reason_and_the_rest_kept():
    facts = extract(".env", "GOOD=1\nthis is not a setting\nALSO_GOOD=2\n=novalue\n")
    s = settings(facts)
    assert set(s) == {"GOOD", "ALSO_GOOD"}
    assert "line" in facts.file.partial and "2" in facts.file.partial and "4" in facts.file.partial
    assert "not a setting" not in facts.file.partial          # never echo the line: it may hold a secret


def test_later_definition_wins():
    s = settings(extract(".env.production", "A=1\nA=2\n"))
    assert s["A"].value == "2" and s["A"].location.line == 2


def test_example_files_are_not_environments():
    facts = extract(".env.example", "DATABASE_URL=postgres://localhost/app\n")
    assert facts.env_sources == []
    assert [d.name for d in facts.env_declarations] == ["DATABASE_URL"]


def test_dev_and_test_dotenv_files_still_feed_their_environment():
    assert extract(".env.development", "A=1\n").env_sources[0].environment == "development"
    assert extract(".env.test", "A=1\n").env_sources[0].environment == "test"


# ------------------------------------------------------------------------------- interpolation

_name = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
_plain = st.text(alphabet=string.ascii_letters + string.digits + " ./:-_@", max_size=12)


@given(prefix=_plain, name=_name, suffix=_plain, braces=st.booleans())
def test_any_reference_is_found(prefix, name, suffix, braces):
    ref = "${" + name + "}" if braces else "$" + name
    if not braces and suffix[:1] and (suffix[0].isalnum() or suffix[0] == "_"):
        suffix = " " + suffix                    # $NAME must end where the name ends
    value = prefix.replace("$", "") + ref + suffix
    assert is_interpolated(value)
    assert name in [n for n, _ in interpolation_refs(value)]


@given(name=_name, default=_plain.filter(lambda s: "}" not in s))
def test_default_is_reported(name, default):
    refs = interpolation_refs("${" + name + ":-" + default + "}")
    assert refs == [(name, default)]


@given(_plain)
def test_plain_text_is_not_interpolated(text):
    assert not is_interpolated(text)
    assert interpolation_refs(text) == []


def test_escaped_dollars_and_github_expressions():
    assert not is_interpolated("pa$$word")
    assert not is_interpolated(r"\$HOME")
    assert is_interpolated("${{ secrets.TOKEN }}")
    assert is_interpolated("$(POD_NAME).svc")


def test_deployed_environment_names():
    from deploycheck.project.extract.deploy._common import deployed_environment
    assert deployed_environment("shop-staging") == "staging"
    assert deployed_environment("shop-dev") == "staging"              # a deployed dev app is still a server
    assert deployed_environment("local-news") == "production"        # an app name, not a laptop
    assert deployed_environment("overlays", "local", allow_local=True) == "development"
    assert deployed_environment(None) == "production"


_values = st.text(alphabet=string.ascii_letters + string.digits + " ./:-_@#=!%&*+,;?", max_size=20)


@given(st.dictionaries(_name.filter(lambda n: n.lower() != "export"), _values, min_size=1, max_size=8),
       st.sampled_from(["plain", "double", "single", "export"]))
def test_rendered_files_round_trip(values, style):
    def render(v: str) -> str:
        if style == "single":
            return "'" + v + "'"
        if style in ("double", "export"):
            return '"' + v + '"'
        return v.strip().split(" #")[0] if " #" in v else v.strip()
    prefix = "export " if style == "export" else ""
    text = "".join(f"{prefix}{k}={render(v)}\n" for k, v in values.items())
    facts = extract(".env.production", text)
    got = {s.name: s.value for s in facts.env_sources[0].settings}
    assert set(got) == set(values)
    for k, v in values.items():
        expected = render(v).strip() if style == "plain" else v    # unquoted: trimmed, " #…" is a comment
        assert got[k] == expected
    assert facts.file.partial is None
