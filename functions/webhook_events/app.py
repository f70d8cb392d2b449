"""Messages table stream (filtered to organisations with webhooks) -> queued webhook deliveries.

A batch that fails is retried by the event source mapping, then kept in its on-failure queue.
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sendme.edge.sqs import worker_entrypoint
from sendme.edge.streams import status_changes
from sendme.wiring.webhooks import webhook_events


@worker_entrypoint
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return {"queued": webhook_events().publish(status_changes(event))}
