"""`sendme-admin`: create and fund organisations, manage their API keys, load their contacts.

It talks to DynamoDB directly (the same services the API uses), so it works against a
deployed stack with the usual AWS settings and against the local stack's moto endpoint.
"""
