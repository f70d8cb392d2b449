"""The delivery worker and its dead-letter handler (receipts and the sweeper have their own
modules). Each service loads when first built: the dead-letter handler, which only settles,
never imports the providers."""

from typing import TYPE_CHECKING

from sendme import aws
from sendme.config import Settings, get_settings
from sendme.wiring import cached
from sendme.wiring.messages import messages, settlement

if TYPE_CHECKING:
    from sendme.outbound.providers import Provider
    from sendme.services.dead_letters import DeadLetterService
    from sendme.services.delivery import DeliveryService


def sms_provider(settings: Settings) -> "Provider":
    """SNS, or AWS End User Messaging SMS where the stack chose it (decision 22)."""
    from sendme.outbound.providers import EndUserMessagingSmsProvider, SmsProvider

    if settings.sms_provider == "eum":
        return EndUserMessagingSmsProvider(
            aws.sms_voice(),
            settings.sms_configuration_set,
            origination_identity=settings.sms_origination_identity,
            max_price_usd=settings.sms_max_price_usd,
            otp_time_to_live_seconds=settings.sms_otp_time_to_live_seconds,
            time_to_live_seconds=settings.sms_time_to_live_seconds,
        )
    return SmsProvider(aws.sns(), settings.sms_max_price_usd)


@cached
def delivery_service() -> "DeliveryService":
    from sendme.outbound.providers import EmailProvider
    from sendme.services.delivery import DeliveryService
    from sendme.services.reputation import SuspendableEmail
    from sendme.wiring.accounts import accounts

    settings = get_settings()
    return DeliveryService(
        messages(),
        settlement(),
        sms_provider(settings),
        SuspendableEmail(
            EmailProvider(
                aws.sesv2(), settings.sender_email, settings.ses_configuration_set, tenants=settings.ses_tenants
            ),
            accounts(),
        ),
        lease_seconds=settings.delivery_lease_seconds,
        requeue_seconds=settings.delivery_requeue_seconds,
        reserve_millis=settings.delivery_reserve_seconds * 1000,
    )


@cached
def dead_letter_service() -> "DeadLetterService":
    from sendme.services.dead_letters import DeadLetterService

    return DeadLetterService(settlement())
