"""The workspace messages function: the workspace dialect over our list's plans and our send
(the send's service loads at the first send, so a function that has only listed never loads
our send path)."""

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
    from sendme.services.workspace_sending import WorkspaceSends


@cached
def workspace_messages() -> WorkspaceMessages:
    repository = messages()
    search = MessageSearch(aws.dynamodb().Table(get_settings().messages_table), repository)
    return WorkspaceMessages(repository, search, contacts(), templates(), campaigns())


@cached
def workspace_sends() -> "WorkspaceSends":
    from sendme.services.workspace_sending import WorkspaceSends
    from sendme.wiring.sending import sending_service

    return WorkspaceSends(messages(), contacts(), sending_service())
