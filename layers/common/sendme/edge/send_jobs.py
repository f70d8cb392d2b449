"""The send-job queues' record: the fan-out worker's and its dead-letter handler's."""

from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import Json

from sendme.domain.send_jobs import SendJobTask


class SendJobRecord(SqsRecordModel):
    """One send-job (or send-job dead-letter) queue record, its body parsed as the task."""

    body: Json[SendJobTask]
