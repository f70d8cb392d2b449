import pytest

from sendme.domain.accounts import hash_api_key
from sendme.edge.auth import presented_api_key


@pytest.mark.parametrize(
    ("headers", "key"),
    [
        ({"api-key": "k1"}, "k1"),
        ({"Api-Key": " k1 "}, "k1"),
        ({"Authorization": "Bearer k2"}, "k2"),
        ({"authorization": "bearer   k2"}, "k2"),
        ({"Authorization": "Basic abc"}, None),
        ({"Authorization": "Bearer "}, None),
        ({}, None),
        (None, None),
    ],
)
def test_presented_api_key_reads_either_header(headers, key):
    assert presented_api_key(headers) == key


def test_hash_api_key_is_sha256_hex():
    assert hash_api_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
