"""Fixes to moto (5.2, pinned in requirements-dev.txt) where it is far slower or less safe than AWS.

Each module says what it changes and why; what moto decides stays moto's own. `install()` patches
moto's classes in this process, so a moto server or `mock_aws` started afterwards (or already
running) has them. It is called explicitly by whatever runs on moto: the local stack
(`devstack.stack`), the test session (`tests/conftest.py`) and the benchmarks. Importing this
package patches nothing; nothing deployed uses it.
"""

from . import sns, sqs, transactions

_installed = False


def install() -> None:
    """Patch moto with every fix here. Calling it again changes nothing."""
    global _installed
    if _installed:
        return
    sns.install()
    sqs.install()
    transactions.install()
    _installed = True
