"""Runtime configuration, read from the environment on first use and cached."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    messages_table: str
    accounts_table: str
    idempotency_table: str = ""
    delivery_queue_url: str = ""
    send_job_queue_url: str = ""
    sender_email: str = "no-reply@example.com"
    ses_configuration_set: str = ""
    terms_version: str = "2024-01"
    # The home country of an organisation created without one (sendme-admin create-org
    # --country), and of one stored before organisations had one: SendMe123's Colombia.
    default_country: str = Field(default="CO", pattern="^[A-Z]{2}$")
    sms_credits_per_segment: int = Field(default=1, ge=0)
    email_credits_per_message: int = Field(default=1, ge=0)
    # An /all or /tags audience larger than this becomes a send job run by the fan-out worker,
    # so the request answers well within API Gateway's 29 s.
    audience_sync_limit: int = Field(default=1000, ge=1)
    # How long a worker owns a message it claimed before the sweeper may settle it.
    delivery_lease_seconds: int = Field(default=120, ge=1)
    # How long a message handed back to the queue may wait for SQS to offer it again (SQS: at
    # most 5 receives x 180 s visibility) before the sweeper gives up on it.
    delivery_requeue_seconds: int = Field(default=1800, ge=1)
    # Each organisation's request budget, unless an operator set its own (sendme-admin set-limits):
    # SendMe123's documented 100 requests per minute, all of which may come at once.
    rate_limit_per_minute: int = Field(default=100, ge=1)
    rate_limit_burst: int = Field(default=100, ge=1)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()  # fields come from the environment
