"""Receive an SMS on the local stack: POST /local/inbound-sms publishes the notification AWS End
User Messaging SMS would publish for a two-way number to the stack's inbound topic, so it takes
the path it takes in AWS (topic -> InboundSmsFunction).

    curl -s -X POST http://127.0.0.1:3000/local/inbound-sms -H 'Content-Type: application/json' \\
      -d '{"from": "+573001234567", "to": "+12065550100", "body": "STOP"}'
"""

import json
import uuid
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

ROUTE = "/local/inbound-sms"
TOPIC = "InboundSmsTopic"


def inbound_sms(origination: str, destination: str, body: str, inbound_message_id: str | None = None) -> dict[str, Any]:
    """A two-way SMS as End User Messaging SMS publishes it (its documented payload)."""
    return {
        "originationNumber": origination,
        "destinationNumber": destination,
        "messageKeyword": "KEYWORD_" + destination.lstrip("+"),
        "messageBody": body,
        "inboundMessageId": inbound_message_id or str(uuid.uuid4()),
        "previousPublishedMessageId": None,
    }


class InboundSmsRoute:
    def __init__(self, sns: "SNSClient", topic_arn: str) -> None:
        self._sns = sns
        self._topic_arn = topic_arn

    def __call__(self, request: Request) -> Response:
        payload = request.get_json(silent=True)
        fields = ("from", "to", "body")
        if (
            request.method != "POST"
            or not isinstance(payload, dict)
            or not all(isinstance(payload.get(name), str) for name in fields)
        ):
            return json_response({"error": "POST a JSON object with from, to and body (strings)"}, 400)
        sms = inbound_sms(payload["from"], payload["to"], payload["body"], payload.get("inboundMessageId"))
        published = self._sns.publish(TopicArn=self._topic_arn, Message=json.dumps(sms))
        return json_response({"inboundMessageId": sms["inboundMessageId"], "snsMessageId": published["MessageId"]}, 202)


def json_response(body: dict[str, Any], status: int) -> Response:
    """A local route's JSON answer."""
    return Response(json.dumps(body), status=status, content_type="application/json")
