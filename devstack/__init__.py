"""The local stack: template.yaml's resources on an embedded moto server, its API on a local
HTTP front that invokes the handlers in-process, and its SQS event sources drained by pollers."""

import sys
from pathlib import Path

# Lambda puts the layer's contents on the path as /opt/python; locally the layer's source is it.
_LAYER = str(Path(__file__).resolve().parent.parent / "layers" / "common")
if _LAYER not in sys.path:
    sys.path.insert(0, _LAYER)

from .moto_sqs import install as _install_moto_sqs  # noqa: E402
from .moto_transactions import install as _install_moto_transactions  # noqa: E402

_install_moto_sqs()
_install_moto_transactions()
