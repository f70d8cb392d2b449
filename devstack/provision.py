"""Creates template.yaml's tables, queues and other resources from their own properties.

The local stack and the integration tests both build their AWS resources here, so a schema
change in the template is a schema change everywhere: there is no second copy to drift.
"""

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3

from .template import Intrinsics, Template
from .topics import create_topics, subscribe_functions

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ACCOUNT_ID = "123456789012"
_TABLE_ARGUMENTS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
)
_QUEUE_ATTRIBUTES = ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds")


@dataclass
class Stack:
    name: str
    template: Template
    intrinsics: Intrinsics
    # Function -> the queue its SNS subscription delivers to here (devstack.topics).
    topic_queues: dict[str, str] = field(default_factory=dict)

    def environment(self, function: str) -> dict[str, str]:
        return {
            key: str(value)
            for key, value in self.intrinsics.resolve(self.template.function_environment(function)).items()
        }

    def shared_environment(self) -> dict[str, str]:
        """The variables every function gets, resolved: what in-process handlers run with."""
        merged: dict[str, str] = {}
        for function in self.template.of_type("AWS::Serverless::Function"):
            merged.update(self.environment(function))
        merged.pop("POWERTOOLS_SERVICE_NAME", None)
        merged.pop("AWS_ENDPOINT_URL", None)  # in-process handlers use the stack's own endpoint
        return merged

    def ref(self, logical: str) -> str:
        return self.intrinsics.refs[logical]


def _create_table(client: "DynamoDBClient", name: str, properties: dict[str, Any]) -> None:
    arguments = {k: properties[k] for k in _TABLE_ARGUMENTS if k in properties}
    if stream := properties.get("StreamSpecification"):
        # CloudFormation enables a stream by naming its view type; the API wants it said.
        arguments["StreamSpecification"] = {"StreamEnabled": True, **stream}
    client.create_table(TableName=name, **arguments)
    if ttl := properties.get("TimeToLiveSpecification"):
        client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)


def _create_queues(
    session: boto3.session.Session, stack: str, queues: dict[str, dict[str, Any]], intrinsics: Intrinsics
) -> None:
    client = session.client("sqs")
    # Dead-letter queues first: a queue's RedrivePolicy needs its target's ARN.
    for logical in sorted(queues, key=lambda name: "RedrivePolicy" in queues[name]):
        properties = intrinsics.resolve(queues[logical])
        attributes = {key: str(properties[key]) for key in _QUEUE_ATTRIBUTES if key in properties}
        if "RedrivePolicy" in properties:
            attributes["RedrivePolicy"] = json.dumps(properties["RedrivePolicy"])
        name = f"{stack}-{logical}"
        url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]  # type: ignore[arg-type]
        intrinsics.refs[logical] = url
        intrinsics.attributes[(logical, "QueueName")] = name
        intrinsics.attributes[(logical, "Arn")] = f"arn:aws:sqs:{session.region_name}:{ACCOUNT_ID}:{name}"


def provision(template: Template, stack_name: str, session: boto3.session.Session | None = None) -> Stack:
    session = session or boto3.session.Session()
    intrinsics = Intrinsics(
        refs={
            **template.parameter_defaults(),
            "AWS::Region": session.region_name,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": stack_name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
    )
    # One client for every table: a client costs more to build than a table to create on moto.
    dynamodb = session.client("dynamodb")
    for logical, properties in template.of_type("AWS::DynamoDB::Table").items():
        name = f"{stack_name}-{logical}"
        _create_table(dynamodb, name, properties)
        intrinsics.refs[logical] = name
    _create_queues(session, stack_name, template.of_type("AWS::SQS::Queue"), intrinsics)
    for logical in template.of_type("AWS::SES::ConfigurationSet"):
        name = f"{stack_name}-{logical}"
        session.client("sesv2").create_configuration_set(ConfigurationSetName=name)
        intrinsics.refs[logical] = name
    create_topics(session, stack_name, template, intrinsics)
    topic_queues = subscribe_functions(session, stack_name, template, intrinsics)
    # In AWS the sender is verified once by hand (see README); moto refuses unverified senders.
    session.client("ses").verify_email_identity(EmailAddress=intrinsics.refs["SenderEmail"])
    return Stack(name=stack_name, template=template, intrinsics=intrinsics, topic_queues=topic_queues)
