"""The delivery worker, its dead-letter handler, the receipts function and the sweeper."""

from sendme import aws
from sendme.config import Settings, get_settings
from sendme.outbound.providers import EmailProvider, EndUserMessagingSmsProvider, Provider, SmsProvider
from sendme.outbound.queues import DeliveryQueue, SendJobQueue
from sendme.services import sweeper as sweeping
from sendme.services.dead_letters import DeadLetterService
from sendme.services.delivery import DeliveryService
from sendme.services.dispatch import Dispatcher
from sendme.services.receipts import ReceiptService
from sendme.services.schedules import DueJobs
from sendme.services.sweeper import RedrivePolicy, Sweeper
from sendme.storage.indexes import LeaseIndex, ProviderMessageIndex
from sendme.wiring import cached
from sendme.wiring.contacts import suppressions
from sendme.wiring.messages import messages, send_jobs, settlement


def sms_provider(settings: Settings) -> Provider:
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
def delivery_service() -> DeliveryService:
    settings = get_settings()
    return DeliveryService(
        messages(),
        settlement(),
        sms_provider(settings),
        EmailProvider(aws.sesv2(), settings.sender_email, settings.ses_configuration_set, tenants=settings.ses_tenants),
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
    return ReceiptService(messages(), settlement(), suppressions(), ProviderMessageIndex(table))


@cached
def sweeper() -> Sweeper:
    settings = get_settings()
    return Sweeper(
        LeaseIndex(aws.dynamodb().Table(settings.messages_table)),
        messages(),
        settlement(),
        Dispatcher(DeliveryQueue(aws.sqs(), settings.delivery_queue_url), settlement(), source=sweeping.SOURCE),
        RedrivePolicy(lease_seconds=settings.delivery_requeue_seconds, max_redrives=settings.max_redrives),
        DueJobs(send_jobs(), SendJobQueue(aws.sqs(), settings.send_job_queue_url)),
    )
