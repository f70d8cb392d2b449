"""Scheduled: re-drive or settle every message whose lease expired (see sendme.services.sweeper for the guarantees)."""

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sendme.observability import capture_lambda_handler, logger, metrics
from sendme.wiring.sweeper import sweeper


@logger.inject_lambda_context
@capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    result = sweeper().sweep(context.get_remaining_time_in_millis)
    metrics.add_metric(name="MessagesSwept", unit="Count", value=result.settled)
    logger.info("sweep done", extra=asdict(result))
    return asdict(result)
