"""Invokes each scheduled function at its template's rate, as EventBridge does on AWS.

The sweeper re-drives and settles messages only when it runs, so the local stack runs it on the
same schedule as AWS: a message whose queue entry never came is re-driven here as it would be
there.
"""

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from .provision import ACCOUNT_ID

logger = logging.getLogger(__name__)

_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def rate_seconds(expression: str) -> int:
    """`rate(1 minute)` -> 60. Only rate expressions: the template schedules nothing by cron."""
    match = re.fullmatch(r"rate\((\d+) (\w+)\)", expression.strip())
    if not match or match.group(2) not in _UNITS:
        raise ValueError(f"unsupported schedule {expression!r}: only rate(N minute[s]|hour[s]|day[s])")
    return int(match.group(1)) * _UNITS[match.group(2)]


def scheduled_event(function: str, region: str) -> dict[str, Any]:
    """The event EventBridge sends a scheduled function (tests/events/sweeper_schedule.json's shape)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/local-{function}"],
        "detail": {},
    }


class ScheduleRunner(threading.Thread):
    def __init__(
        self, function: str, every_seconds: float, invoke: Callable[[dict[str, Any]], Any], *, region: str
    ) -> None:
        super().__init__(name=f"schedule-{function}", daemon=True)
        self._function = function
        self._every = every_seconds
        self._invoke = invoke
        self._region = region
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.wait(self._every):
            self.run_once()

    def run_once(self) -> Any:
        try:
            return self._invoke(scheduled_event(self._function, self._region))
        except Exception:
            # As on AWS, a failed run is logged and the next one comes on schedule.
            logger.exception("scheduled run of %s failed", self._function)
            return None
