"""The workspace dialect's words: its query, its status filter as our query plans, its events."""

import pytest
from boto3.dynamodb.conditions import ConditionBase, ConditionExpressionBuilder
from pydantic import ValidationError

from sendme.contracts.dialects import REFINEMENTS, rows_for, workspace_channel
from sendme.contracts.messages import MessageQuery
from sendme.contracts.workspace import WorkspaceMessageDetail, WorkspaceQuery
from sendme.domain.messages import Message, MessageStatus, MessageType, StatusEvent
from sendme.storage.dialect_filters import CONDITIONS, status_filters
from sendme.storage.search import plan_query

from .builders import an_email

S = MessageStatus


def _message(status: MessageStatus = S.READ, **changes: object) -> Message:
    return an_email(status, provider="SES", **changes)


def _item(message: Message) -> dict[str, object]:
    return message.model_dump(by_alias=True)


def _expression(condition: ConditionBase | None) -> str:
    assert condition is not None
    built = ConditionExpressionBuilder().build_expression(condition)
    text = built.condition_expression
    for placeholder, name in built.attribute_name_placeholders.items():
        text = text.replace(placeholder, name)
    return text


def test_dialect_filters_every_refinement_of_the_table_has_a_condition():
    # A refinement added to the table without a DynamoDB condition could not be filtered on
    assert set(CONDITIONS) == set(REFINEMENTS)


def test_dialect_filters_opened_reads_read_without_a_click_or_an_unsubscribe():
    # When the workspace's OPENED is translated
    (only,) = status_filters(rows_for(["OPENED"], dialect="workspace"))
    # Then it reads our READ, less what a click or an unsubscribe refines
    assert only.status is S.READ
    assert _expression(only.condition) == (
        "((NOT attribute_exists(unsubscribedAt)) AND (NOT attribute_exists(clickedAt)))"
    )
    assert only.check is not None
    assert only.check(_item(_message(opened_at="t")))
    assert not only.check(_item(_message(opened_at="t", clicked_at="t")))


def test_dialect_filters_clicked_is_a_click_without_an_unsubscribe():
    (only,) = status_filters(rows_for(["CLICKED"], dialect="workspace"))
    assert _expression(only.condition) == "(attribute_exists(clickedAt) AND (NOT attribute_exists(unsubscribedAt)))"


def test_dialect_filters_failed_reads_three_statuses_refining_only_undelivered():
    filters = status_filters(rows_for(["FAILED"], dialect="workspace"))
    assert [f.status for f in filters] == [S.UNDELIVERED, S.FAILED, S.CANCELED]
    # Every FAILED and CANCELED is the workspace's FAILED: no condition; an UNDELIVERED that bounced is not
    assert [f.condition is None for f in filters] == [False, True, True]
    assert _expression(filters[0].condition) == "(NOT attribute_exists(bouncedAt))"


def test_dialect_filters_condition_is_added_to_the_plans_own():
    (opened,) = status_filters(rows_for(["OPENED"], dialect="workspace"))
    plan = plan_query("org", MessageQuery(status=S.READ, message_type=MessageType.EMAIL), {})
    refined = opened.applied_to(plan)
    assert refined.index == plan.index == "byStatus"
    assert "messageType" in _expression(refined.filter)
    assert "clickedAt" in _expression(refined.filter)


def test_workspace_query_reads_words_in_any_case_and_defaults_to_fifty():
    query = WorkspaceQuery.from_parameters({"status": "opened", "channel": "email", "contactId": ""})
    assert (query.status, query.channel, query.contact_id, query.limit) == ("OPENED", "EMAIL", None, 50)


@pytest.mark.parametrize("parameters", [{"status": "READ"}, {"channel": "FAX"}, {"limit": "101"}])
def test_workspace_query_refuses_words_it_does_not_have(parameters: dict[str, str]):
    with pytest.raises(ValidationError):
        WorkspaceQuery.from_parameters(parameters)


def test_workspace_channel_is_the_upper_case_word():
    assert workspace_channel(_message()) == "EMAIL"


def test_workspace_events_take_the_word_the_message_had_then():
    # Given an email opened, then clicked later, and its history
    message = _message(
        opened_at="2026-12-06T00:05:00.000Z",
        clicked_at="2026-12-06T00:09:00.000Z",
        history=[
            StatusEvent(status=S.QUEUED, at="2026-12-06T00:00:00.000Z", source="api"),
            StatusEvent(status=S.READ, at="2026-12-06T00:05:00.000Z", source="receipts"),
        ],
    )
    # When it is shown in the workspace's dialect
    detail = WorkspaceMessageDetail.of_message(message, "Ana", None, None)
    # Then its READ event was an open (the click came after it), and the message is CLICKED now
    assert [(event.status, event.our_status) for event in detail.events] == [("QUEUED", S.QUEUED), ("OPENED", S.READ)]
    assert detail.status == "CLICKED"
