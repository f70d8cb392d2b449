"""What every API function's entrypoint is given besides its routes."""

from sendme.config import get_settings
from sendme.edge.cors import CorsPolicy
from sendme.wiring import cached


@cached
def cors_policy() -> CorsPolicy:
    return CorsPolicy(allow_origin=get_settings().cors_allow_origin)
