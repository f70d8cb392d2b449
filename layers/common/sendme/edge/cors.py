"""What a browser page on another origin needs to read the API's answers (CORS).

API Gateway answers the preflight (OPTIONS) itself and gives its own errors the same headers
(template.yaml's Cors and GatewayResponses); the functions add them to every answer of theirs.
"""

from dataclasses import dataclass

from sendme.domain.limits import RATE_LIMIT_HEADERS

# Beyond the safelisted response headers, a page's script may read these.
EXPOSED_HEADERS = ("Allow", *RATE_LIMIT_HEADERS)


@dataclass(frozen=True)
class CorsPolicy:
    # One origin, or "*": no credentials ride on cookies, the key is a request header.
    allow_origin: str

    def headers(self) -> dict[str, str]:
        return {
            "Access-Control-Allow-Origin": self.allow_origin,
            "Access-Control-Expose-Headers": ",".join(EXPOSED_HEADERS),
        }
