"""Simulated provider receipts for the local stack: moto sends, but never reports delivery.

After SNS or SES (moto) accepts a message, the simulator plays the provider's part: it builds
the event the real service would emit (an SES event on the configuration set's SNS topic, or a
CloudWatch Logs batch of SNS's SMS delivery status log) and invokes the template's receipts
function with it, so the receipts take exactly the path they take in AWS.

`--receipts delivered` (default) reports every message delivered, except a random
`--receipt-failure-rate` share reported failed (SMS: carrier unreachable; email: hard bounce,
which also suppresses the address). `--receipts off` reports nothing: messages stay SENT.
"""

import argparse
import base64
import gzip
import json
import logging
import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from sendme import aws
from sendme.config import get_settings
from sendme.storage.indexes import ProviderMessageIndex

from .provision import ACCOUNT_ID

logger = logging.getLogger(__name__)

REGION = "us-east-1"
RECEIPTS_FUNCTION = "ReceiptsFunction"
MODES = ("delivered", "off")
_ATTEMPTS = 50  # passes of 0.2 s: ten seconds for the worker to record SENT


def _timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def ses_event(
    event_type: str, *, provider_message_id: str, recipient: str, org_id: str, message_id: str
) -> dict[str, Any]:
    """The Lambda SNS event of an SES event publishing record (see ses_record)."""
    record = ses_record(
        event_type, provider_message_id=provider_message_id, recipient=recipient, org_id=org_id, message_id=message_id
    )
    return sns_event(json.dumps(record))


def ses_record(
    event_type: str, *, provider_message_id: str, recipient: str, org_id: str, message_id: str
) -> dict[str, Any]:
    """An SES event publishing record, as SES sends it to a configuration set's SNS destination."""
    record: dict[str, Any] = {
        "eventType": event_type,
        "mail": {
            "timestamp": _timestamp(),
            "source": "no-reply@example.com",
            "sendingAccountId": ACCOUNT_ID,
            "messageId": provider_message_id,
            "destination": [recipient],
            "tags": {
                "ses:configuration-set": ["sendme-local-EmailConfigurationSet"],
                "messageId": [message_id],
                "orgId": [org_id],
            },
        },
    }
    details = {
        "Delivery": ("delivery", {"timestamp": _timestamp(), "recipients": [recipient], "smtpResponse": "250 OK"}),
        "Open": ("open", {"timestamp": _timestamp(), "ipAddress": "192.0.2.1", "userAgent": "Mozilla/5.0"}),
        "Click": (
            "click",
            {
                "timestamp": _timestamp(),
                "ipAddress": "192.0.2.1",
                "userAgent": "Mozilla/5.0",
                "link": "https://example.com/offer",
                "linkTags": {},
            },
        ),
        # SES v2: the recipient used the List-Unsubscribe header or link of the configuration
        # set's contact list.
        "Subscription": (
            "subscription",
            {
                "contactList": "sendme-local-contacts",
                "timestamp": _timestamp(),
                "source": "UnsubscribeHeader",
                "newTopicPreferences": {"unsubscribeAll": True, "topicSubscriptionStatus": []},
                "oldTopicPreferences": {"unsubscribeAll": False, "topicSubscriptionStatus": []},
            },
        ),
        "Bounce": (
            "bounce",
            {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "bouncedRecipients": [
                    {"emailAddress": recipient, "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1 user unknown"}
                ],
                "timestamp": _timestamp(),
            },
        ),
        "Complaint": ("complaint", {"complainedRecipients": [{"emailAddress": recipient}], "timestamp": _timestamp()}),
        "Reject": ("reject", {"reason": "Bad content"}),
        "Rendering Failure": ("failure", {"errorMessage": "Attribute 'name' is not present", "templateName": "t"}),
    }
    if event_type in details:
        key, value = details[event_type]
        record[key] = value
    return record


def sns_event(message: str) -> dict[str, Any]:
    """A Lambda SNS event carrying one notification from the email events topic."""
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:sendme-local-EmailEventsTopic"
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic}:{uuid.uuid4()}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": str(uuid.uuid4()),
                    "TopicArn": topic,
                    "Subject": None,
                    "Message": message,
                    "Timestamp": _timestamp(),
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-0000.pem",
                    "UnsubscribeUrl": f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic}",
                    "MessageAttributes": {},
                },
            }
        ]
    }


