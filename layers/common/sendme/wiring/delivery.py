"""The delivery worker and its dead-letter handler (receipts and the sweeper have their own
modules). Each service loads when first built: the dead-letter handler, which only settles,
never imports the providers."""

from typing import TYPE_CHECKING

from sendme import aws
from sendme.config import get_settings
from sendme.wiring import cached
from sendme.wiring.messages import messages, settlement

if TYPE_CHECKING:
    from sendme.services.dead_letters import DeadLetterService
    from sendme.services.delivery import DeliveryService


@cached
def delivery_service() -> "DeliveryService":
    from sendme.outbound.providers import EmailProvider, SmsProvider
    from sendme.services.delivery import DeliveryService

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
def dead_letter_service() -> "DeadLetterService":
    from sendme.services.dead_letters import DeadLetterService

    return DeadLetterService(settlement())
