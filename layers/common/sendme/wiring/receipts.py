"""The receipts function: provider events -> status transitions."""

from sendme import aws
from sendme.config import get_settings
from sendme.services.receipts import ReceiptService
from sendme.storage.indexes import ProviderMessageIndex
from sendme.wiring import cached
from sendme.wiring.contacts import suppressions
from sendme.wiring.messages import messages, settlement


@cached
def receipt_service() -> ReceiptService:
    table = aws.dynamodb().Table(get_settings().messages_table)
    return ReceiptService(messages(), settlement(), suppressions(), ProviderMessageIndex(table))
