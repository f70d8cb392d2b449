"""The AWS environment of everything that runs against moto here: the local stack, its functions'
containers under `sam local`, the tests and the benchmarks. Fake credentials and one region, so
that nothing can reach a real account; no X-Ray daemon and no CloudWatch agent locally, so traces
and EMF metrics are off."""

LOCAL_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    # The tests' webhook receivers listen on 127.0.0.1; a deployed stack refuses it (decision 34).
    "WEBHOOK_LOOPBACK_ONLY": "true",
}
