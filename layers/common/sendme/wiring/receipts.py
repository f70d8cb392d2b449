"""The receipts function: provider events -> status transitions."""

from sendme import aws
from sendme.config import get_settings
from sendme.domain.reputation import ReputationThresholds
from sendme.services.receipts import ReceiptService
from sendme.services.reputation import EmailReputation
from sendme.storage.indexes import ProviderMessageIndex
from sendme.storage.reputation import EmailTallies
from sendme.wiring import cached
from sendme.wiring.accounts import accounts
from sendme.wiring.contacts import suppressions
from sendme.wiring.messages import messages, settlement


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
