"""The workspace messages API (workspace-messages.txt): GET and POST
/api/workspaces/{workspaceId}/messages and GET .../messages/{messageId}, over our list and send."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.contracts.sending import DryRunResult
from sendme.contracts.workspace import (
    WorkspaceDispatch,
    WorkspaceMessageDetail,
    WorkspacePage,
    WorkspaceQuery,
    WorkspaceSend,
)
from sendme.edge.controls import send_controls
from sendme.edge.http import build_resolver, caller, entrypoint, json_response
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.workspace import workspace_messages, workspace_sends

app = build_resolver()


@app.get("/api/workspaces/<workspace_id>/messages")
def list_messages(workspace_id: str) -> Response[WorkspacePage]:
    # Parsed by hand: the edge has refused unknown parameters (sendme.contracts.operations).
    query = WorkspaceQuery.from_parameters(app.current_event.query_string_parameters)
    return json_response(workspace_messages().list_messages(caller(app).org_id, workspace_id, query))


@app.post("/api/workspaces/<workspace_id>/messages")
def send_message(
    workspace_id: str, request: Annotated[WorkspaceSend, Body()]
) -> Response[WorkspaceDispatch | DryRunResult]:
    return json_response(workspace_sends().send(caller(app), workspace_id, request, send_controls(app)))


@app.get("/api/workspaces/<workspace_id>/messages/<message_id>")
def get_message(workspace_id: str, message_id: str) -> Response[WorkspaceMessageDetail]:
    return json_response(workspace_messages().get_message(caller(app).org_id, workspace_id, message_id))


lambda_handler = entrypoint(app, request_guard, cors_policy)
