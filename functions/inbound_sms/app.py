"""Inbound SMS (AWS End User Messaging two-way numbers, through SNS) -> RECEIVED messages, opt-outs and HELP."""

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import SnsModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from sendme.contracts.events import Notification
from sendme.observability import capture_lambda_handler, logger, metrics
from sendme.wiring.inbound import inbound_service


@logger.inject_lambda_context
@capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    records = parse(event=event, model=SnsModel).Records
    notifications = (Notification(str(record.Sns.Message), record.Sns.Timestamp) for record in records)
    return {"received": inbound_service().receive_all(notifications)}
