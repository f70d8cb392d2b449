import uuid
from datetime import UTC, datetime

from sendme.domain.ids import highest_id_at, lowest_id_at, new_id


def test_new_id_is_a_version_7_uuid():
    parsed = uuid.UUID(new_id())
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)


def test_new_id_sorts_by_creation_time():
    ids = [new_id(now_ms=ms) for ms in (1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000)]
    assert ids == sorted(ids)


def test_id_bounds_bracket_every_id_of_their_millisecond():
    moment = datetime(2024, 1, 31, 23, 59, 59, 999000, tzinfo=UTC)
    millis = int(moment.timestamp() * 1000)
    inside = [new_id(now_ms=millis) for _ in range(50)]
    assert all(lowest_id_at(moment) <= i <= highest_id_at(moment) for i in inside)
    assert new_id(now_ms=millis - 1) < lowest_id_at(moment)
    assert new_id(now_ms=millis + 1) > highest_id_at(moment)
