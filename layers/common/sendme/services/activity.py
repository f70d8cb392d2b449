"""An organisation's recent traffic by day and status, read from the message counters (one
BatchGetItem of at most 90 small items, never a scan of the messages)."""

from collections import Counter
from datetime import date, timedelta

from sendme.contracts.account import Activity, DayActivity, delivery_rate
from sendme.domain.clock import utc_now
from sendme.domain.messages import MessageStatus
from sendme.storage.counters import MessageCounters, day_key, day_status_key


class ActivityReport:
    def __init__(self, counters: MessageCounters) -> None:
        self._counters = counters

    def last_days(self, org_id: str, days: int, today: date | None = None) -> Activity:
        today = today or utc_now().date()
        shown = [today - timedelta(days=back) for back in reversed(range(days))]
        wanted = {day: {status: day_status_key(day, status) for status in MessageStatus} for day in shown}
        counts = self._counters.read(
            org_id, [day_key(day) for day in shown] + [key for keys in wanted.values() for key in keys.values()]
        )
        per_day = [
            DayActivity(
                day=day,
                total=counts[day_key(day)],
                by_status=(by_status := {status: counts[key] for status, key in wanted[day].items() if counts[key]}),
                delivery_rate=delivery_rate(by_status),
            )
            for day in shown
        ]
        period: Counter[MessageStatus] = Counter()
        for day in per_day:
            period.update(day.by_status)
        return Activity(days=per_day, delivery_rate=delivery_rate(dict(period)))
