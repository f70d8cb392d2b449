"""The workspace messages function: the workspace dialect over our list's plans and our send."""

from typing import TYPE_CHECKING

from sendme import aws
from sendme.config import get_settings
from sendme.services.workspace import WorkspaceMessages
from sendme.storage.search import MessageSearch
from sendme.wiring import cached
from sendme.wiring.catalog import campaigns, templates
from sendme.wiring.contacts import contacts
from sendme.wiring.messages import messages

if TYPE_CHECKING:
    from sendme.services.sending import SendingService


@cached
def workspace_messages() -> WorkspaceMessages:
    repository = messages()
    search = MessageSearch(aws.dynamodb().Table(get_settings().messages_table), repository)
    return WorkspaceMessages(repository, search, contacts(), templates(), campaigns(), _sending_service)


def _sending_service() -> "SendingService":
    # Imported at the first send: the send's wiring loads our whole send path.
    from sendme.wiring.sending import sending_service

    return sending_service()
