"""GET /api/docs on the local stack: Swagger UI over the committed openapi.json (which
`make test` keeps equal to what the code says)."""

from functools import cache
from pathlib import Path

from aws_lambda_powertools.event_handler.openapi import swagger_ui
from werkzeug.wrappers import Request, Response

from .template import ROOT

OPENAPI_PATH = ROOT / "openapi.json"


@cache
def _docs_page() -> str:
    # Powertools ships Swagger UI's bundle: inlined, the page needs no CDN.
    assets = Path(swagger_ui.__file__).parent
    return swagger_ui.generate_swagger_html(
        spec=OPENAPI_PATH.read_text().replace("</", "<\\/"),
        swagger_js=(assets / "swagger-ui-bundle.min.js").read_text(),
        swagger_css=(assets / "swagger-ui.min.css").read_text(),
        swagger_base_url="",
        oauth2_config=None,
    )


def docs(request: Request) -> Response:
    """Swagger UI; ?format=json: the document it shows."""
    if request.args.get("format") == "json":
        return Response(OPENAPI_PATH.read_text(), content_type="application/json")
    return Response(_docs_page(), content_type="text/html; charset=utf-8")
