"""Runtime configuration, read from the environment on first use and cached."""

from decimal import Decimal
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    messages_table: str
    accounts_table: str
    idempotency_table: str = ""
    delivery_queue_url: str = ""
    priority_delivery_queue_url: str = ""
    send_job_queue_url: str = ""
    webhook_queue_url: str = ""
    # The local stack's webhooks call http://127.0.0.1 (its tests' receivers) and nothing else; a
    # deployed stack calls public HTTPS addresses only, never a private, loopback or link-local one
    # (decision 34).
    webhook_loopback_only: bool = False
    sender_email: str = "no-reply@example.com"
    ses_configuration_set: str = ""
    terms_version: str = "2024-01"
    # The home country of an organisation created without one (sendme-admin create-org
    # --country), and of one stored before organisations had one: SendMe123's Colombia.
    default_country: str = Field(default="CO", pattern="^[A-Z]{2}$")
    # SNS refuses an SMS whose price (US$, per message) would exceed this: a ceiling on what a
    # premium-rate or expensive destination can cost. None: no ceiling beyond the account's.
    sms_max_price_usd: Decimal | None = Field(default=None, gt=0)
    # The SMS provider: Amazon SNS, or AWS End User Messaging SMS (`eum`, decision 22) with its
    # configuration set (receipts, protect configuration) and, optionally, a pool or number to send from.
    sms_provider: Literal["sns", "eum"] = "sns"
    sms_configuration_set: str = ""
    sms_origination_identity: str = ""
    # How long End User Messaging keeps trying to hand an SMS off: an OTP is worthless after
    # minutes; other messages may wait a day, not its default three.
    sms_otp_time_to_live_seconds: int = Field(default=600, ge=5, le=259200)
    sms_time_to_live_seconds: int = Field(default=86400, ge=5, le=259200)
    # One SES tenant per organisation (decision 21): every email names its tenant, so SES pauses
    # only the tenant whose bounces or complaints crossed its reputation policy. Off where SES
    # tenants do not exist (moto, the local stack).
    ses_tenants: bool = False
    email_credits_per_message: int = Field(default=1, ge=0)
    # An /all or /tags audience larger than this becomes a send job run by the fan-out worker,
    # so the request answers well within API Gateway's 29 s.
    audience_sync_limit: int = Field(default=1000, ge=1)
    # How long a worker owns a message it claimed before the sweeper may settle it.
    delivery_lease_seconds: int = Field(default=120, ge=1)
    # The lease every message is stored with: how long it may wait for a worker's claim before the
    # sweeper puts it on the queue again, in case its queue entry never came (decision 03).
    queued_lease_seconds: int = Field(default=900, ge=1)
    # How long a message put back on the queue (handed back after a transient error, or re-driven)
    # may wait for SQS to offer it: longer than SQS's whole retry window, 10 receives x 180 s.
    delivery_requeue_seconds: int = Field(default=3600, ge=1)
    # How many times the sweeper re-drives a message no worker claimed before it fails and refunds
    # it; queued + max_redrives x requeue stays below the queue's 4-day retention.
    max_redrives: int = Field(default=12, ge=0)
    # The worker starts no provider call with less than this left: enough for one call and the
    # outcome write, so it hands the rest back rather than being killed mid-batch.
    delivery_reserve_seconds: int = Field(default=8, ge=0)
    # Every AWS call gives up (all tries included) well within the shortest Lambda timeout that
    # makes it: 3 tries x (2 s to connect + 5 s to read) plus backoff.
    aws_connect_timeout_seconds: float = Field(default=2, gt=0)
    aws_read_timeout_seconds: float = Field(default=5, gt=0)
    aws_max_attempts: int = Field(default=3, ge=1)
    # Each organisation's request budget, unless an operator set its own (sendme-admin set-limits):
    # SendMe123's documented 100 requests per minute, all of which may come at once.
    rate_limit_per_minute: int = Field(default=100, ge=1)
    rate_limit_burst: int = Field(default=100, ge=1)
    # An organisation's email is suspended when, over its last `email_reputation_window` emails,
    # its hard bounces or complaints pass these rates (decision 20; SES reviews at 5% and 0.1%).
    email_reputation_window: int = Field(default=1000, ge=1)
    email_max_bounce_rate: Decimal = Field(default=Decimal("0.05"), gt=0, le=1)
    email_max_complaint_rate: Decimal = Field(default=Decimal("0.001"), gt=0, le=1)
    # The origin browser pages may call the API from (template.yaml's CorsAllowOrigin).
    cors_allow_origin: str = "*"

    @field_validator("sms_max_price_usd", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # CloudFormation cannot omit a variable, only leave it empty.
        return None if value == "" else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()  # fields come from the environment
