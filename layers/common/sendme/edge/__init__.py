"""The Lambda edge: the HTTP resolver and its one error map, SQS batch plumbing."""
