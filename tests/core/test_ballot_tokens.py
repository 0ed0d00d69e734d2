"""The light ballot's pure parts: the form token and the page's language."""

from __future__ import annotations

import pytest

from mc2cm.i18n import accepted_lang, request_lang
from mc2cm.voters import form_token, form_token_valid, new_token, verified_voter

SECRET = b"k" * 32


def test_a_form_token_belongs_to_one_voter_one_poll_and_one_secret() -> None:
    voter = verified_voter(new_token(SECRET), SECRET)
    other = verified_voter(new_token(SECRET), SECRET)
    assert voter
    assert other
    token = form_token(SECRET, voter, "top-three-priorities")
    assert form_token_valid(token, SECRET, voter, "top-three-priorities")  # control: the right token passes
    assert not form_token_valid(token, SECRET, other, "top-three-priorities")
    assert not form_token_valid(token, SECRET, voter, "first-key-message")
    assert not form_token_valid(token, b"another secret" * 3, voter, "top-three-priorities")
    assert token not in voter
    assert voter not in token
    for junk in (None, "", "0" * 32, token[:-1], token + "0", 42, "é" * 32):
        assert not form_token_valid(junk, SECRET, voter, "top-three-priorities")


@pytest.mark.parametrize(("header", "expected"), [
    ("ar", "ar"),
    ("ar-TN,ar;q=0.9", "ar"),
    ("de-DE, ar;q=0.8, fr;q=0.9", "fr"),       # the best q among ours, not the first listed
    ("en;q=0.2, fr-FR", "fr"),                  # no q means 1
    ("fr;q=0, ar;q=0.1", "ar"),                 # q=0 means "not this"
    ("fr, en", "fr"),                           # a tie goes to the first listed
    ("de, es", None),
    ("*", None),
    ("", None),
    (None, None),
    ("ar;q=junk, en;q=0.5", "en"),
])
def test_the_browser_language_is_picked_by_quality(header: str | None, expected: str | None) -> None:
    assert accepted_lang(header) == expected


def test_the_lang_parameter_wins_then_the_browser_then_english() -> None:
    assert request_lang("fr", "ar") == "fr"
    assert request_lang("klingon", "ar;q=0.5") == "ar"
    assert request_lang(None, "de") == "en"
    assert request_lang(None, None) == "en"
