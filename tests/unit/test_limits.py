"""The request bucket (GCRA): bursts, refills and the header fields it reports."""

from sendme.domain.limits import RateLimit, admit

PER_MINUTE = RateLimit(per_minute=60, burst=3)  # one request a second, three at once


def take(times: list[int], limit: RateLimit = PER_MINUTE) -> list[bool]:
    tat: int | None = None
    allowed = []
    for now in times:
        allowance, tat = admit(tat, now, limit)
        allowed.append(allowance.allowed)
    return allowed


def test_admit_takes_a_burst_then_refuses():
    assert take([0, 0, 0, 0]) == [True, True, True, False]


def test_admit_refills_one_request_per_interval():
    assert take([0, 0, 0, 0, 1000, 1000]) == [True, True, True, False, True, False]


def test_admit_counts_down_what_remains_and_says_when_to_retry():
    tat = None
    remaining = []
    for _ in range(3):
        allowance, tat = admit(tat, 0, PER_MINUTE)
        remaining.append(allowance.remaining)
    refused, after = admit(tat, 0, PER_MINUTE)
    assert remaining == [2, 1, 0]
    assert (refused.allowed, refused.retry_after_seconds, after) == (False, 1, tat)
    assert refused.headers()["Retry-After"] == "1"


def test_admit_full_bucket_after_idle_time():
    allowance, _ = admit(0, 60_000, PER_MINUTE)
    assert (allowance.allowed, allowance.remaining, allowance.reset_seconds) == (True, 2, 1)


def test_admit_admitted_answer_has_no_retry_after_header():
    allowance, _ = admit(None, 0, PER_MINUTE)
    assert set(allowance.headers()) == {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
