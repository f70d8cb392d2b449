"""The template's SNS topics and the functions subscribed to them, on moto.

moto cannot invoke a Lambda subscriber, so each function's SNS subscription becomes an SQS queue
subscribed to the topic: moto delivers every notification there, wrapped as SNS wraps it, and a
poller hands it to the function as the SNS event Lambda would (`lambda_sns_event`). Whatever
publishes to the topic, in the local stack or a test, reaches the function as in AWS.
"""

import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3

from .template import Intrinsics, Template


def create_topics(session: boto3.session.Session, stack: str, template: Template, intrinsics: Intrinsics) -> None:
    client = session.client("sns")
    for logical in template.of_type("AWS::SNS::Topic"):
        arn = client.create_topic(Name=f"{stack}-{logical}")["TopicArn"]
        intrinsics.refs[logical] = arn
        intrinsics.attributes[(logical, "TopicName")] = f"{stack}-{logical}"


def subscribe_functions(
    session: boto3.session.Session, stack: str, template: Template, intrinsics: Intrinsics
) -> dict[str, str]:
    """For each function's SNS event, a queue subscribed to its topic: function -> queue URL."""
    sns, sqs = session.client("sns"), session.client("sqs")
    queues: dict[str, str] = {}
    for function, event in template.events("SNS"):
        url = sqs.create_queue(QueueName=f"{stack}-{function}-sns")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=intrinsics.resolve(event["Topic"]), Protocol="sqs", Endpoint=arn)
        queues[function] = url
    return queues


def sns_subscriber(invoke: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    """What a bridge queue's poller calls: the function, given the SNS event of the records."""
    return lambda sqs_event: invoke(lambda_sns_event(sqs_event))


def lambda_sns_event(sqs_event: dict[str, Any]) -> dict[str, Any]:
    """The SNS event Lambda invokes a subscriber with, from the bridge queue's SQS records."""
    records = []
    for record in sqs_event["Records"]:
        envelope = json.loads(record["body"])
        topic = envelope["TopicArn"]
        records.append(
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic}:{uuid.uuid4()}",
                "Sns": {
                    "Type": envelope["Type"],
                    "MessageId": envelope["MessageId"],
                    "TopicArn": topic,
                    "Subject": envelope.get("Subject"),
                    "Message": envelope["Message"],
                    "Timestamp": envelope["Timestamp"],
                    "SignatureVersion": envelope.get("SignatureVersion", "1"),
                    "Signature": envelope.get("Signature", "EXAMPLE"),
                    "SigningCertUrl": envelope.get("SigningCertURL"),
                    "UnsubscribeUrl": envelope.get("UnsubscribeURL"),
                    "MessageAttributes": envelope.get("MessageAttributes", {}),
                },
            }
        )
    return {"Records": records}
