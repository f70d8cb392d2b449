"""Use cases over storage and outbound adapters; they never call the AWS SDK themselves."""