def sms_delivery_logs(entries: list[tuple[str, str, bool]]) -> dict[str, Any]:
    """A CloudWatch Logs subscription event of SNS SMS delivery status lines: (id, phone, delivered)."""
    now_ms = int(time.time() * 1000)
    events = [
        {
            "id": str(uuid.uuid4().int)[:56],
            "timestamp": now_ms,
            "message": json.dumps(
                {
                    "notification": {"messageId": provider_message_id, "timestamp": _timestamp()},
                    "delivery": {
                        "destination": phone,
                        "smsType": "Transactional",
                        "priceInUSD": 0.00645,
                        "numberOfMessageParts": 1,
                        "providerResponse": "Message has been accepted by phone carrier"
                        if delivered
                        else "Phone is currently unreachable/unavailable",
                        "dwellTimeMs": 599,
                    },
                    "status": "SUCCESS" if delivered else "FAILURE",
                }
            ),
        }
        for provider_message_id, phone, delivered in entries
    ]
    group = f"sns/{REGION}/{ACCOUNT_ID}/DirectPublishToPhoneNumber"
    decoded = {
        "messageType": "DATA_MESSAGE",
        "owner": ACCOUNT_ID,
        "logGroup": group if all(delivered for *_, delivered in entries) else f"{group}/Failure",
        "logStream": str(uuid.uuid4()),
        "subscriptionFilters": ["sendme-local-ReceiptsFunction-SmsDelivered"],
        "logEvents": events,
    }
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(decoded).encode())).decode()}}


@dataclass(frozen=True)
class ReceiptOptions:
    mode: str = "delivered"
    failure_rate: float = 0.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--receipts",
        choices=MODES,
        default=os.environ.get("SENDME_RECEIPTS", "delivered"),
        help="simulate provider receipts after each send (env SENDME_RECEIPTS)",
    )
    parser.add_argument(
        "--receipt-failure-rate",
        type=float,
        default=float(os.environ.get("SENDME_RECEIPT_FAILURE_RATE", "0")),
        help="share of simulated receipts that report a failure, 0-1 (env SENDME_RECEIPT_FAILURE_RATE)",
    )


def options_from(args: argparse.Namespace) -> ReceiptOptions:
    if not 0 <= args.receipt_failure_rate <= 1:
        raise SystemExit("--receipt-failure-rate must be between 0 and 1")
    return ReceiptOptions(mode=args.receipts, failure_rate=args.receipt_failure_rate)


@dataclass
class _Pending:
    channel: str
    provider_message_id: str
    recipient: str
    attempts: int = 0


class ReceiptSimulator(threading.Thread):
    """Watches what moto's SNS and SES accepted and reports each message's fate to the receipts function."""

    def __init__(self, invoke: Callable[[str, dict[str, Any]], Any], options: ReceiptOptions, seed: int | None = None):
        super().__init__(name="receipts", daemon=True)
        self._invoke = invoke
        self._options = options
        self._random = random.Random(seed)
        self._seen_sms = self._seen_email = 0
        self._pending: list[_Pending] = []
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.wait(0.2):
            self.feed()

    def feed(self) -> int:
        """Report every accepted message whose SENT is recorded; returns how many were reported."""
        self._collect()
        lookup = ProviderMessageIndex(aws.dynamodb().Table(get_settings().messages_table))
        reported, waiting = 0, []
        for pending in self._pending:
            key = lookup.find(pending.provider_message_id)
            try:
                if key is not None:
                    self._report(pending, *key)
                    reported += 1
                    continue
            except Exception:
                logger.exception("simulated receipt failed; retrying")
            pending.attempts += 1
            # Not recorded yet (the worker has not written SENT), or the receipt failed: as Lambda
            # retries an asynchronous invocation, try again on the next pass, for a while.
            if pending.attempts < _ATTEMPTS:
                waiting.append(pending)
        self._pending = waiting
        return reported

    def _collect(self) -> None:
        if self._options.mode == "off":
            return
        sms = list(sns_backends[ACCOUNT_ID][REGION].sms_messages.items())
        for provider_message_id, (phone, _) in sms[self._seen_sms :]:
            self._pending.append(_Pending("sms", provider_message_id, phone))
        emails = ses_backends[ACCOUNT_ID][REGION].sent_messages[self._seen_email :]
        for email in emails:
            self._pending.append(_Pending("email", email.id, email.destinations["ToAddresses"][0]))
        self._seen_sms, self._seen_email = len(sms), self._seen_email + len(emails)

    def _report(self, pending: _Pending, org_id: str, message_id: str) -> None:
        delivered = self._random.random() >= self._options.failure_rate
        if pending.channel == "sms":
            event = sms_delivery_logs([(pending.provider_message_id, pending.recipient, delivered)])
        else:
            event = ses_event(
                "Delivery" if delivered else "Bounce",
                provider_message_id=pending.provider_message_id,
                recipient=pending.recipient,
                org_id=org_id,
                message_id=message_id,
            )
        self._invoke(RECEIPTS_FUNCTION, event)
