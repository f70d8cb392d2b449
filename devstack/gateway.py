"""A local API Gateway (REST, proxy integration) built from template.yaml.

It does what the deployed API does, in the same order: match the route (the template's
GatewayResponses answer a path it lacks), build the REST proxy event and turn the handler's
result into the HTTP response. There is no authorizer: each function checks the request's API
key itself (docs/decisions/25-one-lambda-per-request.md).
"""

import base64
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .console import MOUNT as CONSOLE_MOUNT
from .console import console
from .docs import docs
from .template import Intrinsics, Route, Template

ACCOUNT_ID = "123456789012"
API_ID = "localapi01"

Invoke = Callable[[str, dict[str, Any]], Any]


def _rule_path(path: str) -> str:
    return path.replace("{", "<").replace("}", ">")


def _single_and_multi(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    multi: dict[str, list[str]] = {}
    for key, value in pairs:
        multi.setdefault(key, []).append(value)
    if not multi:
        return None, None
    return {key: values[-1] for key, values in multi.items()}, multi


@lru_cache(maxsize=4)
def _route_map(routes: tuple[Route, ...]) -> Map:
    """Compiled once per set of routes: every integration test builds a gateway, and compiling
    the rules was most of its cost. A Map is only read once built (each match binds an adapter)."""
    return Map(
        [
            # ANY: every method the path has no route of its own for, as API Gateway matches it
            # (werkzeug takes the first rule that matches, so the ANY rules come last).
            Rule(_rule_path(r.path), methods=None if r.method == "ANY" else [r.method], endpoint=(r.function, r.path))
            for r in sorted(routes, key=lambda route: route.method == "ANY")
        ],
        strict_slashes=False,
    )


class LocalApiGateway:
    def __init__(self, template: Template, invoke: Invoke, stage: str = "dev") -> None:
        self._invoke = invoke
        self._stage = stage
        # As deployed with the parameters' defaults (CorsAllowOrigin "*"), as the functions here are.
        defaults = Intrinsics(refs=template.parameter_defaults())
        self._responses: dict[str, dict[str, Any]] = defaults.resolve(template.gateway_responses())
        cors = defaults.resolve(template.api().get("Cors", {}))
        # AllowOrigin -> Access-Control-Allow-Origin, MaxAge -> Access-Control-Max-Age
        self._preflight = {f"Access-Control-{_dashed(name)}": _unquoted(value) for name, value in cors.items()}
        self._routes = _route_map(tuple(template.routes()))
        # Served by the local stack itself, not by a function: by exact path, or by a mount's prefix.
        self.extra_routes: dict[str, Callable[[Request], Response]] = {"/api/docs": docs, CONSOLE_MOUNT: console}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self.handle(Request(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        mount = "/" + request.path.strip("/").partition("/")[0]
        if extra := self.extra_routes.get(request.path) or self.extra_routes.get(mount):
            return extra(request)
        try:
            (function, resource), matched = self._routes.bind_to_environ(request.environ).match()
            path_parameters = {str(name): str(value) for name, value in matched.items()}
        except HTTPException:
            return self._gateway_response("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token")
        if request.method == "OPTIONS" and self._preflight:
            # API Gateway's own preflight answer (a mock integration): no authorizer, no function.
            return Response(status=200, headers=self._preflight, content_type="application/json")
        request_id = str(uuid.uuid4())
        context = self._request_context(request, resource, request_id)
        event = self._proxy_event(request, resource, path_parameters, context)
        try:
            result = self._invoke(function, event)
        except Exception:  # the function crashed: API Gateway answers 502
            return self._gateway_response("DEFAULT_5XX", "Internal server error", status=502)
        return self._to_response(result, request_id)

    def _request_context(self, request: Request, resource: str, request_id: str) -> dict[str, Any]:
        now = time.time()
        return {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": request.method,
            "path": f"/{self._stage}{request.path}",
            "stage": self._stage,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "domainName": request.host,
            "identity": {"sourceIp": request.remote_addr or "127.0.0.1", "userAgent": request.user_agent.string},
        }

    def _common_event(self, request: Request, resource: str, path_parameters: dict[str, str]) -> dict[str, Any]:
        headers, multi_headers = _single_and_multi(request.headers.items())
        query, multi_query = _single_and_multi(request.args.items(multi=True))
        return {
            "resource": resource,
            "path": request.path,
            "httpMethod": request.method,
            "headers": headers or {},
            "multiValueHeaders": multi_headers or {},
            "queryStringParameters": query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": path_parameters or None,
            "stageVariables": None,
        }

    def _proxy_event(
        self, request: Request, resource: str, path_parameters: dict[str, str], context: dict[str, Any]
    ) -> dict[str, Any]:
        raw = request.get_data()
        try:
            body, encoded = raw.decode(), False
        except UnicodeDecodeError:
            body, encoded = base64.b64encode(raw).decode(), True
        return {
            **self._common_event(request, resource, path_parameters),
            "requestContext": context,
            "body": body if raw else None,
            "isBase64Encoded": encoded,
        }

    def _to_response(self, result: Any, request_id: str) -> Response:
        if not isinstance(result, dict) or "statusCode" not in result:
            return self._gateway_response("DEFAULT_5XX", "Internal server error", status=502)
        body = result.get("body") or ""
        payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
        response = Response(payload, status=int(result["statusCode"]))
        for name, value in (result.get("headers") or {}).items():
            response.headers[name] = str(value)
        for name, values in (result.get("multiValueHeaders") or {}).items():
            response.headers.remove(name)
            for value in values:
                response.headers.add(name, str(value))
        response.headers["x-amzn-RequestId"] = request_id
        return response

    def _gateway_response(self, kind: str, message: str, status: int | None = None) -> Response:
        """The template's GatewayResponses entry for `kind`, falling back to DEFAULT_4XX/5XX."""
        defaults = {"MISSING_AUTHENTICATION_TOKEN": 403}
        status = status or defaults.get(kind, 500)
        fallback = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
        spec = self._responses.get(kind) or self._responses.get(fallback) or {}
        template = spec.get("ResponseTemplates", {}).get("application/json")
        body = render_gateway_response(template, message)
        headers = {
            name: _unquoted(value) for name, value in spec.get("ResponseParameters", {}).get("Headers", {}).items()
        }
        return Response(
            body, status=int(spec.get("StatusCode", status)), headers=headers, content_type="application/json"
        )


def _dashed(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name)


def _unquoted(value: Any) -> str:
    """A static header value as the template writes it for API Gateway: "'*'" is *."""
    return str(value).strip("'")


def render_gateway_response(template: str | None, message: str) -> str:
    """A GatewayResponses body as API Gateway renders it: `$context.error.messageString` is the
    message already quoted as a JSON string."""
    if template is None:
        return json.dumps({"message": message})
    return template.replace("$context.error.messageString", json.dumps(message))
