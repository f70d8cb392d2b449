"""sendme.edge.body: a route's body is JSON, UTF-8, and never a reason for a 500."""

import base64

import pytest

from sendme.domain.errors import MediaTypeUnsupportedError, RequestInvalidError
from sendme.edge.body import json_body


@pytest.mark.parametrize("content_type", [None, "application/json", "Application/JSON; charset=utf-8"])
def test_json_body_reads_json_with_or_without_its_media_type(content_type):
    assert json_body(content_type, '{"a": [1]}', base64_encoded=False) == {"a": [1]}


def test_json_body_of_an_empty_body_is_none():
    assert json_body("application/json", None, base64_encoded=False) is None


def test_json_body_decodes_a_base64_body():
    encoded = base64.b64encode('{"name": "Álvaro"}'.encode()).decode()
    assert json_body("application/json", encoded, base64_encoded=True) == {"name": "Álvaro"}


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data", "application/x-www-form-urlencoded"])
def test_json_body_of_another_media_type_names_the_accepted_one(content_type):
    with pytest.raises(MediaTypeUnsupportedError) as refused:
        json_body(content_type, "{}", base64_encoded=False)
    assert refused.value.details == {"accepted": ["application/json"]}


@pytest.mark.parametrize(
    ("body", "base64_encoded", "reason"),
    [
        pytest.param(base64.b64encode(b"\xa9\xff{").decode(), True, "not valid UTF-8", id="not-utf8"),
        pytest.param("not base64!", True, "not valid UTF-8", id="bad-base64"),
        pytest.param("{", False, "not valid JSON", id="truncated"),
        pytest.param("[" * 100_000 + "]" * 100_000, False, "not valid JSON", id="nested-100000-deep"),
        pytest.param("9" * 5000, False, "not valid JSON", id="integer-too-long"),
    ],
)
def test_json_body_refuses_what_it_cannot_read_as_a_400(body, base64_encoded, reason):
    with pytest.raises(RequestInvalidError) as refused:
        json_body("application/json", body, base64_encoded=base64_encoded)
    assert refused.value.message == f"The request body is {reason}"
    assert refused.value.field == "body"
