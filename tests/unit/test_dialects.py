"""The one mapping table between our messages and the Sendo and workspace dialects."""

from pathlib import Path

import pytest

from sendme.contracts import dialects
from sendme.domain.messages import MessageStatus

from .builders import an_email

ROOT = Path(__file__).resolve().parents[2]


def test_dialects_every_status_of_ours_has_words_in_both() -> None:
    # Given every status a message may have
    for status in MessageStatus:
        # Then each dialect names it with one of its own words
        row = dialects.status_row(an_email(status))
        assert row.sendo in dialects.SENDO_STATUSES
        assert row.workspace in dialects.WORKSPACE_STATUSES


@pytest.mark.parametrize(
    ("status", "changes", "workspace"),
    [
        (MessageStatus.READ, {"opened_at": "t"}, "OPENED"),
        (MessageStatus.READ, {"opened_at": "t", "clicked_at": "t"}, "CLICKED"),
        (MessageStatus.READ, {"clicked_at": "t", "unsubscribed_at": "t"}, "UNSUBSCRIBED"),
        (MessageStatus.UNDELIVERED, {"bounced_at": "t"}, "BOUNCED"),
        (MessageStatus.UNDELIVERED, {}, "FAILED"),
        (MessageStatus.SCHEDULED, {}, "QUEUED"),
    ],
)
def test_dialects_workspace_tells_engagement_apart(
    status: MessageStatus, changes: dict[str, object], workspace: str
) -> None:
    assert dialects.workspace_status(an_email(status, **changes)) == workspace


def test_dialects_sendo_names_a_retry_exhausted_failure() -> None:
    failed = an_email(MessageStatus.FAILED, error_code="DELIVERY_RETRIES_EXHAUSTED")
    assert dialects.sendo_status(failed) == "RETRIES_EXHAUSTED"
    assert dialects.sendo_status(an_email(MessageStatus.FAILED, error_code="SES_REJECTED")) == "FAILED"


def test_dialects_every_workspace_word_is_reachable() -> None:
    # A status filter on a word no row names could never match: each word has a row.
    for word in dialects.WORKSPACE_STATUSES:
        assert dialects.rows_for([word], dialect="workspace")


def test_dialects_readme_shows_the_table_in_the_code() -> None:
    # Given the README's mapping table, When compared with the code's, Then it is the same text
    assert dialects.markdown() in (ROOT / "README.md").read_text()
