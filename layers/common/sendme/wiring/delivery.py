"""The delivery worker, its dead-letter handler, the receipts function and the sweeper."""

from sendme import aws
from sendme.config import get_settings
from sendme.domain.reputation import ReputationThresholds
from sendme.outbound.providers import EmailProvider, SmsProvider
from sendme.services import sweeper as sweeping
from sendme.services.dead_letters import DeadLetterService
from sendme.services.delivery import DeliveryService
from sendme.services.dispatch import Dispatcher
from sendme.services.receipts import ReceiptService
from sendme.services.reputation import EmailReputation, SuspendableEmail
from sendme.services.sweeper import RedrivePolicy, Sweeper
from sendme.storage.indexes import LeaseIndex, ProviderMessageIndex
from sendme.storage.reputation import EmailTallies
from sendme.wiring import cached
from sendme.wiring.accounts import accounts
from sendme.wiring.contacts import suppressions
from sendme.wiring.messages import delivery_queue, messages, settlement


@cached
def delivery_service() -> DeliveryService:
    settings = get_settings()
    return DeliveryService(
        messages(),
        settlement(),
        SmsProvider(aws.sns(), settings.sms_max_price_usd),
        SuspendableEmail(EmailProvider(aws.sesv2(), settings.sender_email, settings.ses_configuration_set), accounts()),
        lease_seconds=settings.delivery_lease_seconds,
        requeue_seconds=settings.delivery_requeue_seconds,
        reserve_millis=settings.delivery_reserve_seconds * 1000,
    )


@cached
def dead_letter_service() -> DeadLetterService:
    return DeadLetterService(settlement())


@cached
def receipt_service() -> ReceiptService:
    table = aws.dynamodb().Table(get_settings().messages_table)
    return ReceiptService(messages(), settlement(), suppressions(), ProviderMessageIndex(table), email_reputation())


def email_reputation() -> EmailReputation:
    settings = get_settings()
    thresholds = ReputationThresholds(
        window=settings.email_reputation_window,
        max_bounce_rate=settings.email_max_bounce_rate,
        max_complaint_rate=settings.email_max_complaint_rate,
    )
    return EmailReputation(EmailTallies(aws.dynamodb().Table(settings.accounts_table)), accounts(), thresholds)


@cached
def sweeper() -> Sweeper:
    settings = get_settings()
    return Sweeper(
        LeaseIndex(aws.dynamodb().Table(settings.messages_table)),
        messages(),
        settlement(),
        Dispatcher(delivery_queue(), settlement(), source=sweeping.SOURCE),
        RedrivePolicy(lease_seconds=settings.delivery_requeue_seconds, max_redrives=settings.max_redrives),
    )
