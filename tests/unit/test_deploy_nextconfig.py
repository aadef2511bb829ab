"""next.config env block: names Next.js inlines into every bundle (an EnvSource of kind "inline")."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


def test_env_keys_of_next_config_are_inlined_settings():
    text = ("const basePath = process.env.BASE_PATH || '';\n"
            "export default withIntl({\n"
            "  env: {\n    basePath,\n    'currentVersion': pkg.version,\n    cloudUrl: process.env.CLOUD_URL,\n  },\n"
            "  images: { remotePatterns: [] },\n});\n")
    (src,) = extract("next.config.ts", text).env_sources
    assert (src.kind, src.environment, src.platform) == ("inline", "production", "nextjs")
    assert [(s.name, s.location.line) for s in src.settings] == [("basePath", 4), ("currentVersion", 5), ("cloudUrl", 6)]


def test_no_env_block_no_source_and_other_files_are_ignored():
    assert extract("next.config.js", "module.exports = { reactStrictMode: true };\n").env_sources == []
    assert extract("src/config.js", "module.exports = { env: { A: 1 } };\n").env_sources == []
