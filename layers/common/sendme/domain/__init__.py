"""Entities, commands and pure rules: no AWS SDK, no Powertools, no logging."""
