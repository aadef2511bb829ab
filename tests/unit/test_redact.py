"""redact: the last line of defence for every line of source the tool prints."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from deploycheck.redact import looks_random, redact_line


@pytest.mark.parametrize("text", [
    "riverside-booking-4f1c2d8e9a7b.herokuapp.com",
    "/api/appointments/manage/18211",
    "node_modules/mongoose/lib/drivers/node-mongodb-native/collection.js",
    "getServerSideProps",
    "DATABASE_CONNECTION_STRING",
])
def test_words_paths_and_hosts_are_not_secrets(text):
    assert redact_line(text) == text


@pytest.mark.parametrize("secret", [
    "kJ8dFq2LmN9pRs4TuV7wXy1Z",                    # base64-ish
    "Ab3dEfGh12_Xyz9Kq-Yvs",                         # base64url with separators
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",      # a prefix word and one long random part
    "sk-proj-Tq8vXk2LmN9pRs4TuV7wXy1ZaB3cD5eF",
])
def test_random_tokens_are_masked(secret):
    out = redact_line(f'const key = "{secret}";')
    assert secret not in out and secret[:4] in out


def test_url_passwords_are_masked_but_placeholders_kept():
    assert redact_line("postgres://app:S3cr3tPass@db.example.com/app") == "postgres://app:****@db.example.com/app"
    assert redact_line("postgres://user:password@localhost/db") == "postgres://user:password@localhost/db"
    assert redact_line("redis://:${REDIS_PASSWORD}@cache:6379") == "redis://:${REDIS_PASSWORD}@cache:6379"


def test_private_key_blocks_are_cut():
    assert redact_line("-----BEGIN RSA PRIVATE KEY-----MIIEow") == "-----BEGIN PRIVATE KEY----- (redacted)"


@given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", min_size=24, max_size=48))
def test_long_random_alphanumerics_never_print_whole(token):
    if looks_random(token):
        assert token not in redact_line(token)
