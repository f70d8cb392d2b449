"""Loaded by schemathesis (tests/fuzz/schemathesis.toml): the import's files are sent as the text they are."""

import schemathesis

schemathesis.serializer.alias(["text/csv", "application/x-ndjson"], "text/plain")
