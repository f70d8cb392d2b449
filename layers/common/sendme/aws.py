"""boto3 clients, created on first use and reused across invocations of a warm Lambda.

Endpoints, region and credentials come from boto3's own configuration, so AWS_ENDPOINT_URL
points every client at the local moto server without code changes.
"""

from functools import lru_cache
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient, DynamoDBServiceResource
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient


@lru_cache(maxsize=1)
def dynamodb() -> "DynamoDBServiceResource":
    return boto3.session.Session().resource("dynamodb")


@lru_cache(maxsize=1)
def dynamodb_client() -> "DynamoDBClient":
    # A plain client: the resource's own client re-serialises already typed attribute values.
    return boto3.session.Session().client("dynamodb")


@lru_cache(maxsize=1)
def sqs() -> "SQSClient":
    return boto3.session.Session().client("sqs")


@lru_cache(maxsize=1)
def sns() -> "SNSClient":
    return boto3.session.Session().client("sns")


@lru_cache(maxsize=1)
def sesv2() -> "SESV2Client":
    return boto3.session.Session().client("sesv2")


def reset_clients() -> None:
    """Forget cached clients, for tests that point boto3 at a new endpoint."""
    for factory in (dynamodb, dynamodb_client, sqs, sns, sesv2):
        factory.cache_clear()
