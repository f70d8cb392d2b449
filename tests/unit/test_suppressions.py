"""The SMS keywords: whole message only, any case, any accents."""

import pytest

from sendme.domain.accounts import Organization
from sendme.domain.suppressions import Keyword, keyword_of


@pytest.mark.parametrize(
    "body", ["STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "Cancel", "end", "QUIT", "parar", "Bája!"]
)
def test_keyword_of_opt_out_words_is_opt_out(body: str):
    assert keyword_of(body) is Keyword.OPT_OUT


@pytest.mark.parametrize("body", ["START", "unstop", "Start!"])
def test_keyword_of_opt_in_words_is_opt_in(body: str):
    assert keyword_of(body) is Keyword.OPT_IN


def test_keyword_of_help_is_help():
    assert keyword_of("Help?") is Keyword.HELP


@pytest.mark.parametrize("body", ["please stop", "stop it", "STOPP", "", "¿Abren mañana?", "st op"])
def test_keyword_of_a_sentence_is_no_keyword(body: str):
    assert keyword_of(body) is None


def test_organization_help_reply_is_its_own_text_else_generic():
    own = Organization(id="o", name="Acme", created_at="", help_text="Acme: call 555.")
    generic = Organization(id="o", name="Acme", created_at="")
    assert (own.help_reply(), generic.help_reply()) == (
        "Acme: call 555.",
        "Acme: reply STOP to opt out of these messages.",
    )
