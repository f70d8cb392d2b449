"""The delivery worker and its dead-letter handler (receipts and the sweeper have their own modules)."""

from sendme import aws
from sendme.config import get_settings
from sendme.outbound.providers import EmailProvider, SmsProvider
from sendme.services.dead_letters import DeadLetterService
from sendme.services.delivery import DeliveryService
from sendme.wiring import cached
from sendme.wiring.messages import messages, settlement


@cached
def delivery_service() -> DeliveryService:
    settings = get_settings()
    return DeliveryService(
        messages(),
        settlement(),
        SmsProvider(aws.sns(), settings.sms_max_price_usd),
        EmailProvider(aws.sesv2(), settings.sender_email, settings.ses_configuration_set),
        lease_seconds=settings.delivery_lease_seconds,
        requeue_seconds=settings.delivery_requeue_seconds,
        reserve_millis=settings.delivery_reserve_seconds * 1000,
    )


@cached
def dead_letter_service() -> DeadLetterService:
    return DeadLetterService(settlement())
