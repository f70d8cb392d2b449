"""boto3 clients, created on first use and reused across invocations of a warm Lambda.

Endpoints, region and credentials come from boto3's own configuration, so AWS_ENDPOINT_URL
points every client at the local moto server without code changes. Their timeouts and retries
come from the settings: botocore's defaults (60 s to connect, 60 s to read, up to 10 tries for
DynamoDB) would let one hung call outlive the Lambda that made it.
"""

from functools import lru_cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from sendme.config import get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient, DynamoDBServiceResource
    from mypy_boto3_pinpoint_sms_voice_v2 import PinpointSMSVoiceV2Client
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient


@lru_cache(maxsize=1)
def client_config() -> Config:
    settings = get_settings()
    return Config(
        connect_timeout=settings.aws_connect_timeout_seconds,
        read_timeout=settings.aws_read_timeout_seconds,
        retries={"mode": "standard", "max_attempts": settings.aws_max_attempts},
    )


@lru_cache(maxsize=1)
def dynamodb() -> "DynamoDBServiceResource":
    return boto3.session.Session().resource("dynamodb", config=client_config())


@lru_cache(maxsize=1)
def dynamodb_client() -> "DynamoDBClient":
    # A plain client: the resource's own client re-serialises already typed attribute values.
    return boto3.session.Session().client("dynamodb", config=client_config())


@lru_cache(maxsize=1)
def sqs() -> "SQSClient":
    return boto3.session.Session().client("sqs", config=client_config())


@lru_cache(maxsize=1)
def sns() -> "SNSClient":
    return boto3.session.Session().client("sns", config=client_config())


@lru_cache(maxsize=1)
def sesv2() -> "SESV2Client":
    return boto3.session.Session().client("sesv2", config=client_config())


@lru_cache(maxsize=1)
def sms_voice() -> "PinpointSMSVoiceV2Client":
    """AWS End User Messaging SMS."""
    return boto3.session.Session().client("pinpoint-sms-voice-v2", config=client_config())


def reset_clients() -> None:
    """Forget cached clients, for tests that point boto3 at a new endpoint."""
    for factory in (client_config, dynamodb, dynamodb_client, sqs, sns, sesv2, sms_voice):
        factory.cache_clear()
