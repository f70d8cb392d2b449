"""Provider receipts -> status transitions: SES and End User Messaging SMS events (via SNS), SNS SMS
delivery status logs."""

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import CloudWatchLogsModel, SnsModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from sendme.observability import capture_lambda_handler, logger, metrics
from sendme.wiring.receipts import receipt_service


@logger.inject_lambda_context
@capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    # Two kinds of source: a CloudWatch Logs subscription (SNS SMS) and the SNS topics of the SES
    # and End User Messaging events.
    if "awslogs" in event:
        logs = parse(event=event, model=CloudWatchLogsModel).awslogs.decoded_data
        moved = receipt_service().apply_sms_logs(logs.logEvents)
    else:
        records = parse(event=event, model=SnsModel).Records
        moved = receipt_service().apply_notifications(str(record.Sns.Message) for record in records)
    return {"moved": moved}
