"""`make deploy` publishes the console: its files and a config.json naming the stack's API."""

import json

import boto3
from moto import mock_aws

from tools.publish_console import CONSOLE, publish, stack_of


@mock_aws
def test_publish_console_uploads_every_file_and_the_api_it_calls():
    # Given the stack's console bucket
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="console")
    # When the console is published for an API
    publish(s3, "console", "https://abc.execute-api.us-east-1.amazonaws.com/prod/")
    # Then every file is there with its type, and config.json points the page at that API
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket="console")["Contents"]}
    assert keys == {path.name for path in CONSOLE.iterdir()} | {"config.json"}
    config = s3.get_object(Bucket="console", Key="config.json")
    assert json.load(config["Body"]) == {"apiBase": "https://abc.execute-api.us-east-1.amazonaws.com/prod"}
    assert s3.head_object(Bucket="console", Key="app.js")["ContentType"] == "text/javascript"
    assert s3.head_object(Bucket="console", Key="index.html")["CacheControl"] == "no-cache"


def test_publish_console_targets_the_stack_each_environment_deploys():
    assert stack_of("default") == ("sendme-dev", "us-east-1")
    assert stack_of("prod") == ("sendme-prod", "us-east-1")
