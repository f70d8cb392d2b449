"""Engage with a sent email on the local stack: POST /local/email-events publishes the SES event
a recipient's open, click, bounce, complaint or unsubscribe makes to the stack's email events
topic, so it takes the path it takes in AWS (topic -> ReceiptsFunction). moto's SES never
reports anything, and the receipt simulator (devstack.receipts) reports only delivery.

    curl -s -X POST http://127.0.0.1:3000/local/email-events -H 'Content-Type: application/json' \\
      -d '{"messageId": "<id from the send>", "event": "Click"}'

202 once published (the receipt lands a moment later); 404 for no such email; 409 while the
email is not handed to SES yet (it has no SES message id to report on).
"""

import json
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr
from werkzeug.wrappers import Request, Response

from sendme.domain.messages import Channel

from .inbound import json_response
from .receipts import ses_record

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
    from mypy_boto3_sns import SNSClient

ROUTE = "/local/email-events"
TOPIC = "EmailEventsTopic"
EVENTS = ("Open", "Click", "Bounce", "Complaint", "Subscription")


class EmailEventsRoute:
    def __init__(self, sns: "SNSClient", topic_arn: str, messages: "Table") -> None:
        self._sns = sns
        self._topic_arn = topic_arn
        self._messages = messages

    def __call__(self, request: Request) -> Response:
        payload = request.get_json(silent=True)
        if (
            request.method != "POST"
            or not isinstance(payload, dict)
            or not isinstance(payload.get("messageId"), str)
            or payload.get("event") not in EVENTS
        ):
            return json_response(
                {"error": f"POST a JSON object with messageId and event (one of {', '.join(EVENTS)})"}, 400
            )
        message = self._status_item(payload["messageId"])
        if message is None or message.get("channel") != Channel.EMAIL.value:
            return json_response({"error": "no email has this messageId"}, 404)
        if not message.get("providerMessageId"):
            return json_response({"error": "the email is not handed to SES yet; try again in a moment"}, 409)
        record = ses_record(
            payload["event"],
            provider_message_id=str(message["providerMessageId"]),
            recipient=str(message["recipientDetails"]),
            org_id=str(message["orgId"]),
            message_id=str(message["id"]),
        )
        published = self._sns.publish(TopicArn=self._topic_arn, Message=json.dumps(record))
        return json_response(
            {"messageId": message["id"], "event": payload["event"], "snsMessageId": published["MessageId"]}, 202
        )

    def _status_item(self, message_id: str) -> dict[str, Any] | None:
        """The message's status item, in whichever organisation: the caller names only its id."""
        arguments: dict[str, Any] = {"FilterExpression": Attr("id").eq(message_id) & Attr("status").exists()}
        while True:
            response = self._messages.scan(**arguments)
            if response["Items"]:
                return dict(response["Items"][0])
            if "LastEvaluatedKey" not in response:
                return None
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]
