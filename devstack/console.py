"""/console on the local stack: the console's static files (console/), as S3 behind CloudFront
serves them in AWS. The page calls the API on this same origin."""

from werkzeug.exceptions import NotFound
from werkzeug.utils import redirect, send_from_directory
from werkzeug.wrappers import Request, Response

from .template import ROOT

CONSOLE_DIR = ROOT / "console"
MOUNT = "/console"


def console(request: Request) -> Response:
    if request.path == MOUNT:  # the page's relative URLs need the trailing slash
        return redirect(MOUNT + "/", code=301)
    name = request.path.removeprefix(MOUNT + "/") or "index.html"
    try:
        response: Response = send_from_directory(CONSOLE_DIR, name, request.environ, max_age=0)
    except NotFound as missing:
        return missing.get_response()
    return response
