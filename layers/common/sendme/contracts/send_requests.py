"""The send routes' request bodies: our send requests, each with its audience, unknown fields refused."""

from typing import Annotated

from pydantic import Field

from sendme.domain.base import REFUSE_UNKNOWN_FIELDS
from sendme.domain.sends import MAX_RECIPIENTS, EmailRequest, SmsRequest, Tag


class SmsAllRequest(SmsRequest):
    model_config = REFUSE_UNKNOWN_FIELDS


class SmsContactsRequest(SmsAllRequest):
    contacts: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=MAX_RECIPIENTS)


class SmsTagsRequest(SmsAllRequest):
    tags: list[Tag] = Field(min_length=1, max_length=50)


class EmailAllRequest(EmailRequest):
    model_config = REFUSE_UNKNOWN_FIELDS


class EmailContactsRequest(EmailAllRequest):
    contacts: list[Annotated[str, Field(max_length=320)]] = Field(min_length=1, max_length=MAX_RECIPIENTS)


class EmailTagsRequest(EmailAllRequest):
    tags: list[Tag] = Field(min_length=1, max_length=50)
